/**
 * Rounding machinery shared by the F and D handlers, all allocation-free:
 * decoding the rm field, stepping to the next representable value on raw bits,
 * finishing a double result whose exact error is known (directed modes, ties
 * away, the inexact and overflow flags), round-to-odd, and rounding an exact
 * double to single precision in any mode with IEEE 754 flags.
 *
 * Conventions: tininess is detected after rounding (as RISC-V requires), so a
 * result is tiny when rounding it to the target precision with an unbounded
 * exponent range gives a magnitude below the smallest normal number.
 */
import { FFlag } from "../hart.js";
import { Cause, Trap } from "../trap.js";

/** Rounding modes: the encodings of the rm field and of frm. */
export const enum Rm {
  /** Round to nearest, ties to even */
  RNE = 0,
  /** Round towards zero */
  RTZ = 1,
  /** Round down (towards -infinity) */
  RDN = 2,
  /** Round up (towards +infinity) */
  RUP = 3,
  /** Round to nearest, ties to max magnitude */
  RMM = 4,
  /** In an instruction's rm field: use frm */
  DYN = 7,
}

/** The part of a hart the rounding helpers touch: the accrued exception flags. */
export interface FlagSink {
  fflags: number;
}

/**
 * The effective rounding mode for an instruction's rm field: DYN reads frm;
 * a reserved field (5, 6) or a reserved frm raises an illegal-instruction trap.
 */
export function rmOf(h: { frm: number }, rm: number): number {
  if (rm === Rm.DYN) rm = h.frm;
  if (rm > Rm.RMM) throw new Trap(Cause.IllegalInsn, 0, 0);
  return rm;
}

// Scratch views for bit access (little-endian host: word 0 is the low word).
const f64 = new Float64Array(1);
const w64 = new Int32Array(f64.buffer);
const f32 = new Float32Array(1);
const w32 = new Int32Array(f32.buffer);

/** The double adjacent to x further from zero (same sign; ±0 gives ±2^-1074, max finite gives infinity). */
export function awayD(x: number): number {
  f64[0] = x;
  const lo = w64[0];
  if (lo === -1) { w64[0] = 0; w64[1] = w64[1] + 1; } else w64[0] = lo + 1;
  return f64[0];
}

/** The double adjacent to nonzero x nearer to zero (same sign; infinity gives max finite). */
export function towardZeroD(x: number): number {
  f64[0] = x;
  const lo = w64[0];
  if (lo === 0) { w64[0] = -1; w64[1] = w64[1] - 1; } else w64[0] = lo - 1;
  return f64[0];
}

/** The single adjacent to single-valued x further from zero (same sign). */
export function awayF(x: number): number {
  f32[0] = x;
  w32[0] = w32[0] + 1;
  return f32[0];
}

/** The single adjacent to nonzero single-valued x nearer to zero (same sign). */
export function towardZeroF(x: number): number {
  f32[0] = x;
  w32[0] = w32[0] - 1;
  return f32[0];
}

/**
 * Half the distance from normal double r to its neighbour on the side of
 * `up` (true: larger magnitude). Exact: a power of two.
 */
export function halfGapD(r: number, up: boolean): number {
  f64[0] = r;
  const hi = w64[1];
  const pow2 = w64[0] === 0 && (hi & 0xfffff) === 0;
  w64[0] = 0; w64[1] = hi & 0x7ff00000; // 2^exponent of r
  return f64[0] * (!up && pow2 ? 2 ** -54 : 2 ** -53);
}

/**
 * Round-to-odd of the exact value d + e (d = RNE(d + e), both doubles, d
 * nonzero when e is not zero): d when exact or already odd, else the
 * neighbour of d towards the exact value. Rounding the result once more to a
 * precision at least two bits narrower (single) gives the same result, in any
 * mode, as rounding d + e directly.
 */
export function toOdd(d: number, e: number): number {
  if (e === 0) return d;
  f64[0] = d;
  const lo = w64[0];
  if ((lo & 1) !== 0) return d;
  if ((d > 0) === (e > 0)) w64[0] = lo | 1; // away from zero: no carry out of an even word
  else if (lo === 0) { w64[0] = -1; w64[1] = w64[1] - 1; } else w64[0] = lo - 1;
  return f64[0];
}

/**
 * Final step of a double operation: v is the correctly rounded (ties-to-even)
 * result, dir the sign of (exact - v) and tie whether the exact value lies
 * halfway between v and a neighbour. Applies mode rm, accrues NX (and OF when
 * a directed step reaches infinity) and returns the result. v must be finite,
 * nonzero when dir is not 0, and not tiny.
 */
export function roundDir(h: FlagSink, v: number, dir: number, tie: boolean, rm: number): number {
  if (dir === 0) return v;
  h.fflags |= FFlag.NX;
  let r = v;
  switch (rm) {
    case Rm.RNE: return v;
    case Rm.RTZ: if ((v > 0) !== (dir > 0)) r = towardZeroD(v); break;
    case Rm.RDN: if (dir < 0) r = v > 0 ? towardZeroD(v) : awayD(v); break;
    case Rm.RUP: if (dir > 0) r = v > 0 ? awayD(v) : towardZeroD(v); break;
    default: if (tie && (v > 0) === (dir > 0)) r = awayD(v); break; // RMM
  }
  if (r === Infinity || r === -Infinity) h.fflags |= FFlag.OF;
  return r;
}

/**
 * Finishes a double operation whose exact result is s + e, where s = RNE(s + e)
 * and e is the exact error (as from TwoSum or TwoProduct). s must be a finite,
 * non-tiny double, nonzero when e is not 0.
 */
export function finishD(h: FlagSink, s: number, e: number, rm: number): number {
  if (e === 0) return s;
  if (rm === Rm.RNE) { h.fflags |= FFlag.NX; return s; }
  let tie = false;
  if (rm === Rm.RMM) {
    const n = (s > 0) === (e > 0) ? awayD(s) : towardZeroD(s);
    tie = n - s === 2 * e;
  }
  return roundDir(h, s, e > 0 ? 1 : -1, tie, rm);
}

/** Smallest normal single. */
export const MIN_NORMAL_F = 2 ** -126;
/** Below this magnitude a value rounds to nearest (either tie rule) to a tiny single. */
const TINY_NEAREST_F = 2 ** -126 - 2 ** -151;
/** At or below this magnitude a value rounded up in magnitude is still a tiny single. */
const TINY_UP_F = 2 ** -126 - 2 ** -150;
/** Values of this magnitude or more overflow single precision in every mode. */
const OVERFLOW_F = 2 ** 128;

/**
 * Rounds x (a double taken as the exact value, or a round-to-odd stand-in for
 * it; never NaN) to single precision in mode rm, accruing NX, UF and OF.
 * Returns the single as a double.
 */
export function roundF32(h: FlagSink, x: number, rm: number): number {
  const f = Math.fround(x);
  if (f === x) return f;
  if (rm === Rm.RNE) {
    const af = f < 0 ? -f : f;
    if (af > MIN_NORMAL_F && af < Infinity) { h.fflags |= FFlag.NX; return f; }
  }
  return roundF32Inexact(h, x, f, rm);
}

/** roundF32 for an inexact x whose nearest single is f: directed modes and the range edges. */
function roundF32Inexact(h: FlagSink, x: number, f: number, rm: number): number {
  let r = f;
  const pos = x > 0;
  switch (rm) {
    case Rm.RNE: break;
    case Rm.RTZ: if ((pos ? f > x : f < x)) r = towardZeroF(f); break;
    case Rm.RDN: if (f > x) r = pos ? towardZeroF(f) : awayF(f); break;
    case Rm.RUP: if (f < x) r = pos ? awayF(f) : towardZeroF(f); break;
    default: // RMM: f is nearest; only a tie that went towards zero changes
      if (pos ? f < x : f > x) {
        const n = awayF(f);
        if ((f + n) * 0.5 === x) r = n;
      }
  }
  let flags = FFlag.NX;
  const ax = Math.abs(x);
  if (ax >= OVERFLOW_F || r === Infinity || r === -Infinity) flags |= FFlag.OF;
  else if (ax < MIN_NORMAL_F) {
    const upMag = rm === Rm.RUP ? pos : rm === Rm.RDN ? !pos : false;
    const tiny = rm === Rm.RNE || rm === Rm.RMM ? ax < TINY_NEAREST_F : upMag ? ax <= TINY_UP_F : true;
    if (tiny) flags |= FFlag.UF;
  }
  h.fflags |= flags;
  return r;
}

/**
 * Finishes a single result f = RNE(x) of a quotient or square root x, where f
 * is a normal single and dir the sign of (x - f), nonzero. Such x is never a
 * tie, so RMM rounds as RNE; a directed step from a normal single stays
 * normal or reaches infinity (OF).
 */
export function stepF32(h: FlagSink, f: number, dir: number, rm: number): number {
  h.fflags |= FFlag.NX;
  let r = f;
  switch (rm) {
    case Rm.RTZ: if ((f > 0) !== (dir > 0)) r = towardZeroF(f); break;
    case Rm.RDN: if (dir < 0) r = f > 0 ? towardZeroF(f) : awayF(f); break;
    case Rm.RUP: if (dir > 0) r = f > 0 ? awayF(f) : towardZeroF(f); break;
    default: return f; // RNE, RMM
  }
  if (r === Infinity || r === -Infinity) h.fflags |= FFlag.OF;
  return r;
}

/** Sign of the zero that an exact zero sum x + y takes in mode rm (IEEE 754 §6.3). */
export function zeroSum(x: number, y: number, rm: number): number {
  if (rm !== Rm.RDN) return x + y; // +0, or -0 when both are -0
  return x === 0 && y === 0 && 1 / x > 0 && 1 / y > 0 ? 0 : -0;
}
