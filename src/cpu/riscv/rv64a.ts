/**
 * A extension: LR/SC and AMOs. Guest threads of one process run interleaved on
 * one host thread, so a read-modify-write here is atomic by construction; a
 * reservation is dropped whenever the scheduler switches harts (see
 * Hart.resValid), which makes SC fail as it may on hardware.
 */
import { Op } from "../../isa/riscv/table.js";
import { Access } from "../../mem/mmu.js";
import type { HandlerTable } from "./handler.js";
import type { Hart } from "./hart.js";
import { Cause, Trap } from "./trap.js";

/** Host offset of an aligned AMO/LR/SC operand at x[rs1]; misalignment raises a store/AMO fault. */
function operand(h: Hart, rs1: number, size: number, access: Access): number {
  const lo = h.xl[rs1], hi = h.xh[rs1];
  if ((lo & (size - 1)) !== 0) throw new Trap(access === Access.Read ? Cause.LoadMisaligned : Cause.StoreMisaligned, lo, hi);
  return h.mmu.hostOffset(lo, hi, access);
}

type Amo32 = (old: number, src: number) => number;

const AMO32: [Op, Amo32][] = [
  [Op.AMOSWAP_W, (_a, b) => b],
  [Op.AMOADD_W, (a, b) => (a + b) | 0],
  [Op.AMOXOR_W, (a, b) => a ^ b],
  [Op.AMOAND_W, (a, b) => a & b],
  [Op.AMOOR_W, (a, b) => a | b],
  [Op.AMOMIN_W, (a, b) => (a < b ? a : b)],
  [Op.AMOMAX_W, (a, b) => (a > b ? a : b)],
  [Op.AMOMINU_W, (a, b) => ((a >>> 0) < (b >>> 0) ? a : b)],
  [Op.AMOMAXU_W, (a, b) => ((a >>> 0) > (b >>> 0) ? a : b)],
];

/** 64-bit AMO operations on halves: returns true when the result is (bl, bh) rather than (al, ah). */
type Pick64 = (al: number, ah: number, bl: number, bh: number) => boolean;

const ltU = (al: number, ah: number, bl: number, bh: number) =>
  (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
const ltS = (al: number, ah: number, bl: number, bh: number) =>
  ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));

const PICK64: [Op, Pick64][] = [
  [Op.AMOMIN_D, (al, ah, bl, bh) => ltS(bl, bh, al, ah)],
  [Op.AMOMAX_D, (al, ah, bl, bh) => ltS(al, ah, bl, bh)],
  [Op.AMOMINU_D, (al, ah, bl, bh) => ltU(bl, bh, al, ah)],
  [Op.AMOMAXU_D, (al, ah, bl, bh) => ltU(al, ah, bl, bh)],
];

/** Installs the A extension's handlers into `t`. */
export function installRv64a(t: HandlerTable): void {
  t[Op.LR_W] = (h, rd, rs1) => {
    const o = operand(h, rs1, 4, Access.Read);
    const v = h.mmu.ram.i32[o >> 2];
    h.resValid = true; h.resLo = h.xl[rs1]; h.resHi = h.xh[rs1];
    h.xl[rd] = v; h.xh[rd] = v >> 31;
  };
  t[Op.LR_D] = (h, rd, rs1) => {
    const o = operand(h, rs1, 8, Access.Read) >> 2;
    const i32 = h.mmu.ram.i32;
    h.resValid = true; h.resLo = h.xl[rs1]; h.resHi = h.xh[rs1];
    h.xl[rd] = i32[o]; h.xh[rd] = i32[o + 1];
  };
  const sc = (size: number) => (h: Hart, rd: number, rs1: number, rs2: number) => {
    const o = operand(h, rs1, size, Access.Write) >> 2;
    const ok = h.resValid && h.resLo === h.xl[rs1] && h.resHi === h.xh[rs1];
    h.resValid = false;
    if (ok) {
      const i32 = h.mmu.ram.i32;
      i32[o] = h.xl[rs2];
      if (size === 8) i32[o + 1] = h.xh[rs2];
    }
    h.xl[rd] = ok ? 0 : 1; h.xh[rd] = 0;
  };
  t[Op.SC_W] = sc(4);
  t[Op.SC_D] = sc(8);
  for (const [op, f] of AMO32) {
    t[op] = (h, rd, rs1, rs2) => {
      const o = operand(h, rs1, 4, Access.Write) >> 2;
      const i32 = h.mmu.ram.i32;
      const old = i32[o];
      i32[o] = f(old, h.xl[rs2]);
      h.xl[rd] = old; h.xh[rd] = old >> 31;
    };
  }
  const amo64 = (f: (al: number, ah: number, bl: number, bh: number) => void) => (h: Hart, rd: number, rs1: number, rs2: number) => {
    const o = operand(h, rs1, 8, Access.Write) >> 2;
    const i32 = h.mmu.ram.i32;
    const al = i32[o], ah = i32[o + 1];
    f(al, ah, h.xl[rs2], h.xh[rs2]);
    i32[o] = res.lo; i32[o + 1] = res.hi;
    h.xl[rd] = al; h.xh[rd] = ah;
  };
  const res = { lo: 0, hi: 0 };
  t[Op.AMOSWAP_D] = amo64((_al, _ah, bl, bh) => { res.lo = bl; res.hi = bh; });
  t[Op.AMOADD_D] = amo64((al, ah, bl, bh) => {
    const lo = (al + bl) | 0;
    res.hi = (ah + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; res.lo = lo;
  });
  t[Op.AMOXOR_D] = amo64((al, ah, bl, bh) => { res.lo = al ^ bl; res.hi = ah ^ bh; });
  t[Op.AMOAND_D] = amo64((al, ah, bl, bh) => { res.lo = al & bl; res.hi = ah & bh; });
  t[Op.AMOOR_D] = amo64((al, ah, bl, bh) => { res.lo = al | bl; res.hi = ah | bh; });
  for (const [op, pick] of PICK64) {
    t[op] = amo64((al, ah, bl, bh) => {
      if (pick(al, ah, bl, bh)) { res.lo = bl; res.hi = bh; } else { res.lo = al; res.hi = ah; }
    });
  }
}
