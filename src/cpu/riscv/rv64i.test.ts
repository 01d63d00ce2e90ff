import test from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../isa/riscv/table.js";
import { encode, findOverlaps } from "../../isa/riscv/decode.js";
import { Cause } from "./trap.js";
import { runProgram, testHart } from "./testing.js";

const M64 = (1n << 64n) - 1n;

test("the instruction table has no overlapping encodings", () => {
  assert.deepEqual(findOverlaps(), []);
});

/** Runs one R-type op on (a, b) and returns x3. */
function r(op: Op, a: bigint, b: bigint): bigint {
  const h = testHart();
  h.setX(1, a); h.setX(2, b);
  assert.equal(runProgram(h, [encode(op, { rd: 3, rs1: 1, rs2: 2 })]), Cause.Breakpoint);
  return h.getX(3);
}

/** Runs one I-type op on a with immediate imm and returns x3. */
function i(op: Op, a: bigint, imm: number): bigint {
  const h = testHart();
  h.setX(1, a);
  runProgram(h, [encode(op, { rd: 3, rs1: 1, imm })]);
  return h.getX(3);
}

const u = (v: bigint) => v & M64;

test("64-bit add and sub carry and borrow across the 32-bit halves", () => {
  assert.equal(r(Op.ADD, 0xffffffffn, 1n), 0x100000000n);
  assert.equal(r(Op.ADD, M64, 1n), 0n);
  assert.equal(r(Op.SUB, 0x100000000n, 1n), 0xffffffffn);
  assert.equal(r(Op.SUB, 0n, 1n), M64);
  assert.equal(i(Op.ADDI, 0x100000000n, -1), 0xffffffffn);
  assert.equal(i(Op.ADDI, 0xfffffffen, 2), 0x100000000n);
});

test("shifts by 0, 31, 32 and 63 match the spec", () => {
  const v = 0x8000000180000001n;
  for (const s of [0, 1, 31, 32, 33, 63]) {
    assert.equal(r(Op.SLL, v, BigInt(s)), u(v << BigInt(s)), `sll ${s}`);
    assert.equal(r(Op.SRL, v, BigInt(s)), v >> BigInt(s), `srl ${s}`);
    assert.equal(u(r(Op.SRA, v, BigInt(s))), u(BigInt.asIntN(64, v) >> BigInt(s)), `sra ${s}`);
    assert.equal(i(Op.SLLI, v, s), u(v << BigInt(s)), `slli ${s}`);
    assert.equal(u(i(Op.SRAI, v, s)), u(BigInt.asIntN(64, v) >> BigInt(s)), `srai ${s}`);
  }
  assert.equal(r(Op.SLL, 1n, 64n + 3n), 8n, "only the low 6 bits of rs2 count");
  assert.equal(u(r(Op.SRAW, 0x80000000n, 31n)), M64, "sraw sign-extends bit 31");
  assert.equal(r(Op.SRLW, 0xffffffff80000000n, 31n), 1n, "srlw ignores the upper half");
  assert.equal(u(r(Op.SLLW, 1n, 31n)), u(-0x80000000n), "sllw sign-extends the result");
});

test("comparisons are signed or unsigned over all 64 bits", () => {
  assert.equal(r(Op.SLT, u(-1n), 0n), 1n);
  assert.equal(r(Op.SLTU, u(-1n), 0n), 0n);
  assert.equal(r(Op.SLT, 0x100000000n, 0xffffffffn), 0n);
  assert.equal(i(Op.SLTIU, 5n, -1), 1n, "sltiu compares with the sign-extended immediate as unsigned");
  assert.equal(i(Op.SLTI, u(-5n), -4), 1n);
});

test("W instructions sign-extend their 32-bit results", () => {
  assert.equal(u(r(Op.ADDW, 0x7fffffffn, 1n)), u(-0x80000000n));
  assert.equal(r(Op.SUBW, 0x100000000n, 1n), M64);
  assert.equal(u(i(Op.ADDIW, 0xffffffffn, 0)), M64);
});

test("division by zero and signed overflow give the spec's results", () => {
  assert.equal(r(Op.DIV, 7n, 0n), M64);
  assert.equal(r(Op.REM, 7n, 0n), 7n);
  assert.equal(r(Op.DIVU, 7n, 0n), M64);
  assert.equal(r(Op.DIV, 1n << 63n, M64), 1n << 63n);
  assert.equal(r(Op.REM, 1n << 63n, M64), 0n);
  assert.equal(u(r(Op.DIVW, 0x80000000n, M64)), u(-0x80000000n));
  assert.equal(r(Op.REMUW, 5n, 0n), 5n);
});

test("loads sign- or zero-extend and stores write only their width", () => {
  const h = testHart();
  h.setX(1, 0x8000n);
  h.setX(2, 0x1122334455667788n);
  h.setX(5, 0xffn);
  runProgram(h, [
    encode(Op.SD, { rs1: 1, rs2: 2, imm: 0 }),
    encode(Op.SB, { rs1: 1, rs2: 5, imm: 1 }),
    encode(Op.LB, { rd: 3, rs1: 1, imm: 1 }),
    encode(Op.LBU, { rd: 4, rs1: 1, imm: 1 }),
    encode(Op.LW, { rd: 6, rs1: 1, imm: 4 }),
    encode(Op.LD, { rd: 7, rs1: 1, imm: 0 }),
    encode(Op.LD, { rd: 8, rs1: 1, imm: 3 }), // misaligned: slow path
  ]);
  assert.equal(h.getX(3), M64);
  assert.equal(h.getX(4), 0xffn);
  assert.equal(h.getX(6), 0x11223344n);
  assert.equal(h.getX(7), 0x112233445566ff88n);
  assert.equal(h.getX(8), 0x0000001122334455n);
});

test("writes to x0 are discarded", () => {
  const h = testHart();
  runProgram(h, [encode(Op.ADDI, { rd: 0, rs1: 0, imm: 5 }), encode(Op.ADD, { rd: 1, rs1: 0, rs2: 0 })]);
  assert.equal(h.getX(0), 0n);
  assert.equal(h.getX(1), 0n);
});

test("an access outside memory raises a page fault with the address in tval", () => {
  const h = testHart();
  h.setX(1, 0x7000000000n);
  assert.equal(runProgram(h, [encode(Op.LD, { rd: 2, rs1: 1, imm: 8 })]), Cause.LoadPageFault);
  assert.equal((BigInt(h.trapTvalHi) << 32n) | BigInt(h.trapTvalLo >>> 0), 0x7000000008n);
  assert.equal(h.pc, 0x1000n);
});

test("LR/SC succeeds on a reservation and fails without one", () => {
  const h = testHart();
  h.setX(1, 0x8000n); h.setX(2, 42n);
  runProgram(h, [
    encode(Op.LR_D, { rd: 3, rs1: 1 }),
    encode(Op.SC_D, { rd: 4, rs1: 1, rs2: 2 }),
    encode(Op.SC_D, { rd: 5, rs1: 1, rs2: 2 }),
    encode(Op.LD, { rd: 6, rs1: 1, imm: 0 }),
  ]);
  assert.equal(h.getX(4), 0n, "first sc succeeds");
  assert.equal(h.getX(5), 1n, "second sc fails: the reservation was used");
  assert.equal(h.getX(6), 42n);
});

test("AMOs return the old value and store the combined one", () => {
  const h = testHart();
  h.setX(1, 0x8000n); h.setX(2, u(-3n)); h.setX(7, 10n);
  runProgram(h, [
    encode(Op.SD, { rs1: 1, rs2: 7, imm: 0 }),
    encode(Op.AMOADD_D, { rd: 3, rs1: 1, rs2: 2 }),
    encode(Op.AMOMIN_D, { rd: 4, rs1: 1, rs2: 2 }),
    encode(Op.AMOMAXU_W, { rd: 5, rs1: 1, rs2: 7 }),
    encode(Op.LD, { rd: 6, rs1: 1, imm: 0 }),
  ]);
  assert.equal(h.getX(3), 10n);
  assert.equal(h.getX(4), 7n);
  assert.equal(u(h.getX(5)), u(-3n), "amomaxu.w returns the sign-extended old word");
  assert.equal(h.getX(6), 0xfffffffffffffffdn);
});

test("jal and jalr link the next pc and branches take 64-bit comparisons", () => {
  const h = testHart();
  h.setX(1, 0x100000000n); h.setX(2, 1n);
  runProgram(h, [
    encode(Op.BLTU, { rs1: 2, rs2: 1, imm: 8 }), // taken: 1 < 2^32 unsigned
    encode(Op.ADDI, { rd: 10, rs1: 0, imm: 1 }), // skipped
    encode(Op.JAL, { rd: 5, imm: 8 }),
    encode(Op.ADDI, { rd: 11, rs1: 0, imm: 1 }), // skipped
    encode(Op.BLT, { rs1: 1, rs2: 2, imm: 8 }), // not taken
    encode(Op.ADDI, { rd: 12, rs1: 0, imm: 1 }),
  ]);
  assert.equal(h.getX(10), 0n);
  assert.equal(h.getX(11), 0n);
  assert.equal(h.getX(12), 1n);
  assert.equal(h.getX(5), 0x100cn);
});

test("an illegal instruction traps with its bits in tval", () => {
  const h = testHart();
  assert.equal(runProgram(h, [0xffffffff]), Cause.IllegalInsn);
  assert.equal(h.trapTvalLo, -1);
});
