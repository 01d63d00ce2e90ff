/** mstatus.FS: FP instructions and FP CSRs trap while it is Off, and writes of FP state make it Dirty. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encode } from "../../isa/riscv/decode.js";
import { Op } from "../../isa/riscv/table.js";
import { FsState, Priv } from "./hart.js";
import { PCsr, PrivCsrs } from "./priv/csr.js";
import { runProgram, testHart } from "./testing.js";
import { Cause } from "./trap.js";
import { csrRead, type CsrValue } from "./zicsr.js";

function systemHart(fs: FsState) {
  const h = testHart();
  const c = new PrivCsrs(0, () => 0);
  h.csrFile = c;
  h.priv = Priv.Machine;
  h.mstatusFs = fs;
  return { h, c };
}

const ops: [string, number][] = [
  ["fadd.d (inline call site)", encode(Op.FADD_D, { rd: 1, rs1: 2, rs2: 3, imm: 7 })],
  ["fadd.s (generic arm)", encode(Op.FADD_S, { rd: 1, rs1: 2, rs2: 3, imm: 7 })],
  ["fld", encode(Op.FLD, { rd: 1, rs1: 0, imm: 0x100 })],
  ["fsd", encode(Op.FSD, { rs1: 0, rs2: 1, imm: 0x100 })],
  ["fsw", encode(Op.FSW, { rs1: 0, rs2: 1, imm: 0x100 })],
  ["fmv.x.d", encode(Op.FMV_X_D, { rd: 5, rs1: 1 })],
  ["csrr fcsr", encode(Op.CSRRS, { rd: 5, rs1: 0, imm: 0x003 })],
  ["csrw frm", encode(Op.CSRRW, { rd: 0, rs1: 5, imm: 0x002 })],
];

describe("mstatus.FS", () => {
  for (const [name, word] of ops) {
    test(`${name} raises an illegal-instruction exception with FS Off`, () => {
      const { h } = systemHart(FsState.Off);
      assert.equal(runProgram(h, [word]), Cause.IllegalInsn);
      assert.equal(h.pc, 0x1000n, "pc at the FP instruction");
    });
  }

  for (const [name, word, dirty] of [
    ["fadd.d", ops[0][1], true], ["fadd.s", ops[1][1], true], ["fld", ops[2][1], true], ["csrw frm", ops[7][1], true],
    ["fsd", ops[3][1], false], ["fsw", ops[4][1], false], ["fmv.x.d", ops[5][1], false], ["csrr fcsr", ops[6][1], false],
  ] as [string, number, boolean][]) {
    test(`${name} from Clean leaves FS ${dirty ? "Dirty" : "Clean"}`, () => {
      const { h } = systemHart(FsState.Clean);
      assert.equal(runProgram(h, [word]), Cause.Breakpoint);
      assert.equal(h.mstatusFs, dirty ? FsState.Dirty : FsState.Clean);
    });
  }

  test("mstatus and sstatus show FS, and SD only when it is Dirty", () => {
    const out: CsrValue = { lo: 0, hi: 0 };
    const { h, c } = systemHart(FsState.Off);
    for (const fs of [FsState.Off, FsState.Initial, FsState.Clean, FsState.Dirty]) {
      c.writeFull(h, PCsr.mstatus, fs << 13, 0);
      assert.equal(h.mstatusFs, fs);
      for (const csr of [PCsr.mstatus, PCsr.sstatus]) {
        csrRead(h, csr, out);
        assert.equal((out.lo >>> 13) & 3, fs);
        assert.equal(out.hi >>> 31, fs === FsState.Dirty ? 1 : 0);
      }
    }
    c.writeFull(h, PCsr.sstatus, FsState.Initial << 13, 0);
    assert.equal(h.mstatusFs, FsState.Initial);
  });

  test("a trap and mret keep FS (they rewrite the rest of mstatus)", async () => {
    const { mret, takeTrap } = await import("./priv/trap.js");
    const { h, c } = systemHart(FsState.Clean);
    takeTrap(h, c, Cause.Breakpoint, false, 0, 0);
    mret(h, c);
    assert.equal(h.mstatusFs, FsState.Clean);
  });

  test("a process-VM hart is always Dirty", () => {
    assert.equal(testHart().mstatusFs, FsState.Dirty);
  });
});
