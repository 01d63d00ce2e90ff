import { test } from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../../isa/riscv/table.js";
import { encode } from "../../../isa/riscv/decode.js";
import { runProgram, testHart } from "../testing.js";
import { Cause } from "../trap.js";
import { run } from "../run.js";
import type { Hart } from "../hart.js";
import { runTiered, type JitMode } from "./tier.js";
import { jitStats } from "./code-cache.js";

const AT = 0x1000;
const DATA = 0x8000;

/** The architectural state compared between tiers. */
function state(h: Hart): unknown {
  return { x: Array.from(h.xl.subarray(0, 32)), xh: Array.from(h.xh.subarray(0, 32)), f: Array.from(h.fi), pc: h.pc, instret: h.instret, fflags: h.fflags, trap: [h.trapCause, h.trapTvalLo], mem: Array.from(h.mmu.ram.i32.subarray(DATA / 4, DATA / 4 + 64)) };
}

/** Runs `words` on the interpreter and on the tier in `mode` (small budgets, so exits at back edges happen too) and compares everything. */
function sameAsInterpreter(words: number[], mode: JitMode, setup: (h: Hart) => void = () => {}): Hart {
  const a = testHart(), b = testHart();
  setup(a); setup(b);
  const ca = runProgram(a, words, AT, (h) => run(h, 1000));
  const before = jitStats.entries;
  const cb = runProgram(b, words, AT, (h) => runTiered(h, 37, mode));
  assert.equal(cb, ca);
  assert.deepEqual(state(b), state(a));
  if (mode === "always") assert.ok(jitStats.entries > before, "translated code ran");
  return b;
}

const I = (op: Op, rd: number, rs1: number, imm: number) => encode(op, { rd, rs1, imm });
const R = (op: Op, rd: number, rs1: number, rs2: number) => encode(op, { rd, rs1, rs2 });
const S = (op: Op, rs1: number, rs2: number, imm: number) => encode(op, { rs1, rs2, imm });

/** A loop of 64-bit arithmetic, multiplies, divisions by zero and overflow, shifts, word ops and stores. */
const ALU_LOOP = [
  I(Op.ADDI, 5, 0, 300), // t0 = 300 iterations
  I(Op.ADDI, 6, 0, -7), // t1
  I(Op.LUI, 7, 0, 0x12345000 | 0),
  I(Op.ADDI, 10, 0, DATA), // a0 = data pointer
  // loop:
  R(Op.MUL, 6, 6, 7),
  I(Op.ADDI, 6, 6, 13),
  R(Op.DIV, 11, 6, 0), // by zero: -1
  R(Op.REM, 12, 6, 5),
  R(Op.DIV, 18, 6, 7),
  R(Op.REM, 19, 7, 6),
  R(Op.DIVU, 13, 7, 5),
  R(Op.DIVW, 14, 6, 5),
  R(Op.REMUW, 15, 6, 5),
  I(Op.SRAI, 16, 6, 37),
  R(Op.SLL, 17, 6, 5),
  R(Op.SUBW, 28, 6, 7),
  R(Op.SLTU, 29, 6, 7),
  R(Op.XOR, 7, 7, 6),
  S(Op.SD, 10, 6, 0),
  S(Op.SW, 10, 7, 12),
  I(Op.LW, 30, 10, 12),
  I(Op.LBU, 31, 10, 3),
  I(Op.ADDI, 5, 5, -1),
  encode(Op.BNE, { rs1: 5, rs2: 0, imm: -19 * 4 }),
];

for (const mode of ["auto", "always"] as const) {
  test(`translated integer code (${mode}) ends in the interpreter's exact state`, () => {
    sameAsInterpreter(ALU_LOOP, mode);
  });

  test(`a fault in the middle of translated code (${mode}) leaves the state after the previous instruction`, () => {
    // The loop runs 200 times, then a load from an unmapped address (2 MiB) faults half-way through a block.
    const words = [
      I(Op.ADDI, 5, 0, 200),
      I(Op.ADDI, 6, 0, 0),
      I(Op.ADDI, 6, 6, 3),
      I(Op.ADDI, 5, 5, -1),
      encode(Op.BNE, { rs1: 5, rs2: 0, imm: -8 }),
      I(Op.ADDI, 7, 6, 1),
      I(Op.LUI, 8, 0, 0x200000),
      I(Op.LD, 9, 8, 8),
      I(Op.ADDI, 7, 7, 1),
    ];
    const h = sameAsInterpreter(words, mode);
    assert.equal(h.trapCause, Cause.LoadPageFault);
    assert.equal(h.pc, BigInt(AT + 7 * 4));
    assert.equal(h.xl[7], 601);
  });

  test(`a misaligned store in translated code (${mode}) goes through the slow path and writes the same bytes`, () => {
    const words = [I(Op.ADDI, 10, 0, DATA + 3), I(Op.ADDI, 5, 0, -2), S(Op.SD, 10, 5, 0), S(Op.SH, 10, 5, 9), I(Op.LD, 6, 10, 0)];
    sameAsInterpreter(words, mode);
  });

  test(`double-precision arithmetic in translated code (${mode}) gives the interpreter's results and flags`, () => {
    const words = [
      encode(Op.FADD_D, { rd: 3, rs1: 1, rs2: 2, imm: 7 }),
      encode(Op.FMUL_D, { rd: 4, rs1: 3, rs2: 1, imm: 7 }),
      encode(Op.FDIV_D, { rd: 5, rs1: 4, rs2: 2, imm: 7 }),
      encode(Op.FSQRT_D, { rd: 6, rs1: 5, imm: 7 }),
      encode(Op.FMADD_D, { rd: 7, rs1: 1, rs2: 2, imm: 3 | (7 << 8) }),
      encode(Op.FDIV_D, { rd: 8, rs1: 1, rs2: 9, imm: 7 }), // by zero: DZ from the handler
      encode(Op.FLT_D, { rd: 10, rs1: 1, rs2: 2 }),
      encode(Op.FCVT_W_D, { rd: 11, rs1: 5, imm: 1 }),
      encode(Op.FCVT_L_D, { rd: 12, rs1: 4, imm: 0 }),
    ];
    sameAsInterpreter(words, mode, (h) => {
      h.fd[1] = 1 / 3; h.fd[2] = 0.1; h.fd[9] = 0;
    });
  });
}
