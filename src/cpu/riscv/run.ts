/**
 * The interpreter's run loop. It executes from the decoded-instruction cache one
 * page at a time: the current page's slots are indexed by (pc - page base) / 2,
 * so straight-line code and in-page branches never touch the TLB. The hottest
 * instructions (integer ALU, loads/stores, branches, jumps) are inline in one
 * switch over dense op numbers, which V8 compiles to a jump table; the rest go
 * through the handler table (handlers.ts) with an explicit (hart, operands)
 * signature.
 *
 * run() returns an Exit telling the caller (process VM or system VM) why it
 * stopped; exceptions come back as Exit.Trap with hart.trapCause/trapTval set
 * and pc at the faulting instruction.
 */
import { Op } from "../../isa/riscv/table.js";
import { decode, newDecoded } from "../../isa/riscv/decode.js";
import { Access, TLB_MASK } from "../../mem/mmu.js";
import { FsState, Hart, Priv } from "./hart.js";
import { FP_USE, fpTouch } from "./fs.js";
import { Pack, packWord0, PageTail, SLOTS } from "./decode-cache.js";
import { Cause, Trap } from "./trap.js";
import { HANDLERS } from "./handlers.js";
import { mul64, mulw } from "./int64.js";

/** Why run() returned. */
export const enum Exit {
  /** The instruction budget ran out; pc is the next instruction. */
  Budget = 0,
  /** ecall executed; pc is the ecall instruction. */
  Ecall = 1,
  /** An exception was raised (including ebreak); see hart.trapCause. pc is the faulting instruction. */
  Trap = 2,
  /** wfi executed; pc is the next instruction. */
  Wfi = 3,
}

/**
 * Frequent instructions outside the inline set get a call site of their own,
 * which V8 can inline, instead of the handler table's shared (megamorphic) one:
 * about 10% on floating-point code (nbody), neutral elsewhere. They need neither
 * pc nor the retired count; a Trap they throw is located by the catch below.
 */
const hfadd_d = HANDLERS[Op.FADD_D];
const hfsub_d = HANDLERS[Op.FSUB_D];
const hfmul_d = HANDLERS[Op.FMUL_D];
const hfdiv_d = HANDLERS[Op.FDIV_D];
const hfsqrt_d = HANDLERS[Op.FSQRT_D];
const hfmadd_d = HANDLERS[Op.FMADD_D];
const hfmsub_d = HANDLERS[Op.FMSUB_D];
const hfnmadd_d = HANDLERS[Op.FNMADD_D];
const hfnmsub_d = HANDLERS[Op.FNMSUB_D];
const hfsgnj_d = HANDLERS[Op.FSGNJ_D];
const hfsgnjn_d = HANDLERS[Op.FSGNJN_D];
const hfsgnjx_d = HANDLERS[Op.FSGNJX_D];
const hfeq_d = HANDLERS[Op.FEQ_D];
const hflt_d = HANDLERS[Op.FLT_D];
const hfle_d = HANDLERS[Op.FLE_D];
const hfcvt_d_w = HANDLERS[Op.FCVT_D_W];
const hfcvt_d_l = HANDLERS[Op.FCVT_D_L];
const hfcvt_w_d = HANDLERS[Op.FCVT_W_D];
const hfmv_x_d = HANDLERS[Op.FMV_X_D];
const hfmv_d_x = HANDLERS[Op.FMV_D_X];
const hmulhu = HANDLERS[Op.MULHU];
const hdiv = HANDLERS[Op.DIV];
const hdivu = HANDLERS[Op.DIVU];
const hrem = HANDLERS[Op.REM];
const hremu = HANDLERS[Op.REMU];
const hdivw = HANDLERS[Op.DIVW];
const hremw = HANDLERS[Op.REMW];
const hremuw = HANDLERS[Op.REMUW];

const scratch = newDecoded();
const EMPTY = new Int32Array(0);

/** Decodes the parcel at `slot` of the page whose host offset is `frame` (guest page base baseLo/baseHi) into `ops`. */
export function fill(h: Hart, ops: Int32Array, frame: number, slot: number, baseLo: number, baseHi: number): void {
  const u16 = h.mmu.ram.u16;
  const lo16 = u16[(frame >>> 1) + slot];
  let hi16 = 0;
  if ((lo16 & 3) === 3) {
    if (slot + 1 < SLOTS) hi16 = u16[(frame >>> 1) + slot + 1];
    else {
      const a = (baseLo + 4096) | 0;
      hi16 = h.mmu.fetch16(a, a === 0 ? (baseHi + 1) | 0 : baseHi);
    }
  }
  // Decoding bytes other than the page's snapshot: the next fence.i must drop the page.
  if (parcel(ops, slot) !== lo16 || ((lo16 & 3) === 3 && slot + 1 < SLOTS && parcel(ops, slot + 1) !== hi16)) ops[PageTail.Stale] = 1;
  const d = decode(lo16, hi16, scratch);
  ops[slot * 2] = packWord0(d);
  ops[slot * 2 + 1] = d.op === Op.ILLEGAL ? ((d.length === 2 ? lo16 : (hi16 << 16) | lo16) | 0) : d.imm;
}

/** Parcel `slot` of the bytes decoded page `ops` was made from (decode-cache.ts PageTail). */
function parcel(ops: Int32Array, slot: number): number {
  return (ops[PageTail.Snapshot + (slot >>> 1)] >>> ((slot & 1) << 4)) & 0xffff;
}

/** Runs hart `h` for at most about `budget` instructions (checked at jumps and page changes). */
export function run(h: Hart, budget: number): Exit {
  const xl = h.xl, xh = h.xh, fi = h.fi;
  const mmu = h.mmu, ram = mmu.ram, cache = h.cache;
  const i8 = ram.i8, u8 = ram.u8, i16 = ram.i16, u16 = ram.u16, i32 = ram.i32;
  const rTag = mmu.rTag, rTagHi = mmu.rTagHi, rOff = mmu.rOff;
  const wTag = mmu.wTag, wTagHi = mmu.wTagHi, wOff = mmu.wOff;
  const xTag = mmu.xTag, xTagHi = mmu.xTagHi, xOff = mmu.xOff;
  let n = 0;
  let baseLo = 0, baseHi = 0, slot = 0, frame = 0;
  let ops: Int32Array = EMPTY;
  let entering = false;
  try {
    outer: for (;;) {
      if (n >= budget) { h.instret += n; h.runCount = 0; return Exit.Budget; }
      const pcLo = h.pcLo, pcHi = h.pcHi;
      baseLo = pcLo & ~0xfff; baseHi = pcHi; slot = (pcLo & 0xfff) >>> 1;
      entering = true;
      const xi = (pcLo >>> 12) & TLB_MASK;
      frame = xTag[xi] === baseLo && xTagHi[xi] === pcHi ? xOff[xi] : mmu.hostOffset(pcLo, pcHi, Access.Execute) - (pcLo & 0xfff);
      entering = false;
      ops = cache.page(frame);
      // A 4-byte instruction in the last parcel took its upper half from the next page as it
      // was mapped when decoded (frames are shared by every mapping); decode it again on each
      // entry, so a different or missing next page is seen (a fetch page fault, for one).
      if ((ops[(SLOTS - 1) * 2] >>> Pack.LenShift) === 2) ops[(SLOTS - 1) * 2] = Op.DECODE;
      let t = 0; // target offset from the page base when leaving the page by a relative jump
      for (;;) {
        const k = slot << 1;
        const w = ops[k];
        const imm = ops[k + 1];
        const rd = (w >>> Pack.RdShift) & 63;
        const rs1 = (w >>> Pack.Rs1Shift) & 31;
        const rs2 = (w >>> Pack.Rs2Shift) & 31;
        n++;
        switch (w & Pack.OpMask) {
          case Op.DECODE:
            fill(h, ops, frame, slot, baseLo, baseHi);
            n--;
            continue;
          case Op.PAGE_END:
            n--;
            t = slot << 1;
            break;
          case Op.ILLEGAL:
            throw new Trap(Cause.IllegalInsn, imm, 0);

          case Op.LUI:
            xl[rd] = imm; xh[rd] = imm >> 31;
            slot += w >>> Pack.LenShift; continue;
          case Op.AUIPC: {
            const p = baseLo + (slot << 1);
            const lo = (p + imm) | 0;
            xh[rd] = (baseHi + (imm >> 31) + ((lo >>> 0) < (p >>> 0) ? 1 : 0)) | 0; xl[rd] = lo;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.JAL: {
            const next = (slot + (w >>> Pack.LenShift)) << 1;
            { const r = (baseLo + next) | 0; xl[rd] = r; xh[rd] = (baseHi + ((r >>> 0) < (baseLo >>> 0) ? 1 : 0)) | 0; }
            t = (slot << 1) + imm;
            if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; }
            break;
          }
          case Op.JALR: {
            const b = xl[rs1];
            const tl = ((b + imm) | 0) & ~1;
            const th = (xh[rs1] + (imm >> 31) + ((((b + imm) | 0) >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const next = (slot + (w >>> Pack.LenShift)) << 1;
            { const r = (baseLo + next) | 0; xl[rd] = r; xh[rd] = (baseHi + ((r >>> 0) < (baseLo >>> 0) ? 1 : 0)) | 0; }
            if ((tl & ~0xfff) === baseLo && th === baseHi && n < budget) { slot = (tl & 0xfff) >>> 1; continue; }
            h.pcLo = tl; h.pcHi = th;
            continue outer;
          }
          case Op.BEQ:
            if (xl[rs1] === xl[rs2] && xh[rs1] === xh[rs2]) { t = (slot << 1) + imm; if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; } break; }
            slot += w >>> Pack.LenShift; continue;
          case Op.BNE:
            if (xl[rs1] !== xl[rs2] || xh[rs1] !== xh[rs2]) { t = (slot << 1) + imm; if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; } break; }
            slot += w >>> Pack.LenShift; continue;
          case Op.BLT:
            if (xh[rs1] < xh[rs2] || (xh[rs1] === xh[rs2] && (xl[rs1] >>> 0) < (xl[rs2] >>> 0))) { t = (slot << 1) + imm; if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; } break; }
            slot += w >>> Pack.LenShift; continue;
          case Op.BGE:
            if (!(xh[rs1] < xh[rs2] || (xh[rs1] === xh[rs2] && (xl[rs1] >>> 0) < (xl[rs2] >>> 0)))) { t = (slot << 1) + imm; if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; } break; }
            slot += w >>> Pack.LenShift; continue;
          case Op.BLTU:
            if ((xh[rs1] >>> 0) < (xh[rs2] >>> 0) || (xh[rs1] === xh[rs2] && (xl[rs1] >>> 0) < (xl[rs2] >>> 0))) { t = (slot << 1) + imm; if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; } break; }
            slot += w >>> Pack.LenShift; continue;
          case Op.BGEU:
            if (!((xh[rs1] >>> 0) < (xh[rs2] >>> 0) || (xh[rs1] === xh[rs2] && (xl[rs1] >>> 0) < (xl[rs2] >>> 0)))) { t = (slot << 1) + imm; if (t >= 0 && t < 4096 && n < budget) { slot = t >> 1; continue; } break; }
            slot += w >>> Pack.LenShift; continue;

          case Op.LB: case Op.LBU: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            let v: number;
            if (rTag[i] === (lo & ~0xfff) && rTagHi[i] === hi) {
              const o = rOff[i] + (lo & 0xfff);
              v = (w & Pack.OpMask) === Op.LB ? i8[o] : u8[o];
            } else {
              v = mmu.loadSlow(lo, hi, 1);
              if ((w & Pack.OpMask) === Op.LB) v = (v << 24) >> 24;
            }
            xl[rd] = v; xh[rd] = v >> 31;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.LH: case Op.LHU: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            let v: number;
            if (rTag[i] === (lo & -4095) && rTagHi[i] === hi) v = u16[(rOff[i] + (lo & 0xfff)) >> 1];
            else v = mmu.loadSlow(lo, hi, 2);
            if ((w & Pack.OpMask) === Op.LH) v = (v << 16) >> 16;
            xl[rd] = v; xh[rd] = v >> 31;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.LW: case Op.LWU: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            let v: number;
            if (rTag[i] === (lo & -4093) && rTagHi[i] === hi) v = i32[(rOff[i] + (lo & 0xfff)) >> 2];
            else v = mmu.loadSlow(lo, hi, 4) | 0;
            xl[rd] = v; xh[rd] = (w & Pack.OpMask) === Op.LW ? v >> 31 : 0;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.LD: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            if (rTag[i] === (lo & -4089) && rTagHi[i] === hi) {
              const o = (rOff[i] + (lo & 0xfff)) >> 2;
              xl[rd] = i32[o]; xh[rd] = i32[o + 1];
            } else {
              const v = mmu.load64(lo, hi);
              xh[rd] = mmu.hi; xl[rd] = v;
            }
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.FLW: case Op.FLD: {
            if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true);
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            const dbl = (w & Pack.OpMask) === Op.FLD;
            if (rTag[i] === (lo & (dbl ? -4089 : -4093)) && rTagHi[i] === hi) {
              const o = (rOff[i] + (lo & 0xfff)) >> 2;
              fi[rd * 2] = i32[o]; fi[rd * 2 + 1] = dbl ? i32[o + 1] : -1;
            } else if (dbl) {
              const v = mmu.load64(lo, hi);
              fi[rd * 2 + 1] = mmu.hi; fi[rd * 2] = v;
            } else {
              fi[rd * 2] = mmu.loadSlow(lo, hi, 4) | 0; fi[rd * 2 + 1] = -1;
            }
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SB: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            if (wTag[i] === (lo & ~0xfff) && wTagHi[i] === hi) u8[wOff[i] + (lo & 0xfff)] = xl[rs2];
            else mmu.storeSlow(lo, hi, 1, xl[rs2]);
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SH: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            if (wTag[i] === (lo & -4095) && wTagHi[i] === hi) i16[(wOff[i] + (lo & 0xfff)) >> 1] = xl[rs2];
            else mmu.storeSlow(lo, hi, 2, xl[rs2]);
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SW: case Op.FSW: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            const isX = (w & Pack.OpMask) === Op.SW;
            if (!isX && h.mstatusFs === FsState.Off) fpTouch(h, false);
            const v = isX ? xl[rs2] : fi[rs2 * 2];
            if (wTag[i] === (lo & -4093) && wTagHi[i] === hi) i32[(wOff[i] + (lo & 0xfff)) >> 2] = v;
            else mmu.storeSlow(lo, hi, 4, v);
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SD: case Op.FSD: {
            const b = xl[rs1], lo = (b + imm) | 0;
            const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (lo >>> 12) & TLB_MASK;
            const isX = (w & Pack.OpMask) === Op.SD;
            if (!isX && h.mstatusFs === FsState.Off) fpTouch(h, false);
            const vl = isX ? xl[rs2] : fi[rs2 * 2], vh = isX ? xh[rs2] : fi[rs2 * 2 + 1];
            if (wTag[i] === (lo & -4089) && wTagHi[i] === hi) {
              const o = (wOff[i] + (lo & 0xfff)) >> 2;
              i32[o] = vl; i32[o + 1] = vh;
            } else mmu.store64(lo, hi, vl, vh);
            slot += w >>> Pack.LenShift; continue;
          }

          case Op.ADDI: {
            const a = xl[rs1], lo = (a + imm) | 0;
            xh[rd] = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0; xl[rd] = lo;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SLTI: {
            const ih = imm >> 31;
            xl[rd] = xh[rs1] < ih || (xh[rs1] === ih && (xl[rs1] >>> 0) < (imm >>> 0)) ? 1 : 0; xh[rd] = 0;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SLTIU: {
            const ih = imm >> 31;
            xl[rd] = (xh[rs1] >>> 0) < (ih >>> 0) || (xh[rs1] === ih && (xl[rs1] >>> 0) < (imm >>> 0)) ? 1 : 0; xh[rd] = 0;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.XORI: xh[rd] = xh[rs1] ^ (imm >> 31); xl[rd] = xl[rs1] ^ imm; slot += w >>> Pack.LenShift; continue;
          case Op.ORI: xh[rd] = xh[rs1] | (imm >> 31); xl[rd] = xl[rs1] | imm; slot += w >>> Pack.LenShift; continue;
          case Op.ANDI: xh[rd] = xh[rs1] & (imm >> 31); xl[rd] = xl[rs1] & imm; slot += w >>> Pack.LenShift; continue;
          case Op.SLLI: shl(xl, xh, rd, xl[rs1], xh[rs1], imm); slot += w >>> Pack.LenShift; continue;
          case Op.SRLI: shr(xl, xh, rd, xl[rs1], xh[rs1], imm); slot += w >>> Pack.LenShift; continue;
          case Op.SRAI: sar(xl, xh, rd, xl[rs1], xh[rs1], imm); slot += w >>> Pack.LenShift; continue;
          case Op.ADD: {
            const a = xl[rs1], lo = (a + xl[rs2]) | 0;
            xh[rd] = (xh[rs1] + xh[rs2] + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0; xl[rd] = lo;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SUB: {
            const a = xl[rs1], b = xl[rs2];
            xh[rd] = (xh[rs1] - xh[rs2] - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; xl[rd] = (a - b) | 0;
            slot += w >>> Pack.LenShift; continue;
          }
          case Op.SLL: shl(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63); slot += w >>> Pack.LenShift; continue;
          case Op.SRL: shr(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63); slot += w >>> Pack.LenShift; continue;
          case Op.SRA: sar(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63); slot += w >>> Pack.LenShift; continue;
          case Op.SLT:
            xl[rd] = xh[rs1] < xh[rs2] || (xh[rs1] === xh[rs2] && (xl[rs1] >>> 0) < (xl[rs2] >>> 0)) ? 1 : 0; xh[rd] = 0;
            slot += w >>> Pack.LenShift; continue;
          case Op.SLTU:
            xl[rd] = (xh[rs1] >>> 0) < (xh[rs2] >>> 0) || (xh[rs1] === xh[rs2] && (xl[rs1] >>> 0) < (xl[rs2] >>> 0)) ? 1 : 0; xh[rd] = 0;
            slot += w >>> Pack.LenShift; continue;
          case Op.XOR: xh[rd] = xh[rs1] ^ xh[rs2]; xl[rd] = xl[rs1] ^ xl[rs2]; slot += w >>> Pack.LenShift; continue;
          case Op.OR: xh[rd] = xh[rs1] | xh[rs2]; xl[rd] = xl[rs1] | xl[rs2]; slot += w >>> Pack.LenShift; continue;
          case Op.AND: xh[rd] = xh[rs1] & xh[rs2]; xl[rd] = xl[rs1] & xl[rs2]; slot += w >>> Pack.LenShift; continue;
          case Op.ADDIW: { const v = (xl[rs1] + imm) | 0; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SLLIW: { const v = xl[rs1] << imm; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SRLIW: { const v = (xl[rs1] >>> imm) | 0; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SRAIW: { const v = xl[rs1] >> imm; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.ADDW: { const v = (xl[rs1] + xl[rs2]) | 0; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SUBW: { const v = (xl[rs1] - xl[rs2]) | 0; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SLLW: { const v = xl[rs1] << (xl[rs2] & 31); xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SRLW: { const v = (xl[rs1] >>> (xl[rs2] & 31)) | 0; xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.SRAW: { const v = xl[rs1] >> (xl[rs2] & 31); xl[rd] = v; xh[rd] = v >> 31; slot += w >>> Pack.LenShift; continue; }
          case Op.MUL: mul64(xl, xh, rd, rs1, rs2); slot += w >>> Pack.LenShift; continue;
          case Op.MULW: mulw(xl, xh, rd, rs1, rs2); slot += w >>> Pack.LenShift; continue;

          case Op.FENCE:
            slot += w >>> Pack.LenShift; continue;
          case Op.FENCE_I:
            cache.fenceI();
            t = (slot + (w >>> Pack.LenShift)) << 1;
            break;
          case Op.ECALL:
            h.pcLo = baseLo + (slot << 1); h.pcHi = baseHi;
            h.instret += n; h.runCount = 0;
            return Exit.Ecall;
          case Op.EBREAK:
            throw new Trap(Cause.Breakpoint, baseLo + (slot << 1), baseHi);
          case Op.WFI:
            if (h.priv === Priv.User) throw new Trap(Cause.IllegalInsn, imm, 0);
            h.pcLo = baseLo + ((slot + 2) << 1); h.pcHi = baseHi;
            h.instret += n; h.runCount = 0;
            return Exit.Wfi;
          case Op.FADD_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfadd_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FSUB_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfsub_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FMUL_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfmul_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FDIV_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfdiv_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FSQRT_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfsqrt_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FMADD_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfmadd_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FMSUB_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfmsub_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FNMADD_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfnmadd_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FNMSUB_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfnmsub_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FSGNJ_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfsgnj_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FSGNJN_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfsgnjn_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FSGNJX_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfsgnjx_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FEQ_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfeq_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FLT_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hflt_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FLE_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfle_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FCVT_D_W: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfcvt_d_w(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FCVT_D_L: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfcvt_d_l(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FCVT_W_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfcvt_w_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FMV_X_D: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, false); hfmv_x_d(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.FMV_D_X: if (h.mstatusFs !== FsState.Dirty) fpTouch(h, true); hfmv_d_x(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.MULHU: hmulhu(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.DIV: hdiv(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.DIVU: hdivu(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.REM: hrem(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.REMU: hremu(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.DIVW: hdivw(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.REMW: hremw(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          case Op.REMUW: hremuw(h, rd, rs1, rs2, imm); slot += w >>> Pack.LenShift; continue;
          default:
            if (FP_USE[w & Pack.OpMask] !== 0 && h.mstatusFs !== FsState.Dirty) fpTouch(h, FP_USE[w & Pack.OpMask] === 2);
            h.runCount = n;
            h.pcLo = baseLo + (slot << 1); h.pcHi = baseHi;
            HANDLERS[w & Pack.OpMask](h, rd, rs1, rs2, imm);
            slot += w >>> Pack.LenShift; continue;
        }
        // Leaving the page by a relative jump: pc = page base + t.
        const lo = (baseLo + t) | 0;
        h.pcLo = lo;
        h.pcHi = (baseHi + (t >> 31) + ((lo >>> 0) < (baseLo >>> 0) ? 1 : 0)) | 0;
        continue outer;
      }
    }
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    if (!entering) {
      n--;
      h.pcLo = baseLo + (slot << 1); h.pcHi = baseHi;
    }
    h.instret += n; h.runCount = 0;
    h.trapCause = e.cause; h.trapTvalLo = e.tvalLo; h.trapTvalHi = e.tvalHi;
    return Exit.Trap;
  }
}

/** x[rd] = (lo, hi) << s, for 0 <= s < 64. */
function shl(xl: Int32Array, xh: Int32Array, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) { xl[rd] = lo; xh[rd] = hi; }
  else if (s < 32) { xh[rd] = (hi << s) | (lo >>> (32 - s)); xl[rd] = lo << s; }
  else { xh[rd] = lo << (s - 32); xl[rd] = 0; }
}

/** x[rd] = (lo, hi) >>> s (logical), for 0 <= s < 64. */
function shr(xl: Int32Array, xh: Int32Array, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) { xl[rd] = lo; xh[rd] = hi; }
  else if (s < 32) { xl[rd] = (lo >>> s) | (hi << (32 - s)); xh[rd] = hi >>> s; }
  else { xl[rd] = hi >>> (s - 32); xh[rd] = 0; }
}

/** x[rd] = (lo, hi) >> s (arithmetic), for 0 <= s < 64. */
function sar(xl: Int32Array, xh: Int32Array, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) { xl[rd] = lo; xh[rd] = hi; }
  else if (s < 32) { xl[rd] = (lo >>> s) | (hi << (32 - s)); xh[rd] = hi >> s; }
  else { xl[rd] = hi >> (s - 32); xh[rd] = hi >> 31; }
}
