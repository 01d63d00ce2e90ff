/**
 * Fast single-precision kernels. Operands are singles held as doubles. Each
 * kernel computes the exact result as a double pair d + e (products and fused
 * products of singles are exact in double; sums, quotients and square roots
 * come with their exact error or remainder), folds the error into d by
 * round-to-odd, and rounds once to single in the requested mode (roundF32).
 * Round-to-odd at 53 bits followed by rounding to 24 bits equals a single
 * direct rounding in every mode, including the flags.
 *
 * Quotients and square roots that land on normal singles take a shorter road:
 * the double result rounded to single is already correctly rounded, and the
 * exact product f * b (or f * f) gives exactness and the rounding direction.
 *
 * Kernels return NaN to decline (NaN and infinite operands, which the exact
 * path in exact.ts handles with the IEEE special cases) and never allocate.
 */
import { MIN_NORMAL_F, roundF32, stepF32, toOdd, zeroSum, type FlagSink } from "./round.js";
import { twoProductError } from "./arith64.js";

/** a + b rounded to single in mode rm, or NaN to decline. */
export function addS(h: FlagSink, a: number, b: number, rm: number): number {
  const d = a + b;
  if (d - d !== 0) return NaN;
  if (d === 0) return zeroSum(a, b, rm); // an exact zero (singles sum exactly near zero)
  const bb = d - a;
  return roundF32(h, toOdd(d, (a - (d - bb)) + (b - bb)), rm);
}

/** a * b rounded to single in mode rm, or NaN to decline. */
export function mulS(h: FlagSink, a: number, b: number, rm: number): number {
  const d = a * b; // exact: 48 significant bits, exponent within double range
  if (d - d !== 0) return NaN;
  return roundF32(h, d, rm);
}

/** a / b rounded to single in mode rm, or NaN to decline. */
export function divS(h: FlagSink, a: number, b: number, rm: number): number {
  const q = a / b;
  if (q - q !== 0) return NaN;
  if (q === 0) return q; // zero dividend, or a finite one over infinity: exact
  // Rounding the double quotient to single is the correctly rounded quotient
  // (53 >= 2*24 + 2), and f * b is exact, so it tells exactness and direction.
  const f = Math.fround(q);
  const af = f < 0 ? -f : f;
  if (af > MIN_NORMAL_F && af < Infinity) {
    const p = f * b;
    return p === a ? f : stepF32(h, f, (a > p) === (b > 0) ? 1 : -1, rm);
  }
  // Near the edges of the range: the exact remainder, then round-to-odd.
  const p = q * b;
  const r = (a - p) - twoProductError(q, b, p);
  return roundF32(h, toOdd(q, b > 0 ? r : -r), rm);
}

/** sqrt(a) rounded to single in mode rm, or NaN to decline. */
export function sqrtS(h: FlagSink, a: number, rm: number): number {
  const s = Math.sqrt(a);
  if (!(s > 0 && s < Infinity)) return s === 0 || s === Infinity ? s : NaN;
  // As for division: the result is a normal single whose exact square is f * f.
  const f = Math.fround(s);
  const p = f * f;
  return p === a ? f : stepF32(h, f, a > p ? 1 : -1, rm);
}

/** a * b + c rounded once to single in mode rm, or NaN to decline. */
export function fmaS(h: FlagSink, a: number, b: number, c: number, rm: number): number {
  const p = a * b; // exact
  const d = p + c;
  if (d - d !== 0) return NaN;
  if (d === 0) return zeroSum(p, c, rm);
  const bb = d - p;
  return roundF32(h, toOdd(d, (p - (d - bb)) + (c - bb)), rm);
}
