/**
 * F extension handlers: every single-precision instruction except FLW/FSW,
 * which the run loop executes inline. Operands are read through the NaN-boxing
 * rule (fp/regs.ts); arithmetic runs the kernels of fp/arith32.ts, which
 * compute in double and round once to single, and falls back to the exact
 * BigInt path (fp/exact.ts) when a kernel declines NaN or infinite operands.
 * Each handler is its own function so V8 keeps a monomorphic call to its kernel.
 */
import { Op } from "../../isa/riscv/table.js";
import type { HandlerTable } from "./handler.js";
import { FFlag, type Hart } from "./hart.js";
import { addS, divS, fmaS, mulS, sqrtS } from "./fp/arith32.js";
import { fclass, nanCompare, Pick, pickMinMax, signaling, SINGLE } from "./fp/compare.js";
import { floatToInt, intToS, IntKind } from "./fp/convert.js";
import { exactOp, F32, Kind, Neg } from "./fp/exact.js";
import { bitsS, CANONICAL_S, getS, putBitsS, putS } from "./fp/regs.js";
import { rmOf } from "./fp/round.js";

/** True when f[n] read as a single is a signaling NaN. */
function snanS(h: Hart, n: number): boolean {
  const w = bitsS(h, n);
  return (w & 0x7f800000) === 0x7f800000 && (w & 0x007fffff) !== 0 && signaling(w, SINGLE);
}

/** fmin.s / fmax.s. */
function minMaxS(h: Hart, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = getS(h, rs1), b = getS(h, rs2);
  const pick = pickMinMax(a, b, max);
  if ((a !== a || b !== b) && (snanS(h, rs1) || snanS(h, rs2))) h.fflags |= FFlag.NV;
  putBitsS(h, rd, pick === Pick.NaN ? CANONICAL_S : bitsS(h, pick === Pick.A ? rs1 : rs2));
}

/** Writes f[rs1]'s single magnitude with sign bit `sign` (0 or 0x80000000) to f[rd]. */
function signInject(h: Hart, rd: number, rs1: number, sign: number): void {
  putBitsS(h, rd, (bitsS(h, rs1) & 0x7fffffff) | sign);
}

/** Installs the F extension's handlers into `t`. */
export function installRv64f(t: HandlerTable): void {
  t[Op.FADD_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = addS(h, getS(h, rs1), getS(h, rs2), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Add, rd, rs1, rs2, 0, rm, 0);
  };
  t[Op.FSUB_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = addS(h, getS(h, rs1), -getS(h, rs2), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Add, rd, rs1, rs2, 0, rm, Neg.B);
  };
  t[Op.FMUL_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = mulS(h, getS(h, rs1), getS(h, rs2), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Mul, rd, rs1, rs2, 0, rm, 0);
  };
  t[Op.FDIV_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = divS(h, getS(h, rs1), getS(h, rs2), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Div, rd, rs1, rs2, 0, rm, 0);
  };
  t[Op.FSQRT_S] = (h, rd, rs1, _rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = sqrtS(h, getS(h, rs1), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Sqrt, rd, rs1, rs1, rs1, rm, 0);
  };

  // Fused: imm = rs3 | rm << 8.
  t[Op.FMADD_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31;
    const r = fmaS(h, getS(h, rs1), getS(h, rs2), getS(h, rs3), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Fma, rd, rs1, rs2, rs3, rm, 0);
  };
  t[Op.FMSUB_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31;
    const r = fmaS(h, getS(h, rs1), getS(h, rs2), -getS(h, rs3), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Fma, rd, rs1, rs2, rs3, rm, Neg.C);
  };
  t[Op.FNMSUB_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31;
    const r = fmaS(h, -getS(h, rs1), getS(h, rs2), getS(h, rs3), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Fma, rd, rs1, rs2, rs3, rm, Neg.B);
  };
  t[Op.FNMADD_S] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31;
    const r = fmaS(h, -getS(h, rs1), getS(h, rs2), -getS(h, rs3), rm);
    if (r === r) putS(h, rd, r); else exactOp(h, F32, Kind.Fma, rd, rs1, rs2, rs3, rm, Neg.B | Neg.C);
  };

  t[Op.FSGNJ_S] = (h, rd, rs1, rs2) => signInject(h, rd, rs1, bitsS(h, rs2) & 0x80000000);
  t[Op.FSGNJN_S] = (h, rd, rs1, rs2) => signInject(h, rd, rs1, ~bitsS(h, rs2) & 0x80000000);
  t[Op.FSGNJX_S] = (h, rd, rs1, rs2) => signInject(h, rd, rs1, (bitsS(h, rs1) ^ bitsS(h, rs2)) & 0x80000000);
  t[Op.FMIN_S] = (h, rd, rs1, rs2) => minMaxS(h, rd, rs1, rs2, false);
  t[Op.FMAX_S] = (h, rd, rs1, rs2) => minMaxS(h, rd, rs1, rs2, true);

  t[Op.FEQ_S] = (h, rd, rs1, rs2) => {
    const a = getS(h, rs1), b = getS(h, rs2);
    h.xl[rd] = a === b ? 1 : a === a && b === b ? 0 : nanCompare(h, true, snanS(h, rs1) || snanS(h, rs2));
    h.xh[rd] = 0;
  };
  t[Op.FLT_S] = (h, rd, rs1, rs2) => {
    const a = getS(h, rs1), b = getS(h, rs2);
    h.xl[rd] = a < b ? 1 : a === a && b === b ? 0 : nanCompare(h, false, true);
    h.xh[rd] = 0;
  };
  t[Op.FLE_S] = (h, rd, rs1, rs2) => {
    const a = getS(h, rs1), b = getS(h, rs2);
    h.xl[rd] = a <= b ? 1 : a === a && b === b ? 0 : nanCompare(h, false, true);
    h.xh[rd] = 0;
  };
  t[Op.FCLASS_S] = (h, rd, rs1) => { h.xl[rd] = fclass(bitsS(h, rs1), false, SINGLE); h.xh[rd] = 0; };

  t[Op.FCVT_W_S] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, getS(h, rs1), rmOf(h, imm), IntKind.W);
  t[Op.FCVT_WU_S] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, getS(h, rs1), rmOf(h, imm), IntKind.WU);
  t[Op.FCVT_L_S] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, getS(h, rs1), rmOf(h, imm), IntKind.L);
  t[Op.FCVT_LU_S] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, getS(h, rs1), rmOf(h, imm), IntKind.LU);
  t[Op.FCVT_S_W] = (h, rd, rs1, _rs2, imm) => putS(h, rd, intToS(h, rs1, rmOf(h, imm), IntKind.W));
  t[Op.FCVT_S_WU] = (h, rd, rs1, _rs2, imm) => putS(h, rd, intToS(h, rs1, rmOf(h, imm), IntKind.WU));
  t[Op.FCVT_S_L] = (h, rd, rs1, _rs2, imm) => putS(h, rd, intToS(h, rs1, rmOf(h, imm), IntKind.L));
  t[Op.FCVT_S_LU] = (h, rd, rs1, _rs2, imm) => putS(h, rd, intToS(h, rs1, rmOf(h, imm), IntKind.LU));

  t[Op.FMV_X_W] = (h, rd, rs1) => { const w = h.fi[2 * rs1]; h.xl[rd] = w; h.xh[rd] = w >> 31; };
  t[Op.FMV_W_X] = (h, rd, rs1) => putBitsS(h, rd, h.xl[rs1]);
}
