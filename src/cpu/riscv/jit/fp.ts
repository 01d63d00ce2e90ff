/**
 * Double-precision instructions in translated code. WebAssembly's f64
 * arithmetic rounds to nearest-even and has no exception flags, so each
 * instruction runs the same error-free transformations as the interpreter's
 * kernels (fp/arith64.ts) to find whether the result is inexact, in round to
 * nearest-even only (static rm RNE, or dynamic with frm = RNE: the tier runs
 * floating-point regions only then). Whatever the fast path declines — NaN,
 * infinities, results near the exponent range's edges, other rounding modes,
 * single precision — goes to the interpreter's handler through a helper call,
 * so results and fflags are always the interpreter's.
 */
import { Op } from "../../../isa/riscv/table.js";
import { StateLayout } from "../hart.js";
import { T, W, type CodeWriter } from "./wasm.js";

/** Extra opcodes for f64 (core spec 5.4.7). */
const enum F {
  Load = 0x2b, Store = 0x39, Const = 0x44,
  Eq = 0x61, Ne = 0x62, Lt = 0x63, Gt = 0x64, Le = 0x65, Ge = 0x66,
  Abs = 0x99, Neg = 0x9a, Trunc = 0x9d, Nearest = 0x9e, Sqrt = 0x9f,
  Add = 0xa0, Sub = 0xa1, Mul = 0xa2, Div = 0xa3, Min = 0xa4, Max = 0xa5,
  I32TruncF64S = 0xaa, I64TruncF64S = 0xb0,
  ConvertI32S = 0xb7, ConvertI32U = 0xb8, ConvertI64S = 0xb9, ConvertI64U = 0xba,
  I64Reinterpret = 0xbd, Reinterpret = 0xbf,
}

/** Veltkamp's splitting constant 2^27 + 1 and the ranges where the transformations are exact (as fp/arith64.ts). */
const SPLIT = 134217729;
const SPLIT_MAX = 2 ** 995;
const PROD_MIN = 2 ** -968;
const RES_MIN = 2 ** -1020;
const RES_MAX = 2 ** 1020;
/** fflags.NX. */
const NX = 1;
const SIGN = -(1n << 63n);

/** What the FP emitter needs from the region emitter. */
export interface FpContext {
  w: CodeWriter;
  /** Emits the helper call that runs the instruction on the interpreter's handler (with its trap exit). */
  helper(): void;
  /** Pushes x[r] as i64. */
  x(r: number): void;
  /** Pops an i64 into x[rd] (dropped for x0). */
  setX(rd: number): void;
}

/** Locals the FP emitter uses (indices given by the region emitter). */
export interface FpLocals {
  flags: number;
  /** An i64 temporary. */
  bits: number;
  /** Eleven f64 temporaries. */
  f: number;
}

/** Number of f64 temporaries. */
export const FP_TEMPS = 11;

/** Ops this module emits inline (with a helper fallback where the fast path declines). */
export function isInlineFp(op: Op): boolean {
  return (op >= Op.FADD_D && op <= Op.FMAX_D) || (op >= Op.FMADD_D && op <= Op.FNMADD_D) ||
    op === Op.FEQ_D || op === Op.FLT_D || op === Op.FLE_D || op === Op.FMV_X_D || op === Op.FMV_D_X ||
    op === Op.FCVT_D_W || op === Op.FCVT_D_WU || op === Op.FCVT_D_L || op === Op.FCVT_D_LU ||
    op === Op.FCVT_W_D || op === Op.FCVT_L_D || op === Op.FMV_X_W || op === Op.FMV_W_X;
}

/** Emits `op`; the caller checked isInlineFp(op). */
export function emitFp(c: FpContext, l: FpLocals, op: Op, rd: number, rs1: number, rs2: number, imm: number): void {
  new FpEmitter(c, l).emit(op, rd, rs1, rs2, imm);
}

class FpEmitter {
  private readonly w: CodeWriter;
  constructor(private readonly c: FpContext, private readonly l: FpLocals) {
    this.w = c.w;
  }

  private f(r: number): void {
    this.w.get(0).mem(F.Load as number as W, 3, StateLayout.F + 8 * r);
  }

  private bits(r: number): void {
    this.w.get(0).mem(W.I64Load, 3, StateLayout.F + 8 * r);
  }

  /** Pops an f64 into f[rd]. */
  private setF(rd: number): void {
    const t = this.l.f + 10;
    this.w.set(t).get(0).get(t).mem(F.Store as number as W, 3, StateLayout.F + 8 * rd);
  }

  private fc(v: number): void {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    this.w.op(F.Const as number as W);
    for (const x of b) this.w.byte(x);
  }

  private o(op: F): void {
    this.w.op(op as number as W);
  }

  /** Raises NX when the f64 on the stack is not zero. */
  private nxIfNonzero(): void {
    this.fc(0); this.o(F.Ne);
    this.w.i32(NX).op(W.I32Mul).get(this.l.flags).op(W.I32Or).set(this.l.flags);
  }

  /** Runs `fast`, which pushes 1 when it completed the instruction and 0 to decline; a decline calls the helper. */
  private orHelper(fast: () => void): void {
    fast();
    this.w.op(W.I32Eqz).op(W.If).byte(T.Void);
    this.c.helper();
    this.w.op(W.End);
  }

  /** Pushes |v| <= max for the f64 in local v. */
  private absLe(v: number, max: number): void {
    this.w.get(v); this.o(F.Abs); this.fc(max); this.o(F.Le);
  }

  /** Pushes the exact error a*b - p (Dekker's TwoProduct) of locals a, b, p. */
  private twoProductError(a: number, b: number, p: number): void {
    const w = this.w, t = this.l.f + 6, ah = t + 1, al = t + 2, bh = t + 3;
    this.fc(SPLIT); w.get(a); this.o(F.Mul); w.set(t);
    w.get(t).get(t).get(a); this.o(F.Sub); this.o(F.Sub); w.set(ah);
    w.get(a).get(ah); this.o(F.Sub); w.set(al);
    this.fc(SPLIT); w.get(b); this.o(F.Mul); w.set(t);
    w.get(t).get(t).get(b); this.o(F.Sub); this.o(F.Sub); w.set(bh);
    // ((ah*bh - p) + ah*bl + al*bh) + al*bl with bl = b - bh
    w.get(ah).get(bh); this.o(F.Mul); w.get(p); this.o(F.Sub);
    w.get(ah).get(b).get(bh); this.o(F.Sub); this.o(F.Mul); this.o(F.Add);
    w.get(al).get(bh); this.o(F.Mul); this.o(F.Add);
    w.get(al).get(b).get(bh); this.o(F.Sub); this.o(F.Mul); this.o(F.Add);
  }

  /** Pushes the TwoSum error of s = a + b (locals), into which s was already computed. */
  private twoSumError(a: number, b: number, s: number): void {
    const w = this.w, bb = this.l.f + 6;
    w.get(s).get(a); this.o(F.Sub); w.set(bb);
    w.get(a).get(s).get(bb); this.o(F.Sub); this.o(F.Sub);
    w.get(b).get(bb); this.o(F.Sub); this.o(F.Add);
  }

  emit(op: Op, rd: number, rs1: number, rs2: number, imm: number): void {
    const w = this.w, c = this.c;
    const L = this.l.f, a = L, b = L + 1, r = L + 2, e = L + 3, cc = L + 4, p = L + 5;
    const rm = op >= Op.FMADD_D && op <= Op.FNMADD_D ? (imm >> 8) & 7 : imm & 7;
    const nearest = rm === 0 || rm === 7;
    switch (op) {
      case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D:
        this.bits(rs1);
        if (op === Op.FSGNJX_D) { this.bits(rs2); w.i64(SIGN).op(W.I64And).op(W.I64Xor); }
        else {
          w.i64(~SIGN).op(W.I64And);
          this.bits(rs2);
          if (op === Op.FSGNJN_D) w.i64(-1n).op(W.I64Xor);
          w.i64(SIGN).op(W.I64And).op(W.I64Or);
        }
        w.set(this.l.bits).get(0).get(this.l.bits);
        w.mem(W.I64Store, 3, StateLayout.F + 8 * rd);
        return;
      case Op.FMV_X_D: this.bits(rs1); c.setX(rd); return;
      case Op.FMV_X_W: w.get(0).mem(W.I64Load32S, 2, StateLayout.F + 8 * rs1); c.setX(rd); return;
      case Op.FMV_D_X: c.x(rs1); w.set(this.l.bits).get(0).get(this.l.bits).mem(W.I64Store, 3, StateLayout.F + 8 * rd); return;
      case Op.FMV_W_X:
        c.x(rs1); w.i64(0xffffffffn).op(W.I64And).i64(-1n << 32n).op(W.I64Or);
        w.set(this.l.bits).get(0).get(this.l.bits).mem(W.I64Store, 3, StateLayout.F + 8 * rd);
        return;
      case Op.FCVT_D_W: c.x(rs1); w.op(W.I32WrapI64); this.o(F.ConvertI32S); this.setF(rd); return;
      case Op.FCVT_D_WU: c.x(rs1); w.op(W.I32WrapI64); this.o(F.ConvertI32U); this.setF(rd); return;
    }
    if (!nearest && op !== Op.FCVT_W_D && op !== Op.FCVT_L_D) {
      c.helper();
      return;
    }
    switch (op) {
      case Op.FCVT_D_L: case Op.FCVT_D_LU:
        // Exact below 2^53 in magnitude.
        this.orHelper(() => {
          c.x(rs1);
          if (op === Op.FCVT_D_L) { w.i64(1n << 53n).op(W.I64Add).i64(1n << 54n).op(W.I64LtU); }
          else w.i64(1n << 53n).op(W.I64LtU);
          w.op(W.If).byte(T.I32);
          c.x(rs1); this.o(op === Op.FCVT_D_L ? F.ConvertI64S : F.ConvertI64U); this.setF(rd); w.i32(1);
          w.op(W.Else).i32(0).op(W.End);
        });
        return;
      case Op.FCVT_W_D: case Op.FCVT_L_D: {
        if (rm !== 1 && !nearest) { c.helper(); return; }
        const word = op === Op.FCVT_W_D;
        this.orHelper(() => {
          this.f(rs1); if (rm !== 1) this.o(F.Nearest); else this.o(F.Trunc);
          w.set(r);
          // In range (NaN fails both tests): the conversion is exact on the rounded value.
          w.get(r); this.fc(word ? -2147483649 : -9223372036854777856); this.o(F.Gt);
          w.get(r); this.fc(word ? 2147483648 : 9223372036854775808); this.o(F.Lt); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          w.get(r); this.o(word ? F.I32TruncF64S : F.I64TruncF64S); if (word) w.op(W.I64ExtendI32S);
          c.setX(rd);
          w.get(r); this.f(rs1); this.o(F.Sub); this.nxIfNonzero();
          w.i32(1).op(W.Else).i32(0).op(W.End);
        });
        return;
      }
      case Op.FEQ_D: case Op.FLT_D: case Op.FLE_D: case Op.FMIN_D: case Op.FMAX_D:
        // Without NaN operands: no flags, and wasm's min/max order -0 below +0 as RISC-V does.
        this.orHelper(() => {
          this.f(rs1); w.set(a); this.f(rs2); w.set(b);
          w.get(a).get(a); this.o(F.Eq); w.get(b).get(b); this.o(F.Eq); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          w.get(a).get(b);
          if (op === Op.FMIN_D || op === Op.FMAX_D) { this.o(op === Op.FMIN_D ? F.Min : F.Max); this.setF(rd); }
          else { this.o(op === Op.FEQ_D ? F.Eq : op === Op.FLT_D ? F.Lt : F.Le); w.op(W.I64ExtendI32U); c.setX(rd); }
          w.i32(1).op(W.Else).i32(0).op(W.End);
        });
        return;
      case Op.FADD_D: case Op.FSUB_D:
        this.orHelper(() => {
          this.f(rs1); w.set(a); this.f(rs2); if (op === Op.FSUB_D) this.o(F.Neg); w.set(b);
          w.get(a).get(b); this.o(F.Add); w.set(r);
          this.twoSumError(a, b, r); w.set(e);
          // A finite sum whose error is a number (not an overflow inside TwoSum).
          w.get(r).get(r); this.o(F.Sub); this.fc(0); this.o(F.Eq); w.get(e).get(e); this.o(F.Eq); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          w.get(e); this.nxIfNonzero(); w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else).i32(0).op(W.End);
        });
        return;
      case Op.FMUL_D:
        this.orHelper(() => {
          this.f(rs1); w.set(a); this.f(rs2); w.set(b);
          w.get(a).get(b); this.o(F.Mul); w.set(r);
          w.get(r); this.o(F.Abs); this.fc(PROD_MIN); this.o(F.Ge); this.absLe(r, RES_MAX); w.op(W.I32And);
          this.absLe(a, SPLIT_MAX); w.op(W.I32And); this.absLe(b, SPLIT_MAX); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          this.twoProductError(a, b, r); this.nxIfNonzero(); w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else);
          // zero times a finite number is an exact signed zero
          w.get(r); this.fc(0); this.o(F.Eq); w.get(a); this.fc(0); this.o(F.Eq); w.get(b); this.fc(0); this.o(F.Eq); w.op(W.I32Or); w.op(W.I32And);
          w.op(W.If).byte(T.I32); w.get(r); this.setF(rd); w.i32(1); w.op(W.Else).i32(0).op(W.End);
          w.op(W.End);
        });
        return;
      case Op.FDIV_D:
        this.orHelper(() => {
          this.f(rs1); w.set(a); this.f(rs2); w.set(b);
          w.get(a).get(b); this.o(F.Div); w.set(r);
          w.get(r); this.o(F.Abs); this.fc(RES_MIN); this.o(F.Ge); this.absLe(r, SPLIT_MAX); w.op(W.I32And);
          this.absLe(b, SPLIT_MAX); w.op(W.I32And);
          w.get(a); this.o(F.Abs); this.fc(4 * PROD_MIN); this.o(F.Ge); w.op(W.I32And); this.absLe(a, RES_MAX); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          w.get(r).get(b); this.o(F.Mul); w.set(p);
          w.get(a).get(p); this.o(F.Sub); this.twoProductError(r, b, p); this.o(F.Sub); this.nxIfNonzero();
          w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else);
          w.get(a); this.fc(0); this.o(F.Eq); w.get(r); this.fc(0); this.o(F.Eq); w.op(W.I32And);
          w.op(W.If).byte(T.I32); w.get(r); this.setF(rd); w.i32(1); w.op(W.Else).i32(0).op(W.End);
          w.op(W.End);
        });
        return;
      case Op.FSQRT_D:
        this.orHelper(() => {
          this.f(rs1); w.set(a);
          w.get(a); this.fc(PROD_MIN); this.o(F.Ge); w.get(a); this.fc(RES_MAX); this.o(F.Le); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          w.get(a); this.o(F.Sqrt); w.set(r);
          w.get(r).get(r); this.o(F.Mul); w.set(p);
          w.get(a).get(p); this.o(F.Sub); this.twoProductError(r, r, p); this.o(F.Sub); this.nxIfNonzero();
          w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else);
          w.get(a); this.fc(0); this.o(F.Eq);
          w.op(W.If).byte(T.I32); w.get(a); this.setF(rd); w.i32(1); w.op(W.Else).i32(0).op(W.End);
          w.op(W.End);
        });
        return;
      case Op.FMADD_D: case Op.FMSUB_D: case Op.FNMSUB_D: case Op.FNMADD_D: {
        const rs3 = imm & 31;
        const negA = op === Op.FNMSUB_D || op === Op.FNMADD_D, negC = op === Op.FMSUB_D || op === Op.FNMADD_D;
        const s = L + 7, t = L + 8, te = e, re = L + 9, flagsLocal = this.l.flags;
        // The product p + pe exactly, s + se = p + c, t + te = se + pe, r + re = s + t: when te is 0 the
        // exact value is r + re and r is its nearest-even rounding.
        this.orHelper(() => {
          this.f(rs1); if (negA) this.o(F.Neg); w.set(a); this.f(rs2); w.set(b); this.f(rs3); if (negC) this.o(F.Neg); w.set(cc);
          w.get(a).get(b); this.o(F.Mul); w.set(p);
          w.get(p); this.o(F.Abs); this.fc(PROD_MIN); this.o(F.Ge); this.absLe(p, RES_MAX); w.op(W.I32And);
          this.absLe(a, SPLIT_MAX); w.op(W.I32And); this.absLe(b, SPLIT_MAX); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          this.twoProductError(a, b, p); w.set(b); // b now holds pe
          w.get(p).get(cc); this.o(F.Add); w.set(s);
          this.twoSumError(p, cc, s); w.set(a); // a now holds se
          w.get(a).get(b); this.o(F.Add); w.set(t);
          this.twoSumError(a, b, t); w.set(te);
          w.get(s).get(t); this.o(F.Add); w.set(r);
          this.twoSumError(s, t, r); w.set(re);
          w.get(r); this.o(F.Abs); this.fc(RES_MIN); this.o(F.Ge); this.absLe(r, RES_MAX); w.op(W.I32And);
          w.op(W.If).byte(T.I32);
          w.get(te); this.fc(0); this.o(F.Eq);
          w.op(W.If).byte(T.I32);
          w.get(re); this.nxIfNonzero(); w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else);
          // te moves the value r + re a little: r stays the nearest unless re + te reaches
          // half the gap to r's neighbour on that side (then the helper decides exactly).
          w.get(re).get(te); this.o(F.Add); w.set(a);
          w.get(a); this.fc(0); this.o(F.Eq);
          w.op(W.If).byte(T.I32);
          w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else);
          w.get(r); this.o(F.Abs); this.o(F.I64Reinterpret);
          w.get(a); this.fc(0); this.o(F.Gt); w.get(r); this.fc(0); this.o(F.Gt); w.op(W.I32Eq);
          w.op(W.I64ExtendI32U).i64(2n).op(W.I64Mul).i64(1n).op(W.I64Sub).op(W.I64Add); // +1 away from zero, -1 towards it
          this.o(F.Reinterpret); w.get(r); this.o(F.Abs); this.o(F.Sub); this.o(F.Abs); this.fc(0.5); this.o(F.Mul); w.set(b);
          w.get(a); this.o(F.Abs); w.get(b); this.o(F.Lt);
          w.op(W.If).byte(T.I32);
          w.get(flagsLocal).i32(NX).op(W.I32Or).set(flagsLocal); w.get(r); this.setF(rd); w.i32(1);
          w.op(W.Else).i32(0).op(W.End);
          w.op(W.End);
          w.op(W.End);
          w.op(W.Else).i32(0).op(W.End);
          w.op(W.Else).i32(0).op(W.End);
        });
        return;
      }
    }
    c.helper();
  }
}
