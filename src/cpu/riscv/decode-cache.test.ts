import { test } from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../isa/riscv/table.js";
import { encode } from "../../isa/riscv/decode.js";
import { EBREAK, runProgram, testHart } from "./testing.js";
import { Cause } from "./trap.js";
import { Exit, run } from "./run.js";
import { PageTail } from "./decode-cache.js";

const AT = 0x1000;
const FENCE_I = encode(Op.FENCE_I, {});
const ADDI = (rd: number, rs1: number, imm: number) => encode(Op.ADDI, { rd, rs1, imm });

test("fence.i keeps a page whose code is unchanged and drops one whose code changed", () => {
  const h = testHart();
  assert.equal(runProgram(h, [ADDI(5, 0, 1), FENCE_I, ADDI(5, 5, 2)], AT), Cause.Breakpoint);
  assert.equal(h.xl[5], 3);
  const page = h.cache.page(AT);
  assert.equal(h.cache.verified, 1, "the page was checked after its own fence.i");
  h.cache.fenceI();
  assert.equal(h.cache.page(AT), page, "unchanged code keeps its decoded page");
  h.mmu.ram.view.setInt32(AT + 8, ADDI(5, 5, 40), true);
  h.cache.fenceI();
  assert.notEqual(h.cache.page(AT), page, "changed code is decoded again");
  assert.equal(h.cache.changed, 1);
  h.pc = BigInt(AT);
  assert.equal(runProgramFromPc(h), Cause.Breakpoint);
  assert.equal(h.xl[5], 41, "the new instruction ran");
});

test("a slot decoded from bytes changed without fence.i makes the page's next check fail", () => {
  const h = testHart();
  runProgram(h, [ADDI(5, 0, 1), ADDI(6, 0, 1)], AT);
  const v = h.mmu.ram.view, old = v.getInt32(AT + 12, true);
  // Change an instruction that was not decoded yet, decode it, then put the old bytes back:
  // the snapshot matches RAM again, but the decoded slot holds the changed instruction.
  v.setInt32(AT + 12, ADDI(7, 0, 9), true);
  v.setInt32(AT + 16, EBREAK, true);
  h.pc = BigInt(AT + 12);
  assert.equal(runProgramFromPc(h), Cause.Breakpoint);
  const page = h.cache.page(AT);
  assert.equal(h.xl[7], 9);
  assert.equal(page[PageTail.Stale], 1);
  v.setInt32(AT + 12, old, true);
  v.setInt32(AT + 16, old, true);
  h.cache.fenceI();
  assert.notEqual(h.cache.page(AT), page);
});

/** Runs from the hart's pc until a trap; the trap's cause. */
function runProgramFromPc(h: ReturnType<typeof testHart>): number {
  for (;;) if (run(h, 1000) === Exit.Trap) return h.trapCause;
}
