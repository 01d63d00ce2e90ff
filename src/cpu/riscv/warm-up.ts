/**
 * Warms the interpreter up before a guest runs. V8 optimises run() once it has
 * run for a while, compiling only the switch arms that have executed so far;
 * an arm that runs for the first time afterwards discards the optimised code
 * ("insufficient type feedback") and V8 later compiles run() again, 25-55 ms
 * each time. A Linux boot meets a new arm a dozen times, which doubled its
 * duration. Executing every instruction of the ISA a few times first, on a
 * hart built like the real ones, gives every arm its type feedback up front,
 * so the first optimised run() is also the last.
 *
 * The warm-up program is generated from the instruction table: one instance
 * of each instruction (branches taken and not taken, loads and stores through
 * a TLB miss and then hits, compressed and 32-bit encodings, a 4-byte
 * instruction straddling a page boundary, a jump to the next page), ending
 * with ebreak. It needs three pages of scratch memory, identity-mapped.
 */
import { Format, INSNS, Op, type InsnRow } from "../../isa/riscv/table.js";
import { encode } from "../../isa/riscv/decode.js";
import { operandFiles } from "../../isa/riscv/operands.js";
import { FsState, type Hart } from "./hart.js";
import { Exit, run } from "./run.js";
import { step } from "./step.js";
import { Cause } from "./trap.js";

const EBREAK = 0x00100073, NOP = 0x00000013;
/**
 * Registers: x10 points into the data pages and x8 holds 4096 (each memory
 * access first moves x10 to a fresh page, so every access misses the TLB in
 * the first pass); x5-x7 and x28 are sources whose values give shift amounts
 * of 57, 57, 3 and 0; x11-x14 are results.
 */
const BASE = 10, STEP = 8, SRC = [5, 6, 7, 28], DST = [11, 12, 13, 14];
const SOURCE_VALUES: [number, bigint][] = [[5, 12345n], [6, -7n], [7, 3n], [28, 0n], [STEP, 4096n]];
const LOADS_STORES = /^(l[bhwd]u?|s[bhwd]|fl[wd]|fs[wd])$/;
/** Data pages after the two code pages. */
export const WARM_UP_DATA_PAGES = 64;

/** The warm-up program's 32-bit words (without the compressed parcels). */
export function warmUpWords(): number[] {
  const out: number[] = [];
  INSNS.forEach((row, k) => out.push(...instances(row, k)));
  return out;
}

/** Encodings of `row` with safe operands, enough of them to take each path of its arm in the run loop. */
function instances(row: InsnRow, k: number): number[] {
  const files = operandFiles(row);
  const fr = (i: number) => 1 + (i % 4);
  const rd = files.rd === "f" ? fr(k) : DST[k % DST.length];
  const src = (file: string, i: number) => (file === "f" ? fr(i) : SRC[i % SRC.length]);
  switch (row.op) {
    case Op.JAL: return [encode(row.op, { rd: 1, imm: 4 }), encode(row.op, { rd: 0, imm: 4 })];
    // auipc x9, 0; jalr x1, 8(x9): lands on the next instruction.
    case Op.JALR: return [encode(Op.AUIPC, { rd: 9 }), encode(row.op, { rd: 1, rs1: 9, imm: 8 })];
  }
  if (row.format === Format.None || row.format === Format.Fence || row.format === Format.R2) return [row.match];
  if (row.format === Format.Csr) return [encode(row.op, { rd, rs1: 0, imm: 0x001 })]; // read fflags
  const step = encode(Op.ADD, { rd: BASE, rs1: BASE, rs2: STEP });
  if (LOADS_STORES.test(row.name)) return [step, encode(row.op, { rd, rs1: BASE, rs2: src(files.rs2, k), imm: 8 })];
  if (row.name.startsWith("amo") || row.name.startsWith("lr.") || row.name.startsWith("sc.")) {
    return [step, encode(row.op, { rd, rs1: BASE, rs2: SRC[0] })];
  }
  if (row.format === Format.B) {
    // Equal and unequal operands, skipping a nop when taken.
    return [encode(row.op, { rs1: 5, rs2: 5, imm: 8 }), NOP, encode(row.op, { rs1: 5, rs2: 6, imm: 8 }), NOP,
      encode(row.op, { rs1: 6, rs2: 5, imm: 8 }), NOP];
  }
  if (row.format === Format.Shift6 || row.format === Format.Shift5) {
    return [0, 3, 20, 35].filter((n) => row.format === Format.Shift6 || n < 32)
      .map((imm, i) => encode(row.op, { rd, rs1: SRC[i % SRC.length], imm }));
  }
  // Every source register once in each position; rounding mode 7 (dynamic) where there is one.
  const imm = row.format === Format.R4 ? fr(k) | (7 << 8) : row.format === Format.Rrm || row.format === Format.R1rm ? 7 : 3;
  return SRC.map((_, i) => encode(row.op, { rd, rs1: src(files.rs1, i), rs2: src(files.rs2, i + 1), imm }));
}

/** Compressed parcels (c.addi x11, 1; c.mv x12, x11; c.add x12, x11; c.nop) to warm the 2-byte path. */
const COMPRESSED = [0x0585, 0x862e, 0x962e, 0x0001];

/**
 * Runs the warm-up program `passes` times on hart `h`, whose memory from the
 * page-aligned `scratch` (2 code pages, then WARM_UP_DATA_PAGES data pages)
 * may be overwritten and is identity-mapped at the hart's privilege. The
 * instructions that leave the loop (ecall, wfi, traps such as an illegal
 * instruction or an mret the run loop does not perform itself) are stepped
 * over, and small budgets make run() return often, as it does in a guest.
 * A last pass single-steps the program with mstatus.FS set back to Initial
 * before every instruction, so each FP arm's "FS is not Dirty" branch has run
 * too (a kernel's user tasks start with FS Initial or Clean), and step() is warm.
 * The hart's state and the decoded-instruction cache are left changed: use a
 * throwaway hart.
 */
export function warmUp(h: Hart, scratch: number, passes = 5): void {
  const words = warmUpWords();
  // Start the code so that it runs over the end of the first page into the second,
  // with a 2-byte parcel first so that one 4-byte instruction straddles the boundary.
  const bytes = words.length * 4 + COMPRESSED.length * 2 + 8;
  if (bytes > 8192) throw new Error("the warm-up program outgrew its two pages");
  const start = scratch + 4096 - Math.floor(bytes / 8) * 4;
  let at = start;
  const put16 = (v: number) => { h.mmu.storeSlow(at, 0, 2, v); at += 2; };
  put16(COMPRESSED[3]);
  for (const w of words) { put16(w & 0xffff); put16(w >>> 16); }
  for (const c of COMPRESSED) put16(c);
  put16(EBREAK & 0xffff); put16(EBREAK >>> 16);
  for (let p = 0; p <= passes; p++) {
    const stepping = p === passes;
    h.mstatusFs = FsState.Dirty;
    h.setX(BASE, BigInt(scratch + 8192 - 4096));
    for (const [r, v] of SOURCE_VALUES) h.setX(r, v);
    // Later passes keep the decoded pages, so entering the first page finds its straddling
    // instruction already decoded.
    if (p <= 1) h.cache.invalidateAll();
    // V8 records type feedback only once a function has run a little: the first pass
    // pays for that, the second misses the TLB on every access, the others hit.
    if (p <= 1) h.mmu.flush();
    h.pc = BigInt(start);
    for (let steps = 0; ; steps++) {
      if (steps > 100_000) throw new Error("the interpreter warm-up does not end");
      if (stepping) h.mstatusFs = steps % 2 === 0 ? FsState.Initial : FsState.Clean;
      const exit = stepping ? step(h) : run(h, 1 + ((steps * 7 + p * 13) % 64)); // budgets that differ from pass to pass
      if (exit === Exit.Budget || exit === Exit.Wfi) continue;
      if (exit === Exit.Trap && h.trapCause === Cause.Breakpoint && h.pc === BigInt(at - 4)) break;
      if (exit === Exit.Trap && h.trapCause !== Cause.IllegalInsn && h.trapCause !== Cause.Breakpoint) {
        throw new Error(`interpreter warm-up: trap ${h.trapCause} at 0x${h.pc.toString(16)}`);
      }
      h.pc += 4n; // step over ecall, ebreak, or an instruction the run loop refuses
    }
  }
}
