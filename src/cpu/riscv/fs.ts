/**
 * The floating-point unit's on/off switch and dirty tracking (mstatus.FS,
 * privileged spec 3.1.6.6). The run loop calls fpTouch() before an FP
 * instruction only when hart.mstatusFs is not Dirty, so a process VM hart (always
 * Dirty) and a kernel's FP-heavy user code pay one compare.
 */
import { Op, ROW_BY_OP } from "../../isa/riscv/table.js";
import { FsState, type Hart } from "./hart.js";
import { Cause, Trap } from "./trap.js";

/**
 * Before an FP instruction runs while FS is not Dirty: with FS Off it raises
 * an illegal-instruction exception; otherwise, when the instruction writes FP
 * state (`writes`), FS becomes Dirty. Instructions that only read FP registers
 * (stores, moves to integer registers, fclass) leave FS as it is. Compares and
 * conversions to integers may set fflags, and count as writers (the spec lets
 * a write that changes nothing set Dirty).
 */
export function fpTouch(h: Hart, writes: boolean): void {
  if (h.mstatusFs === FsState.Off) throw new Trap(Cause.IllegalInsn, 0, 0);
  if (writes) h.mstatusFs = FsState.Dirty;
}

/** How an op uses FP state, for the run loop's generic arm. */
export const enum FpUse {
  /** Not an FP instruction */
  None = 0,
  /** Reads FP registers only */
  Reads = 1,
  /** Writes an FP register or fflags */
  Writes = 2,
}

const READ_ONLY = new Set<Op>([Op.FSW, Op.FSD, Op.FMV_X_W, Op.FMV_X_D, Op.FCLASS_S, Op.FCLASS_D]);

/** FpUse of every op, from the instruction table's F and D rows. */
export const FP_USE: Uint8Array = (() => {
  const t = new Uint8Array(Op.COUNT);
  for (let op = 0; op < Op.COUNT; op++) {
    const r = ROW_BY_OP[op];
    if (r && (r.ext === "f" || r.ext === "d")) t[op] = READ_ONLY.has(op) ? FpUse.Reads : FpUse.Writes;
  }
  return t;
})();
