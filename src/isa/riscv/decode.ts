/**
 * Decoder and encoder generated from the instruction table at start-up.
 * Rows are bucketed by their major opcode (bits 6:0); a word is matched against
 * its bucket's rows in order. Compressed (16-bit) words are first expanded to
 * their 32-bit equivalents (see compressed.ts).
 */
import { INSNS, Op, ROW_BY_OP, type InsnRow } from "./table.js";
import { extract, place, type Operands } from "./fields.js";
import { expandCompressed } from "./compressed.js";

const BUCKETS: InsnRow[][] = (() => {
  const b: InsnRow[][] = Array.from({ length: 128 }, () => []);
  for (const r of INSNS) {
    if ((r.mask & 0x7f) !== 0x7f) throw new Error(`table row ${r.name} does not fix the major opcode`);
    b[r.match & 0x7f].push(r);
  }
  return b;
})();

/** Finds the table row matching a 32-bit instruction word, or undefined if none does. */
export function lookup(w: number): InsnRow | undefined {
  const bucket = BUCKETS[w & 0x7f];
  for (let i = 0; i < bucket.length; i++) {
    const r = bucket[i];
    if ((w & r.mask) === r.match) return r;
  }
  return undefined;
}

/** Result of decoding one instruction (of either length). */
export interface Decoded extends Operands {
  op: Op;
  /** 2 for compressed, 4 otherwise. */
  length: 2 | 4;
  /** The 32-bit word that was decoded (the expansion, for compressed instructions). */
  word: number;
}

/** Makes an empty Decoded record, to be filled by decode(). */
export function newDecoded(): Decoded {
  return { op: Op.ILLEGAL, rd: 0, rs1: 0, rs2: 0, imm: 0, length: 4, word: 0 };
}

/**
 * Decodes the instruction whose low 16 bits are `lo16` and, for 32-bit
 * instructions, upper bits in `hi16`. Sets op to Op.ILLEGAL when nothing matches.
 */
export function decode(lo16: number, hi16: number, out: Decoded): Decoded {
  let w: number;
  if ((lo16 & 3) !== 3) {
    out.length = 2;
    w = expandCompressed(lo16 & 0xffff);
  } else {
    out.length = 4;
    w = ((hi16 & 0xffff) << 16) | (lo16 & 0xffff);
  }
  out.word = w;
  const r = w === 0 ? undefined : lookup(w);
  if (r === undefined) {
    out.op = Op.ILLEGAL;
    out.rd = out.rs1 = out.rs2 = out.imm = 0;
    return out;
  }
  out.op = r.op;
  extract(w, r.format, out);
  return out;
}

/** Encodes an instruction from its op and operands (the inverse of decode for 32-bit forms). */
export function encode(op: Op, o: Partial<Operands>): number {
  const r = ROW_BY_OP[op];
  if (r === undefined) throw new Error(`no encoding for op ${op}`);
  return place(r.match, r.format, { rd: o.rd ?? 0, rs1: o.rs1 ?? 0, rs2: o.rs2 ?? 0, imm: o.imm ?? 0 });
}

/**
 * Checks the table for encodings that overlap: two rows that some word matches at once.
 * Returns the overlapping pairs' names (empty when the table is sound).
 */
export function findOverlaps(): string[] {
  const out: string[] = [];
  for (let i = 0; i < INSNS.length; i++) {
    for (let j = i + 1; j < INSNS.length; j++) {
      const a = INSNS[i], b = INSNS[j];
      const common = a.mask & b.mask;
      if ((a.match & common) === (b.match & common)) out.push(`${a.name} ~ ${b.name}`);
    }
  }
  return out;
}
