/**
 * Test cases and the executable that runs them. A case is an initial machine
 * state (x1..x31, f0..f31, frm, fflags, scratch memory) plus a stream of items.
 * Several cases go into one ELF, each as prologue (load the state), stream and
 * epilogue (store every register and fcsr next to the scratch area, then
 * `write(1, dump, DUMP_BYTES)`); the last case is followed by `exit_group(0)`.
 *
 * Per-case data block (offsets from the block start; sp = block + BASE_OFF):
 *
 *   0      initial x0..x31 (x0 and x2 slots unused)   256 bytes
 *   256    initial f0..f31                             256 bytes
 *   512    dump: x0..x31, f0..f31, fcsr, padding       528 bytes  <- written to stdout
 *   1040   scratch memory, sp - 512 .. sp + 512        1024 bytes <- written to stdout
 *   2064   patch slot for self-modifying code           16 bytes
 *
 * The data segment is readable, writable and executable (for the patch slot).
 */
import { Op } from "../../isa/riscv/table.js";
import { CodeBuffer, hiLo, ins, type Insn } from "./asm.js";
import { writeElf, SegFlag } from "./elf.js";
import { BASE_REG, PATCH_SLOT, SCRATCH_ABOVE, SCRATCH_BELOW, StreamGen, itemsSize, type GenOptions, type Item } from "./gen.js";
import type { Rng } from "./prng.js";
import { randomFpReg, randomInt, randomMemWord } from "./values.js";

/** A self-contained test: initial state and the stream to run from it. */
export interface TestCase {
  /** Initial integer registers by number (entries 0 and BASE_REG are ignored). */
  readonly x: readonly bigint[];
  /** Initial FP registers (raw 64-bit patterns). */
  readonly f: readonly bigint[];
  /** Initial dynamic rounding mode (0..4). */
  readonly frm: number;
  /** Initial accrued exception flags (0..31). */
  readonly fflags: number;
  /** Initial scratch memory (SCRATCH_BELOW + SCRATCH_ABOVE bytes). */
  readonly scratch: Uint8Array;
  readonly items: readonly Item[];
}

/** Virtual address of the code segment (and the entry point). */
export const CODE_BASE = 0x10000;
const PAGE = 0x1000;
const TABLE_X = 0;
const TABLE_F = 256;
const DUMP_OFF = 512;
/** Offset of fcsr inside a dump. */
export const DUMP_FCSR = 512;
/** Offset of the scratch memory inside a dump. */
export const DUMP_SCRATCH = 528;
const SCRATCH_BYTES = SCRATCH_BELOW + SCRATCH_ABOVE;
/** Bytes each case writes to stdout. */
export const DUMP_BYTES = DUMP_SCRATCH + SCRATCH_BYTES;
const PATCH_BYTES = 16;
const BLOCK = DUMP_OFF + DUMP_BYTES + PATCH_BYTES;
/** Offset of sp inside a case's data block. */
const BASE_OFF = DUMP_OFF + DUMP_SCRATCH + SCRATCH_BELOW;
if (BASE_OFF + PATCH_SLOT !== DUMP_OFF + DUMP_BYTES) throw new Error("patch slot is not where the layout puts it");
/** Byte offset from sp of the dump area (what the write syscall starts at). */
const DUMP_REL = DUMP_OFF - BASE_OFF;

const SYS_WRITE = 64;
const SYS_EXIT_GROUP = 94;
const CSR_FFLAGS = 1;
const CSR_FRM = 2;
const CSR_FCSR = 3;

/** Makes a random test case of `length` items. */
export function generateCase(rng: Rng, opts: GenOptions, length: number): TestCase {
  const x = Array.from({ length: 32 }, (_, i) => (i === 0 || i === BASE_REG ? 0n : randomInt(rng)));
  const f = Array.from({ length: 32 }, () => randomFpReg(rng));
  const frm = rng.below(5);
  const fflags = rng.chance(0.5) ? 0 : rng.below(32);
  const scratch = new Uint8Array(SCRATCH_BYTES);
  const view = new DataView(scratch.buffer);
  for (let i = 0; i < SCRATCH_BYTES; i += 8) view.setBigUint64(i, randomMemWord(rng), true);
  const items = new StreamGen(rng, opts).items(length);
  return { x, f, frm, fflags, scratch, items };
}

/** The same case with only its first `n` items. */
export function truncateCase(c: TestCase, n: number): TestCase {
  return { ...c, items: c.items.slice(0, n) };
}

/** Prologue: sp = base, then every other register, frm and fflags from the table. */
function prologue(base: number): Insn[] {
  const { hi, lo } = hiLo(base);
  const out: Insn[] = [ins(Op.LUI, { rd: BASE_REG, imm: hi }), ins(Op.ADDI, { rd: BASE_REG, rs1: BASE_REG, imm: lo })];
  const tableRel = -BASE_OFF;
  for (let r = 1; r < 32; r++) {
    if (r !== BASE_REG) out.push(ins(Op.LD, { rd: r, rs1: BASE_REG, imm: tableRel + TABLE_X + 8 * r }));
  }
  for (let r = 0; r < 32; r++) out.push(ins(Op.FLD, { rd: r, rs1: BASE_REG, imm: tableRel + TABLE_F + 8 * r }));
  return out;
}

function setFpState(frm: number, fflags: number): Insn[] {
  return [
    ins(Op.CSRRWI, { rd: 0, rs1: frm, imm: CSR_FRM }),
    ins(Op.CSRRWI, { rd: 0, rs1: fflags, imm: CSR_FFLAGS }),
  ];
}

/** Epilogue: store x0..x31, f0..f31 and fcsr to the dump area, then write it out. */
function epilogue(): Insn[] {
  const out: Insn[] = [];
  for (let r = 0; r < 32; r++) out.push(ins(Op.SD, { rs1: BASE_REG, rs2: r, imm: DUMP_REL + 8 * r }));
  for (let r = 0; r < 32; r++) out.push(ins(Op.FSD, { rs1: BASE_REG, rs2: r, imm: DUMP_REL + 256 + 8 * r }));
  out.push(
    ins(Op.CSRRS, { rd: 1, rs1: 0, imm: CSR_FCSR }),
    ins(Op.SD, { rs1: BASE_REG, rs2: 1, imm: DUMP_REL + DUMP_FCSR }),
    ins(Op.ADDI, { rd: 10, rs1: 0, imm: 1 }),
    ins(Op.ADDI, { rd: 11, rs1: BASE_REG, imm: DUMP_REL }),
    ins(Op.ADDI, { rd: 12, rs1: 0, imm: DUMP_BYTES }),
    ins(Op.ADDI, { rd: 17, rs1: 0, imm: SYS_WRITE }),
    ins(Op.ECALL, {}),
  );
  return out;
}

function exitGroup(): Insn[] {
  return [ins(Op.ADDI, { rd: 10, rs1: 0, imm: 0 }), ins(Op.ADDI, { rd: 17, rs1: 0, imm: SYS_EXIT_GROUP }), ins(Op.ECALL, {})];
}

/** Where each case's code and stream landed in a built program. */
export interface CaseLayout {
  /** Address of the case's first stream item. */
  readonly streamAddr: number;
  /** Address of each item. */
  readonly itemAddrs: readonly number[];
}

/** A built executable and where its cases are. */
export interface Program {
  readonly elf: Uint8Array;
  readonly layouts: readonly CaseLayout[];
}

const PROLOGUE_SIZE = 4 * (2 + 30 + 32 + 2);
const EPILOGUE_SIZE = 4 * (64 + 7);

/** Builds one executable that runs `cases` in order and writes DUMP_BYTES per case. */
export function buildProgram(cases: readonly TestCase[]): Program {
  let codeSize = 4 * 3;
  for (const c of cases) codeSize += PROLOGUE_SIZE + itemsSize(c.items) + EPILOGUE_SIZE;
  const dataBase = Math.ceil((CODE_BASE + codeSize) / PAGE) * PAGE + PAGE;
  if (dataBase + BLOCK * cases.length >= 0x7ffff000) throw new Error("too many cases for one program");

  const code = new CodeBuffer();
  const data = new Uint8Array(BLOCK * cases.length);
  const view = new DataView(data.buffer);
  const layouts: CaseLayout[] = [];
  cases.forEach((c, k) => {
    const block = BLOCK * k;
    for (let r = 0; r < 32; r++) {
      view.setBigUint64(block + TABLE_X + 8 * r, c.x[r], true);
      view.setBigUint64(block + TABLE_F + 8 * r, c.f[r], true);
    }
    data.set(c.scratch, block + DUMP_OFF + DUMP_SCRATCH);
    code.emit(...prologue(dataBase + block + BASE_OFF), ...setFpState(c.frm, c.fflags));
    const streamAddr = CODE_BASE + code.length;
    const itemAddrs: number[] = [];
    for (const it of c.items) {
      itemAddrs.push(CODE_BASE + code.length);
      code.emit(...it.insns);
    }
    layouts.push({ streamAddr, itemAddrs });
    code.emit(...epilogue());
  });
  code.emit(...exitGroup());
  const text = code.finish();
  if (text.length !== codeSize) throw new Error(`code size ${text.length} differs from the planned ${codeSize}`);
  const elf = writeElf({
    entry: CODE_BASE,
    segments: [
      { name: ".text", vaddr: CODE_BASE, data: text, flags: SegFlag.R | SegFlag.X },
      { name: ".data", vaddr: dataBase, data, flags: SegFlag.R | SegFlag.W | SegFlag.X },
    ],
  });
  return { elf, layouts };
}
