/**
 * The smallest assembler the fuzzer needs: an instruction value (16- or 32-bit
 * word), constructors from table ops and compressed forms, and a code buffer
 * that lays instructions out as little-endian bytes.
 */
import type { Op } from "../../isa/riscv/table.js";
import { encode } from "../../isa/riscv/decode.js";
import type { Operands } from "../../isa/riscv/fields.js";
import { encodeC } from "./rvc.js";

/** One machine instruction: a 32-bit word, or a 16-bit compressed one. */
export interface Insn {
  readonly size: 2 | 4;
  /** The instruction bits (low 16 bits only for compressed instructions). */
  readonly word: number;
}

/** A 32-bit instruction from a table op and its operands. */
export function ins(op: Op, o: Partial<Operands>): Insn {
  return { size: 4, word: encode(op, o) >>> 0 };
}

/** A 16-bit instruction from a compressed form's name and its expansion's operands. */
export function cins(name: string, o: Partial<Operands>): Insn {
  return { size: 2, word: encodeC(name, o) };
}

/** Total size in bytes of a sequence of instructions. */
export function sizeOf(insns: readonly Insn[]): number {
  let n = 0;
  for (const i of insns) n += i.size;
  return n;
}

/** The low 12 bits (sign-extended) and the matching upper 20 bits of a 32-bit constant, as for lui+addi. */
export function hiLo(v: number): { hi: number; lo: number } {
  const lo = ((v & 0xfff) << 20) >> 20;
  return { hi: (v - lo) | 0, lo };
}

/** A growable little-endian code buffer. */
export class CodeBuffer {
  private bytes = new Uint8Array(4096);
  private len = 0;

  /** Number of bytes emitted so far (the offset of the next instruction). */
  get length(): number {
    return this.len;
  }

  /** Appends instructions. */
  emit(...insns: readonly Insn[]): void {
    for (const i of insns) {
      if (this.len + 4 > this.bytes.length) {
        const b = new Uint8Array(this.bytes.length * 2);
        b.set(this.bytes);
        this.bytes = b;
      }
      this.bytes[this.len++] = i.word & 0xff;
      this.bytes[this.len++] = (i.word >>> 8) & 0xff;
      if (i.size === 4) {
        this.bytes[this.len++] = (i.word >>> 16) & 0xff;
        this.bytes[this.len++] = (i.word >>> 24) & 0xff;
      }
    }
  }

  /** The emitted bytes. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.len);
  }
}
