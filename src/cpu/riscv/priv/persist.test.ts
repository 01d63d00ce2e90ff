/** Snapshot state of a hart, its privileged CSRs and its triggers: save, restore into fresh ones, save again. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encode } from "../../../isa/riscv/decode.js";
import { Op } from "../../../isa/riscv/table.js";
import { Mmu } from "../../../mem/mmu.js";
import { Ram } from "../../../mem/ram.js";
import { DecodeCache } from "../decode-cache.js";
import { FsState, Hart, Priv } from "../hart.js";
import { runProgram, testHart } from "../testing.js";
import { csrRead, type CsrValue } from "../zicsr.js";
import { Mstatus, PCsr, PrivCsrs } from "./csr.js";
import { Access, Mcontrol, TCsr, TriggerType } from "./trigger.js";

/** A hart with privileged CSRs over 4 KiB of RAM, in M-mode; `switches` counts the CSR file's TLB callbacks. */
function privHart() {
  const hart = new Hart(new Mmu(new Ram(4096), { translate: () => 0 }), new DecodeCache(new Int32Array(1024)));
  const csrs = new PrivCsrs(0, () => 0);
  const switches = { translation: 0, context: 0 };
  csrs.onTranslationChange = () => switches.translation++;
  csrs.onContextChange = () => switches.context++;
  hart.csrFile = csrs;
  hart.priv = Priv.Machine;
  return { hart, csrs, switches };
}

const out: CsrValue = { lo: 0, hi: 0 };
function read(h: Hart, csr: number): bigint {
  csrRead(h, csr, out);
  return (BigInt(out.hi >>> 0) << 32n) | BigInt(out.lo >>> 0);
}

describe("hart state", () => {
  test("round-trips, and the restored hart computes what the original does", () => {
    const a = testHart();
    for (let i = 1; i < 32; i++) a.setX(i, BigInt(i) * 0x1_0000_0001n + 7n);
    for (let i = 0; i < 64; i++) a.fi[i] = i * 0x01010101;
    a.fd[3] = 1.5; a.fd[4] = 2.25;
    Object.assign(a, { fflags: 5, frm: 2, mstatusFs: FsState.Dirty, instret: 123456789, priv: Priv.Supervisor });
    a.pc = 0x1000n;
    a.resValid = true;
    const saved = a.save();
    const b = testHart();
    b.resValid = true;
    b.restore(saved);
    assert.deepEqual(b.save(), saved);
    assert.equal(b.resValid, false, "the reservation is dropped");
    assert.equal(b.retired, 123456789);

    // Same program on both: identical results and retired counts.
    const program = [
      encode(Op.ADD, { rd: 5, rs1: 6, rs2: 7 }), encode(Op.MUL, { rd: 8, rs1: 5, rs2: 9 }),
      encode(Op.FADD_D, { rd: 10, rs1: 3, rs2: 4, imm: 0 }), encode(Op.FMV_X_D, { rd: 11, rs1: 10 }),
    ];
    runProgram(a, program);
    runProgram(b, program);
    assert.deepEqual(b.save(), a.save());
    assert.equal(b.fd[10], 3.75);
  });

  test("a state with the wrong number of registers is refused", () => {
    const s = testHart().save();
    assert.throws(() => testHart().restore({ ...s, xl: s.xl.slice(1) }), RangeError);
  });
});

describe("privileged CSR state", () => {
  test("round-trips every register, PMP, the counters' offsets and the triggers, and flushes translations", () => {
    const a = privHart();
    const w = (csr: number, v: bigint) => a.csrs.writeFull(a.hart, csr, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
    w(PCsr.mstatus, BigInt(Mstatus.MPIE | Mstatus.SUM | (1 << Mstatus.MPP_SHIFT) | (FsState.Clean << 13)));
    w(PCsr.mtvec, 0x8000_0101n); w(PCsr.stvec, 0xffff_ffff_8000_0000n); w(PCsr.medeleg, 0xb1ffn); w(PCsr.mideleg, 0x222n);
    w(PCsr.mie, 0xaaan); w(PCsr.mip, 0x2n); w(PCsr.mscratch, 0x1234_5678_9abc_def0n); w(PCsr.sepc, 0xffff_ffc0_0000_1000n);
    w(PCsr.satp, (8n << 60n) | 0x80123n); w(PCsr.mcounteren, 7n); w(PCsr.scounteren, 2n); w(PCsr.menvcfg, 1n);
    w(PCsr.pmpcfg0 + 2, 0x1f1fn); w(PCsr.pmpaddr0 + 5, 0x2000_0000n);
    a.hart.instret = 50;
    w(PCsr.minstret, 1000n); w(PCsr.mcycle, 5n);
    w(TCsr.tselect, 1n); w(TCsr.tdata1, (BigInt(TriggerType.Mcontrol6) << 60n) | BigInt(Mcontrol.EXECUTE | Mcontrol.M)); w(TCsr.tdata2, 0x8000_0040n);
    w(TCsr.tcontrol, 8n);
    const saved = a.csrs.save();

    const b = privHart();
    b.hart.restore(a.hart.save());
    b.csrs.restore(saved);
    assert.deepEqual(b.csrs.save(), saved);
    assert.deepEqual([b.switches.translation, b.switches.context], [1, 1], "the TLB is flushed and its set chosen again");
    for (const csr of [PCsr.mstatus, PCsr.sstatus, PCsr.satp, PCsr.sie, PCsr.sip, PCsr.minstret, PCsr.mcycle, TCsr.tdata1, TCsr.tdata2, PCsr.pmpaddr0 + 5]) {
      assert.equal(read(b.hart, csr), read(a.hart, csr), `CSR 0x${csr.toString(16)}`);
    }
    b.hart.instret++; // the csrw minstret retires
    assert.equal(read(b.hart, PCsr.minstret), 1000n, "minstret counts on from the value written before the snapshot");
    assert.equal(b.csrs.triggers.armed, true);
    assert.equal(b.csrs.triggers.check(Priv.Machine, Access.Execute, 0x8000_0040n, 0), 1, "the breakpoint fires after the restore");
  });
  test("round-trips the hypervisor extension's registers, mstatus.MPV/GVA and V", () => {
    const mk = () => {
      const p = privHart();
      const csrs = new PrivCsrs(0, () => 0, true);
      csrs.onTranslationChange = p.csrs.onTranslationChange;
      csrs.onContextChange = p.csrs.onContextChange;
      return { ...p, csrs };
    };
    const a = mk();
    a.hart.csrFile = a.csrs;
    const w = (csr: number, v: bigint) => a.csrs.writeFull(a.hart, csr, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
    w(0x600, 0x380n); w(0x602, 0x100n); w(0x603, 0x444n); w(0x645, 0x40n); w(0x604, 0x444n); w(0x605, -5n);
    w(0x680, (8n << 60n) | (3n << 44n) | 0x80010n); w(0x280, (8n << 60n) | 0x1234n); w(0x200, 0x122n); w(0x205, 0x8000_4000n);
    w(0x241, 0x8000_1000n); w(0x34b, 0x4000_0001n); w(0x643, 0x777n);
    w(PCsr.mstatus, (3n << 38n) | BigInt(Mstatus.MPIE));
    a.hart.priv = Priv.Supervisor;
    a.csrs.enterVirt(a.hart);
    const saved = a.csrs.save();
    const b = mk();
    b.hart.csrFile = b.csrs;
    b.hart.restore(a.hart.save());
    b.csrs.restore(saved);
    assert.equal(b.hart.virt, true);
    assert.deepEqual(b.csrs.save(), saved);
    b.hart.priv = a.hart.priv = Priv.Machine;
    b.hart.virt = a.hart.virt = false;
    const csrs = [0x600, 0x602, 0x603, 0x604, 0x605, 0x644, 0x645, 0x680, 0x280, 0x200, 0x205, 0x241, 0x34b, 0x643, PCsr.mstatus, PCsr.mip];
    for (const csr of csrs) {
      assert.equal(read(b.hart, csr), read(a.hart, csr), `CSR 0x${csr.toString(16)}`);
    }
    assert.equal(read(b.hart, PCsr.mstatus) >> 38n, 3n, "MPV and GVA");
  });
});
