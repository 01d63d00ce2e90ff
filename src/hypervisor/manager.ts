/**
 * The VMs of one hypervisor: their definitions (persisted in the state dir as
 * vms/ID.json, so a restarted server lists the same VMs, as stopped), the
 * memory budget every running VM's RAM is charged to, and their handles.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MachineConfig } from "../system/machine.js";
import { ApiError, conflict, notFound } from "./api/errors.js";
import { VmHandle, WORKER_HEAP_MIB } from "./vm-handle.js";

/** What is stored per VM. */
interface VmRecord {
  id: string;
  created: string;
  config: MachineConfig;
}

export class VmManager {
  private readonly vms = new Map<string, VmHandle>();
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

  /** Starts VM `id` if its RAM fits in what the budget has left (507 otherwise). */
  async start(h: VmHandle, restore?: { statePath: string; memPath: string }): Promise<void> {
    const free = this.memoryBudgetMiB - this.memoryUsedMiB;
    if (!h.live && h.memoryMiB > free) {
      throw new ApiError(507, `VM '${h.id}' needs ${h.memoryMiB} MiB; ${free} MiB of the ${this.memoryBudgetMiB} MiB budget is free`);
    }
    await h.start(restore);
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
