/** M extension handlers (the ones not inline in the run loop): high products and division. */
import { Op } from "../../isa/riscv/table.js";
import type { HandlerTable } from "./handler.js";
import { divrem32, divrem64, mulh64, r64 } from "./int64.js";

/** Installs the M extension's handlers into `t`. */
export function installRv64m(t: HandlerTable): void {
  const mulh = (aSigned: boolean, bSigned: boolean) => (h: { xl: Int32Array; xh: Int32Array }, rd: number, rs1: number, rs2: number) => {
    mulh64(h.xl[rs1], h.xh[rs1], h.xl[rs2], h.xh[rs2], aSigned, bSigned);
    h.xl[rd] = r64.lo; h.xh[rd] = r64.hi;
  };
  t[Op.MULH] = mulh(true, true);
  t[Op.MULHSU] = mulh(true, false);
  t[Op.MULHU] = mulh(false, false);
  const div = (signed: boolean, rem: boolean) => (h: { xl: Int32Array; xh: Int32Array }, rd: number, rs1: number, rs2: number) => {
    divrem64(h.xl[rs1], h.xh[rs1], h.xl[rs2], h.xh[rs2], signed, rem);
    h.xl[rd] = r64.lo; h.xh[rd] = r64.hi;
  };
  t[Op.DIV] = div(true, false);
  t[Op.DIVU] = div(false, false);
  t[Op.REM] = div(true, true);
  t[Op.REMU] = div(false, true);
  const divw = (signed: boolean, rem: boolean) => (h: { xl: Int32Array; xh: Int32Array }, rd: number, rs1: number, rs2: number) => {
    const v = divrem32(h.xl[rs1], h.xl[rs2], signed, rem);
    h.xl[rd] = v; h.xh[rd] = v >> 31;
  };
  t[Op.DIVW] = divw(true, false);
  t[Op.DIVUW] = divw(false, false);
  t[Op.REMW] = divw(true, true);
  t[Op.REMUW] = divw(false, true);
}
