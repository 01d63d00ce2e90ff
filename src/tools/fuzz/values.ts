/**
 * Operand values biased towards the edges where emulators go wrong: integer
 * limits and sign boundaries, and IEEE 754 special values (zeros, infinities,
 * quiet and signaling NaNs, subnormals, limits of the normal range, values at
 * the integer-conversion boundaries), for both formats, with single-precision
 * values usually NaN-boxed and sometimes deliberately not.
 */
import type { Rng } from "./prng.js";

const MASK64 = (1n << 64n) - 1n;

/** Reduces a bigint to its unsigned 64-bit two's-complement pattern. */
export function u64(v: bigint): bigint {
  return v & MASK64;
}

/** Sign-extends the low 32 bits of v to a 64-bit pattern. */
export function sext32(v: bigint): bigint {
  return u64(BigInt.asIntN(32, v));
}

const INT_EDGES: readonly bigint[] = [
  0n, 1n, 2n, 3n, -1n, -2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, -0x80000000n, -0x7fffffffn, -0x80000001n,
  0x7fffffffffffffffn, -0x8000000000000000n, -0x7fffffffffffffffn, 0x5555555555555555n, -0x5555555555555556n,
  63n, 64n, 31n, 32n, 0xfffn, 0x800n, 0x7ffn,
];

/** A 64-bit integer register value: edges, small numbers, sign-extended words or random bits. */
export function randomInt(rng: Rng): bigint {
  switch (rng.below(6)) {
    case 0: case 1: return u64(rng.pick(INT_EDGES));
    case 2: return u64(BigInt(rng.range(-64, 64)));
    case 3: return sext32(BigInt(rng.u32()));
    case 4: {
      // One bit set, possibly off by one.
      const p = 1n << BigInt(rng.below(64));
      return u64(p + BigInt(rng.range(-1, 1)));
    }
    default: return rng.u64();
  }
}

const F64_EDGES: readonly bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, // +-0
  0x7ff0000000000000n, 0xfff0000000000000n, // +-inf
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000000001n, 0x7fffffffffffffffn, // quiet NaNs
  0x7ff0000000000001n, 0x7ff4000000000000n, 0xfff7ffffffffffffn, // signaling NaNs
  0x0000000000000001n, 0x000fffffffffffffn, 0x8000000000000001n, 0x0008000000000000n, // subnormals
  0x0010000000000000n, 0x8010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, // min/max normal
  0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0x3ff8000000000000n, // 1, -1, 0.5, 1.5
  0x4004000000000000n, 0xbfe0000000000000n, 0xc004000000000000n, 0x3fefffffffffffffn, // 2.5, -0.5, -2.5, 1-ulp
  0x41dfffffffc00000n, 0x41e0000000000000n, 0x41dfffffffe00000n, 0xc1e0000000000000n, 0xc1e0000000200000n, // ~2^31
  0x41efffffffe00000n, 0x41f0000000000000n, 0x41effffffff00000n, // ~2^32
  0x43dfffffffffffffn, 0x43e0000000000000n, 0xc3e0000000000000n, 0xc3e0000000000001n, // ~2^63
  0x43efffffffffffffn, 0x43f0000000000000n, // ~2^64
  0x3690000000000000n, 0x47efffffe0000000n, 0x47f0000000000000n, 0x36a0000000000000n, // single range edges
  0x380fffffffffffffn, 0x3810000000000000n, 0x36a0000000000001n, // single subnormal/normal boundary
  0x3fdfffffffffffffn, 0xbfdfffffffffffffn, 0x432fffffffffffffn, 0xc32fffffffffffffn, // just under 0.5, 2^52-0.5
  0x4330000000000000n, 0x4340000000000000n, 0x433fffffffffffffn, // 2^52, 2^53, 2^53-1
];

const F32_EDGES: readonly number[] = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, // +-0, +-inf
  0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fffffff, // quiet NaNs
  0x7f800001, 0x7fa00000, 0xffbfffff, // signaling NaNs
  0x00000001, 0x007fffff, 0x80000001, 0x00400000, // subnormals
  0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, // min/max normal
  0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbf000000, 0xc0200000, 0x3f7fffff,
  0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, // ~2^31
  0x4f7fffff, 0x4f800000, // ~2^32
  0x5effffff, 0x5f000000, 0xdf000000, 0xdf000001, // ~2^63
  0x5f7fffff, 0x5f800000, // ~2^64
  0x3effffff, 0xbeffffff, 0x4affffff, 0xcaffffff, 0x4b000000, 0x4b7fffff, // just under 0.5, 2^23-0.5, 2^23, 2^24-1
];

const scratch = new DataView(new ArrayBuffer(8));

/** Bit pattern of a number as a double. */
function f64Bits(v: number): bigint {
  scratch.setFloat64(0, v, true);
  return scratch.getBigUint64(0, true);
}

/** Bit pattern of a number rounded to single precision. */
function f32Bits(v: number): number {
  scratch.setFloat32(0, v, true);
  return scratch.getUint32(0, true);
}

/** A double bit pattern: special values, quarter-integers (rounding ties), exponents near 1, or random bits. */
export function randomF64(rng: Rng): bigint {
  if (rng.chance(0.15)) return f64Bits(rng.range(-400, 400) / 4);
  if (rng.chance(0.1)) {
    // Random mantissa at the bottom (subnormal, tiny normal) or the top of the exponent range.
    const exp = rng.chance(0.5) ? rng.range(0, 3) : rng.range(2043, 2046);
    return (BigInt(rng.below(2)) << 63n) | (BigInt(exp) << 52n) | (rng.u64() & ((1n << 52n) - 1n));
  }
  switch (rng.below(4)) {
    case 0: case 1: return rng.pick(F64_EDGES);
    case 2: {
      // Sign, exponent within +-40 of the bias, random mantissa.
      const sign = BigInt(rng.below(2)) << 63n;
      const exp = BigInt(1023 + rng.range(-40, 70)) << 52n;
      return sign | exp | (rng.u64() & ((1n << 52n) - 1n));
    }
    default: return rng.u64();
  }
}

/** A single-precision bit pattern (32 bits), chosen like randomF64's. */
export function randomF32(rng: Rng): number {
  if (rng.chance(0.15)) return f32Bits(rng.range(-400, 400) / 4);
  if (rng.chance(0.1)) {
    const exp = rng.chance(0.5) ? rng.range(0, 3) : rng.range(251, 254);
    return ((rng.below(2) << 31) | (exp << 23) | (rng.u32() & 0x7fffff)) >>> 0;
  }
  switch (rng.below(4)) {
    case 0: case 1: return rng.pick(F32_EDGES) >>> 0;
    case 2: {
      const sign = rng.below(2) << 31;
      const exp = (127 + rng.range(-20, 70)) << 23;
      return (sign | exp | (rng.u32() & 0x7fffff)) >>> 0;
    }
    default: return rng.u32();
  }
}

/**
 * A 64-bit FP register value: a double, a NaN-boxed single (upper half all ones),
 * or, rarely, a single that is not properly NaN-boxed.
 */
export function randomFpReg(rng: Rng): bigint {
  const k = rng.below(20);
  if (k < 9) return randomF64(rng);
  if (k < 18) return (0xffffffffn << 32n) | BigInt(randomF32(rng));
  // Improperly boxed: upper half not all ones.
  const hi = rng.chance(0.5) ? 0n : BigInt(rng.u32() & 0xfffffffe);
  return (hi << 32n) | BigInt(randomF32(rng));
}

/** A 64-bit memory word for the scratch area: integers, doubles or pairs of singles. */
export function randomMemWord(rng: Rng): bigint {
  switch (rng.below(3)) {
    case 0: return randomInt(rng);
    case 1: return randomF64(rng);
    default: return (BigInt(randomF32(rng)) << 32n) | BigInt(randomF32(rng));
  }
}
