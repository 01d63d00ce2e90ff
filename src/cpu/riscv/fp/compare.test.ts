import test from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../../isa/riscv/table.js";
import { FFlag } from "../hart.js";
import { bareHart, DP, exec, getF, setBits, setF, SP, type RefFormat } from "./testing.js";

const NV = FFlag.NV;
const D = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
const S = (x: number) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]);
const QNAN_D = 0x7ff8000000000000n, SNAN_D = 0x7ff4000000000000n;
const QNAN_S = 0x7fc00000n, SNAN_S = 0x7fa00000n;
const BOXED = 0xffffffff00000000n;

/** Runs a two-operand op on bits a, b; returns x[10] (integer results) or f[3] and the flags. */
function run2(op: Op, fmt: RefFormat, a: bigint, b: bigint, toX: boolean): { v: bigint; flags: number } {
  const h = bareHart();
  setBits(h, fmt, 1, a); setBits(h, fmt, 2, b);
  exec(h, op, toX ? 10 : 3, 1, 2, 0);
  return { v: toX ? BigInt.asIntN(64, h.getX(10)) : getF(h, 3), flags: h.fflags };
}

test("fclass sets exactly one bit for each of the ten classes, in both formats", () => {
  const classes: [bigint, bigint, number][] = [
    // double, single, bit
    [D(-Infinity), S(-Infinity), 0],
    [D(-1.5), S(-1.5), 1],
    [0x800fffffffffffffn, 0x807fffffn, 2],
    [1n << 63n, 1n << 31n, 3],
    [0n, 0n, 4],
    [1n, 1n, 5],
    [D(2 ** -1022), S(2 ** -126), 6],
    [D(Infinity), S(Infinity), 7],
    [SNAN_D, SNAN_S, 8],
    [QNAN_D | (1n << 63n), QNAN_S | (1n << 31n), 9],
  ];
  for (const [d, s, bit] of classes) {
    const h = bareHart();
    setBits(h, DP, 1, d); setBits(h, SP, 2, s);
    exec(h, Op.FCLASS_D, 10, 1, 0, 0);
    exec(h, Op.FCLASS_S, 11, 2, 0, 0);
    assert.equal(h.getX(10), 1n << BigInt(bit), `double 0x${d.toString(16)}`);
    assert.equal(h.getX(11), 1n << BigInt(bit), `single 0x${s.toString(16)}`);
    assert.equal(h.fflags, 0);
  }
  const h = bareHart();
  setF(h, 1, 0x3f800000n); // not NaN-boxed: a quiet NaN
  exec(h, Op.FCLASS_S, 10, 1, 0, 0);
  assert.equal(h.getX(10), 1n << 9n);
  setF(h, 1, 0x0000000100000000n); // a double subnormal with its only bit in the high word's low end
  exec(h, Op.FCLASS_D, 10, 1, 0, 0);
  assert.equal(h.getX(10), 1n << 5n);
});

test("feq is quiet and flt/fle signal for NaNs; all are false on NaN and treat -0 as +0", () => {
  for (const [fmt, ops, q, s, v] of [
    [DP, [Op.FEQ_D, Op.FLT_D, Op.FLE_D], QNAN_D, SNAN_D, D],
    [SP, [Op.FEQ_S, Op.FLT_S, Op.FLE_S], QNAN_S, SNAN_S, S],
  ] as const) {
    const [feq, flt, fle] = ops;
    assert.deepEqual(run2(feq, fmt, v(1), v(1), true), { v: 1n, flags: 0 });
    assert.deepEqual(run2(feq, fmt, v(0), v(-0), true), { v: 1n, flags: 0 });
    assert.deepEqual(run2(flt, fmt, v(-0), v(0), true), { v: 0n, flags: 0 });
    assert.deepEqual(run2(fle, fmt, v(-0), v(0), true), { v: 1n, flags: 0 });
    assert.deepEqual(run2(flt, fmt, v(-Infinity), v(3), true), { v: 1n, flags: 0 });
    assert.deepEqual(run2(feq, fmt, q, q, true), { v: 0n, flags: 0 });
    assert.deepEqual(run2(feq, fmt, v(1), s, true), { v: 0n, flags: NV });
    assert.deepEqual(run2(flt, fmt, q, v(1), true), { v: 0n, flags: NV });
    assert.deepEqual(run2(fle, fmt, v(1), q, true), { v: 0n, flags: NV });
  }
});

test("fmin and fmax return the number when one operand is NaN, the canonical NaN when both are, and order -0 below +0", () => {
  for (const [fmt, min, max, q, s, v, canon] of [
    [DP, Op.FMIN_D, Op.FMAX_D, QNAN_D | 5n, SNAN_D, D, QNAN_D],
    [SP, Op.FMIN_S, Op.FMAX_S, QNAN_S | 5n, SNAN_S, S, QNAN_S],
  ] as const) {
    const box = (b: bigint) => (fmt === SP ? BOXED | b : b);
    assert.deepEqual(run2(min, fmt, v(2), v(-3), false), { v: box(v(-3)), flags: 0 });
    assert.deepEqual(run2(max, fmt, v(2), v(-3), false), { v: box(v(2)), flags: 0 });
    assert.deepEqual(run2(min, fmt, v(0), v(-0), false), { v: box(v(-0)), flags: 0 });
    assert.deepEqual(run2(min, fmt, v(-0), v(0), false), { v: box(v(-0)), flags: 0 });
    assert.deepEqual(run2(max, fmt, v(-0), v(0), false), { v: box(v(0)), flags: 0 });
    assert.deepEqual(run2(max, fmt, v(0), v(-0), false), { v: box(v(0)), flags: 0 });
    assert.deepEqual(run2(min, fmt, q, v(7), false), { v: box(v(7)), flags: 0 });
    assert.deepEqual(run2(max, fmt, v(7), s, false), { v: box(v(7)), flags: NV }, "a signaling NaN still raises NV");
    assert.deepEqual(run2(min, fmt, q, q, false), { v: box(canon), flags: 0 });
    assert.deepEqual(run2(max, fmt, s, q, false), { v: box(canon), flags: NV });
  }
  const h = bareHart();
  setF(h, 1, 0x40000000n); // unboxed 2.0f: a NaN, so the other operand wins
  setBits(h, SP, 2, S(-1));
  exec(h, Op.FMAX_S, 3, 1, 2, 0);
  assert.equal(getF(h, 3), BOXED | S(-1));
  assert.equal(h.fflags, 0);
});

test("sign injection copies, negates or xors the sign and never raises flags, even for NaNs", () => {
  const d = (a: bigint, b: bigint, op: Op) => run2(op, DP, a, b, false);
  assert.deepEqual(d(D(1.5), D(-2), Op.FSGNJ_D), { v: D(-1.5), flags: 0 });
  assert.deepEqual(d(D(1.5), D(-2), Op.FSGNJN_D), { v: D(1.5), flags: 0 });
  assert.deepEqual(d(D(-1.5), D(-2), Op.FSGNJX_D), { v: D(1.5), flags: 0 });
  assert.deepEqual(d(SNAN_D, D(-1), Op.FSGNJ_D), { v: SNAN_D | (1n << 63n), flags: 0 }, "payloads are kept");
  const s = (a: bigint, b: bigint, op: Op) => run2(op, SP, a, b, false);
  assert.deepEqual(s(S(3), S(-0), Op.FSGNJ_S), { v: BOXED | S(-3), flags: 0 });
  assert.deepEqual(s(S(-3), S(-1), Op.FSGNJN_S), { v: BOXED | S(3), flags: 0 });
  assert.deepEqual(s(S(-3), S(-1), Op.FSGNJX_S), { v: BOXED | S(3), flags: 0 });
  const h = bareHart();
  setF(h, 1, 0x1234567840490fdbn); // an unboxed pi: reads as the canonical NaN
  setBits(h, SP, 2, S(-1));
  exec(h, Op.FSGNJ_S, 3, 1, 2, 0);
  assert.equal(getF(h, 3), BOXED | 0xffc00000n);
  exec(h, Op.FSGNJN_S, 4, 2, 1, 0); // the sign source is the canonical NaN's (positive): negated
  assert.equal(getF(h, 4), BOXED | S(-1));
});

test("fmv moves raw bits: fmv.x.w sign-extends without checking the boxing, fmv.w.x boxes", () => {
  const h = bareHart();
  setF(h, 1, 0x00000000bf800000n); // -1.0f, unboxed
  exec(h, Op.FMV_X_W, 10, 1, 0, 0);
  assert.equal(BigInt.asIntN(64, h.getX(10)), BigInt.asIntN(32, 0xbf800000n));
  h.setX(11, 0x123456787fa00001n);
  exec(h, Op.FMV_W_X, 2, 11, 0, 0);
  assert.equal(getF(h, 2), BOXED | 0x7fa00001n);
  exec(h, Op.FMV_D_X, 3, 11, 0, 0);
  assert.equal(getF(h, 3), 0x123456787fa00001n);
  exec(h, Op.FMV_X_D, 12, 3, 0, 0);
  assert.equal(h.getX(12), 0x123456787fa00001n);
  assert.equal(h.fflags, 0);
  exec(h, Op.FMV_X_D, 32, 3, 0, 0); // rd = x0 arrives as the sink
  assert.equal(h.getX(0), 0n);
});
