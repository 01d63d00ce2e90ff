/**
 * Test support for the FP modules. The reference arithmetic here works on
 * exact rationals (BigInt numerator and denominator) and rounds them by
 * comparisons, the way IEEE 754 states the rules, and is written apart from
 * exact.ts (which shifts integer significands with a sticky bit) so that each
 * can check the other and both can check the fast kernels. Also: a bare hart
 * to run single handlers on, and bit-level register accessors.
 */
import { FFlag, Hart } from "../hart.js";
import { DecodeCache } from "../decode-cache.js";
import type { Mmu } from "../../../mem/mmu.js";
import { HANDLERS } from "../handlers.js";
import type { Op } from "../../../isa/riscv/table.js";

/** An exact rational n/d with d > 0. */
export interface Rat {
  n: bigint;
  d: bigint;
}

/** A binary format as the reference sees it. */
export interface RefFormat {
  prec: number;
  emin: number;
  emax: number;
  width: number;
}

/** binary32 */
export const SP: RefFormat = { prec: 24, emin: -126, emax: 127, width: 32 };
/** binary64 */
export const DP: RefFormat = { prec: 53, emin: -1022, emax: 1023, width: 64 };

const gcd = (a: bigint, b: bigint): bigint => {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

/** n/d in lowest terms. */
export function rat(n: bigint, d = 1n): Rat {
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** 2^k as a rational. */
export function pow2(k: number): Rat {
  return k >= 0 ? rat(1n << BigInt(k)) : rat(1n, 1n << BigInt(-k));
}

/** x + y */
export const add = (x: Rat, y: Rat): Rat => rat(x.n * y.d + y.n * x.d, x.d * y.d);
/** x - y */
export const sub = (x: Rat, y: Rat): Rat => rat(x.n * y.d - y.n * x.d, x.d * y.d);
/** x * y */
export const mul = (x: Rat, y: Rat): Rat => rat(x.n * y.n, x.d * y.d);
/** x / y (y nonzero) */
export const div = (x: Rat, y: Rat): Rat => rat(x.n * y.d, x.d * y.n);
/** -x */
export const neg = (x: Rat): Rat => ({ n: -x.n, d: x.d });
/** Sign of x - y: -1, 0 or 1. */
export const cmp = (x: Rat, y: Rat): number => {
  const l = x.n * y.d, r = y.n * x.d;
  return l < r ? -1 : l > r ? 1 : 0;
};

/** floor(x) */
function floor(x: Rat): bigint {
  const q = x.n / x.d;
  return x.n < 0n && q * x.d !== x.n ? q - 1n : q;
}

/** x rounded to an integer in mode rm (0 RNE, 1 RTZ, 2 RDN, 3 RUP, 4 RMM). */
export function roundToInteger(x: Rat, rm: number): bigint {
  const f = floor(x);
  const frac = sub(x, rat(f));
  if (frac.n === 0n) return f;
  const half = cmp(frac, rat(1n, 2n));
  switch (rm) {
    case 1: return x.n > 0n ? f : f + 1n;
    case 2: return f;
    case 3: return f + 1n;
    case 4: return half < 0 ? f : half > 0 ? f + 1n : x.n > 0n ? f + 1n : f;
    default: return half < 0 ? f : half > 0 ? f + 1n : (f & 1n) === 0n ? f : f + 1n;
  }
}

/** Bit length of positive n. */
const bits = (n: bigint): number => n.toString(2).length;

/** The exact value of finite bits in `fmt`, or null for infinities and NaNs. */
export function valueOf(fmt: RefFormat, b: bigint): Rat | null {
  const fb = fmt.prec - 1, bias = fmt.emax;
  const frac = b & ((1n << BigInt(fb)) - 1n);
  const e = Number((b >> BigInt(fb)) & ((1n << BigInt(fmt.width - 1 - fb)) - 1n));
  const negative = (b >> BigInt(fmt.width - 1)) & 1n;
  if (e === 2 * bias + 1) return null;
  const m = e === 0 ? frac : frac | (1n << BigInt(fb));
  const v = mul(rat(m), pow2((e === 0 ? fmt.emin : e - bias) - fb));
  return negative ? neg(v) : v;
}

/** The bits of ±0, ±infinity or ±max finite. */
export function specialBits(fmt: RefFormat, negative: boolean, what: "zero" | "inf" | "max"): bigint {
  const s = negative ? 1n << BigInt(fmt.width - 1) : 0n;
  const fb = BigInt(fmt.prec - 1);
  if (what === "zero") return s;
  if (what === "inf") return s | (BigInt(2 * fmt.emax + 1) << fb);
  return s | (BigInt(2 * fmt.emax) << fb) | ((1n << fb) - 1n);
}

/** A rounded result: bits and the flags the rounding raised. */
export interface Rounded {
  bits: bigint;
  flags: number;
}

/**
 * Rounds nonzero x to `fmt` in mode rm by the IEEE 754 rules: overflow when
 * the result rounded with an unbounded exponent exceeds the largest finite
 * number, tininess after rounding, underflow when tiny and inexact.
 */
export function roundTo(fmt: RefFormat, x: Rat, rm: number): Rounded {
  const negative = x.n < 0n;
  const a = negative ? neg(x) : x;
  let e = bits(a.n) - bits(a.d);
  while (cmp(a, pow2(e)) < 0) e--;
  while (cmp(a, pow2(e + 1)) >= 0) e++;
  const p1 = fmt.prec - 1;
  // with an unbounded exponent range
  const mu = roundToInteger(mul(x, pow2(p1 - e)), rm);
  const vu = mul(rat(mu < 0n ? -mu : mu), pow2(e - p1));
  const max = mul(rat((1n << BigInt(fmt.prec)) - 1n), pow2(fmt.emax - p1));
  if (cmp(vu, max) > 0) {
    const toInf = rm === 0 || rm === 4 || (rm === 3 && !negative) || (rm === 2 && negative);
    return { bits: specialBits(fmt, negative, toInf ? "inf" : "max"), flags: FFlag.OF | FFlag.NX };
  }
  const tiny = cmp(vu, pow2(fmt.emin)) < 0;
  // the delivered result
  const eb = Math.max(e, fmt.emin);
  let m = roundToInteger(mul(x, pow2(p1 - eb)), rm);
  if (m < 0n) m = -m;
  const inexact = cmp(mul(rat(m), pow2(eb - p1)), a) !== 0;
  const flags = inexact ? (tiny ? FFlag.NX | FFlag.UF : FFlag.NX) : 0;
  if (m === 0n) return { bits: specialBits(fmt, negative, "zero"), flags };
  let biased: bigint, frac: bigint;
  if (m >= 1n << BigInt(p1)) {
    let ex = eb;
    if (m === 1n << BigInt(fmt.prec)) { m >>= 1n; ex++; }
    biased = BigInt(ex + fmt.emax);
    frac = m - (1n << BigInt(p1));
  } else {
    biased = 0n;
    frac = m;
  }
  const s = negative ? 1n << BigInt(fmt.width - 1) : 0n;
  return { bits: s | (biased << BigInt(p1)) | frac, flags };
}

/** A hart with no memory, for running FP handlers directly. */
export function bareHart(): Hart {
  return new Hart(undefined as unknown as Mmu, new DecodeCache(new Int32Array(0)));
}

/** Runs the handler of `op` on h. */
export function exec(h: Hart, op: Op, rd: number, rs1: number, rs2: number, imm: number): void {
  HANDLERS[op](h, rd, rs1, rs2, imm);
}

/** Writes 64 raw bits to f[n]. */
export function setF(h: Hart, n: number, b: bigint): void {
  h.fi[2 * n] = Number(BigInt.asIntN(32, b));
  h.fi[2 * n + 1] = Number(BigInt.asIntN(32, b >> 32n));
}

/** Reads f[n]'s 64 raw bits. */
export function getF(h: Hart, n: number): bigint {
  return (BigInt(h.fi[2 * n + 1] >>> 0) << 32n) | BigInt(h.fi[2 * n] >>> 0);
}

/** Writes a `fmt` value's bits to f[n] (singles NaN-boxed). */
export function setBits(h: Hart, fmt: RefFormat, n: number, b: bigint): void {
  setF(h, n, fmt.width === 32 ? (0xffffffffn << 32n) | b : b);
}

/** A deterministic pseudo-random generator (xorshift32) for reproducible tests. */
export class Prng {
  constructor(private s: number) {}
  /** Next 32 random bits, unsigned. */
  u32(): number {
    let s = this.s;
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    this.s = s >>> 0;
    return this.s;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return this.u32() % n;
  }
  /** n random bits as a BigInt (n <= 64). */
  bits(n: number): bigint {
    const v = (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(n)) - 1n);
  }
}

/**
 * Random finite bits in `fmt` chosen to reach the interesting places: sparse
 * and dense significands, exponents near 0, near the subnormal range and near
 * overflow, subnormals, and zeros.
 */
export function randomFinite(r: Prng, fmt: RefFormat): bigint {
  const fb = fmt.prec - 1, bias = fmt.emax;
  const sign = BigInt(r.below(2)) << BigInt(fmt.width - 1);
  let frac: bigint;
  switch (r.below(3)) {
    case 0: frac = r.bits(fb); break;
    case 1: frac = 0n; for (let i = r.below(3); i >= 0; i--) frac |= 1n << BigInt(r.below(fb)); break;
    default: frac = ((1n << BigInt(fb)) - 1n) ^ (1n << BigInt(r.below(fb))) ^ (r.below(2) ? 1n : 0n); break;
  }
  let e: number;
  switch (r.below(6)) {
    case 0: e = 0; break; // subnormal (or zero)
    case 1: e = 1 + r.below(fmt.prec + 2); break; // just above the subnormal range
    case 2: e = 2 * bias - r.below(fmt.prec + 2); break; // near overflow
    case 3: e = bias + r.below(2 * fmt.prec) - fmt.prec; break; // near 1
    case 4: e = 1 + r.below(2 * bias); break;
    default: e = bias + r.below(16) - 8; break;
  }
  return sign | (BigInt(e) << BigInt(fb)) | frac;
}
