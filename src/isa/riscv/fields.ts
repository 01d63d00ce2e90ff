/**
 * Instruction fields: extraction of register numbers and immediates from a 32-bit
 * instruction word, and the inverse (placing them back), for every Format.
 */
import { Format } from "./table.js";

/** Decoded operands of one instruction. Register numbers are architectural (0..31). */
export interface Operands {
  rd: number;
  rs1: number;
  rs2: number;
  /** Immediate, or packed extras (rs3 | rm<<8, csr number, aq<<1|rl, fence bits): see Format. */
  imm: number;
}

/** Sign-extends the low `bits` bits of v. */
export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

/** Extracts the operands of `w` as laid out by `format`. */
export function extract(w: number, format: Format, out: Operands): void {
  out.rd = (w >>> 7) & 31;
  out.rs1 = (w >>> 15) & 31;
  out.rs2 = (w >>> 20) & 31;
  const rm = (w >>> 12) & 7;
  switch (format) {
    case Format.I:
      out.imm = w >> 20;
      break;
    case Format.S:
      out.imm = ((w >> 25) << 5) | ((w >>> 7) & 31);
      break;
    case Format.B:
      out.imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
      break;
    case Format.U:
      out.imm = w & 0xfffff000;
      break;
    case Format.J:
      out.imm = ((w >> 31) << 20) | (w & 0xff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
      break;
    case Format.Shift6:
      out.imm = (w >>> 20) & 63;
      break;
    case Format.Shift5:
      out.imm = (w >>> 20) & 31;
      break;
    case Format.Amo:
    case Format.Lr:
      out.imm = (w >>> 25) & 3;
      break;
    case Format.R4:
      out.imm = ((w >>> 27) & 31) | (rm << 8);
      break;
    case Format.Rrm:
    case Format.R1rm:
      out.imm = rm;
      break;
    case Format.Csr:
      out.imm = (w >>> 20) & 0xfff;
      break;
    case Format.Fence:
      out.imm = (w >>> 20) & 0xff;
      break;
    default:
      out.imm = 0;
  }
}

/** Places operands into `base` (a row's match bits) as laid out by `format`. Inverse of extract. */
export function place(base: number, format: Format, o: Operands): number {
  let w = base;
  const rd = (o.rd & 31) << 7, rs1 = (o.rs1 & 31) << 15, rs2 = (o.rs2 & 31) << 20;
  const imm = o.imm;
  switch (format) {
    case Format.R: case Format.Amo: case Format.Lr:
      w |= rd | rs1 | (format === Format.Lr ? 0 : rs2);
      if (format !== Format.R) w |= (imm & 3) << 25;
      break;
    case Format.I:
      w |= rd | rs1 | ((imm & 0xfff) << 20);
      break;
    case Format.S:
      w |= rs1 | rs2 | (((imm >> 5) & 0x7f) << 25) | ((imm & 31) << 7);
      break;
    case Format.B:
      w |= rs1 | rs2 | (((imm >> 12) & 1) << 31) | (((imm >> 5) & 63) << 25) | (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7);
      break;
    case Format.U:
      w |= rd | (imm & 0xfffff000);
      break;
    case Format.J:
      w |= rd | (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (imm & 0xff000);
      break;
    case Format.Shift6:
      w |= rd | rs1 | ((imm & 63) << 20);
      break;
    case Format.Shift5:
      w |= rd | rs1 | ((imm & 31) << 20);
      break;
    case Format.R4:
      w |= rd | rs1 | rs2 | ((imm & 31) << 27) | (((imm >> 8) & 7) << 12);
      break;
    case Format.Rrm:
      w |= rd | rs1 | rs2 | ((imm & 7) << 12);
      break;
    case Format.R1rm:
      w |= rd | rs1 | ((imm & 7) << 12);
      break;
    case Format.R1:
      w |= rd | rs1;
      break;
    case Format.Csr:
      w |= rd | rs1 | ((imm & 0xfff) << 20);
      break;
    case Format.Fence:
      w |= (imm & 0xff) << 20;
      break;
    case Format.R2:
      w |= rs1 | rs2;
      break;
    case Format.None:
      break;
  }
  return w | 0;
}
