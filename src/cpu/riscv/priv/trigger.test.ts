/** Sdtrig triggers (CSR behaviour, matching) and running a hart under them; single-stepping. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encode } from "../../../isa/riscv/decode.js";
import { Op } from "../../../isa/riscv/table.js";
import { Priv } from "../hart.js";
import { Exit, run } from "../run.js";
import { step } from "../step.js";
import { EBREAK, testHart } from "../testing.js";
import { Cause } from "../trap.js";
import { Access, Mcontrol, TCsr, Tcontrol, TriggerType, Triggers } from "./trigger.js";
import { runWatched } from "./watch.js";

const out = { lo: 0, hi: 0 };
function tdata1(t: Triggers): [number, number] {
  t.read(TCsr.tdata1, out);
  return [out.lo, out.hi >>> 28];
}
/** Programs trigger i: type 2, enabled in `modes`, on `kinds`, at `addr`. */
function arm(t: Triggers, i: number, kinds: number, addr: number, modes = Mcontrol.M | Mcontrol.S | Mcontrol.U, extra = 0): void {
  t.write(TCsr.tselect, i, 0);
  t.write(TCsr.tdata2, addr, 0);
  t.write(TCsr.tdata1, kinds | modes | extra, TriggerType.Mcontrol << 28);
}
function load(words: number[], at = 0x1000) {
  const h = testHart();
  [...words, EBREAK].forEach((w, i) => h.mmu.ram.view.setInt32(at + i * 4, w, true));
  h.pc = BigInt(at);
  h.priv = Priv.Supervisor;
  return h;
}
const addi = (rd: number, rs1: number, imm: number) => encode(Op.ADDI, { rd, rs1, imm });

describe("trigger CSRs", () => {
  test("tinfo lists mcontrol, mcontrol6 and disabled; a reset trigger is an idle mcontrol", () => {
    const t = new Triggers();
    t.read(TCsr.tinfo, out);
    assert.equal(out.lo & 0xffff, (1 << 2) | (1 << 6) | (1 << 15));
    assert.deepEqual(tdata1(t), [0, TriggerType.Mcontrol]);
    assert.equal(t.armed, false);
  });

  test("writes keep the supported fields exactly; unsupported values become legal ones (WARL)", () => {
    const t = new Triggers();
    const v = Mcontrol.M | Mcontrol.EXECUTE | (2 << Mcontrol.MATCH_SHIFT);
    t.write(TCsr.tdata1, v, TriggerType.Mcontrol << 28);
    assert.deepEqual(tdata1(t), [v, TriggerType.Mcontrol]);
    assert.equal(t.armed, true);
    t.write(TCsr.tdata1, Mcontrol.LOAD | (1 << 12) | (1 << 11) | (1 << 19) | (1 << Mcontrol.MATCH_SHIFT), TriggerType.Mcontrol6 << 28);
    assert.deepEqual(tdata1(t), [Mcontrol.LOAD, TriggerType.Mcontrol6], "action 1, chain, select, match 1 dropped");
    t.write(TCsr.tdata1, Mcontrol.LOAD, 3 << 28);
    assert.deepEqual(tdata1(t), [0, TriggerType.Disabled]);
    assert.equal(t.armed, false);
    t.write(TCsr.tselect, 3, 0);
    t.write(TCsr.tselect, 4, 0);
    t.read(TCsr.tselect, out);
    assert.equal(out.lo, 3, "an index past the last trigger is not taken");
  });

  test("M-mode triggers match only with tcontrol.mte, which a trap into M saves in mpte and mret restores", () => {
    const t = new Triggers();
    arm(t, 0, Mcontrol.EXECUTE, 0x1000);
    assert.equal(t.check(Priv.Machine, Access.Execute, 0x1000n, 0), -1);
    t.write(TCsr.tcontrol, Tcontrol.MTE, 0);
    assert.equal(t.check(Priv.Machine, Access.Execute, 0x1000n, 0), 0);
    t.trapToMachine();
    t.read(TCsr.tcontrol, out);
    assert.equal(out.lo, Tcontrol.MPTE);
    assert.equal(t.check(Priv.Machine, Access.Execute, 0x1000n, 0), -1);
    t.mret();
    assert.equal(t.check(Priv.Machine, Access.Execute, 0x1000n, 0), 0);
  });

  test("mode bits, access kinds, sizes and match kinds select what fires; a hit sets the hit bit", () => {
    const t = new Triggers();
    arm(t, 1, Mcontrol.LOAD, 0x2004, Mcontrol.U);
    assert.equal(t.check(Priv.Supervisor, Access.Load, 0x2004n, 4), -1, "not enabled in S");
    assert.equal(t.check(Priv.User, Access.Store, 0x2004n, 4), -1, "not a store trigger");
    assert.equal(t.check(Priv.User, Access.Load, 0x2000n, 8), 1, "an 8-byte load covering the address");
    assert.equal(t.check(Priv.User, Access.Load, 0x2005n, 1), -1);
    t.write(TCsr.tselect, 1, 0);
    assert.equal(tdata1(t)[0] & Mcontrol.HIT, Mcontrol.HIT);
    arm(t, 2, Mcontrol.STORE, 0x3000, Mcontrol.U, (2 << Mcontrol.MATCH_SHIFT) | (3 << 16)); // >=, 4-byte accesses only
    assert.equal(t.check(Priv.User, Access.Store, 0x3100n, 4), 2);
    assert.equal(t.check(Priv.User, Access.Store, 0x3100n, 8), -1, "size mismatch");
    assert.equal(t.check(Priv.User, Access.Store, 0x2ff0n, 4), -1, "below tdata2");
  });
});

describe("running under triggers", () => {
  test("an execute trigger stops before the instruction, with tval = its address", () => {
    const h = load([addi(5, 0, 1), addi(6, 0, 2), addi(7, 0, 3)]);
    const t = new Triggers();
    arm(t, 0, Mcontrol.EXECUTE, 0x1008);
    assert.equal(runWatched(h, t, 100), Exit.Trap);
    assert.equal(h.trapCause, Cause.Breakpoint);
    assert.equal(h.pc, 0x1008n);
    assert.equal(h.trapTvalLo, 0x1008);
    assert.deepEqual([h.getX(5), h.getX(6), h.getX(7)], [1n, 2n, 0n]);
  });

  test("a load trigger keeps rd unwritten; a store trigger keeps memory unchanged; an AMO meets both", () => {
    const words = [addi(10, 0, 0x400), encode(Op.LW, { rd: 5, rs1: 10, imm: 4 }), encode(Op.SW, { rs1: 10, rs2: 10, imm: 8 }),
      encode(Op.AMOADD_W, { rd: 6, rs1: 11, rs2: 10 })];
    const t = new Triggers();
    arm(t, 0, Mcontrol.LOAD, 0x404);
    let h = load(words);
    h.setX(5, 77n);
    assert.equal(runWatched(h, t, 100), Exit.Trap);
    assert.equal([h.pc, h.getX(5), h.trapTvalLo].join(), [0x1004n, 77n, 0x404].join());
    arm(t, 0, Mcontrol.STORE, 0x408);
    h = load(words);
    assert.equal(runWatched(h, t, 100), Exit.Trap);
    assert.equal(h.pc, 0x1008n);
    assert.equal(h.mmu.ram.view.getInt32(0x408, true), 0);
    for (const kind of [Mcontrol.LOAD, Mcontrol.STORE]) {
      arm(t, 0, kind, 0x500);
      h = load([...words.slice(0, 1), words[3]]);
      h.setX(11, 0x500n);
      assert.equal(runWatched(h, t, 100), Exit.Trap, `AMO vs a ${kind === Mcontrol.LOAD ? "load" : "store"} trigger`);
      assert.equal(h.pc, 0x1004n);
    }
  });

  test("with no trigger firing, a watched run gives the same result as a normal one", () => {
    const h = load([addi(5, 0, 10), addi(5, 5, -1), encode(Op.BNE, { rs1: 5, rs2: 0, imm: -4 }), addi(6, 0, 9)]);
    const t = new Triggers();
    arm(t, 0, Mcontrol.EXECUTE, 0x9000);
    assert.equal(runWatched(h, t, 1000), Exit.Trap);
    assert.equal(h.trapCause, Cause.Breakpoint, "the program's ebreak");
    assert.equal(h.pc, 0x1010n);
    assert.deepEqual([h.getX(5), h.getX(6)], [0n, 9n]);
    assert.equal(h.retired, 1 + 10 * 2 + 1);
  });
});

describe("step", () => {
  test("runs exactly one instruction: straight-line, a taken branch in the page, a compressed one", () => {
    const h = load([addi(5, 0, 1), addi(6, 0, 2), encode(Op.BEQ, { rs1: 0, rs2: 0, imm: 8 }), addi(7, 0, 3), 0x00010001 /* c.nop; c.nop */]);
    assert.equal(step(h), Exit.Budget);
    assert.deepEqual([h.pc, h.getX(5), h.getX(6), h.retired], [0x1004n, 1n, 0n, 1]);
    step(h);
    step(h);
    assert.equal(h.pc, 0x1010n, "the branch was taken and nothing after it ran");
    step(h);
    assert.equal(h.pc, 0x1012n);
    assert.equal(h.getX(7), 0n);
    assert.equal(h.retired, 4);
  });

  test("the code after a step still runs normally (the sentinel is gone)", () => {
    const h = load([addi(5, 0, 1), addi(6, 0, 2), addi(7, 0, 3)]);
    step(h);
    assert.equal(run(h, 1000), Exit.Trap);
    assert.equal(h.trapCause, Cause.Breakpoint);
    assert.equal(h.pc, 0x100cn, "ran to the ebreak");
    assert.deepEqual([h.getX(5), h.getX(6), h.getX(7)], [1n, 2n, 3n]);
  });
});
