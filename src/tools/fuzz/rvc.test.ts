import { test } from "node:test";
import assert from "node:assert/strict";
import { expandCompressed } from "../../isa/riscv/compressed.js";
import { C_SPECS, encodeC, expansionOf, randomImm, randomReg, RvcOperandError, type CSpec } from "./rvc.js";
import type { Operands } from "../../isa/riscv/fields.js";
import { Rng } from "./prng.js";

function randomOperands(rng: Rng, spec: CSpec): Partial<Operands> {
  return {
    rd: spec.rd ? randomReg(rng, spec.rd.kind) : 0,
    rs1: spec.rs1 ? randomReg(rng, spec.rs1.kind) : 0,
    rs2: spec.rs2 ? randomReg(rng, spec.rs2.kind) : 0,
    imm: spec.imm ? randomImm(rng, spec.imm) : 0,
  };
}

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;

test("every compressed form expands back to the 32-bit instruction it was encoded for", () => {
  const rng = new Rng(1234);
  for (const spec of C_SPECS) {
    for (let i = 0; i < 2000; i++) {
      const o = randomOperands(rng, spec);
      const h = encodeC(spec.name, o);
      assert.notEqual(h & 3, 3, `${spec.name} encoded as a 32-bit instruction`);
      const got = expandCompressed(h) >>> 0, want = expansionOf(spec.name, o) >>> 0;
      assert.equal(hex(got), hex(want), `${spec.name} ${JSON.stringify(o)} -> ${hex(h)}`);
    }
  }
});

test("every immediate bit of every compressed form reaches the expansion", () => {
  for (const spec of C_SPECS) {
    const f = spec.imm;
    if (f === undefined) continue;
    for (let v = f.lo; v <= f.hi; v += f.align) {
      if (f.nonzero && v === 0) continue;
      const o = { rd: spec.rd?.kind === "prime" ? 8 : 1, rs1: 9, rs2: 10, imm: v };
      if (spec.rd?.kind === "nonzero-not-sp") o.rd = 3;
      const h = encodeC(spec.name, o);
      assert.equal(hex(expandCompressed(h)), hex(expansionOf(spec.name, o)), `${spec.name} imm ${v}`);
    }
  }
});

test("known encodings match the spec's examples", () => {
  // c.addi a0, 1 / c.li a5, -1 / c.mv a0, a1 / c.ldsp ra, 8(sp) / c.sdsp ra, 8(sp) / c.jr ra
  assert.equal(hex(encodeC("c.addi", { rd: 10, imm: 1 })), "0x505");
  assert.equal(hex(encodeC("c.li", { rd: 15, imm: -1 })), "0x57fd");
  assert.equal(hex(encodeC("c.mv", { rd: 10, rs2: 11 })), "0x852e");
  assert.equal(hex(encodeC("c.ldsp", { rd: 1, imm: 8 })), "0x60a2");
  assert.equal(hex(encodeC("c.sdsp", { rs2: 1, imm: 8 })), "0xe406");
  assert.equal(hex(encodeC("c.jr", { rs1: 1 })), "0x8082");
});

test("reserved operand choices are refused", () => {
  assert.throws(() => encodeC("c.addi4spn", { rd: 8, imm: 0 }), RvcOperandError);
  assert.throws(() => encodeC("c.lui", { rd: 2, imm: 4096 }), RvcOperandError);
  assert.throws(() => encodeC("c.lwsp", { rd: 0, imm: 4 }), RvcOperandError);
  assert.throws(() => encodeC("c.lw", { rd: 7, rs1: 8, imm: 4 }), RvcOperandError);
  assert.throws(() => encodeC("c.ld", { rd: 8, rs1: 8, imm: 4 }), RvcOperandError);
  assert.throws(() => encodeC("c.jr", { rs1: 0 }), RvcOperandError);
});
