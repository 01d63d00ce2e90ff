import { test } from "node:test";
import assert from "node:assert/strict";
import { Op } from "../../../isa/riscv/table.js";
import { decode, encode, newDecoded } from "../../../isa/riscv/decode.js";
import { packWord0, PAGE_WORDS, SLOTS } from "../decode-cache.js";
import { findRegion, isInlineCsr } from "./region.js";

/** A decoded page holding the 32-bit `words` from slot `at` on (the rest undecoded). */
function page(words: number[], at = 0): Int32Array {
  const ops = new Int32Array(PAGE_WORDS);
  const d = newDecoded();
  words.forEach((w, i) => {
    decode(w & 0xffff, w >>> 16, d);
    ops[(at + 2 * i) * 2] = packWord0(d);
    ops[(at + 2 * i) * 2 + 1] = d.imm;
  });
  ops[SLOTS * 2] = Op.PAGE_END | (1 << 25);
  return ops;
}

const addi = (rd: number, rs1: number, imm: number) => encode(Op.ADDI, { rd, rs1, imm });
const noDecode = () => { throw new Error("every slot of the test page is decoded"); };

test("a loop is cut into basic blocks at branch targets and after branches", () => {
  // 0: addi; 4: addi (loop head); 8: bne -> 4; 12: addi; 16: jalr (ends the region)
  const ops = page([addi(5, 0, 3), addi(5, 5, -1), encode(Op.BNE, { rs1: 5, rs2: 0, imm: -4 }), addi(6, 0, 1), encode(Op.JALR, { rd: 0, rs1: 1, imm: 0 })]);
  const r = findRegion(ops, 0, noDecode)!;
  assert.deepEqual(r.blocks.map((b) => [b.start, b.slots, b.fallthrough]), [[0, [0], 2], [2, [2, 4], 6], [6, [6, 8], -1]]);
  assert.equal(r.entry, 0);
});

test("a region stops before an instruction left to the interpreter, and refuses to start at one", () => {
  const ecall = encode(Op.ECALL, {});
  const ops = page([addi(5, 0, 1), ecall, addi(6, 0, 1)]);
  const r = findRegion(ops, 0, noDecode)!;
  assert.deepEqual(r.blocks.map((b) => [b.slots, b.fallthrough]), [[[0], 2]]);
  assert.equal(findRegion(ops, 2, noDecode), undefined);
});

test("a 4-byte instruction in the page's last parcel is never translated", () => {
  const ops = page([addi(5, 0, 1)], SLOTS - 1);
  assert.equal(findRegion(ops, SLOTS - 1, noDecode), undefined);
});

test("only fflags accesses and reads of frm and fcsr are translated among CSR instructions", () => {
  assert.ok(isInlineCsr(Op.CSRRS, 0x001, 0));
  assert.ok(isInlineCsr(Op.CSRRW, 0x001, 14));
  assert.ok(isInlineCsr(Op.CSRRS, 0x003, 0));
  assert.ok(!isInlineCsr(Op.CSRRW, 0x003, 14)); // may change frm
  assert.ok(!isInlineCsr(Op.CSRRS, 0x002, 5)); // sets frm bits
  assert.ok(!isInlineCsr(Op.CSRRS, 0xc00, 0)); // cycle
  assert.ok(!isInlineCsr(Op.ADDI, 0x001, 0));
});
