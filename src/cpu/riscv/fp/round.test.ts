import test from "node:test";
import assert from "node:assert/strict";
import { FFlag } from "../hart.js";
import { Trap } from "../trap.js";
import { awayD, awayF, finishD, roundF32, rmOf, toOdd, towardZeroD, towardZeroF } from "./round.js";
import { DP, Prng, randomFinite, roundTo, SP, valueOf } from "./testing.js";

const RMS = ["rne", "rtz", "rdn", "rup", "rmm"];
const bitsF = (x: number) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]);
const fromBitsD = (b: bigint) => new Float64Array(new BigUint64Array([b]).buffer)[0];
const bitsD = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];

/** roundF32 on x in mode rm: the single's bits and the flags raised. */
function r32(x: number, rm: number): { bits: bigint; flags: number } {
  const h = { fflags: 0 };
  const v = roundF32(h, x, rm);
  return { bits: bitsF(v), flags: h.fflags };
}

test("rounding a double to single agrees with the rational reference in every mode", () => {
  const r = new Prng(2024);
  for (let i = 0; i < 4000; i++) {
    let x: number;
    const pick = r.below(4);
    if (pick === 0) x = fromBitsD(randomFinite(r, DP));
    else {
      // doubles close to singles, midpoints between singles, and the range edges of single
      const s = valueOf(SP, randomFinite(r, SP))!;
      const e = Number(r.bits(5)) - 16;
      x = Number(s.n) / Number(s.d) * (pick === 1 ? 1 : 1 + 2 ** -24 + (pick === 2 ? 0 : e * 2 ** -53));
      if (!Number.isFinite(x)) continue;
    }
    if (x === 0) continue;
    const exact = valueOf(DP, bitsD(x))!;
    for (let rm = 0; rm < 5; rm++) {
      const want = roundTo(SP, exact, rm);
      const got = r32(x, rm);
      assert.equal(got.bits.toString(16), want.bits.toString(16), `${x} ${RMS[rm]}`);
      assert.equal(got.flags, want.flags, `flags of ${x} ${RMS[rm]}`);
    }
  }
});

test("a double halfway between two singles rounds to even, away, or by direction", () => {
  const x = 1 + 2 ** -24; // halfway between 1 and 1 + 2^-23
  const want = [1, 1, 1, 1 + 2 ** -23, 1 + 2 ** -23];
  for (let rm = 0; rm < 5; rm++) {
    assert.equal(r32(x, rm).bits, bitsF(want[rm]), RMS[rm]);
    assert.equal(r32(-x, rm).bits, bitsF(rm === 2 || rm === 4 ? -want[4] : -1), `negative ${RMS[rm]}`);
    assert.equal(r32(x, rm).flags, FFlag.NX);
  }
  const odd = 1 + 3 * 2 ** -24; // halfway between 1 + 2^-23 (odd) and 1 + 2^-22 (even)
  assert.equal(r32(odd, 0).bits, bitsF(1 + 2 ** -22));
});

test("single tininess is decided after rounding at the boundary below the smallest normal", () => {
  const min = 2 ** -126;
  // halfway between the largest subnormal-range value of 24 bits and 2^-126: rounds up, not tiny
  const mid = min - 2 ** -151;
  assert.deepEqual(r32(mid, 0), { bits: bitsF(min), flags: FFlag.NX });
  assert.deepEqual(r32(mid, 4), { bits: bitsF(min), flags: FFlag.NX });
  // just below that midpoint: tiny, but still delivered as 2^-126 (the subnormal grid is coarser)
  const below = min - 2 ** -151 - 2 ** -160;
  assert.deepEqual(r32(below, 0), { bits: bitsF(min), flags: FFlag.NX | FFlag.UF });
  // rounding up: above 2^-126 - 2^-150 reaches 2^-126 and is not tiny; at it, it is
  assert.deepEqual(r32(min - 2 ** -160, 3), { bits: bitsF(min), flags: FFlag.NX });
  // 2^-126 - 2^-150 has 24 bits: exact with an unbounded exponent, hence tiny, but off the subnormal grid
  assert.deepEqual(r32(min - 2 ** -150, 3), { bits: bitsF(min), flags: FFlag.NX | FFlag.UF });
});

test("single overflow depends on the mode and on the unbounded result", () => {
  const max = 0xffffff * 2 ** 104;
  const justAbove = max + 2 ** 100; // below the midpoint to 2^128
  assert.deepEqual(r32(justAbove, 0), { bits: bitsF(max), flags: FFlag.NX });
  assert.deepEqual(r32(justAbove, 3), { bits: 0x7f800000n, flags: FFlag.NX | FFlag.OF });
  assert.deepEqual(r32(2 ** 128, 1), { bits: bitsF(max), flags: FFlag.NX | FFlag.OF });
  assert.deepEqual(r32(-(2 ** 128), 3), { bits: bitsF(-max), flags: FFlag.NX | FFlag.OF });
  assert.deepEqual(r32(-(2 ** 128), 2), { bits: 0xff800000n, flags: FFlag.NX | FFlag.OF });
  assert.deepEqual(r32(Infinity, 1), { bits: 0x7f800000n, flags: 0 }, "infinity itself is exact");
});

test("tiny doubles round to zero or the smallest subnormal single with UF and NX", () => {
  assert.deepEqual(r32(2 ** -200, 0), { bits: 0n, flags: FFlag.NX | FFlag.UF });
  assert.deepEqual(r32(2 ** -200, 3), { bits: 1n, flags: FFlag.NX | FFlag.UF });
  assert.deepEqual(r32(-(2 ** -200), 2), { bits: 0x80000001n, flags: FFlag.NX | FFlag.UF });
  assert.deepEqual(r32(-(2 ** -200), 1), { bits: 0x80000000n, flags: FFlag.NX | FFlag.UF });
  assert.deepEqual(r32(2 ** -150, 4), { bits: 1n, flags: FFlag.NX | FFlag.UF }, "a tie goes away from zero");
  assert.deepEqual(r32(2 ** -150, 0), { bits: 0n, flags: FFlag.NX | FFlag.UF }, "... or to even zero");
});

test("next-representable steps cross binades, subnormals and infinity", () => {
  assert.equal(awayD(1), 1 + 2 ** -52);
  assert.equal(towardZeroD(1), 1 - 2 ** -53);
  assert.equal(awayD(-0), -(2 ** -1074));
  assert.equal(awayD(Number.MAX_VALUE), Infinity);
  assert.equal(towardZeroD(-Infinity), -Number.MAX_VALUE);
  assert.equal(towardZeroD(2 ** -1022), 2 ** -1022 - 2 ** -1074);
  assert.equal(awayD(2 ** -1022 - 2 ** -1074), 2 ** -1022);
  assert.equal(awayF(1), 1 + 2 ** -23);
  assert.equal(towardZeroF(-1), -(1 - 2 ** -24));
  assert.equal(awayF(0), 2 ** -149);
  assert.equal(towardZeroF(Infinity), 0xffffff * 2 ** 104);
});

test("round-to-odd keeps exact and odd values and moves even ones towards the exact value", () => {
  assert.equal(toOdd(1, 0), 1);
  assert.equal(toOdd(1, 2 ** -60), 1 + 2 ** -52);
  assert.equal(toOdd(1, -(2 ** -60)), 1 - 2 ** -53);
  assert.equal(toOdd(1 + 2 ** -52, -(2 ** -60)), 1 + 2 ** -52);
  assert.equal(toOdd(-2, 2 ** -60), -(2 - 2 ** -52));
});

test("finishing a double from its exact error applies each mode and detects ties for RMM", () => {
  const s = 1, small = 2 ** -60;
  const cases: [number, number[]][] = [
    // exact error, then the results in rne rtz rdn rup rmm
    [small, [1, 1, 1, 1 + 2 ** -52, 1]],
    [-small, [1, 1 - 2 ** -53, 1 - 2 ** -53, 1, 1]],
    [2 ** -53, [1, 1, 1, 1 + 2 ** -52, 1 + 2 ** -52]],
  ];
  for (const [e, want] of cases) {
    for (let rm = 0; rm < 5; rm++) {
      const h = { fflags: 0 };
      assert.equal(finishD(h, s, e, rm), want[rm], `e=${e} ${RMS[rm]}`);
      assert.equal(h.fflags, FFlag.NX);
    }
  }
  const h = { fflags: 0 };
  assert.equal(finishD(h, Number.MAX_VALUE, 2 ** 960, 3), Infinity);
  assert.equal(h.fflags, FFlag.NX | FFlag.OF);
  assert.equal(finishD(h, 3, 0, 3), 3, "an exact result is left alone");
});

test("rm 5 and 6, and a dynamic rm with frm above 4, are illegal instructions", () => {
  assert.equal(rmOf({ frm: 0 }, 4), 4);
  assert.equal(rmOf({ frm: 3 }, 7), 3);
  assert.throws(() => rmOf({ frm: 0 }, 5), Trap);
  assert.throws(() => rmOf({ frm: 0 }, 6), Trap);
  for (const frm of [5, 6, 7]) assert.throws(() => rmOf({ frm }, 7), Trap);
});
