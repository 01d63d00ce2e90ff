/**
 * The C extension: each 16-bit instruction is expanded to the 32-bit instruction
 * it stands for ("RVC" chapter of the unprivileged spec, RV64 column), so one
 * decoder and one set of handlers serve both lengths.
 */
import { Op, ROW_BY_OP } from "./table.js";
import { place } from "./fields.js";

function enc(op: Op, rd: number, rs1: number, rs2: number, imm: number): number {
  const r = ROW_BY_OP[op]!;
  return place(r.match, r.format, { rd, rs1, rs2, imm });
}

/** Bit `i` of h, placed at position `to`. */
function bit(h: number, i: number, to: number): number {
  return ((h >>> i) & 1) << to;
}

/** Bits hi..lo of h, placed starting at position `to`. */
function bits(h: number, hi: number, lo: number, to: number): number {
  return ((h >>> lo) & ((1 << (hi - lo + 1)) - 1)) << to;
}

function sext(v: number, n: number): number {
  return (v << (32 - n)) >> (32 - n);
}

/** Returns the 32-bit expansion of a compressed instruction, or 0 if it is illegal or reserved. */
export function expandCompressed(h: number): number {
  const quadrant = h & 3;
  const f3 = (h >>> 13) & 7;
  const rdFull = (h >>> 7) & 31;
  const rs2Full = (h >>> 2) & 31;
  const rdP = ((h >>> 2) & 7) + 8; // rd' / rs2' in bits 4:2
  const rs1P = ((h >>> 7) & 7) + 8; // rs1' / rd' in bits 9:7
  const imm6 = sext(bit(h, 12, 5) | bits(h, 6, 2, 0), 6);
  const uimm6 = bit(h, 12, 5) | bits(h, 6, 2, 0);
  if (quadrant === 0) {
    const uimmD = bits(h, 12, 10, 3) | bits(h, 6, 5, 6); // C.LD/C.SD/C.FLD/C.FSD
    const uimmW = bits(h, 12, 10, 3) | bit(h, 6, 2) | bit(h, 5, 6); // C.LW/C.SW
    switch (f3) {
      case 0: {
        const nz = bits(h, 12, 11, 4) | bits(h, 10, 7, 6) | bit(h, 6, 2) | bit(h, 5, 3);
        return nz === 0 ? 0 : enc(Op.ADDI, rdP, 2, 0, nz);
      }
      case 1: return enc(Op.FLD, rdP, rs1P, 0, uimmD);
      case 2: return enc(Op.LW, rdP, rs1P, 0, uimmW);
      case 3: return enc(Op.LD, rdP, rs1P, 0, uimmD);
      case 5: return enc(Op.FSD, 0, rs1P, rdP, uimmD);
      case 6: return enc(Op.SW, 0, rs1P, rdP, uimmW);
      case 7: return enc(Op.SD, 0, rs1P, rdP, uimmD);
      default: return 0;
    }
  }
  if (quadrant === 1) {
    switch (f3) {
      case 0: return enc(Op.ADDI, rdFull, rdFull, 0, imm6);
      case 1: return rdFull === 0 ? 0 : enc(Op.ADDIW, rdFull, rdFull, 0, imm6);
      case 2: return enc(Op.ADDI, rdFull, 0, 0, imm6);
      case 3:
        if (rdFull === 2) {
          const nz = sext(bit(h, 12, 9) | bit(h, 6, 4) | bit(h, 5, 6) | bits(h, 4, 3, 7) | bit(h, 2, 5), 10);
          return nz === 0 ? 0 : enc(Op.ADDI, 2, 2, 0, nz);
        } else {
          const nz = sext(bit(h, 12, 17) | bits(h, 6, 2, 12), 18);
          return nz === 0 ? 0 : enc(Op.LUI, rdFull, 0, 0, nz);
        }
      case 4: {
        const f2 = (h >>> 10) & 3;
        if (f2 === 0) return enc(Op.SRLI, rs1P, rs1P, 0, uimm6);
        if (f2 === 1) return enc(Op.SRAI, rs1P, rs1P, 0, uimm6);
        if (f2 === 2) return enc(Op.ANDI, rs1P, rs1P, 0, imm6);
        const sub = (h >>> 5) & 3;
        if ((h & 0x1000) === 0) {
          const ops = [Op.SUB, Op.XOR, Op.OR, Op.AND];
          return enc(ops[sub], rs1P, rs1P, rdP, 0);
        }
        if (sub === 0) return enc(Op.SUBW, rs1P, rs1P, rdP, 0);
        if (sub === 1) return enc(Op.ADDW, rs1P, rs1P, rdP, 0);
        return 0;
      }
      case 5: {
        const off = sext(bit(h, 12, 11) | bit(h, 11, 4) | bits(h, 10, 9, 8) | bit(h, 8, 10) | bit(h, 7, 6) |
          bit(h, 6, 7) | bits(h, 5, 3, 1) | bit(h, 2, 5), 12);
        return enc(Op.JAL, 0, 0, 0, off);
      }
      default: {
        const off = sext(bit(h, 12, 8) | bits(h, 11, 10, 3) | bits(h, 6, 5, 6) | bits(h, 4, 3, 1) | bit(h, 2, 5), 9);
        return enc(f3 === 6 ? Op.BEQ : Op.BNE, 0, rs1P, 0, off);
      }
    }
  }
  if (quadrant === 2) {
    const uimmLdsp = bit(h, 12, 5) | bits(h, 6, 5, 3) | bits(h, 4, 2, 6);
    const uimmSdsp = bits(h, 12, 10, 3) | bits(h, 9, 7, 6);
    switch (f3) {
      case 0: return enc(Op.SLLI, rdFull, rdFull, 0, uimm6);
      case 1: return enc(Op.FLD, rdFull, 2, 0, uimmLdsp);
      case 2: return rdFull === 0 ? 0 : enc(Op.LW, rdFull, 2, 0, bit(h, 12, 5) | bits(h, 6, 4, 2) | bits(h, 3, 2, 6));
      case 3: return rdFull === 0 ? 0 : enc(Op.LD, rdFull, 2, 0, uimmLdsp);
      case 4:
        if ((h & 0x1000) === 0) {
          if (rs2Full === 0) return rdFull === 0 ? 0 : enc(Op.JALR, 0, rdFull, 0, 0);
          return enc(Op.ADD, rdFull, 0, rs2Full, 0);
        }
        if (rs2Full === 0) {
          if (rdFull === 0) return enc(Op.EBREAK, 0, 0, 0, 0);
          return enc(Op.JALR, 1, rdFull, 0, 0);
        }
        return enc(Op.ADD, rdFull, rdFull, rs2Full, 0);
      case 5: return enc(Op.FSD, 0, 2, rs2Full, uimmSdsp);
      case 6: return enc(Op.SW, 0, 2, rs2Full, bits(h, 12, 9, 2) | bits(h, 8, 7, 6));
      default: return enc(Op.SD, 0, 2, rs2Full, uimmSdsp);
    }
  }
  return 0;
}
