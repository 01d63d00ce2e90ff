import test from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../../isa/riscv/table.js";
import { FFlag, type Hart } from "../hart.js";
import { Trap } from "../trap.js";
import {
  add, bareHart, cmp, div, DP, exec, getF, mul, neg, Prng, randomFinite, rat, roundTo, setBits, setF, SP,
  specialBits, sub, valueOf, type Rat, type RefFormat,
} from "./testing.js";

const hex = (b: bigint) => `0x${b.toString(16)}`;
const RMS = ["rne", "rtz", "rdn", "rup", "rmm"];
const NX = FFlag.NX, UF = FFlag.UF, OF = FFlag.OF, DZ = FFlag.DZ, NV = FFlag.NV;

type Kind = "add" | "sub" | "mul" | "div" | "fmadd" | "fmsub" | "fnmsub" | "fnmadd";
const OPS: Record<Kind, [Op, Op]> = {
  add: [Op.FADD_S, Op.FADD_D], sub: [Op.FSUB_S, Op.FSUB_D], mul: [Op.FMUL_S, Op.FMUL_D], div: [Op.FDIV_S, Op.FDIV_D],
  fmadd: [Op.FMADD_S, Op.FMADD_D], fmsub: [Op.FMSUB_S, Op.FMSUB_D], fnmsub: [Op.FNMSUB_S, Op.FNMSUB_D], fnmadd: [Op.FNMADD_S, Op.FNMADD_D],
};
const fused = (k: Kind) => k.startsWith("f");

/** Runs `kind` on bits a, b, c in `fmt` and mode rm (dynamic through frm when dyn); returns result bits (unboxed) and flags. */
function run(kind: Kind, fmt: RefFormat, rm: number, a: bigint, b: bigint, c = 0n, dyn = false): { bits: bigint; flags: number; h: Hart } {
  const h = bareHart();
  setBits(h, fmt, 1, a); setBits(h, fmt, 2, b); setBits(h, fmt, 3, c);
  h.frm = dyn ? rm : 0;
  const field = dyn ? 7 : rm;
  const op = OPS[kind][fmt === SP ? 0 : 1];
  exec(h, op, 4, 1, 2, fused(kind) ? 3 | (field << 8) : field);
  const raw = getF(h, 4);
  if (fmt === SP) assert.equal(raw >> 32n, 0xffffffffn, "single results are NaN-boxed");
  return { bits: fmt === SP ? raw & 0xffffffffn : raw, flags: h.fflags, h };
}

const signOf = (fmt: RefFormat, b: bigint) => (b >> BigInt(fmt.width - 1)) === 1n;

/** The expected result of `kind` on finite operands, by the rational reference. Null when not comparable (division by zero). */
function expected(kind: Kind, fmt: RefFormat, rm: number, a: bigint, b: bigint, c: bigint): { bits: bigint; flags: number } | null {
  const va = valueOf(fmt, a)!, vb = valueOf(fmt, b)!, vc = valueOf(fmt, c)!;
  let exact: Rat;
  // the two terms of a sum, with their signs, for the sign of an exact zero
  let x: [Rat, boolean] | undefined, y: [Rat, boolean] | undefined;
  const sa = signOf(fmt, a), sb = signOf(fmt, b), sc = signOf(fmt, c);
  switch (kind) {
    case "add": x = [va, sa]; y = [vb, sb]; break;
    case "sub": x = [va, sa]; y = [neg(vb), !sb]; break;
    case "mul": exact = mul(va, vb); break;
    case "div": if (vb.n === 0n) return null; exact = div(va, vb); break;
    default: {
      const negP = kind === "fnmsub" || kind === "fnmadd", negC = kind === "fmsub" || kind === "fnmadd";
      const p = mul(va, vb);
      x = [negP ? neg(p) : p, (sa !== sb) !== negP];
      y = [negC ? neg(vc) : vc, sc !== negC];
    }
  }
  if (x && y) exact = add(x[0], y[0]);
  if (exact!.n !== 0n) return roundTo(fmt, exact!, rm);
  let negative: boolean;
  if (x && y) {
    const bothZero = x[0].n === 0n && y[0].n === 0n;
    negative = bothZero && x[1] === y[1] ? x[1] : rm === 2;
  } else negative = sa !== sb;
  return { bits: specialBits(fmt, negative, "zero"), flags: 0 };
}

for (const fmt of [SP, DP]) {
  const name = fmt === SP ? "single" : "double";
  for (const kind of Object.keys(OPS) as Kind[]) {
    test(`${kind} in ${name} precision matches exact rational arithmetic in all five rounding modes`, () => {
      const r = new Prng(0x9e3779b9 ^ (kind.length * 7919) ^ fmt.width);
      const n = fused(kind) ? 1500 : 1000;
      for (let i = 0; i < n; i++) {
        const a = randomFinite(r, fmt);
        let b = randomFinite(r, fmt);
        let c = randomFinite(r, fmt);
        if (fused(kind) && i % 3 === 0) {
          // make c cancel most of the product: c = -(a*b) rounded, nudged by a few units
          const p = valueOf(fmt, a)!, q = valueOf(fmt, b)!;
          const prod = mul(p, q);
          if (prod.n !== 0n) {
            const rounded = roundTo(fmt, prod, r.below(5)).bits;
            if ((rounded >> BigInt(fmt.prec - 1) & BigInt((1 << (fmt.width - fmt.prec)) - 1)) !== BigInt((1 << (fmt.width - fmt.prec)) - 1)) {
              c = (rounded + BigInt(r.below(5)) - 2n) ^ (kind === "fmsub" || kind === "fnmsub" ? 0n : 1n << BigInt(fmt.width - 1));
              c &= (1n << BigInt(fmt.width)) - 1n;
              if (valueOf(fmt, c) === null) c = rounded;
            }
          }
        }
        if (kind === "add" && i % 4 === 0) b = (a ^ (1n << BigInt(fmt.width - 1))) + BigInt(r.below(3)) - 1n; // near-cancellation
        if ((kind === "add" || kind === "sub") && i % 4 === 1) {
          // b around half an ulp of a, with few bits: sums land on and near midpoints
          const fb = BigInt(fmt.prec - 1);
          const ea = (a >> fb) & ((1n << BigInt(fmt.width - fmt.prec)) - 1n);
          const eb = ea - fb - 1n + BigInt(r.below(3)) - 1n;
          if (eb > 0n) b = (BigInt(r.below(2)) << BigInt(fmt.width - 1)) | (eb << fb) | (r.below(2) ? 1n : 0n);
        }
        b &= (1n << BigInt(fmt.width)) - 1n;
        if (valueOf(fmt, b) === null) continue;
        for (let rm = 0; rm < 5; rm++) {
          const want = expected(kind, fmt, rm, a, b, c);
          if (want === null) continue;
          const got = run(kind, fmt, rm, a, b, c, (i + rm) % 2 === 1);
          const what = `${kind}.${name} ${RMS[rm]} a=${hex(a)} b=${hex(b)} c=${hex(c)}`;
          assert.equal(hex(got.bits), hex(want.bits), what);
          assert.equal(got.flags, want.flags, `flags of ${what}`);
        }
      }
    });
  }

  test(`sqrt in ${name} precision is correctly rounded in all five modes`, () => {
    const r = new Prng(12345 + fmt.width);
    const op = fmt === SP ? Op.FSQRT_S : Op.FSQRT_D;
    const one = 1n << BigInt(fmt.width - 1);
    for (let i = 0; i < 1500; i++) {
      const a = randomFinite(r, fmt) & (one - 1n);
      const x = valueOf(fmt, a)!;
      if (x.n === 0n) continue;
      for (let rm = 0; rm < 5; rm++) {
        const h = bareHart();
        setBits(h, fmt, 1, a);
        exec(h, op, 2, 1, 0, rm);
        const y = getF(h, 2) & ((1n << BigInt(fmt.width)) - 1n);
        const vy = valueOf(fmt, y)!, below = valueOf(fmt, y - 1n)!, above = valueOf(fmt, y + 1n)!;
        const sq = (v: Rat) => mul(v, v);
        const what = `sqrt.${name} ${RMS[rm]} of ${hex(a)} gave ${hex(y)}`;
        const c = cmp(sq(vy), x);
        assert.equal(h.fflags, c === 0 ? 0 : NX, `flags of ${what}`);
        if (c === 0) continue;
        if (rm === 1 || rm === 2) assert.ok(c < 0 && cmp(sq(above), x) > 0, what);
        else if (rm === 3) assert.ok(c > 0 && cmp(sq(below), x) < 0, what);
        else {
          const lo = mul(add(vy, below), rat(1n, 2n)), hi = mul(add(vy, above), rat(1n, 2n));
          assert.ok(cmp(sq(lo), x) < 0 && cmp(sq(hi), x) > 0, what);
        }
      }
    }
  });
}

const D = (x: number) => { const f = new Float64Array([x]); return new BigUint64Array(f.buffer)[0]; };
const S = (x: number) => { const f = new Float32Array([x]); return BigInt(new Uint32Array(f.buffer)[0]); };
const fromD = (b: bigint) => new Float64Array(new BigUint64Array([b]).buffer)[0];

test("a sum exactly halfway between two doubles rounds as each mode says", () => {
  for (let rm = 0; rm < 5; rm++) {
    const up = rm === 3 || rm === 4;
    const got = run("add", DP, rm, D(1), D(2 ** -53));
    assert.equal(fromD(got.bits), up ? 1 + 2 ** -52 : 1, RMS[rm]);
    assert.equal(got.flags, NX);
    const neg = run("add", DP, rm, D(-1), D(-(2 ** -53)));
    assert.equal(fromD(neg.bits), rm === 2 || rm === 4 ? -(1 + 2 ** -52) : -1, `negative ${RMS[rm]}`);
  }
});

test("x + (-x) is +0 in every mode but round-down, where it is -0", () => {
  for (let rm = 0; rm < 5; rm++) {
    const got = run("add", DP, rm, D(1.5), D(-1.5));
    assert.equal(hex(got.bits), hex(rm === 2 ? 1n << 63n : 0n), RMS[rm]);
    const s = run("sub", SP, rm, S(3), S(3));
    assert.equal(hex(s.bits), hex(rm === 2 ? 1n << 31n : 0n), `single ${RMS[rm]}`);
    assert.equal(got.flags | s.flags, 0);
  }
  assert.equal(run("add", DP, 0, 1n << 63n, 1n << 63n).bits, 1n << 63n, "-0 + -0 = -0");
});

test("overflow gives infinity or the largest finite value depending on mode, with OF and NX", () => {
  const big = D(2 ** 1023);
  for (let rm = 0; rm < 5; rm++) {
    const toInf = rm === 0 || rm === 3 || rm === 4;
    const got = run("mul", DP, rm, big, D(2));
    assert.equal(hex(got.bits), hex(toInf ? 0x7ff0000000000000n : 0x7fefffffffffffffn), RMS[rm]);
    assert.equal(got.flags, OF | NX);
    const n = run("mul", DP, rm, big, D(-2));
    const negInf = rm === 0 || rm === 2 || rm === 4;
    assert.equal(hex(n.bits), hex(negInf ? 0xfff0000000000000n : 0xffefffffffffffffn), `negative ${RMS[rm]}`);
    const s = run("mul", SP, rm, S(2 ** 127), S(2));
    assert.equal(hex(s.bits), hex(toInf ? 0x7f800000n : 0x7f7fffffn), `single ${RMS[rm]}`);
    assert.equal(s.flags, OF | NX);
  }
});

test("a result just above the largest finite value overflows only if the mode rounds it up", () => {
  // MAX + half an ulp - tiny: RNE rounds to MAX without overflow; RUP overflows.
  const max = 0x7fefffffffffffffn;
  const ulpHalf = D(2 ** 970);
  const near = run("add", DP, 0, max, D(2 ** 969));
  assert.equal(near.bits, max);
  assert.equal(near.flags, NX);
  const tie = run("add", DP, 0, max, ulpHalf);
  assert.equal(hex(tie.bits), "0x7ff0000000000000", "a tie at the top rounds to even, which is infinity");
  assert.equal(tie.flags, OF | NX);
  const up = run("add", DP, 3, max, D(2 ** 900));
  assert.equal(hex(up.bits), "0x7ff0000000000000");
  assert.equal(up.flags, OF | NX);
  const rtz = run("add", DP, 1, max, ulpHalf);
  assert.equal(rtz.bits, max);
  assert.equal(rtz.flags, NX, "rounding toward zero to MAX is not an overflow when the unbounded result is MAX");
});

test("tininess is detected after rounding", () => {
  // 2^-1022 * (1 - 2^-53): exact 2^-1022 - 2^-1075 is tiny even after rounding to 53 bits: UF.
  const a = D(2 ** -1022), b = D(1 - 2 ** -53);
  const got = run("mul", DP, 0, a, b);
  assert.equal(hex(got.bits), hex(D(2 ** -1022)));
  assert.equal(got.flags, UF | NX);
  // 2^-1022 * (1 + 2^-27) * (1 - 2^-27) = 2^-1022 - 2^-1076 rounds (unbounded) to 2^-1022: not tiny,
  // so no UF, although it lies below the smallest normal (tininess before rounding would say UF).
  for (const kind of ["mul", "fmadd"] as Kind[]) {
    const f = run(kind, DP, 0, D(2 ** -1022 * (1 + 2 ** -27)), D(1 - 2 ** -27), 1n << 63n);
    assert.equal(hex(f.bits), hex(D(2 ** -1022)), kind);
    assert.equal(f.flags, NX, kind);
    const rtz = run(kind, DP, 1, D(2 ** -1022 * (1 + 2 ** -27)), D(1 - 2 ** -27), 1n << 63n);
    assert.equal(hex(rtz.bits), hex(D(2 ** -1022 - 2 ** -1074)), `${kind} toward zero`);
    assert.equal(rtz.flags, UF | NX, `${kind} toward zero is tiny`);
  }
  // Same in single precision via fcvt-free arithmetic: 2^-126 * (1 - 2^-24).
  const s = run("mul", SP, 0, S(2 ** -126), S(1 - 2 ** -24));
  assert.equal(hex(s.bits), hex(S(2 ** -126)));
  assert.equal(s.flags, UF | NX);
});

test("an exact subnormal result raises no underflow, an inexact one raises UF and NX", () => {
  const exact = run("mul", DP, 0, D(2 ** -1022), D(0.5));
  assert.equal(hex(exact.bits), hex(D(2 ** -1023)));
  assert.equal(exact.flags, 0);
  const inexact = run("mul", DP, 0, D(2 ** -1074), D(0.5));
  assert.equal(inexact.bits, 0n, "half the smallest subnormal rounds to even: zero");
  assert.equal(inexact.flags, UF | NX);
  const up = run("mul", DP, 3, D(2 ** -1074), D(0.5));
  assert.equal(up.bits, 1n);
  assert.equal(up.flags, UF | NX);
  const s = run("div", SP, 0, S(2 ** -149), S(2));
  assert.equal(s.bits, 0n);
  assert.equal(s.flags, UF | NX);
});

test("division by zero raises DZ and gives a signed infinity; 0/0 and inf/inf raise NV", () => {
  const dz = run("div", DP, 0, D(-3), D(0));
  assert.equal(hex(dz.bits), "0xfff0000000000000");
  assert.equal(dz.flags, DZ);
  const nz = run("div", SP, 0, S(1), 0x80000000n);
  assert.equal(hex(nz.bits), "0xff800000");
  assert.equal(run("div", DP, 0, D(0), D(0)).bits, 0x7ff8000000000000n);
  assert.equal(run("div", DP, 0, D(0), D(0)).flags, NV);
  assert.equal(run("div", SP, 0, S(Infinity), S(-Infinity)).flags, NV);
  assert.equal(hex(run("div", DP, 0, D(Infinity), D(0)).bits), "0x7ff0000000000000", "inf/0 is inf without DZ");
  assert.equal(run("div", DP, 0, D(Infinity), D(0)).flags, 0);
  assert.equal(hex(run("div", DP, 0, D(-5), D(Infinity)).bits), "0x8000000000000000");
});

test("sqrt of a negative number is invalid; sqrt of -0 is -0; sqrt of +inf is +inf", () => {
  for (const [fmt, op, bits, out, flags] of [
    [DP, Op.FSQRT_D, D(-1), 0x7ff8000000000000n, NV],
    [DP, Op.FSQRT_D, D(-Infinity), 0x7ff8000000000000n, NV],
    [DP, Op.FSQRT_D, 1n << 63n, 1n << 63n, 0],
    [DP, Op.FSQRT_D, D(Infinity), D(Infinity), 0],
    [SP, Op.FSQRT_S, S(-2), 0x7fc00000n, NV],
    [SP, Op.FSQRT_S, 1n << 31n, 1n << 31n, 0],
    [SP, Op.FSQRT_S, S(2 ** -148), S(2 ** -74), 0],
  ] as [RefFormat, Op, bigint, bigint, number][]) {
    const h = bareHart();
    setBits(h, fmt, 1, bits);
    exec(h, op, 2, 1, 0, 0);
    assert.equal(hex(getF(h, 2) & ((1n << BigInt(fmt.width)) - 1n)), hex(out), hex(bits));
    assert.equal(h.fflags, flags, hex(bits));
  }
});

test("signaling NaN operands raise NV, quiet ones do not, and NaN results are canonical", () => {
  const qD = 0x7ff8000000000123n, sD = 0x7ff0000000000001n, qS = 0xffc00001n, sS = 0x7f800001n;
  for (const kind of ["add", "mul", "div", "fmadd"] as Kind[]) {
    const q = run(kind, DP, 0, D(1), qD, D(1));
    assert.equal(hex(q.bits), "0x7ff8000000000000", kind);
    assert.equal(q.flags, 0);
    const s = run(kind, DP, 0, sD, D(1), D(1));
    assert.equal(hex(s.bits), "0x7ff8000000000000");
    assert.equal(s.flags, NV);
    const qs = run(kind, SP, 0, qS, S(1), S(1));
    assert.equal(hex(qs.bits), "0x7fc00000");
    assert.equal(qs.flags, 0);
    const ss = run(kind, SP, 0, S(1), sS, S(1));
    assert.equal(ss.flags, NV);
  }
  assert.equal(run("fmadd", DP, 0, D(1), D(1), sD).flags, NV, "a signaling addend");
  assert.equal(run("add", DP, 0, D(Infinity), D(-Infinity)).flags, NV);
  assert.equal(hex(run("add", DP, 0, D(Infinity), D(-Infinity)).bits), "0x7ff8000000000000");
});

test("fused multiply-add rounds once where a separate multiply and add would round twice", () => {
  // (1 + 2^-30)^2 - (1 + 2^-29) = 2^-60 exactly; RN(a*b) + c would give 0.
  const a = D(1 + 2 ** -30);
  const got = run("fmadd", DP, 0, a, a, D(-(1 + 2 ** -29)));
  assert.equal(fromD(got.bits), 2 ** -60);
  assert.equal(got.flags, 0);
  // c = -RN(a*b) leaves exactly the product's rounding error.
  const x = 0.1, y = 10 / 3;
  const exact = sub(mul(valueOf(DP, D(x))!, valueOf(DP, D(y))!), valueOf(DP, D(x * y))!);
  const e = run("fmadd", DP, 0, D(x), D(y), D(-(x * y)));
  assert.equal(hex(e.bits), hex(roundTo(DP, exact, 0).bits));
  assert.equal(e.flags, 0);
  // single: (1 + 2^-12)^2 + 2^-80 = 1 + 2^-11 + 2^-24 + 2^-80 is just above a single midpoint;
  // rounding to double first would land on the midpoint and then round down to even.
  const s = run("fmadd", SP, 0, S(1 + 2 ** -12), S(1 + 2 ** -12), S(2 ** -80));
  assert.equal(hex(s.bits), hex(S(1 + 2 ** -11 + 2 ** -23)));
  assert.equal(s.flags, NX);
});

test("fused multiply-add is exact for a product far below the addend and handles the sticky tail in every mode", () => {
  const tiny = D(2 ** -200), one = D(1);
  for (let rm = 0; rm < 5; rm++) {
    const got = run("fmadd", DP, rm, tiny, tiny, one);
    assert.equal(fromD(got.bits), rm === 3 ? 1 + 2 ** -52 : 1, RMS[rm]);
    assert.equal(got.flags, NX);
    const neg = run("fmsub", DP, rm, tiny, tiny, one); // 2^-400 - 1
    assert.equal(fromD(neg.bits), rm === 1 || rm === 3 ? -(1 - 2 ** -53) : -1, `fmsub ${RMS[rm]}`);
  }
});

test("0 * inf in a fused multiply-add is invalid even when the addend is a quiet NaN", () => {
  const got = run("fmadd", DP, 0, D(0), D(Infinity), 0x7ff8000000000000n);
  assert.equal(hex(got.bits), "0x7ff8000000000000");
  assert.equal(got.flags, NV);
  assert.equal(run("fmadd", SP, 0, S(Infinity), S(0), S(1)).flags, NV);
  assert.equal(run("fmadd", DP, 0, D(Infinity), D(2), D(-Infinity)).flags, NV, "inf - inf");
  const ok = run("fmadd", DP, 0, D(Infinity), D(2), D(Infinity));
  assert.equal(hex(ok.bits), "0x7ff0000000000000");
  assert.equal(ok.flags, 0);
});

test("the fused variants negate the product and the addend as their names say", () => {
  const a = D(2), b = D(3), c = D(1);
  assert.equal(fromD(run("fmadd", DP, 0, a, b, c).bits), 7);
  assert.equal(fromD(run("fmsub", DP, 0, a, b, c).bits), 5);
  assert.equal(fromD(run("fnmsub", DP, 0, a, b, c).bits), -5);
  assert.equal(fromD(run("fnmadd", DP, 0, a, b, c).bits), -7);
  // signs of zero: -(+0 * 1) - (+0) = -0
  assert.equal(hex(run("fnmadd", DP, 0, D(0), D(1), D(0)).bits), "0x8000000000000000");
  assert.equal(hex(run("fmadd", SP, 0, S(0), S(-1), S(0)).bits), "0x0", "-0 + +0 = +0");
  assert.equal(hex(run("fmadd", SP, 2, S(0), S(-1), S(0)).bits), "0x80000000", "... but -0 when rounding down");
});

test("single operations read an improperly NaN-boxed operand as the canonical NaN without raising NV", () => {
  const h = bareHart();
  setF(h, 1, 0x000000003f800000n); // 1.0f, not boxed
  setBits(h, SP, 2, S(2));
  exec(h, Op.FADD_S, 3, 1, 2, 0);
  assert.equal(hex(getF(h, 3)), "0xffffffff7fc00000");
  assert.equal(h.fflags, 0);
  exec(h, Op.FMUL_S, 3, 2, 2, 0);
  assert.equal(hex(getF(h, 3)), hex(0xffffffff00000000n | S(4)), "a boxed product");
});

test("reserved rounding modes make arithmetic an illegal instruction", () => {
  const h = bareHart();
  for (const field of [5, 6]) assert.throws(() => exec(h, Op.FADD_D, 3, 1, 2, field), Trap);
  for (const frm of [5, 6, 7]) {
    h.frm = frm;
    assert.throws(() => exec(h, Op.FMUL_S, 3, 1, 2, 7), Trap);
    assert.throws(() => exec(h, Op.FMADD_D, 3, 1, 2, 4 | (7 << 8)), Trap);
    assert.throws(() => exec(h, Op.FCVT_D_S, 3, 1, 0, 7), Trap, "even an exact conversion");
  }
  h.frm = 0;
  assert.throws(() => exec(h, Op.FMADD_D, 3, 1, 2, 4 | (5 << 8)), Trap);
  exec(h, Op.FMADD_D, 3, 1, 2, 4 | (7 << 8)); // dynamic with a valid frm
});

test("the dynamic rounding mode follows frm", () => {
  const h = bareHart();
  setBits(h, DP, 1, D(1)); setBits(h, DP, 2, D(3));
  h.frm = 3;
  exec(h, Op.FDIV_D, 3, 1, 2, 7);
  assert.equal(getF(h, 3), D(1 / 3) + 1n, "1/3 rounded up is one ulp above the nearest");
  h.frm = 1;
  exec(h, Op.FDIV_D, 3, 1, 2, 7);
  assert.equal(getF(h, 3), D(1 / 3));
  assert.equal(h.fflags, NX);
});
