import test from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../../isa/riscv/table.js";
import { FFlag } from "../hart.js";
import {
  bareHart, cmp, DP, exec, getF, Prng, randomFinite, rat, roundTo, roundToInteger, setBits, setF, SP, valueOf, type RefFormat,
} from "./testing.js";

const RMS = ["rne", "rtz", "rdn", "rup", "rmm"];
const NX = FFlag.NX, NV = FFlag.NV;
type IntType = "w" | "wu" | "l" | "lu";
const TYPES: IntType[] = ["w", "wu", "l", "lu"];
const TO_INT: Record<IntType, [Op, Op]> = {
  w: [Op.FCVT_W_S, Op.FCVT_W_D], wu: [Op.FCVT_WU_S, Op.FCVT_WU_D], l: [Op.FCVT_L_S, Op.FCVT_L_D], lu: [Op.FCVT_LU_S, Op.FCVT_LU_D],
};
const FROM_INT: Record<IntType, [Op, Op]> = {
  w: [Op.FCVT_S_W, Op.FCVT_D_W], wu: [Op.FCVT_S_WU, Op.FCVT_D_WU], l: [Op.FCVT_S_L, Op.FCVT_D_L], lu: [Op.FCVT_S_LU, Op.FCVT_D_LU],
};
const RANGE: Record<IntType, [bigint, bigint]> = {
  w: [-(1n << 31n), (1n << 31n) - 1n], wu: [0n, (1n << 32n) - 1n], l: [-(1n << 63n), (1n << 63n) - 1n], lu: [0n, (1n << 64n) - 1n],
};
const D = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
const S = (x: number) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]);

/** x[rd] as the instruction writes it: 32-bit results sign-extended, as a signed 64-bit BigInt. */
const asReg = (t: IntType, v: bigint) => (t === "w" || t === "wu" ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v));

/** Converts f-bits to integer type t in mode rm; returns x[10] and the flags. */
function toInt(fmt: RefFormat, t: IntType, bits: bigint, rm: number): { v: bigint; flags: number } {
  const h = bareHart();
  setBits(h, fmt, 1, bits);
  h.setX(10, 0x5a5a5a5a5a5an);
  exec(h, TO_INT[t][fmt === SP ? 0 : 1], 10, 1, 0, rm);
  return { v: BigInt.asIntN(64, h.getX(10)), flags: h.fflags };
}

/** Converts integer v (read as type t) to fmt in mode rm; returns the result bits and flags. */
function fromInt(fmt: RefFormat, t: IntType, v: bigint, rm: number): { bits: bigint; flags: number } {
  const h = bareHart();
  h.setX(11, v);
  exec(h, FROM_INT[t][fmt === SP ? 0 : 1], 1, 11, 0, rm);
  const raw = getF(h, 1);
  if (fmt === SP) assert.equal(raw >> 32n, 0xffffffffn, "NaN-boxed");
  return { bits: fmt === SP ? raw & 0xffffffffn : raw, flags: h.fflags };
}

/** Values near every saturation edge, in both formats. */
function edgeValues(fmt: RefFormat): bigint[] {
  const out: bigint[] = [];
  const bitsOf = fmt === SP ? S : D;
  for (const e of [31, 32, 63, 64]) {
    for (const s of [1, -1]) {
      const base = s * 2 ** e;
      out.push(bitsOf(base));
      // the representable neighbours of ±2^e, and values with a half
      const b = bitsOf(base);
      out.push(b - 1n, b + 1n);
    }
  }
  for (const x of [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.7, -1, 2 ** 31 - 0.5, -(2 ** 31) - 0.5, 2 ** 32 - 0.5, 4294967295, 2147483647.5]) {
    const b = bitsOf(x);
    out.push(b);
  }
  return out;
}

for (const fmt of [SP, DP]) {
  const name = fmt === SP ? "single" : "double";
  test(`${name}-to-integer conversions round exactly and saturate in every mode and width`, () => {
    const r = new Prng(777 + fmt.width);
    const values = edgeValues(fmt);
    for (let i = 0; i < 2000; i++) values.push(randomFinite(r, fmt));
    for (const bits of values) {
      const x = valueOf(fmt, bits);
      if (x === null) continue;
      for (const t of TYPES) {
        const [min, max] = RANGE[t];
        for (let rm = 0; rm < 5; rm++) {
          const n = roundToInteger(x, rm);
          const got = toInt(fmt, t, bits, rm);
          const what = `fcvt.${t}.${name[0]} ${RMS[rm]} of 0x${bits.toString(16)}`;
          if (n < min || n > max) {
            assert.equal(got.v, asReg(t, n < min ? min : max), what);
            assert.equal(got.flags, NV, `flags of ${what}`);
          } else {
            assert.equal(got.v, asReg(t, n), what);
            assert.equal(got.flags, cmp(rat(n), x) === 0 ? 0 : NX, `flags of ${what}`);
          }
        }
      }
    }
  });

  test(`integer-to-${name} conversions round correctly in every mode`, () => {
    const r = new Prng(4242 + fmt.width);
    const values: bigint[] = [0n, 1n, -1n, 1n << 63n, (1n << 63n) - 1n, (1n << 64n) - 1n, (1n << 53n) + 1n, (1n << 24n) + 1n, (1n << 31n) - 1n];
    for (let i = 0; i < 1500; i++) {
      const width = 1 + r.below(64);
      let v = r.bits(width) | (1n << BigInt(width - 1));
      if (r.below(3) === 0) v = (v >> 12n) << 12n | (r.below(2) ? 1n << 11n : 0n); // ties and near-ties
      values.push(v);
    }
    for (const raw of values) {
      for (const t of TYPES) {
        const n = t === "w" ? BigInt.asIntN(32, raw) : t === "wu" ? BigInt.asUintN(32, raw) : t === "l" ? BigInt.asIntN(64, raw) : BigInt.asUintN(64, raw);
        for (let rm = 0; rm < 5; rm++) {
          const want = n === 0n ? { bits: 0n, flags: 0 } : roundTo(fmt, rat(n), rm);
          const got = fromInt(fmt, t, raw, rm);
          const what = `fcvt.${name[0]}.${t} ${RMS[rm]} of ${n}`;
          assert.equal(got.bits.toString(16), want.bits.toString(16), what);
          assert.equal(got.flags, want.flags, `flags of ${what}`);
        }
      }
    }
  });
}

test("NaN converts to the largest integer of each type, infinities to the ends of the range, all with NV", () => {
  for (const [fmt, nan, inf] of [[SP, 0x7fc00000n, 0x7f800000n], [DP, 0x7ff8000000000000n, 0x7ff0000000000000n]] as const) {
    for (const t of TYPES) {
      const [min, max] = RANGE[t];
      for (const [bits, want] of [[nan, max], [nan | (1n << BigInt(fmt.width - 1)), max], [inf, max], [inf | (1n << BigInt(fmt.width - 1)), min]] as const) {
        const got = toInt(fmt, t, bits, 0);
        assert.equal(got.v, asReg(t, want), `${t} of 0x${bits.toString(16)}`);
        assert.equal(got.flags, NV);
      }
    }
  }
  // an improperly boxed single is a NaN too
  const h = bareHart();
  setF(h, 1, 0x3f800000n);
  exec(h, Op.FCVT_W_S, 10, 1, 0, 0);
  assert.equal(BigInt.asIntN(64, h.getX(10)), 0x7fffffffn);
  assert.equal(h.fflags, NV);
});

test("an unsigned conversion of a negative value rounding to zero is 0 with NX; rounding to -1 is invalid", () => {
  assert.deepEqual(toInt(DP, "wu", D(-0.5), 1), { v: 0n, flags: NX });
  assert.deepEqual(toInt(DP, "lu", D(-0.5), 0), { v: 0n, flags: NX });
  assert.deepEqual(toInt(DP, "lu", D(-0.5), 2), { v: 0n, flags: NV });
  assert.deepEqual(toInt(SP, "wu", S(-0), 0), { v: 0n, flags: 0 });
});

test("32-bit conversion results are sign-extended into the 64-bit register", () => {
  assert.deepEqual(toInt(DP, "wu", D(3e9), 0), { v: BigInt.asIntN(32, 3000000000n), flags: 0 });
  assert.deepEqual(toInt(DP, "wu", D(5e9), 0), { v: -1n, flags: NV });
  assert.deepEqual(toInt(DP, "w", D(-3), 0), { v: -3n, flags: 0 });
});

test("conversions at the 64-bit edges: 2^63 and 2^64 saturate, -2^63 is exact", () => {
  assert.deepEqual(toInt(DP, "l", D(2 ** 63), 0), { v: (1n << 63n) - 1n, flags: NV });
  assert.deepEqual(toInt(DP, "l", D(-(2 ** 63)), 0), { v: -(1n << 63n), flags: 0 });
  assert.deepEqual(toInt(DP, "l", D(2 ** 63 - 1024), 0), { v: (1n << 63n) - 1024n, flags: 0 });
  assert.deepEqual(toInt(DP, "lu", D(2 ** 64), 1), { v: -1n, flags: NV });
  assert.deepEqual(toInt(DP, "lu", D(2 ** 64 - 2048), 0), { v: BigInt.asIntN(64, (1n << 64n) - 2048n), flags: 0 });
  assert.deepEqual(toInt(SP, "l", S(-(2 ** 63)), 1), { v: -(1n << 63n), flags: 0 });
});

test("a halfway integer-valued conversion rounds to even, or away with RMM", () => {
  const want = [2n, 2n, 2n, 3n, 3n]; // 2.5 in rne rtz rdn rup rmm
  for (let rm = 0; rm < 5; rm++) {
    assert.deepEqual(toInt(DP, "w", D(2.5), rm), { v: want[rm], flags: NX }, RMS[rm]);
    const neg = [-2n, -2n, -3n, -2n, -3n][rm];
    assert.deepEqual(toInt(SP, "l", S(-2.5), rm), { v: neg, flags: NX }, `negative ${RMS[rm]}`);
  }
});

test("a value just short of -0.5 rounds to zero in every nearest mode (found by the fuzzer against qemu)", () => {
  const x = D(-0.49999999999999994); // 0xbfdfffffffffffff
  for (const rm of [0, 4]) {
    assert.deepEqual(toInt(DP, "w", x, rm), { v: 0n, flags: NX }, RMS[rm]);
    assert.deepEqual(toInt(DP, "l", x, rm), { v: 0n, flags: NX }, RMS[rm]);
    assert.deepEqual(toInt(DP, "wu", x, rm), { v: 0n, flags: NX }, RMS[rm]);
    assert.deepEqual(toInt(DP, "lu", x, rm), { v: 0n, flags: NX }, RMS[rm]);
  }
  assert.deepEqual(toInt(DP, "w", D(-0.5000000000000001), 4), { v: -1n, flags: NX });
});

test("a 64-bit integer that does not fit a double rounds in every mode", () => {
  const v = (1n << 53n) + 1n; // halfway between 2^53 and 2^53 + 2
  const want = [0n, 0n, 0n, 2n, 2n];
  for (let rm = 0; rm < 5; rm++) {
    const got = fromInt(DP, "l", v, rm);
    assert.equal(got.bits, D(2 ** 53) + (want[rm] >> 1n), RMS[rm]);
    assert.equal(got.flags, NX);
    const neg = fromInt(DP, "l", -v, rm);
    assert.equal(neg.bits, D(-(2 ** 53)) + (rm === 2 || rm === 4 ? 1n : 0n), `negative ${RMS[rm]}`);
  }
  assert.equal(fromInt(DP, "lu", -1n, 0).bits, D(2 ** 64));
  assert.equal(fromInt(DP, "lu", -1n, 1).bits, D(2 ** 64 - 2048));
  assert.deepEqual(fromInt(SP, "l", -(1n << 63n), 0), { bits: S(-(2 ** 63)), flags: 0 });
  assert.deepEqual(fromInt(SP, "w", (1n << 24n) + 1n, 0), { bits: S(2 ** 24), flags: NX });
  assert.deepEqual(fromInt(DP, "w", -5n, 0), { bits: D(-5), flags: 0 });
});

test("fcvt.s.d rounds, fcvt.d.s is exact, and both turn NaNs canonical, raising NV only for signaling ones", () => {
  const h = bareHart();
  const cases: [Op, RefFormat, bigint, bigint, number][] = [
    [Op.FCVT_S_D, DP, D(0.1), S(0.1), NX],
    [Op.FCVT_S_D, DP, 0x7ff0000000000001n, 0x7fc00000n, NV],
    [Op.FCVT_S_D, DP, 0xfff8000000000001n, 0x7fc00000n, 0],
    [Op.FCVT_S_D, DP, D(1e300), 0x7f800000n, FFlag.OF | NX],
    [Op.FCVT_S_D, DP, D(-Infinity), 0xff800000n, 0],
    [Op.FCVT_D_S, SP, S(0.1), D(Math.fround(0.1)), 0],
    [Op.FCVT_D_S, SP, 0xff800001n, 0x7ff8000000000000n, NV],
    [Op.FCVT_D_S, SP, 0x7fc00001n, 0x7ff8000000000000n, 0],
    [Op.FCVT_D_S, SP, 1n, D(2 ** -149), 0],
  ];
  for (const [op, fmt, src, want, flags] of cases) {
    h.fflags = 0;
    setBits(h, fmt, 1, src);
    exec(h, op, 2, 1, 0, 0);
    const got = getF(h, 2);
    if (op === Op.FCVT_S_D) assert.equal(got >> 32n, 0xffffffffn);
    assert.equal((op === Op.FCVT_S_D ? got & 0xffffffffn : got).toString(16), want.toString(16), `0x${src.toString(16)}`);
    assert.equal(h.fflags, flags, `flags for 0x${src.toString(16)}`);
  }
  h.fflags = 0;
  setF(h, 1, 0x12345678_3f800000n); // an unboxed single is the canonical NaN, quietly
  exec(h, Op.FCVT_D_S, 2, 1, 0, 0);
  assert.equal(getF(h, 2), 0x7ff8000000000000n);
  assert.equal(h.fflags, 0);
  for (let rm = 0; rm < 5; rm++) {
    h.fflags = 0;
    setBits(h, DP, 1, D(1 + 2 ** -24)); // halfway between two singles
    exec(h, Op.FCVT_S_D, 2, 1, 0, rm);
    assert.equal(getF(h, 2) & 0xffffffffn, S(rm === 3 || rm === 4 ? 1 + 2 ** -23 : 1), RMS[rm]);
  }
});
