/**
 * The VMs of one hypervisor: their definitions (persisted in the state dir as
 * vms/ID.json, so a restarted server lists the same VMs, as stopped), the
 * memory budget every running VM's RAM is charged to, and their handles.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MachineConfig } from "../system/machine.js";
import { readFileSync as readFile } from "node:fs";
import { decodeState } from "../system/snapshot/state-file.js";
import { ApiError, badRequest, conflict, notFound } from "./api/errors.js";
import { checkSlots } from "./api/create-vm.js";
import { MAX_NICS } from "./api/network-interface.js";
import type { NetSpec } from "../net/spec.js";
import { VmHandle, WORKER_HEAP_MIB } from "./vm-handle.js";

/** What is stored per VM. */
interface VmRecord {
  id: string;
  created: string;
  config: MachineConfig;
}

export class VmManager {
  private readonly vms = new Map<string, VmHandle>();
  /** Live migrations arriving, by VM id: handles whose workers gather the pages (their RAM counts against the budget). */
  private readonly incoming = new Map<string, VmHandle>();
  private readonly dir: string;

  constructor(
    stateDir: string,
    /** Total guest RAM (MiB) the running VMs may hold. */
    readonly memoryBudgetMiB: number,
    /** Heap limit of each guest's worker thread, MiB. */
    private readonly workerHeapMiB = WORKER_HEAP_MIB,
  ) {
    this.dir = join(stateDir, "vms");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith(".json")) continue;
      try {
        const r = JSON.parse(readFileSync(join(this.dir, f), "utf8")) as VmRecord;
        const h = new VmHandle(r.id, r.config, r.created, this.workerHeapMiB);
        h.state = "Stopped";
        h.stopReason = "the hypervisor restarted";
        this.vms.set(r.id, h);
      } catch {
        // A damaged record is skipped (and left for the operator to look at).
      }
    }
  }

  /** All VMs, by id. */
  list(): VmHandle[] {
    return [...this.vms.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The VM `id`, or a 404. */
  get(id: string): VmHandle {
    const h = this.vms.get(id);
    if (h === undefined) throw notFound(`no VM '${id}'`);
    return h;
  }

  /** MiB of guest RAM held by VMs that have a worker. */
  get memoryUsedMiB(): number {
    let n = 0;
    for (const h of this.vms.values()) if (h.live || h.state === "Starting") n += h.memoryMiB;
    for (const h of this.incoming.values()) n += h.memoryMiB;
    return n;
  }

  /** Defines a VM (409 when the id exists, 507 when its RAM could never fit the budget). */
  create(id: string, config: MachineConfig): VmHandle {
    if (this.vms.has(id)) throw conflict(`VM '${id}' exists already`);
    const h = new VmHandle(id, config, new Date().toISOString(), this.workerHeapMiB);
    if (h.memoryMiB > this.memoryBudgetMiB) {
      throw new ApiError(507, `VM '${id}' wants ${h.memoryMiB} MiB; the memory budget is ${this.memoryBudgetMiB} MiB`);
    }
    this.save({ id, created: h.created, config });
    this.vms.set(id, h);
    return h;
  }

  /**
   * Adds network card `spec.id` to VM `h`, or replaces the card of that id
   * (only while the VM has no worker: cards are plugged in before it boots).
   */
  setNetworkInterface(h: VmHandle, spec: NetSpec): void {
    this.requireDown(h, "change its network interfaces");
    const nets = [...(h.config.nets ?? [])];
    const at = nets.findIndex((n) => n.id === spec.id);
    if (at >= 0) nets[at] = spec;
    else {
      if (nets.length >= MAX_NICS) throw badRequest(`VM '${h.id}' has ${MAX_NICS} network interfaces already`);
      nets.push(spec);
    }
    const config = { ...h.config, nets };
    checkSlots(config);
    h.config = config;
    this.save({ id: h.id, created: h.created, config });
  }

  /** Removes network card `ifaceId` from VM `h` (404 when it has none of that id). */
  removeNetworkInterface(h: VmHandle, ifaceId: string): void {
    this.requireDown(h, "change its network interfaces");
    const nets = (h.config.nets ?? []).filter((n) => n.id !== ifaceId);
    if (nets.length === (h.config.nets ?? []).length) throw notFound(`VM '${h.id}' has no network interface '${ifaceId}'`);
    const { nets: _, ...rest } = h.config;
    h.config = nets.length > 0 ? { ...rest, nets } : rest;
    this.save({ id: h.id, created: h.created, config: h.config });
  }

  /** A 409 while `h` has a worker. */
  private requireDown(h: VmHandle, what: string): void {
    if (h.live || h.state === "Starting") throw conflict(`cannot ${what}: VM '${h.id}' is ${h.state} (stop it first)`);
  }

  /** Starts VM `id` if its RAM fits in what the budget has left (507 otherwise). */
  async start(h: VmHandle, restore?: { statePath: string; memPath: string; resume: boolean }): Promise<void> {
    if (!h.live) this.requireFree(h);
    const config = await h.start(restore);
    if (restore !== undefined) h.config = config;
  }

  /**
   * Creates VM `id` from a snapshot's files (paths already checked): it runs on
   * at once when `resume`, else it is Paused. Files that are refused (truncated,
   * corrupted, foreign, newer) give a 400 and no VM.
   */
  async load(id: string, statePath: string, memPath: string, resume: boolean): Promise<VmHandle> {
    if (this.vms.has(id)) throw conflict(`VM '${id}' exists already`);
    let memoryMiB: number, harts: number;
    try {
      ({ memoryMiB, harts } = decodeState(readFile(statePath), `snapshot state file ${statePath}`).config);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    const h = new VmHandle(id, { memoryMiB, harts }, new Date().toISOString(), this.workerHeapMiB);
    this.vms.set(id, h);
    try {
      await this.start(h, { statePath, memPath, resume });
    } catch (e) {
      this.vms.delete(id);
      await h.stop();
      if (e instanceof ApiError && e.status === 409) throw badRequest(h.stopReason ?? e.message);
      throw e;
    }
    this.save({ id, created: h.created, config: h.config });
    return h;
  }

  /**
   * A live migration of VM `id` with `config` begins to arrive: a worker is
   * started now to gather its pages (409 when the id is taken, 507 when it does not fit).
   */
  beginIncoming(id: string, config: MachineConfig): void {
    if (this.vms.has(id) || this.incoming.has(id)) throw conflict(`VM '${id}' exists already here`);
    const h = new VmHandle(id, config, new Date().toISOString(), this.workerHeapMiB);
    this.requireFree(h);
    h.prepareIncoming(h.memoryMiB);
    this.incoming.set(id, h);
  }

  /** The handle of the live migration arriving for `id`, or a 404. */
  incomingFor(id: string): VmHandle {
    const h = this.incoming.get(id);
    if (h === undefined) throw notFound(`no migration of '${id}' is arriving`);
    return h;
  }

  /** Drops an arriving migration (the source gave up). */
  async abortIncoming(id: string): Promise<void> {
    const h = this.incoming.get(id);
    this.incoming.delete(id);
    await h?.stop();
  }

  /** The last part of a migration arrived: VM `id` is restored from the pages and `state`, and runs on. */
  async finishIncoming(id: string, state: Uint8Array): Promise<VmHandle> {
    const h = this.incomingFor(id);
    this.incoming.delete(id);
    try {
      h.config = await h.finishIncoming(state);
    } catch (e) {
      await h.stop();
      throw e instanceof ApiError && e.status === 409 ? badRequest(h.stopReason ?? e.message) : e;
    }
    this.vms.set(id, h);
    this.save({ id, created: h.created, config: h.config });
    return h;
  }

  /** Throws a 507 unless the budget has room left for `h`'s RAM. */
  private requireFree(h: VmHandle): void {
    const free = this.memoryBudgetMiB - this.memoryUsedMiB;
    if (h.memoryMiB > free) throw new ApiError(507, `VM '${h.id}' needs ${h.memoryMiB} MiB; ${free} MiB of the ${this.memoryBudgetMiB} MiB budget is free`);
  }

  /** Stops and forgets VM `id`. */
  async delete(id: string): Promise<void> {
    const h = this.get(id);
    await h.stop();
    this.vms.delete(id);
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /** Stops every VM (server shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.vms.values()].map((h) => h.stop()));
  }

  private save(r: VmRecord): void {
    const tmp = join(this.dir, `.${r.id}.json.tmp`);
    writeFileSync(tmp, JSON.stringify(r, null, 2) + "\n", { mode: 0o600 });
    renameSync(tmp, join(this.dir, `${r.id}.json`));
  }
}
