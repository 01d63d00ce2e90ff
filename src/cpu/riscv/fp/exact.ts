/**
 * Exact floating-point arithmetic on BigInt significands, parameterised by
 * format: the slow path behind every arithmetic instruction. The fast kernels
 * (arith32.ts, arith64.ts) decline NaN, infinite and zero operands and results
 * near the edges of the exponent range; this module then computes the exact
 * result (sums and products exactly, quotients and square roots to enough bits
 * plus a sticky bit) and rounds it once, with IEEE 754 flags. It allocates, so
 * it is kept off the common path.
 */
import { FFlag } from "../hart.js";
import { Rm } from "./round.js";

/** A binary interchange format. */
export interface Fmt {
  /** Significand bits, including the hidden bit */
  readonly prec: number;
  /** Exponent of the smallest normal number */
  readonly emin: number;
  /** Exponent of the largest finite number */
  readonly emax: number;
  /** Total width in bits */
  readonly width: number;
}

/** binary32 (single) */
export const F32: Fmt = { prec: 24, emin: -126, emax: 127, width: 32 };
/** binary64 (double) */
export const F64: Fmt = { prec: 53, emin: -1022, emax: 1023, width: 64 };

/** The canonical NaN's bit pattern in format `fmt`. */
export function canonicalNaN(fmt: Fmt): bigint {
  return fmt.width === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
}

/** Operand classes. */
export const enum Cls {
  Zero,
  Finite,
  Inf,
  QNaN,
  SNaN,
}

/** An unpacked operand: value = (-1)^sign * man * 2^exp for Finite. */
export interface Unpacked {
  cls: Cls;
  sign: number;
  man: bigint;
  exp: number;
}

/** Unpacks the bit pattern `bits` of format `fmt`. */
export function unpack(fmt: Fmt, bits: bigint): Unpacked {
  const fracBits = BigInt(fmt.prec - 1);
  const expBits = BigInt(fmt.width - fmt.prec);
  const frac = bits & ((1n << fracBits) - 1n);
  const e = Number((bits >> fracBits) & ((1n << expBits) - 1n));
  const sign = Number(bits >> BigInt(fmt.width - 1)) & 1;
  const bias = fmt.emax;
  if (e === 2 * bias + 1) {
    if (frac === 0n) return { cls: Cls.Inf, sign, man: 0n, exp: 0 };
    const quiet = (frac >> (fracBits - 1n)) & 1n;
    return { cls: quiet ? Cls.QNaN : Cls.SNaN, sign, man: 0n, exp: 0 };
  }
  if (e === 0) {
    if (frac === 0n) return { cls: Cls.Zero, sign, man: 0n, exp: 0 };
    return { cls: Cls.Finite, sign, man: frac, exp: fmt.emin - fmt.prec + 1 };
  }
  return { cls: Cls.Finite, sign, man: frac | (1n << fracBits), exp: e - bias - fmt.prec + 1 };
}

/** Bit length of positive n. */
function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** Bits of ±0 or ±infinity in `fmt`. */
function special(fmt: Fmt, sign: number, inf: boolean): bigint {
  const s = BigInt(sign) << BigInt(fmt.width - 1);
  if (!inf) return s;
  return s | (BigInt(2 * fmt.emax + 1) << BigInt(fmt.prec - 1));
}

/** man >> shift rounded in mode rm (sticky: nonzero bits below man), and whether that was inexact. */
function roundShift(man: bigint, shift: number, sticky: boolean, sign: number, rm: number): [bigint, boolean] {
  if (shift <= 0) return [man << BigInt(-shift), sticky];
  const s = BigInt(shift);
  const q = man >> s;
  const rem = man & ((1n << s) - 1n);
  const half = 1n << (s - 1n);
  const inexact = rem !== 0n || sticky;
  let up = false;
  switch (rm) {
    case Rm.RNE: up = rem > half || (rem === half && (sticky || (q & 1n) === 1n)); break;
    case Rm.RTZ: break;
    case Rm.RDN: up = inexact && sign === 1; break;
    case Rm.RUP: up = inexact && sign === 0; break;
    default: up = rem >= half; break; // RMM
  }
  return [up ? q + 1n : q, inexact];
}

/**
 * Rounds the exact value (-1)^sign * (man + sticky) * 2^exp to `fmt` in mode rm
 * and returns its bits, accruing NX, UF and OF into h. man must be positive;
 * sticky means some nonzero amount below man's last bit is also present, and
 * then man must have at least prec + 2 bits so that amount lies below the
 * rounding position.
 */
export function roundPack(h: { fflags: number }, fmt: Fmt, sign: number, man: bigint, exp: number, sticky: boolean, rm: number): bigint {
  const { prec, emin, emax } = fmt;
  const n = bitLength(man);
  const top = exp + n - 1; // exponent of the leading bit
  // Tininess after rounding: round to prec bits with an unbounded exponent range.
  const [mu] = roundShift(man, n - prec, sticky, sign, rm);
  const tiny = top + (bitLength(mu) > prec ? 1 : 0) < emin;
  // The delivered result: subnormals have their last bit at 2^(emin - prec + 1).
  const shift = top < emin ? emin - prec + 1 - exp : n - prec;
  let [m, inexact] = roundShift(man, shift, sticky, sign, rm);
  let e = exp + shift; // value = m * 2^e
  if (m === 0n) {
    h.fflags |= FFlag.NX | FFlag.UF;
    return special(fmt, sign, false);
  }
  if (bitLength(m) > prec) { m >>= 1n; e += 1; }
  const lead = e + bitLength(m) - 1;
  if (lead > emax) {
    h.fflags |= FFlag.OF | FFlag.NX;
    const toInf = rm === Rm.RNE || rm === Rm.RMM || (rm === Rm.RUP && sign === 0) || (rm === Rm.RDN && sign === 1);
    if (toInf) return special(fmt, sign, true);
    const max = (BigInt(2 * emax) << BigInt(prec - 1)) | ((1n << BigInt(prec - 1)) - 1n);
    return (BigInt(sign) << BigInt(fmt.width - 1)) | max;
  }
  if (inexact) h.fflags |= tiny ? FFlag.NX | FFlag.UF : FFlag.NX;
  const hidden = 1n << BigInt(prec - 1);
  const biased = m >= hidden ? BigInt(lead + emax) : 0n;
  return (BigInt(sign) << BigInt(fmt.width - 1)) | (biased << BigInt(prec - 1)) | (m & (hidden - 1n));
}

/** Arithmetic operations of the slow path. */
export const enum Kind {
  /** a + b */
  Add,
  /** a * b */
  Mul,
  /** a / b */
  Div,
  /** sqrt(a) */
  Sqrt,
  /** a * b + c */
  Fma,
}

/** Negation flags for exactOp: which terms change sign before the operation. */
export const enum Neg {
  /** The second addend (fsub), or the product (fnmsub, fnmadd) */
  B = 1,
  /** The addend of a fused operation (fmsub, fnmadd) */
  C = 2,
}

const isNaN_ = (x: Unpacked) => x.cls === Cls.QNaN || x.cls === Cls.SNaN;

/** Exact sum of two finite-or-zero operands (signs already applied), rounded. */
function addFinite(h: { fflags: number }, fmt: Fmt, x: Unpacked, y: Unpacked, rm: number): bigint {
  if (x.cls === Cls.Zero && y.cls === Cls.Zero) {
    const sign = x.sign === y.sign ? x.sign : rm === Rm.RDN ? 1 : 0;
    return special(fmt, sign, false);
  }
  if (y.cls === Cls.Zero) return roundPack(h, fmt, x.sign, x.man, x.exp, false, rm);
  if (x.cls === Cls.Zero) return roundPack(h, fmt, y.sign, y.man, y.exp, false, rm);
  const e = Math.min(x.exp, y.exp);
  const mx = x.man << BigInt(x.exp - e), my = y.man << BigInt(y.exp - e);
  const sum = (x.sign ? -mx : mx) + (y.sign ? -my : my);
  if (sum === 0n) return special(fmt, rm === Rm.RDN ? 1 : 0, false);
  return sum < 0n ? roundPack(h, fmt, 1, -sum, e, false, rm) : roundPack(h, fmt, 0, sum, e, false, rm);
}

/** Integer square root (floor) of n >= 0. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The result bits of `kind` applied to unpacked operands a, b, c (signs already
 * negated as the instruction requires), with IEEE 754 special cases and flags.
 */
export function compute(h: { fflags: number }, fmt: Fmt, kind: Kind, a: Unpacked, b: Unpacked, c: Unpacked, rm: number): bigint {
  const nan = canonicalNaN(fmt);
  const invalid = (): bigint => { h.fflags |= FFlag.NV; return nan; };
  const anySNaN = a.cls === Cls.SNaN || (kind !== Kind.Sqrt && b.cls === Cls.SNaN) || (kind === Kind.Fma && c.cls === Cls.SNaN);
  switch (kind) {
    case Kind.Add: {
      if (isNaN_(a) || isNaN_(b)) return anySNaN ? invalid() : nan;
      if (a.cls === Cls.Inf || b.cls === Cls.Inf) {
        if (a.cls === Cls.Inf && b.cls === Cls.Inf && a.sign !== b.sign) return invalid();
        return special(fmt, a.cls === Cls.Inf ? a.sign : b.sign, true);
      }
      return addFinite(h, fmt, a, b, rm);
    }
    case Kind.Mul:
    case Kind.Fma: {
      const infZero = (a.cls === Cls.Inf && b.cls === Cls.Zero) || (a.cls === Cls.Zero && b.cls === Cls.Inf);
      if (isNaN_(a) || isNaN_(b) || (kind === Kind.Fma && isNaN_(c))) {
        if (anySNaN || infZero) h.fflags |= FFlag.NV;
        return nan;
      }
      if (infZero) return invalid();
      const ps = a.sign ^ b.sign;
      const pinf = a.cls === Cls.Inf || b.cls === Cls.Inf;
      const pzero = a.cls === Cls.Zero || b.cls === Cls.Zero;
      if (kind === Kind.Mul) {
        if (pinf || pzero) return special(fmt, ps, pinf);
        return roundPack(h, fmt, ps, a.man * b.man, a.exp + b.exp, false, rm);
      }
      if (pinf) {
        if (c.cls === Cls.Inf && c.sign !== ps) return invalid();
        return special(fmt, ps, true);
      }
      if (c.cls === Cls.Inf) return special(fmt, c.sign, true);
      const p: Unpacked = pzero
        ? { cls: Cls.Zero, sign: ps, man: 0n, exp: 0 }
        : { cls: Cls.Finite, sign: ps, man: a.man * b.man, exp: a.exp + b.exp };
      return addFinite(h, fmt, p, c, rm);
    }
    case Kind.Div: {
      if (isNaN_(a) || isNaN_(b)) return anySNaN ? invalid() : nan;
      const s = a.sign ^ b.sign;
      if (a.cls === Cls.Inf) return b.cls === Cls.Inf ? invalid() : special(fmt, s, true);
      if (b.cls === Cls.Inf) return special(fmt, s, false);
      if (b.cls === Cls.Zero) {
        if (a.cls === Cls.Zero) return invalid();
        h.fflags |= FFlag.DZ;
        return special(fmt, s, true);
      }
      if (a.cls === Cls.Zero) return special(fmt, s, false);
      const k = Math.max(0, fmt.prec + 3 + bitLength(b.man) - bitLength(a.man));
      const num = a.man << BigInt(k);
      const q = num / b.man;
      return roundPack(h, fmt, s, q, a.exp - b.exp - k, num % b.man !== 0n, rm);
    }
    default: { // Sqrt
      if (isNaN_(a)) return anySNaN ? invalid() : nan;
      if (a.cls === Cls.Zero) return special(fmt, a.sign, false);
      if (a.sign === 1) return invalid();
      if (a.cls === Cls.Inf) return special(fmt, 0, true);
      let man = a.man, exp = a.exp;
      if ((exp & 1) !== 0) { man <<= 1n; exp -= 1; }
      const want = 2 * (fmt.prec + 3);
      const n = bitLength(man);
      const k = n < want ? (want - n + 1) >> 1 : 0;
      man <<= BigInt(2 * k); exp -= 2 * k;
      const r = isqrt(man);
      return roundPack(h, fmt, 0, r, exp / 2, r * r !== man, rm);
    }
  }
}

/** The part of a hart the slow path touches: FP registers and flags. */
export interface FpState {
  fi: Int32Array;
  fflags: number;
}

/** Reads f[n] as a `fmt` bit pattern; an improperly NaN-boxed single reads as the canonical NaN. */
export function readBits(h: FpState, fmt: Fmt, n: number): bigint {
  const fi = h.fi;
  if (fmt.width === 32) return fi[2 * n + 1] === -1 ? BigInt(fi[2 * n] >>> 0) : 0x7fc00000n;
  return (BigInt(fi[2 * n + 1] >>> 0) << 32n) | BigInt(fi[2 * n] >>> 0);
}

/** Writes a `fmt` bit pattern to f[n] (singles NaN-boxed). */
export function writeBits(h: FpState, fmt: Fmt, n: number, bits: bigint): void {
  const fi = h.fi;
  fi[2 * n] = Number(BigInt.asIntN(32, bits));
  fi[2 * n + 1] = fmt.width === 32 ? -1 : Number(BigInt.asIntN(32, bits >> 32n));
}

/**
 * Executes one arithmetic instruction exactly: f[rd] = kind(f[rs1], f[rs2],
 * f[rs3]) in format fmt and mode rm, with the terms named by `neg` (Neg bits)
 * negated first. Used when a fast kernel declines its operands.
 */
export function exactOp(h: FpState, fmt: Fmt, kind: Kind, rd: number, rs1: number, rs2: number, rs3: number, rm: number, neg: number): void {
  const a = unpack(fmt, readBits(h, fmt, rs1));
  const b = unpack(fmt, readBits(h, fmt, rs2));
  const c = unpack(fmt, readBits(h, fmt, rs3));
  if ((neg & Neg.B) !== 0) b.sign ^= 1;
  if ((neg & Neg.C) !== 0) c.sign ^= 1;
  writeBits(h, fmt, rd, compute(h, fmt, kind, a, b, c, rm));
}
