/**
 * A debugger's breakpoints and watchpoints, and running a hart under them one
 * instruction at a time: a breakpoint stops before the instruction at its
 * address runs; a watchpoint stops before an instruction whose data access
 * overlaps it (RISC-V triggers fire "before", and GDB steps over the access
 * itself, as it does with the hardware). While none is set, and no step is
 * asked for, the VM runs at full speed on its usual tiers.
 */
import { Exit } from "../cpu/riscv/run.js";
import type { Hart } from "../cpu/riscv/hart.js";
import { step } from "../cpu/riscv/step.js";
import { dataAccess } from "../cpu/riscv/priv/watch.js";

/** A watchpoint's kind, as GDB's Z2 (write), Z3 (read) and Z4 (access) packets set them. */
export const enum WatchKind {
  Write = 2,
  Read = 3,
  Access = 4,
}

interface Watchpoint {
  kind: WatchKind;
  addr: bigint;
  len: number;
}

/** What stopped a run under the points. */
export type Hit =
  | { kind: "break" }
  | { kind: "watch"; watch: WatchKind; addr: bigint };

/** The breakpoints and watchpoints of one debugging session. */
export class DebugPoints {
  private readonly breaks = new Set<bigint>();
  private readonly watches: Watchpoint[] = [];

  /** True while any point is set (the VM must then run under runPoints). */
  get any(): boolean {
    return this.breaks.size !== 0 || this.watches.length !== 0;
  }

  /** Removes every point (the debugger detached). */
  clear(): void {
    this.breaks.clear();
    this.watches.length = 0;
  }

  /** Sets a breakpoint at `addr` (GDB's Z0 and Z1 alike: both are checked before the instruction). */
  addBreak(addr: bigint): void {
    this.breaks.add(addr);
  }

  /** Removes the breakpoint at `addr`. */
  removeBreak(addr: bigint): void {
    this.breaks.delete(addr);
  }

  /** Watches `len` bytes at `addr` for accesses of `kind`. */
  addWatch(kind: WatchKind, addr: bigint, len: number): void {
    this.watches.push({ kind, addr, len });
  }

  /** Removes a watchpoint set with the same arguments. */
  removeWatch(kind: WatchKind, addr: bigint, len: number): void {
    const i = this.watches.findIndex((w) => w.kind === kind && w.addr === addr && w.len === len);
    if (i >= 0) this.watches.splice(i, 1);
  }

  /** The point the instruction at h's pc would hit, if any. */
  hit(h: Hart): Hit | undefined {
    if (this.breaks.has(h.pc)) return { kind: "break" };
    if (this.watches.length === 0) return undefined;
    const a = dataAccess(h);
    if (a === undefined) return undefined;
    for (const w of this.watches) {
      const wants = w.kind === WatchKind.Access || (w.kind === WatchKind.Write ? a.store : a.load);
      if (wants && a.addr < w.addr + BigInt(w.len) && w.addr < a.addr + BigInt(a.size)) return { kind: "watch", watch: w.kind, addr: w.addr };
    }
    return undefined;
  }
}

/**
 * Runs hart h one instruction at a time (`stepOne`, which a system VM points
 * at its guest's own triggers) for up to `budget` instructions, stopping
 * before one that hits a point: `onHit` is told, and the result is
 * Exit.Budget. The instruction at the starting pc is not checked when
 * `skipFirst` (resuming from the point that stopped it).
 */
export function runPoints(h: Hart, points: DebugPoints, budget: number, skipFirst: boolean, onHit: (hit: Hit) => void,
  stepOne: (h: Hart) => Exit = step): Exit {
  for (let n = 0; n < budget; n++) {
    if (n > 0 || !skipFirst) {
      const hit = points.hit(h);
      if (hit !== undefined) { onHit(hit); return Exit.Budget; }
    }
    const exit = stepOne(h);
    if (exit !== Exit.Budget) return exit;
  }
  return Exit.Budget;
}
