import test from "node:test";
import assert from "node:assert/strict";
import { divrem32, divrem64, mulh64, r64, umul32 } from "./int64.js";

/** A seeded stream of 64-bit values biased to edges (0, ±1, min, max, powers of two). */
function* values(seed: number, n: number): Generator<bigint> {
  const edges = [0n, 1n, -1n, 2n, -2n, 1n << 31n, (1n << 31n) - 1n, 1n << 32n, (1n << 63n) - 1n, -(1n << 63n), 1n << 52n, 3n];
  let s = BigInt(seed);
  for (let i = 0; i < n; i++) {
    s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    yield i % 4 === 0 ? edges[Number(s % BigInt(edges.length))] : BigInt.asIntN(64, s >> BigInt(Number(s & 63n) % 40));
  }
}

const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));
const got = () => BigInt.asIntN(64, (BigInt(r64.hi) << 32n) | BigInt(r64.lo >>> 0));

test("umul32 gives the exact 64-bit product of two 32-bit numbers", () => {
  for (const [a, b] of [[0xffffffff, 0xffffffff], [0x12345678, 0x9abcdef0], [0, 5], [1, 0xffffffff]]) {
    umul32(a, b);
    assert.equal(BigInt.asUintN(64, got()), BigInt(a) * BigInt(b));
  }
});

test("mulh, mulhsu and mulhu agree with BigInt 128-bit products", () => {
  const xs = [...values(1, 400)], ys = [...values(2, 400)];
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i], b = ys[i];
    const cases: [boolean, boolean, bigint][] = [
      [true, true, (a * b) >> 64n],
      [true, false, (a * BigInt.asUintN(64, b)) >> 64n],
      [false, false, (BigInt.asUintN(64, a) * BigInt.asUintN(64, b)) >> 64n],
    ];
    for (const [as, bs, want] of cases) {
      mulh64(lo(a), hi(a), lo(b), hi(b), as, bs);
      assert.equal(got(), BigInt.asIntN(64, want), `mulh(${a}, ${b}, ${as}, ${bs})`);
    }
  }
});

test("64-bit division follows the spec for zero divisors and signed overflow", () => {
  const xs = [...values(3, 400)], ys = [...values(4, 400)];
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i], b = ys[i];
    const ua = BigInt.asUintN(64, a), ub = BigInt.asUintN(64, b);
    const want = {
      div: b === 0n ? -1n : a === -(1n << 63n) && b === -1n ? a : a / b,
      rem: b === 0n ? a : a === -(1n << 63n) && b === -1n ? 0n : a % b,
      divu: ub === 0n ? -1n : BigInt.asIntN(64, ua / ub),
      remu: ub === 0n ? a : BigInt.asIntN(64, ua % ub),
    };
    divrem64(lo(a), hi(a), lo(b), hi(b), true, false); assert.equal(got(), want.div, `div ${a} ${b}`);
    divrem64(lo(a), hi(a), lo(b), hi(b), true, true); assert.equal(got(), want.rem, `rem ${a} ${b}`);
    divrem64(lo(a), hi(a), lo(b), hi(b), false, false); assert.equal(got(), want.divu, `divu ${a} ${b}`);
    divrem64(lo(a), hi(a), lo(b), hi(b), false, true); assert.equal(got(), want.remu, `remu ${a} ${b}`);
  }
});

test("32-bit division sign-extends and handles zero and overflow", () => {
  assert.equal(divrem32(7, 0, true, false), -1);
  assert.equal(divrem32(7, 0, true, true), 7);
  assert.equal(divrem32(-0x80000000, -1, true, false), -0x80000000);
  assert.equal(divrem32(-0x80000000, -1, true, true), 0);
  assert.equal(divrem32(-7, 2, true, false), -3);
  assert.equal(divrem32(-7, 2, true, true), -1);
  assert.equal(divrem32(-1, 2, false, false), 0x7fffffff);
  assert.equal(divrem32(-1, 0, false, false), -1);
  assert.equal(divrem32(-2, 3, false, true), (0xfffffffe % 3) | 0);
});
