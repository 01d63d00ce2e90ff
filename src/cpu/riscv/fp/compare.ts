/**
 * Non-arithmetic FP operations shared by both formats: classification
 * (fclass), the NaN rules of comparisons, and the operand choice of fmin/fmax
 * (IEEE 754-2019 minimumNumber/maximumNumber). Bit-level tests work on a
 * format's high word (a single's only word, a double's upper word) described
 * by a Layout.
 */
import { FFlag } from "../hart.js";
import type { FlagSink } from "./round.js";

/** Where the fields of a format sit in its high word. */
export interface Layout {
  /** Exponent field */
  readonly expMask: number;
  /** Fraction bits in this word */
  readonly fracMask: number;
  /** The quiet bit (most significant fraction bit) */
  readonly quiet: number;
}

/** Layout of a single. */
export const SINGLE: Layout = { expMask: 0x7f800000, fracMask: 0x007fffff, quiet: 0x00400000 };
/** Layout of a double's upper word. */
export const DOUBLE: Layout = { expMask: 0x7ff00000, fracMask: 0x000fffff, quiet: 0x00080000 };

/** fclass result bits. */
export const enum FClass {
  /** -infinity */
  NegInf = 1 << 0,
  /** negative normal */
  NegNormal = 1 << 1,
  /** negative subnormal */
  NegSubnormal = 1 << 2,
  /** -0 */
  NegZero = 1 << 3,
  /** +0 */
  PosZero = 1 << 4,
  /** positive subnormal */
  PosSubnormal = 1 << 5,
  /** positive normal */
  PosNormal = 1 << 6,
  /** +infinity */
  PosInf = 1 << 7,
  /** signaling NaN */
  SNaN = 1 << 8,
  /** quiet NaN */
  QNaN = 1 << 9,
}

/** The fclass mask of a value from its high word and whether any fraction bit in its low word is set. */
export function fclass(hi: number, loFrac: boolean, l: Layout): number {
  const neg = hi < 0;
  const e = hi & l.expMask;
  const frac = (hi & l.fracMask) !== 0 || loFrac;
  if (e === l.expMask) {
    if (frac) return (hi & l.quiet) !== 0 ? FClass.QNaN : FClass.SNaN;
    return neg ? FClass.NegInf : FClass.PosInf;
  }
  if (e === 0) {
    if (frac) return neg ? FClass.NegSubnormal : FClass.PosSubnormal;
    return neg ? FClass.NegZero : FClass.PosZero;
  }
  return neg ? FClass.NegNormal : FClass.PosNormal;
}

/** True when a value known to be NaN, with high word hi, is signaling. */
export function signaling(hi: number, l: Layout): boolean {
  return (hi & l.quiet) === 0;
}

/**
 * Flags of a comparison with a NaN operand: feq (quiet) raises NV only for a
 * signaling NaN, flt and fle (signaling) for any NaN. The result is always 0.
 */
export function nanCompare(h: FlagSink, quiet: boolean, anySignaling: boolean): number {
  if (!quiet || anySignaling) h.fflags |= FFlag.NV;
  return 0;
}

/** Outcome of fmin/fmax: which operand to write. */
export const enum Pick {
  /** rs1 */
  A,
  /** rs2 */
  B,
  /** the canonical NaN */
  NaN,
}

/**
 * Which operand fmin (max false) or fmax (max true) returns: a NaN operand
 * loses to a number, two NaNs give the canonical NaN, and -0 < +0. The caller
 * raises NV for signaling NaN inputs.
 */
export function pickMinMax(a: number, b: number, max: boolean): Pick {
  if (a !== a) return b !== b ? Pick.NaN : Pick.B;
  if (b !== b) return Pick.A;
  if (a === b) {
    if (a !== 0) return Pick.A;
    const aNeg = 1 / a < 0;
    return aNeg === max ? Pick.B : Pick.A; // min prefers -0, max prefers +0
  }
  return (a < b) !== max ? Pick.A : Pick.B;
}
