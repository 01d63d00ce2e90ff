/**
 * Conversions between floating-point values and 32/64-bit integers in every
 * rounding mode, without allocation. A 64-bit integer is hi * 2^32 + lo; that
 * sum of two doubles rounds once (RNE) and Fast2Sum recovers its exact error,
 * so the integer rounds correctly to double in any mode (finishD) and to single
 * through round-to-odd (toOdd + roundF32).
 */
import { FFlag } from "../hart.js";
import { finishD, roundF32, toOdd, Rm, type FlagSink } from "./round.js";

/** Integer types of the conversion instructions. */
export const enum IntKind {
  /** Signed 32-bit (.w) */
  W,
  /** Unsigned 32-bit (.wu) */
  WU,
  /** Signed 64-bit (.l) */
  L,
  /** Unsigned 64-bit (.lu) */
  LU,
}

const TWO32 = 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

/** Integer registers and flags: what the float-to-integer conversions write. */
export interface IntSink extends FlagSink {
  xl: Int32Array;
  xh: Int32Array;
}

/** x (not NaN) rounded to an integer-valued double in mode rm. */
export function roundToInt(x: number, rm: number): number {
  switch (rm) {
    case Rm.RTZ: return Math.trunc(x);
    case Rm.RDN: return Math.floor(x);
    case Rm.RUP: return Math.ceil(x);
  }
  // The fraction x - trunc(x) of a double is always exact (x - floor(x) is not:
  // for x just above -0.5 it rounds up to 0.5).
  const t = Math.trunc(x);
  const d = Math.abs(x - t);
  if (!(d >= 0.5)) return t; // (d is NaN for infinite x)
  const away = x > 0 ? t + 1 : t - 1;
  if (d > 0.5 || rm === Rm.RMM) return away;
  return t % 2 === 0 ? t : away; // RNE: the even neighbour
}

/**
 * fcvt.{w,wu,l,lu}.{s,d}: converts x (the exact value of the source operand)
 * to integer type `kind` in mode rm and writes x[rd], 32-bit results
 * sign-extended. NaN and out-of-range values saturate and raise NV (only);
 * in-range inexact results raise NX.
 */
export function floatToInt(h: IntSink, rd: number, x: number, rm: number, kind: IntKind): void {
  let lo: number, hi: number;
  const r = x === x ? roundToInt(x, rm) : NaN;
  switch (kind) {
    case IntKind.W:
      if (r >= -2147483648 && r <= 2147483647) { lo = r | 0; hi = lo >> 31; break; }
      h.fflags |= FFlag.NV;
      if (r < 0) { lo = -2147483648; hi = -1; } else { lo = 2147483647; hi = 0; }
      h.xl[rd] = lo; h.xh[rd] = hi;
      return;
    case IntKind.WU:
      if (r >= 0 && r <= 4294967295) { lo = r | 0; hi = lo >> 31; break; }
      h.fflags |= FFlag.NV;
      lo = hi = r < 0 ? 0 : -1;
      h.xl[rd] = lo; h.xh[rd] = hi;
      return;
    case IntKind.L:
      if (r >= -TWO63 && r < TWO63) { hi = Math.floor(r / TWO32); lo = (r - hi * TWO32) | 0; hi |= 0; break; }
      h.fflags |= FFlag.NV;
      if (r < 0) { lo = 0; hi = -2147483648; } else { lo = -1; hi = 2147483647; }
      h.xl[rd] = lo; h.xh[rd] = hi;
      return;
    default:
      if (r >= 0 && r < TWO64) { hi = Math.floor(r / TWO32); lo = (r - hi * TWO32) | 0; hi |= 0; break; }
      h.fflags |= FFlag.NV;
      lo = hi = r < 0 ? 0 : -1;
      h.xl[rd] = lo; h.xh[rd] = hi;
      return;
  }
  if (r !== x) h.fflags |= FFlag.NX;
  h.xl[rd] = lo; h.xh[rd] = hi;
}

/** The high part hi * 2^32 of integer register n read as `kind` (0 for the 32-bit kinds). */
function highPart(h: IntSink, n: number, kind: IntKind): number {
  return kind === IntKind.L ? h.xh[n] * TWO32 : kind === IntKind.LU ? (h.xh[n] >>> 0) * TWO32 : 0;
}

/** The low part of integer register n read as `kind`. */
function lowPart(h: IntSink, n: number, kind: IntKind): number {
  return kind === IntKind.W ? h.xl[n] : h.xl[n] >>> 0;
}

/** fcvt.d.{w,wu,l,lu}: x[n] read as `kind`, rounded to double in mode rm. */
export function intToD(h: IntSink, n: number, rm: number, kind: IntKind): number {
  const H = highPart(h, n, kind), L = lowPart(h, n, kind);
  const s = H + L;
  // Fast2Sum: exact since |H| >= 2^32 > L whenever H is nonzero.
  return finishD(h, s, L - (s - H), rm);
}

/** fcvt.s.{w,wu,l,lu}: x[n] read as `kind`, rounded to single in mode rm. */
export function intToS(h: IntSink, n: number, rm: number, kind: IntKind): number {
  const H = highPart(h, n, kind), L = lowPart(h, n, kind);
  const s = H + L;
  return roundF32(h, toOdd(s, L - (s - H)), rm);
}
