/**
 * Fast double-precision kernels. JavaScript's + - * / and Math.sqrt are IEEE
 * round-to-nearest-even; error-free transformations recover the exact error of
 * each result (TwoSum for sums, Dekker's TwoProduct for products, the exact
 * remainder a - q*b for quotients and a - s*s for square roots), which gives the
 * inexact flag exactly and lets roundDir() step to the directed-mode result.
 *
 * Every kernel returns NaN to decline: for NaN, infinite or zero operands where
 * the answer is not trivially exact, and wherever an intermediate could
 * overflow or underflow and so break the error-free transformations. The
 * caller then runs the exact BigInt path (exact.ts). Kernels touch the flags
 * only when they do not decline, and never allocate.
 */
import { finishD, halfGapD, awayD, towardZeroD, roundDir, zeroSum, type FlagSink } from "./round.js";

/** Veltkamp's splitting constant for binary64: 2^27 + 1. */
const SPLIT = 134217729;
/** Operands at most this large can be split without overflow. */
const SPLIT_MAX = 2 ** 995;
/** Products at least this large have an exactly representable error. */
const PROD_MIN = 2 ** -968;
/** Results inside [RES_MIN, RES_MAX] are never tiny and never overflow after one directed step. */
const RES_MIN = 2 ** -1020;
const RES_MAX = 2 ** 1020;

/**
 * The exact error a*b - p of the product p = RNE(a*b) (Dekker's TwoProduct).
 * Requires |a|, |b| <= SPLIT_MAX, |p| >= PROD_MIN and p finite.
 */
export function twoProductError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** a + b in mode rm, or NaN to decline (a non-finite sum). */
export function addD(h: FlagSink, a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s !== 0) return NaN;
  const bb = s - a;
  const e = (a - (s - bb)) + (b - bb);
  if (e === 0) return s === 0 ? zeroSum(a, b, rm) : s;
  if (e !== e) return NaN; // s - a overflowed (operands near the top of the range)
  // A sum that is inexact is far from the subnormal range, so finishD's preconditions hold.
  return finishD(h, s, e, rm);
}

/** a * b in mode rm, or NaN to decline. */
export function mulD(h: FlagSink, a: number, b: number, rm: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (ap >= PROD_MIN && ap <= RES_MAX && Math.abs(a) <= SPLIT_MAX && Math.abs(b) <= SPLIT_MAX) {
    return finishD(h, p, twoProductError(a, b, p), rm);
  }
  // zero times a finite number is an exact (signed) zero
  if (p === 0 && (a === 0 || b === 0)) return p;
  return NaN;
}

/** a / b in mode rm, or NaN to decline. */
export function divD(h: FlagSink, a: number, b: number, rm: number): number {
  const q = a / b;
  const aq = Math.abs(q), aa = Math.abs(a), ab = Math.abs(b);
  if (aq >= RES_MIN && aq <= SPLIT_MAX && ab <= SPLIT_MAX && aa >= 4 * PROD_MIN && aa <= RES_MAX) {
    // The remainder a - q*b is exactly representable and has the sign of (a/b - q) * b.
    const p = q * b;
    const r = (a - p) - twoProductError(q, b, p);
    if (r === 0) return q;
    // A quotient is never exactly halfway between two doubles, so RMM rounds as RNE.
    return roundDir(h, q, (r > 0) === (b > 0) ? 1 : -1, false, rm);
  }
  if (a === 0 && q === 0) return q; // zero over a finite nonzero number
  return NaN;
}

/** sqrt(a) in mode rm, or NaN to decline. */
export function sqrtD(h: FlagSink, a: number, rm: number): number {
  if (a >= PROD_MIN && a <= RES_MAX) {
    const s = Math.sqrt(a);
    const p = s * s;
    const r = (a - p) - twoProductError(s, s, p);
    if (r === 0) return s;
    // A square root is never exactly halfway between two doubles either.
    return roundDir(h, s, r > 0 ? 1 : -1, false, rm);
  }
  if (a === 0) return a; // sqrt(±0) = ±0
  return NaN;
}

/**
 * a * b + c with a single rounding in mode rm, or NaN to decline.
 *
 * The product is split exactly as p + pe (TwoProduct); two TwoSums give the
 * exact value as s + t + te, and a third rounds s + t to r with error re. r is
 * the correct result unless the tiny te moves the exact value across the
 * midpoint next to r, which is decided exactly by comparing re + te (itself
 * recovered exactly as w + we) with half the gap to r's neighbour.
 * Declines when the product is too large or small for TwoProduct or the
 * result is zero, tiny or near overflow.
 */
export function fmaD(h: FlagSink, a: number, b: number, c: number, rm: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (!(ap >= PROD_MIN && ap <= RES_MAX && Math.abs(a) <= SPLIT_MAX && Math.abs(b) <= SPLIT_MAX)) {
    // A zero factor makes the product an exact signed zero: the sum is c itself, or a zero whose sign the mode decides.
    if (p === 0 && (a === 0 || b === 0) && c - c === 0) return c !== 0 ? c : zeroSum(p, c, rm);
    return NaN;
  }
  const pe = twoProductError(a, b, p);
  const s = p + c;
  let bb = s - p;
  const se = (p - (s - bb)) + (c - bb);
  const t = se + pe;
  bb = t - se;
  const te = (se - (t - bb)) + (pe - bb);
  const r = s + t;
  bb = r - s;
  const re = (s - (r - bb)) + (t - bb);
  if (r === 0) return zeroSum(p, c, rm); // r is 0 only when p + c cancels exactly (pe is then 0)
  const ar = Math.abs(r);
  if (!(ar >= RES_MIN && ar <= RES_MAX)) return NaN; // also declines a non-finite c
  if (te === 0) return finishD(h, r, re, rm); // exact value r + re, r = RNE of it
  const w = re + te;
  bb = w - re;
  const we = (re - (w - bb)) + (te - bb);
  if (w === 0) return r; // then we is 0 too: the value is exactly r
  const up = (w > 0) === (r > 0); // does the exact value lie further from zero than r?
  const hg = halfGapD(r, up);
  const aw = Math.abs(w);
  if (aw < hg) return roundDir(h, r, w > 0 ? 1 : -1, false, rm);
  // Beyond this point re sits within |te| of the midpoint. te is nonzero only
  // when p + c did not cancel, and then |te| <= 2^-104 |s|, far below hg: the
  // value cannot be a whole gap away, nor exactly halfway (its low bits would
  // have to vanish, making te 0). Both are left to the exact path rather than trusted.
  if (aw >= 1.5 * hg || (aw === hg && we === 0)) return NaN;
  if (aw > hg || (we > 0) === (w > 0)) {
    // past the midpoint: the neighbour is nearest, and the exact value lies back towards r
    return roundDir(h, up ? awayD(r) : towardZeroD(r), w > 0 ? -1 : 1, false, rm);
  }
  return roundDir(h, r, w > 0 ? 1 : -1, false, rm); // just short of the midpoint
}
