/**
 * The control plane's handle on one guest VM: its definition, its state, its
 * console log and viewers, and (while it lives) the worker thread that runs
 * it. Requests to the worker are answered by id; a worker that dies (a crash,
 * its memory limit) leaves the VM Stopped with the reason, and the rest of
 * the server untouched.
 */
import { Worker } from "node:worker_threads";
import type { MachineConfig, MachineState } from "../system/machine.js";
import { ApiError, conflict } from "./api/errors.js";
import { ConsoleLog } from "./console-log.js";
import { NO_METRICS, type FromWorker, type Request, type ToWorker, type VmMetrics, type WorkerInit } from "./protocol.js";

const WORKER = new URL("../hypervisor/worker.js", import.meta.url); // also right from dist/src/bundle/
/** Default heap limit of a guest's worker thread (guest RAM is outside the heap). */
export const WORKER_HEAP_MIB = 256;
/** How long a worker may take to obey InstanceStop before it is terminated. */
const STOP_GRACE_MS = 5000;

/**
 * The salt of a VM's default switch MAC addresses: 24 bits of its id's
 * FNV-1a hash, so that guests of one host on one switch differ, and a VM
 * keeps its MAC over restarts of the server.
 */
export function macSalt(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return (h ^ (h >>> 24)) & 0xffffff || 1;
}

/** Who sees a VM's console as it happens (a WebSocket). */
export interface ConsoleViewer {
  send(bytes: Uint8Array): void;
}

/** One VM of the hypervisor. */
export class VmHandle {
  state: MachineState | "Starting" = "NotStarted";
  /** Why the VM stopped, when it has. */
  stopReason: string | undefined = undefined;
  readonly console = new ConsoleLog();
  readonly viewers = new Set<ConsoleViewer>();
  private worker: Worker | undefined = undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private startedAt = 0;
  /** performance.now() when it stopped (0 while it runs), when the current pause began, and time paused. */
  private stoppedAt = 0;
  private pausedAt = 0;
  private pausedMs = 0;
  /** A stop reason set by the host (a migration) that wins over the worker's. */
  private stopOverride: string | undefined = undefined;
  /** Metrics of the last run, kept after its worker ended. */
  private lastMetrics: VmMetrics | undefined = undefined;
  /** Called when the VM's state changes (the manager persists nothing of it, but may log). */
  onState: (h: VmHandle) => void = () => {};

  constructor(
    readonly id: string,
    /** The definition; a VM restored from a snapshot gets the snapshot's once it has started. */
    public config: MachineConfig,
    /** When the definition was created (ISO time). */
    readonly created: string,
    /** Heap limit of its worker thread, MiB: a worker that exceeds it is ended and the VM reported stopped. */
    private readonly heapMiB = WORKER_HEAP_MIB,
  ) {}

  /** Guest RAM this VM holds from the host's budget while it has a worker. */
  get memoryMiB(): number {
    return this.config.memoryMiB ?? 128;
  }

  /** True while a worker exists (the VM's RAM is allocated). */
  get live(): boolean {
    return this.worker !== undefined;
  }

  /** Seconds the VM has run since its last start, pauses not counted. */
  get uptimeSeconds(): number {
    if (this.startedAt === 0) return 0;
    const end = this.stoppedAt !== 0 ? this.stoppedAt : performance.now();
    const paused = this.pausedMs + (this.state === "Paused" ? end - this.pausedAt : 0);
    return (end - this.startedAt - paused) / 1000;
  }

  /**
   * Boots the VM in a new worker (from NotStarted or Stopped), or restores it
   * from snapshot files; resolves with the machine's config as the worker resolved it.
   */
  async start(restore?: WorkerInit["restore"]): Promise<MachineConfig> {
    this.spawn({ config: { ...this.config, macSalt: this.config.macSalt ?? macSalt(this.id) }, restore });
    return this.requestStart();
  }

  /**
   * Live migration, destination side: a worker that gathers the RAM pages of a
   * `memoryMiB` guest (incomingPages) until finishIncoming brings its state.
   */
  prepareIncoming(memoryMiB: number): void {
    this.spawn({ config: this.config, incoming: { memoryMiB } });
  }

  /** Live migration, destination side: a batch of RAM page records. */
  async incomingPages(records: Uint8Array): Promise<void> {
    await this.request({ type: "incoming-pages", id: 0, records });
  }

  /** Live migration, destination side: the machine state; the guest runs on here. */
  finishIncoming(state: Uint8Array): Promise<MachineConfig> {
    return this.requestStart(state);
  }

  /** A new worker for this VM, which is Starting until it answers a start request. */
  private spawn(init: WorkerInit): void {
    if (this.worker !== undefined) throw conflict(`VM ${this.id} is ${this.state}`);
    this.state = "Starting";
    this.stopReason = undefined;
    this.stopOverride = undefined;
    const w = new Worker(WORKER, { workerData: init, resourceLimits: { maxOldGenerationSizeMb: this.heapMiB } });
    this.worker = w;
    w.on("message", (m: FromWorker) => this.onMessage(m));
    w.on("error", (e: Error & { code?: string }) => {
      this.ended(e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "its worker ran out of memory (heap limit)" : `its worker failed: ${e.message}`);
    });
    w.on("exit", () => this.ended(this.stopReason ?? "its worker exited"));
  }

  /** Asks the worker to start the machine (with a migration's `state`); its worker ends if it cannot. */
  private async requestStart(state?: Uint8Array): Promise<MachineConfig> {
    const w = this.worker!;
    try {
      const config = (await this.request({ type: "start", id: 0, state })) as MachineConfig;
      this.startedAt = performance.now();
      this.stoppedAt = 0;
      this.pausedMs = 0;
      if ((this.state as string) === "Paused") this.pausedAt = this.startedAt;
      return config;
    } catch (e) {
      void w.terminate();
      throw e;
    }
  }

  /** Pauses a running VM (resolves once it runs nothing). */
  async pause(): Promise<void> {
    this.requireLive("pause");
    await this.request({ type: "pause", id: 0 });
  }

  /** Resumes a paused VM. */
  async resume(): Promise<void> {
    this.requireLive("resume");
    await this.request({ type: "resume", id: 0 });
  }

  /**
   * Stops the VM (`reason` replaces the worker's own account); a worker that does
   * not obey within STOP_GRACE_MS is terminated. Resolves once it has no worker.
   */
  async stop(reason?: string): Promise<void> {
    const w = this.worker;
    if (w === undefined) return;
    if (reason !== undefined) this.stopOverride = reason;
    const gone = new Promise<void>((r) => w.once("exit", () => r()));
    this.post({ type: "stop" });
    const timer = setTimeout(() => { this.stopReason ??= "stopped by the host (its worker did not answer; terminated)"; void w.terminate(); }, STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }

  /** Sends console input to the guest (queued there until the guest reads it). */
  input(bytes: Uint8Array): void {
    this.requireLive("send console input to it");
    this.post({ type: "input", bytes });
  }

  /** The VM's metrics (from its worker while it lives, else those of its last run). */
  async metrics(): Promise<VmMetrics> {
    if (this.worker === undefined) return this.lastMetrics ?? NO_METRICS;
    return (await this.request({ type: "metrics", id: 0 })) as VmMetrics;
  }

  /** Opens a GDB stub for the running or paused VM on 127.0.0.1:`port` (0: any free port); resolves with the port. */
  async openGdb(port: number): Promise<number> {
    this.requireLive("debug it");
    return ((await this.request({ type: "gdb", id: 0, port })) as { port: number }).port;
  }

  /** Writes a snapshot of the (paused) VM to the two files. */
  async snapshot(statePath: string, memPath: string): Promise<void> {
    if (this.state !== "Paused") throw conflict(`VM ${this.id} is ${this.state}; pause it before taking a snapshot`);
    await this.request({ type: "snapshot", id: 0, statePath, memPath });
  }

  /** Live migration, source side: RAM page records changed since the last call (all non-zero pages at first). */
  async migratePages(): Promise<Uint8Array> {
    this.requireLive("migrate it");
    return (await this.request({ type: "migrate-pages", id: 0 })) as Uint8Array;
  }

  /** Live migration, source side: the paused machine's state file bytes. */
  async migrateState(): Promise<Uint8Array> {
    this.requireLive("migrate it");
    return (await this.request({ type: "migrate-state", id: 0 })) as Uint8Array;
  }

  private requireLive(what: string): void {
    if (this.worker === undefined) throw conflict(`cannot ${what}: VM ${this.id} is ${this.state}`);
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private request(r: Request): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ ...r, id });
    });
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case "reply": {
        const w = this.waiting.get(m.id);
        if (w === undefined) return;
        this.waiting.delete(m.id);
        if (m.ok) w.resolve(m.value);
        else w.reject(new ApiError(m.status, m.message));
        return;
      }
      case "console":
        this.console.append(m.bytes);
        for (const v of this.viewers) v.send(m.bytes);
        return;
      case "state":
        if (m.state === "Stopped") {
          this.stopReason = this.stopOverride ?? m.reason;
          // Keep the final counters, then let the worker go.
          const w = this.worker;
          void this.request({ type: "metrics", id: 0 }).then((v) => { this.lastMetrics = v as VmMetrics; }, () => {})
            .finally(() => { void w?.terminate(); });
          setTimeout(() => void w?.terminate(), 1000).unref();
        }
        if (m.state === "Paused") this.pausedAt = performance.now();
        if (this.state === "Paused" && m.state !== "Paused") this.pausedMs += performance.now() - this.pausedAt;
        if (m.state === "Stopped" && this.stoppedAt === 0) this.stoppedAt = performance.now();
        this.state = m.state;
        this.onState(this);
        return;
    }
  }

  /** The worker is gone: the VM is Stopped, and requests still waiting fail. */
  private ended(reason: string): void {
    if (this.worker === undefined) return;
    this.worker = undefined;
    if (this.state === "Paused") this.pausedMs += performance.now() - this.pausedAt;
    if (this.stoppedAt === 0 && this.startedAt !== 0) this.stoppedAt = performance.now();
    this.state = "Stopped";
    this.stopReason ??= this.stopOverride ?? reason;
    for (const w of this.waiting.values()) w.reject(conflict(`VM ${this.id} stopped: ${this.stopReason}`));
    this.waiting.clear();
    this.onState(this);
  }
}
