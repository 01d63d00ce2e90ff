/**
 * Seeded pseudo-random numbers for the fuzzer. The generator is xoshiro128**
 * (Blackman and Vigna), seeded through splitmix32 so that any 32-bit seed, and
 * any (seed, stream) pair, gives an independent, reproducible sequence.
 */

/** One splitmix32 step: returns the next state and its mixed output. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** A deterministic random source; all fuzzer randomness flows through one of these. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the generator from `seed` and an optional `stream` number (e.g. a case index). */
  constructor(seed: number, stream = 0) {
    let st = (seed ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0;
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [n, v] = splitmix32(st);
      st = n;
      out.push(v | 0);
    }
    if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1;
    [this.s0, this.s1, this.s2, this.s3] = out;
  }

  /** Next raw 32-bit unsigned value. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(a: readonly T[]): T {
    return a[this.below(a.length)];
  }

  /** An element chosen with the given non-negative weights (same length as `a`). */
  weighted<T>(a: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = (this.u32() / 0x100000000) * total;
    for (let i = 0; i < a.length; i++) {
      r -= weights[i];
      if (r < 0) return a[i];
    }
    return a[a.length - 1];
  }

  /** Uniform 64-bit unsigned value. */
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
