/**
 * Human-readable reports: the disassembly of a case's stream, and, for the
 * item where two emulators first diverge, the values it read (registers,
 * fcsr, scratch memory) and every difference in the state it left behind.
 */
import { Format, Op, ROW_BY_OP } from "../../isa/riscv/table.js";
import { decode, newDecoded } from "../../isa/riscv/decode.js";
import { disassemble } from "../../isa/riscv/disasm.js";
import { operandFiles } from "../../isa/riscv/operands.js";
import type { Insn } from "./asm.js";
import type { Item } from "./gen.js";
import { BASE_REG, SCRATCH_BELOW, SCRATCH_ABOVE } from "./gen.js";
import { describeFcsr, describeFp, describeInt, diffDumps, hex64, memWord, spOffset, xName, type Dump } from "./dump.js";

/** Disassembly of one instruction, with its raw encoding. */
export function formatInsn(i: Insn): string {
  const raw = i.size === 2 ? i.word.toString(16).padStart(4, "0").padEnd(8) : i.word.toString(16).padStart(8, "0");
  const text = disassemble(i.word & 0xffff, i.word >>> 16);
  return `${raw}  ${i.size === 2 ? "c: " : ""}${text}`;
}

/** Disassembly of a stream, one instruction per line with its address; `mark` flags one item. */
export function formatItems(items: readonly Item[], addrs: readonly number[], mark = -1): string[] {
  const out: string[] = [];
  items.forEach((it, k) => {
    let pc = addrs[k];
    it.insns.forEach((i, j) => {
      const prefix = k === mark ? ">>" : "  ";
      const tag = j === 0 ? `#${k}`.padStart(5) : "     ";
      out.push(`${prefix}${tag}  ${pc.toString(16)}:  ${formatInsn(i)}`);
      pc += i.size;
    });
    if (it.patched) out.push(`               (patch slot: ${formatInsn(it.patched)})`);
  });
  return out;
}

/** What one item reads before it runs: registers, and scratch words it may access. */
interface Reads {
  x: Set<number>;
  f: Set<number>;
  fcsr: boolean;
  /** Byte indices into the scratch dump (8-aligned words). */
  mem: Set<number>;
}

/** Works out the inputs of an item, tracking addresses through ADDI from sp. */
function itemReads(item: Item, pre: Dump): Reads {
  const reads: Reads = { x: new Set(), f: new Set(), fcsr: false, mem: new Set() };
  const known = new Map<number, bigint>();
  const written = new Set<number>();
  const valueOf = (r: number): bigint | undefined => (written.has(r) ? known.get(r) : pre.x[r]);
  const d = newDecoded();
  for (const i of item.patched ? [...item.insns, item.patched] : item.insns) {
    decode(i.word & 0xffff, i.word >>> 16, d);
    const row = ROW_BY_OP[d.op];
    if (row === undefined) continue;
    const files = operandFiles(row);
    const readReg = (file: string, r: number) => {
      if (file === "x" && !written.has(r)) reads.x.add(r);
      if (file === "f") reads.f.add(r);
    };
    readReg(files.rs1, d.rs1);
    readReg(files.rs2, d.rs2);
    if (row.format === Format.R4) reads.f.add(d.imm & 31);
    if (row.ext === "f" || row.ext === "d" || (row.format === Format.Csr && d.imm <= 3)) reads.fcsr = true;
    const isMem = row.format === Format.S || row.format === Format.Amo || row.format === Format.Lr ||
      (row.format === Format.I && (row.name.startsWith("l") || row.name.startsWith("fl")));
    if (isMem) {
      const base = valueOf(d.rs1);
      const spv = pre.x[BASE_REG];
      const disp = row.format === Format.Amo || row.format === Format.Lr ? 0n : BigInt(d.imm);
      if (base !== undefined) {
        const off = Number(BigInt.asIntN(64, base + disp - spv));
        if (off >= -SCRATCH_BELOW && off < SCRATCH_ABOVE) reads.mem.add((off + SCRATCH_BELOW) & ~7);
      }
    }
    if (files.rd === "x" && d.rd !== 0) {
      written.add(d.rd);
      const src = valueOf(d.rs1);
      if (d.op === Op.ADDI && src !== undefined) known.set(d.rd, BigInt.asUintN(64, src + BigInt(d.imm)));
      else known.delete(d.rd);
    }
  }
  return reads;
}

/** Lines listing the inputs of `item` in the state `pre`. */
export function formatInputs(item: Item, pre: Dump): string[] {
  const r = itemReads(item, pre);
  const out: string[] = [];
  for (const x of [...r.x].sort((a, b) => a - b)) out.push(`  ${xName(x).padEnd(12)} ${describeInt(pre.x[x])}`);
  for (const f of [...r.f].sort((a, b) => a - b)) out.push(`  ${`f${f}`.padEnd(12)} ${describeFp(pre.f[f])}`);
  if (r.fcsr) out.push(`  ${"fcsr".padEnd(12)} ${describeFcsr(pre.fcsr)}`);
  for (const m of [...r.mem].sort((a, b) => a - b)) out.push(`  ${`[${spOffset(m)}]`.padEnd(12)} ${hex64(memWord(pre, m))}`);
  return out;
}

/** Where two emulators first disagree within one case. */
export interface Divergence {
  /** Index of the first item after which the states differ (-1: before any item, i.e. prologue/epilogue). */
  readonly item: number;
  /** State before that item (equal in both emulators); absent when item is -1. */
  readonly before?: Dump;
  /** The oracle's state after the item. */
  readonly expected?: Dump;
  /** The subject's state after the item (absent when it produced none). */
  readonly actual?: Dump;
}

/** The full text of a divergence report. */
export function formatDivergence(items: readonly Item[], addrs: readonly number[], dv: Divergence,
  names: { oracle: string; subject: string }, subjectEnd: string, subjectStderr: string): string[] {
  const out: string[] = [];
  if (dv.item < 0) {
    out.push("States differ with an empty stream: the prologue/epilogue (ld/fld/csrrwi/sd/fsd/csrrs/write) disagree.");
  } else {
    const it = items[dv.item];
    out.push(`First divergence at item #${dv.item}:`);
    let pc = addrs[dv.item];
    for (const i of it.insns) {
      out.push(`  ${pc.toString(16)}:  ${formatInsn(i)}`);
      pc += i.size;
    }
    if (it.patched) out.push(`  (patch slot: ${formatInsn(it.patched)})`);
    if (dv.before) {
      out.push("Inputs (identical in both before the item):");
      out.push(...formatInputs(it, dv.before));
    }
  }
  if (dv.expected && dv.actual) {
    out.push(`Differences after it (expected = ${names.oracle}, actual = ${names.subject}):`);
    out.push(...diffDumps(dv.expected, dv.actual));
  } else if (dv.expected) {
    out.push(`${names.subject} produced no state after it (${subjectEnd}).`);
    const err = subjectStderr.trim();
    if (err) out.push(`${names.subject} stderr: ${err.split("\n").slice(0, 5).join("\n  ")}`);
  }
  return out;
}
