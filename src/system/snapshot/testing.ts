/**
 * A bare-metal program for the snapshot tests, assembled here from the
 * instruction table (isa/riscv/decode.ts encode), so the tests need no cross
 * compiler. Every hart runs a long loop of integer (xorshift, mul) and
 * floating-point (fmadd) work that writes a ring of results to RAM, then
 * counts itself done with an amoadd and parks in wfi. Hart 0 waits for all
 * of them, prints each hart's two results in hex on the UART and stops the
 * machine through HTIF (when the board has it) or the SiFive test finisher.
 * The outcome depends only on the instructions executed, never on timing.
 */
import { encode } from "../../isa/riscv/decode.js";
import { Op } from "../../isa/riscv/table.js";
import { PCsr } from "../../cpu/riscv/priv/csr.js";
import type { VirtBoard } from "../board.js";
import type { HtifState } from "../htif.js";
import { RAM_BASE } from "../memory-map.js";

/** RAM offsets the program uses. */
export const PROGRAM_LAYOUT = {
  /** HTIF's tohost word (with `htif`). */
  tohost: 0xe000,
  /** The done counter (a word). */
  done: 0xf000,
  /** Hart h's data at data + h * 0x1000: a ring of 64 doublewords, then its results at +512. */
  data: 0x10000,
} as const;

/** Where the program's HTIF is. */
export const PROGRAM_HTIF: HtifState = { pageOffset: PROGRAM_LAYOUT.tohost, tohost: 0, fromhost: -1 };

const ZERO = 0, RA = 1, T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14;
const S2 = 18, S3 = 19, S4 = 20, T3 = 28, T4 = 29, T5 = 30, T6 = 31;

/** A tiny two-pass assembler: instructions as words, branches and jumps to labels fixed up at the end. */
class Asm {
  readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; op: Op; rs1: number; rs2: number; rd: number; label: string }[] = [];

  i(op: Op, o: { rd?: number; rs1?: number; rs2?: number; imm?: number } = {}): this {
    this.words.push(encode(op, o));
    return this;
  }

  label(name: string): this {
    this.labels.set(name, this.words.length * 4);
    return this;
  }

  /** A branch (or jal with rd) to `label`. */
  to(op: Op, label: string, o: { rd?: number; rs1?: number; rs2?: number } = {}): this {
    this.fixups.push({ at: this.words.length, op, rs1: o.rs1 ?? 0, rs2: o.rs2 ?? 0, rd: o.rd ?? 0, label });
    this.words.push(0);
    return this;
  }

  /** rd = v (any value below 2^32, zero-extended). */
  li(rd: number, v: number): this {
    if (v >= -2048 && v < 2048) return this.i(Op.ADDI, { rd, imm: v });
    const lo = ((v & 0xfff) << 20) >> 20;
    this.i(Op.LUI, { rd, imm: (v - lo) | 0 }).i(Op.ADDIW, { rd, rs1: rd, imm: lo });
    if (v >= 2 ** 31) this.i(Op.SLLI, { rd, rs1: rd, imm: 32 }).i(Op.SRLI, { rd, rs1: rd, imm: 32 });
    return this;
  }

  /** The program's words with every label resolved. */
  assemble(): number[] {
    for (const f of this.fixups) {
      const target = this.labels.get(f.label);
      if (target === undefined) throw new Error(`no label ${f.label}`);
      this.words[f.at] = encode(f.op, { rd: f.rd, rs1: f.rs1, rs2: f.rs2, imm: target - f.at * 4 });
    }
    return this.words;
  }
}

/** The program for `harts` harts and `iterations` loop turns; it ends through HTIF when `htif`, else the finisher. */
export function computeProgram(harts: number, iterations: number, htif: boolean): number[] {
  const a = new Asm();
  a.li(T0, 1 << 13).i(Op.CSRRS, { rs1: T0, imm: PCsr.mstatus }); // mstatus.FS = Initial: the FPU on
  a.li(T0, 1000).i(Op.CSRRW, { rs1: T0, imm: PCsr.minstret });
  // s3 = this hart's data; s0 = seed; s1 = turns left; s2 = accumulator; f0 = 0, f4 = 0.5
  a.li(S3, RAM_BASE + PROGRAM_LAYOUT.data).i(Op.SLLI, { rd: T1, rs1: A0, imm: 12 }).i(Op.ADD, { rd: S3, rs1: S3, rs2: T1 });
  a.li(T0, 7919).i(Op.MUL, { rd: S0, rs1: A0, rs2: T0 }).i(Op.ADDI, { rd: S0, rs1: S0, imm: 1235 });
  a.li(S1, iterations).i(Op.ADDI, { rd: S2 });
  a.i(Op.FCVT_D_L, { rd: 0, rs1: ZERO }).li(T0, 1).i(Op.FCVT_D_L, { rd: 4, rs1: T0 }).li(T0, 2).i(Op.FCVT_D_L, { rd: 5, rs1: T0 });
  a.i(Op.FDIV_D, { rd: 4, rs1: 4, rs2: 5 });
  a.label("loop");
  for (const [op, sh] of [[Op.SLLI, 13], [Op.SRLI, 7], [Op.SLLI, 17]] as const) {
    a.i(op, { rd: T0, rs1: S0, imm: sh }).i(Op.XOR, { rd: S0, rs1: S0, rs2: T0 });
  }
  a.i(Op.MUL, { rd: T1, rs1: S0, rs2: S1 }).i(Op.ADD, { rd: S2, rs1: S2, rs2: T1 });
  a.i(Op.ANDI, { rd: T2, rs1: S0, imm: 255 }).i(Op.FCVT_D_L, { rd: 2, rs1: T2 }).i(Op.FMADD_D, { rd: 0, rs1: 0, rs2: 4, imm: 2 });
  a.i(Op.ANDI, { rd: T3, rs1: S1, imm: 63 }).i(Op.SLLI, { rd: T3, rs1: T3, imm: 3 }).i(Op.ADD, { rd: T3, rs1: T3, rs2: S3 });
  a.i(Op.SD, { rs1: T3, rs2: S2 });
  a.i(Op.ADDI, { rd: S1, rs1: S1, imm: -1 }).to(Op.BNE, "loop", { rs1: S1, rs2: ZERO });
  // Results at s3 + 512: s2, f0, minstret.
  a.i(Op.SD, { rs1: S3, rs2: S2, imm: 512 }).i(Op.FSD, { rs1: S3, rs2: 0, imm: 520 });
  a.i(Op.CSRRS, { rd: S4, imm: PCsr.minstret }).i(Op.SD, { rs1: S3, rs2: S4, imm: 528 });
  a.li(T0, RAM_BASE + PROGRAM_LAYOUT.done).li(T1, 1).i(Op.AMOADD_W, { rs1: T0, rs2: T1 });
  a.to(Op.BNE, "park", { rs1: A0, rs2: ZERO });
  // Hart 0: wait for every hart, print their results, stop the machine.
  a.li(T3, harts).label("wait").i(Op.LW, { rd: T2, rs1: T0 }).to(Op.BNE, "wait", { rs1: T2, rs2: T3 });
  a.li(T4, 0x1000_0000).li(S3, RAM_BASE + PROGRAM_LAYOUT.data).li(S1, harts);
  a.label("print");
  a.i(Op.LD, { rd: A1, rs1: S3, imm: 512 }).to(Op.JAL, "hex", { rd: RA });
  a.i(Op.LD, { rd: A1, rs1: S3, imm: 520 }).to(Op.JAL, "hex", { rd: RA });
  a.li(A3, 10).i(Op.SB, { rs1: T4, rs2: A3 });
  a.li(T1, 0x1000).i(Op.ADD, { rd: S3, rs1: S3, rs2: T1 }).i(Op.ADDI, { rd: S1, rs1: S1, imm: -1 }).to(Op.BNE, "print", { rs1: S1, rs2: ZERO });
  if (htif) a.li(T5, RAM_BASE + PROGRAM_LAYOUT.tohost).li(T6, 1).i(Op.SD, { rs1: T5, rs2: T6 });
  else a.li(T5, 0x10_0000).li(T6, 0x5555).i(Op.SW, { rs1: T5, rs2: T6 });
  a.label("park").i(Op.WFI).to(Op.JAL, "park");
  // hex: prints a1 as 16 hex digits and a space on the UART (t4); clobbers a2-a4.
  a.label("hex").li(A2, 60);
  a.label("digit").i(Op.SRL, { rd: A3, rs1: A1, rs2: A2 }).i(Op.ANDI, { rd: A3, rs1: A3, imm: 15 });
  a.i(Op.ADDI, { rd: A4, rs1: A3, imm: -10 }).to(Op.BLT, "decimal", { rs1: A4, rs2: ZERO }).i(Op.ADDI, { rd: A3, rs1: A3, imm: 39 });
  a.label("decimal").i(Op.ADDI, { rd: A3, rs1: A3, imm: 48 }).i(Op.SB, { rs1: T4, rs2: A3 });
  a.i(Op.ADDI, { rd: A2, rs1: A2, imm: -4 }).to(Op.BGE, "digit", { rs1: A2, rs2: ZERO });
  a.li(A3, 32).i(Op.SB, { rs1: T4, rs2: A3 }).i(Op.JALR, { rs1: RA });
  return a.assemble();
}

/** Puts `program` at the start of RAM and every hart there in M-mode with a0 = its hart id (HTIF attached when `htif`). */
export function loadProgram(board: VirtBoard, program: number[], htif: boolean): void {
  program.forEach((w, i) => board.ram.view.setUint32(i * 4, w >>> 0, true));
  if (htif) board.attachHtif(PROGRAM_HTIF);
  for (const { hart, csrs } of board.harts) {
    hart.pc = BigInt(RAM_BASE);
    hart.setX(A0, BigInt(csrs.hartId));
  }
}
