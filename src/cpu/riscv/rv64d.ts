/**
 * D extension handlers: every double-precision instruction except FLD/FSD,
 * which the run loop executes inline. Arithmetic runs the allocation-free
 * kernels of fp/arith64.ts and falls back to the exact BigInt path
 * (fp/exact.ts) when a kernel declines (NaN/infinite operands, results near
 * the edges of the exponent range). Each handler is its own function so V8
 * keeps a monomorphic call to its kernel.
 */
import { Op } from "../../isa/riscv/table.js";
import type { HandlerTable } from "./handler.js";
import { FFlag, type Hart } from "./hart.js";
import { addD, divD, fmaD, mulD, sqrtD } from "./fp/arith64.js";
import { DOUBLE, fclass, nanCompare, Pick, pickMinMax, signaling, SINGLE } from "./fp/compare.js";
import { floatToInt, intToD, IntKind } from "./fp/convert.js";
import { exactOp, F64, Kind, Neg } from "./fp/exact.js";
import { CANONICAL_S, putBitsS, putNaND, putS } from "./fp/regs.js";
import { rmOf, roundF32 } from "./fp/round.js";

/** True when f[n], known to hold a NaN double, holds a signaling one. */
function snanD(h: Hart, n: number): boolean {
  return signaling(h.fi[2 * n + 1], DOUBLE);
}

/** fmin.d / fmax.d. */
function minMaxD(h: Hart, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = h.fd[rs1], b = h.fd[rs2];
  const pick = pickMinMax(a, b, max);
  if ((a !== a && snanD(h, rs1)) || (b !== b && snanD(h, rs2))) h.fflags |= FFlag.NV;
  const fi = h.fi;
  if (pick === Pick.NaN) { putNaND(h, rd); return; }
  const src = pick === Pick.A ? rs1 : rs2;
  fi[2 * rd] = fi[2 * src]; fi[2 * rd + 1] = fi[2 * src + 1];
}

/** Writes f[rs1]'s magnitude with sign bit `sign` (0 or 0x80000000) to f[rd]. */
function signInject(h: Hart, rd: number, rs1: number, sign: number): void {
  const fi = h.fi;
  const hi = (fi[2 * rs1 + 1] & 0x7fffffff) | sign;
  fi[2 * rd] = fi[2 * rs1]; fi[2 * rd + 1] = hi;
}

/** Installs the D extension's handlers into `t`. */
export function installRv64d(t: HandlerTable): void {
  t[Op.FADD_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = addD(h, h.fd[rs1], h.fd[rs2], rm);
    if (r === r) h.fd[rd] = r; else exactOp(h, F64, Kind.Add, rd, rs1, rs2, 0, rm, 0);
  };
  t[Op.FSUB_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = addD(h, h.fd[rs1], -h.fd[rs2], rm);
    if (r === r) h.fd[rd] = r; else exactOp(h, F64, Kind.Add, rd, rs1, rs2, 0, rm, Neg.B);
  };
  t[Op.FMUL_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = mulD(h, h.fd[rs1], h.fd[rs2], rm);
    if (r === r) h.fd[rd] = r; else exactOp(h, F64, Kind.Mul, rd, rs1, rs2, 0, rm, 0);
  };
  t[Op.FDIV_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = divD(h, h.fd[rs1], h.fd[rs2], rm);
    if (r === r) h.fd[rd] = r; else exactOp(h, F64, Kind.Div, rd, rs1, rs2, 0, rm, 0);
  };
  t[Op.FSQRT_D] = (h, rd, rs1, _rs2, imm) => {
    const rm = rmOf(h, imm);
    const r = sqrtD(h, h.fd[rs1], rm);
    if (r === r) h.fd[rd] = r; else exactOp(h, F64, Kind.Sqrt, rd, rs1, rs1, rs1, rm, 0);
  };

  // Fused: imm = rs3 | rm << 8.
  t[Op.FMADD_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31, fd = h.fd;
    const r = fmaD(h, fd[rs1], fd[rs2], fd[rs3], rm);
    if (r === r) fd[rd] = r; else exactOp(h, F64, Kind.Fma, rd, rs1, rs2, rs3, rm, 0);
  };
  t[Op.FMSUB_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31, fd = h.fd;
    const r = fmaD(h, fd[rs1], fd[rs2], -fd[rs3], rm);
    if (r === r) fd[rd] = r; else exactOp(h, F64, Kind.Fma, rd, rs1, rs2, rs3, rm, Neg.C);
  };
  t[Op.FNMSUB_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31, fd = h.fd;
    const r = fmaD(h, -fd[rs1], fd[rs2], fd[rs3], rm);
    if (r === r) fd[rd] = r; else exactOp(h, F64, Kind.Fma, rd, rs1, rs2, rs3, rm, Neg.B);
  };
  t[Op.FNMADD_D] = (h, rd, rs1, rs2, imm) => {
    const rm = rmOf(h, (imm >> 8) & 7), rs3 = imm & 31, fd = h.fd;
    const r = fmaD(h, -fd[rs1], fd[rs2], -fd[rs3], rm);
    if (r === r) fd[rd] = r; else exactOp(h, F64, Kind.Fma, rd, rs1, rs2, rs3, rm, Neg.B | Neg.C);
  };

  t[Op.FSGNJ_D] = (h, rd, rs1, rs2) => signInject(h, rd, rs1, h.fi[2 * rs2 + 1] & 0x80000000);
  t[Op.FSGNJN_D] = (h, rd, rs1, rs2) => signInject(h, rd, rs1, ~h.fi[2 * rs2 + 1] & 0x80000000);
  t[Op.FSGNJX_D] = (h, rd, rs1, rs2) => signInject(h, rd, rs1, (h.fi[2 * rs1 + 1] ^ h.fi[2 * rs2 + 1]) & 0x80000000);
  t[Op.FMIN_D] = (h, rd, rs1, rs2) => minMaxD(h, rd, rs1, rs2, false);
  t[Op.FMAX_D] = (h, rd, rs1, rs2) => minMaxD(h, rd, rs1, rs2, true);

  t[Op.FEQ_D] = (h, rd, rs1, rs2) => {
    const a = h.fd[rs1], b = h.fd[rs2];
    h.xl[rd] = a === b ? 1 : a === a && b === b ? 0 : nanCompare(h, true, (a !== a && snanD(h, rs1)) || (b !== b && snanD(h, rs2)));
    h.xh[rd] = 0;
  };
  t[Op.FLT_D] = (h, rd, rs1, rs2) => {
    const a = h.fd[rs1], b = h.fd[rs2];
    h.xl[rd] = a < b ? 1 : a === a && b === b ? 0 : nanCompare(h, false, true);
    h.xh[rd] = 0;
  };
  t[Op.FLE_D] = (h, rd, rs1, rs2) => {
    const a = h.fd[rs1], b = h.fd[rs2];
    h.xl[rd] = a <= b ? 1 : a === a && b === b ? 0 : nanCompare(h, false, true);
    h.xh[rd] = 0;
  };
  t[Op.FCLASS_D] = (h, rd, rs1) => {
    h.xl[rd] = fclass(h.fi[2 * rs1 + 1], h.fi[2 * rs1] !== 0, DOUBLE);
    h.xh[rd] = 0;
  };

  t[Op.FCVT_S_D] = (h, rd, rs1, _rs2, imm) => {
    const rm = rmOf(h, imm);
    const x = h.fd[rs1];
    if (x === x) { putS(h, rd, roundF32(h, x, rm)); return; }
    if (snanD(h, rs1)) h.fflags |= FFlag.NV;
    putBitsS(h, rd, CANONICAL_S);
  };
  t[Op.FCVT_D_S] = (h, rd, rs1, _rs2, imm) => {
    rmOf(h, imm); // exact, but a reserved rm is still illegal
    const fi = h.fi;
    if (fi[2 * rs1 + 1] === -1) {
      const x = h.fs[2 * rs1];
      if (x === x) { h.fd[rd] = x; return; }
      if (signaling(fi[2 * rs1], SINGLE)) h.fflags |= FFlag.NV;
    }
    putNaND(h, rd);
  };

  t[Op.FCVT_W_D] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, h.fd[rs1], rmOf(h, imm), IntKind.W);
  t[Op.FCVT_WU_D] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, h.fd[rs1], rmOf(h, imm), IntKind.WU);
  t[Op.FCVT_L_D] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, h.fd[rs1], rmOf(h, imm), IntKind.L);
  t[Op.FCVT_LU_D] = (h, rd, rs1, _rs2, imm) => floatToInt(h, rd, h.fd[rs1], rmOf(h, imm), IntKind.LU);
  t[Op.FCVT_D_W] = (h, rd, rs1, _rs2, imm) => { h.fd[rd] = intToD(h, rs1, rmOf(h, imm), IntKind.W); };
  t[Op.FCVT_D_WU] = (h, rd, rs1, _rs2, imm) => { h.fd[rd] = intToD(h, rs1, rmOf(h, imm), IntKind.WU); };
  t[Op.FCVT_D_L] = (h, rd, rs1, _rs2, imm) => { h.fd[rd] = intToD(h, rs1, rmOf(h, imm), IntKind.L); };
  t[Op.FCVT_D_LU] = (h, rd, rs1, _rs2, imm) => { h.fd[rd] = intToD(h, rs1, rmOf(h, imm), IntKind.LU); };

  t[Op.FMV_X_D] = (h, rd, rs1) => { h.xl[rd] = h.fi[2 * rs1]; h.xh[rd] = h.fi[2 * rs1 + 1]; };
  t[Op.FMV_D_X] = (h, rd, rs1) => { h.fi[2 * rd] = h.xl[rs1]; h.fi[2 * rd + 1] = h.xh[rs1]; };
}
