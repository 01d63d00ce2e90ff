import test from "node:test";
import assert from "node:assert/strict";
import { FFlag } from "../hart.js";
import { compute, F32, F64, Kind, roundPack, unpack, Cls, type Fmt } from "./exact.js";
import { add, DP, mul, pow2, Prng, rat, roundTo, SP, type RefFormat } from "./testing.js";

const RMS = ["rne", "rtz", "rdn", "rup", "rmm"];
const pairs: [Fmt, RefFormat][] = [[F32, SP], [F64, DP]];

test("roundPack agrees with the rational reference on exact values across the whole range", () => {
  const r = new Prng(31337);
  for (const [fmt, ref] of pairs) {
    for (let i = 0; i < 3000; i++) {
      const man = r.bits(1 + r.below(64)) | 1n;
      const span = 2 * fmt.emax + 2 * fmt.prec + 80;
      const exp = r.below(span) - fmt.emax - fmt.prec - 80;
      const sign = r.below(2);
      for (let rm = 0; rm < 5; rm++) {
        const h = { fflags: 0 };
        const got = roundPack(h, fmt, sign, man, exp, false, rm);
        const x = mul(rat(sign ? -man : man), pow2(exp));
        const want = roundTo(ref, x, rm);
        assert.equal(got.toString(16), want.bits.toString(16), `${man}*2^${exp} ${RMS[rm]}`);
        assert.equal(h.fflags, want.flags, `flags of ${man}*2^${exp} ${RMS[rm]}`);
      }
    }
  }
});

test("roundPack treats the sticky bit as a nonzero amount below the last bit", () => {
  const r = new Prng(99);
  for (const [fmt, ref] of pairs) {
    for (let i = 0; i < 2000; i++) {
      // at least prec + 2 bits, as the contract requires
      const man = r.bits(fmt.prec + 2 + r.below(8)) | (1n << BigInt(fmt.prec + 1));
      const exp = r.below(2 * fmt.emax + 3 * fmt.prec) - fmt.emax - 2 * fmt.prec;
      const sign = r.below(2);
      // the sticky bit stands for any value strictly between 0 and 2^exp: take 2^(exp - 7)
      const x = mul(add(rat(man), pow2(-7)), pow2(exp));
      for (let rm = 0; rm < 5; rm++) {
        const h = { fflags: 0 };
        const got = roundPack(h, fmt, sign, man, exp, true, rm);
        const want = roundTo(ref, sign ? mul(x, rat(-1n)) : x, rm);
        assert.equal(got.toString(16), want.bits.toString(16), `${man}*2^${exp}+sticky ${RMS[rm]}`);
        assert.equal(h.fflags, want.flags);
      }
    }
  }
});

test("unpack classifies zeros, subnormals, normals, infinities and both kinds of NaN", () => {
  assert.equal(unpack(F64, 0n).cls, Cls.Zero);
  assert.deepEqual(unpack(F64, 1n), { cls: Cls.Finite, sign: 0, man: 1n, exp: -1074 });
  assert.deepEqual(unpack(F32, 0xbf800000n), { cls: Cls.Finite, sign: 1, man: 1n << 23n, exp: -23 });
  assert.equal(unpack(F32, 0xff800000n).cls, Cls.Inf);
  assert.equal(unpack(F32, 0x7fc00000n).cls, Cls.QNaN);
  assert.equal(unpack(F64, 0x7ff0000000000001n).cls, Cls.SNaN);
});

test("exact square roots are exact and others are rounded with NX", () => {
  const h = { fflags: 0 };
  const x = unpack(F64, 0x4022000000000000n); // 9
  assert.equal(compute(h, F64, Kind.Sqrt, x, x, x, 0), 0x4008000000000000n);
  assert.equal(h.fflags, 0);
  const two = unpack(F64, 0x4000000000000000n);
  assert.equal(compute(h, F64, Kind.Sqrt, two, two, two, 0), 0x3ff6a09e667f3bcdn);
  assert.equal(h.fflags, FFlag.NX);
  const sub = unpack(F64, 4n); // 2^-1072
  assert.equal(compute({ fflags: 0 }, F64, Kind.Sqrt, sub, sub, sub, 0), 0x1e70000000000000n);
});

test("exact division of subnormals and huge values lands on the reference", () => {
  const h = { fflags: 0 };
  const tiny = unpack(F64, 1n), big = unpack(F64, 0x7fefffffffffffffn);
  assert.equal(compute(h, F64, Kind.Div, tiny, big, tiny, 0), 0n);
  assert.equal(h.fflags, FFlag.NX | FFlag.UF);
  const h2 = { fflags: 0 };
  assert.equal(compute(h2, F64, Kind.Div, big, tiny, tiny, 1), 0x7fefffffffffffffn);
  assert.equal(h2.fflags, FFlag.NX | FFlag.OF);
});
