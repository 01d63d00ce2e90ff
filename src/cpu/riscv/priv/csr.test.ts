/** The M/S CSR file, trap entry, xRET and interrupt selection on a bare hart. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Mmu } from "../../../mem/mmu.js";
import { Ram } from "../../../mem/ram.js";
import { DecodeCache } from "../decode-cache.js";
import { Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import { csrRead, csrWrite, type CsrValue } from "../zicsr.js";
import { Irq, Mstatus, PCsr, PrivCsrs, TLB_SETS, tlbSet } from "./csr.js";
import { mret, pendingInterrupt, sret, takeTrap } from "./trap.js";

function setup() {
  const hart = new Hart(new Mmu(new Ram(4096), { translate: () => 0 }), new DecodeCache(new Int32Array(1024)));
  const csrs = new PrivCsrs(3, () => 12345);
  hart.csrFile = csrs;
  hart.priv = Priv.Machine;
  return { hart, csrs };
}

const out: CsrValue = { lo: 0, hi: 0 };
function read(h: Hart, csr: number): bigint {
  csrRead(h, csr, out);
  return (BigInt(out.hi >>> 0) << 32n) | BigInt(out.lo >>> 0);
}
function write(h: Hart, csr: number, v: bigint): void {
  const c = h.csrFile as PrivCsrs;
  if (!c.writeFull(h, csr, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)))) {
    csrWrite(h, csr, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
  }
}
function illegal(f: () => void): boolean {
  try {
    f();
  } catch (e) {
    if (e instanceof Trap && e.cause === Cause.IllegalInsn) return true;
    throw e;
  }
  return false;
}

describe("privileged CSRs", () => {
  test("identity: misa is RV64IMAFDCSU, mhartid the hart's number, mstatus.UXL/SXL = 2", () => {
    const { hart } = setup();
    assert.equal(read(hart, PCsr.misa), 0x8000_0000_0014_112dn);
    assert.equal(read(hart, PCsr.mhartid), 3n);
    assert.equal(read(hart, PCsr.mvendorid), 0n);
    assert.equal((read(hart, PCsr.mstatus) >> 32n) & 0xfn, 0xan);
    assert.equal((read(hart, PCsr.sstatus) >> 32n) & 0xfn, 0x2n);
  });

  test("WARL fields: MPP=2 keeps the old value, satp ignores unsupported modes, xtvec keeps MODE 0/1, xepc clears bit 0", () => {
    const { hart } = setup();
    write(hart, PCsr.mstatus, 1n << 11n);
    write(hart, PCsr.mstatus, 2n << 11n);
    assert.equal((read(hart, PCsr.mstatus) >> 11n) & 3n, 1n);
    write(hart, PCsr.satp, (8n << 60n) | 0x80123n);
    write(hart, PCsr.satp, (10n << 60n) | 0x5n);
    assert.equal(read(hart, PCsr.satp), (8n << 60n) | 0x80123n);
    write(hart, PCsr.mtvec, 0x8000_0101n);
    write(hart, PCsr.mtvec, 0x8000_0202n);
    assert.equal(read(hart, PCsr.mtvec), 0x8000_0201n);
    write(hart, PCsr.mepc, 0x8000_0003n);
    assert.equal(read(hart, PCsr.mepc), 0x8000_0002n);
  });

  test("FS reads back as written (Initial here), SD clear unless Dirty", () => {
    const { hart } = setup();
    write(hart, PCsr.mstatus, 1n << 13n);
    const v = read(hart, PCsr.mstatus);
    assert.equal((v >> 13n) & 3n, 1n);
    assert.equal(v >> 63n, 0n);
  });

  test("a value written to minstret or mcycle is what the next instruction reads", () => {
    const { hart } = setup();
    hart.instret = 1000; hart.runCount = 1; // the csrw itself is instruction 1001
    write(hart, PCsr.minstret, 0n);
    write(hart, PCsr.mcycle, 500n);
    hart.runCount = 2; // the next instruction reads
    assert.equal(read(hart, PCsr.minstret), 0n);
    assert.equal(read(hart, PCsr.mcycle), 500n);
  });

  test("sstatus, sie and sip are views of mstatus, mie and mip limited by mideleg", () => {
    const { hart, csrs } = setup();
    write(hart, PCsr.mstatus, BigInt(Mstatus.MIE | Mstatus.SIE | Mstatus.SUM));
    assert.equal(read(hart, PCsr.sstatus) & 0xfffffn, BigInt(Mstatus.SIE | Mstatus.SUM));
    write(hart, PCsr.mideleg, 0xfffn);
    assert.equal(read(hart, PCsr.mideleg), 0x222n);
    write(hart, PCsr.sie, 0xfffn);
    assert.equal(read(hart, PCsr.mie), 0x222n);
    csrs.setPending(Irq.MTI, true);
    write(hart, PCsr.mip, 0x20n);
    assert.equal(read(hart, PCsr.mip), 0xa0n);
    assert.equal(read(hart, PCsr.sip), 0x20n);
  });

  test("access by privilege: S cannot touch M CSRs, U no privileged CSR; read-only CSRs refuse writes", () => {
    const { hart, csrs } = setup();
    hart.priv = Priv.Supervisor;
    assert.ok(illegal(() => read(hart, PCsr.mstatus)));
    assert.ok(!illegal(() => read(hart, PCsr.sstatus)));
    csrs.mstatus |= Mstatus.TVM;
    assert.ok(illegal(() => read(hart, PCsr.satp)));
    hart.priv = Priv.User;
    assert.ok(illegal(() => read(hart, PCsr.sstatus)));
    hart.priv = Priv.Machine;
    assert.ok(illegal(() => write(hart, PCsr.mhartid, 0n)));
    assert.ok(illegal(() => read(hart, 0x7ff)));
    assert.ok(illegal(() => read(hart, PCsr.pmpcfg0 + 1)), "odd pmpcfg registers do not exist on RV64");
    write(hart, PCsr.pmpaddr0 + 5, 0x3f_ffff_ffff_ffffn);
    assert.equal(read(hart, PCsr.pmpaddr0 + 5), 0x3f_ffff_ffff_ffffn);
  });

  test("counters: time comes from the board; below M-mode mcounteren and scounteren gate them", () => {
    const { hart, csrs } = setup();
    assert.equal(read(hart, PCsr.time), 12345n);
    hart.priv = Priv.Supervisor;
    assert.ok(illegal(() => read(hart, PCsr.time)));
    csrs.mcounteren = 2;
    assert.equal(read(hart, PCsr.time), 12345n);
    hart.priv = Priv.User;
    assert.ok(illegal(() => read(hart, PCsr.time)));
    csrs.scounteren = 2;
    assert.equal(read(hart, PCsr.time), 12345n);
    assert.ok(illegal(() => read(hart, PCsr.cycle)));
  });

  test("writes that change translation, delegation or pending bits are refused inside the run loop (performed by the system VM)", () => {
    const { hart, csrs } = setup();
    for (const csr of [PCsr.satp, PCsr.mip, PCsr.sip, PCsr.mideleg]) {
      assert.equal(csrs.write(hart, csr, 0, 0), false, `csr 0x${csr.toString(16)}`);
    }
    assert.equal(csrs.write(hart, PCsr.mscratch, 7, 0), true);
    assert.equal(read(hart, PCsr.mscratch), 7n);
  });

  test("an interrupt-enable write stays in the loop unless it makes an interrupt ready, then it is undone and refused", () => {
    const { hart, csrs } = setup();
    hart.priv = Priv.Supervisor;
    csrs.mideleg = 1 << Irq.STI;
    csrs.mie = 1 << Irq.STI;
    // SIE on with nothing pending: done in place
    assert.equal(csrs.write(hart, PCsr.sstatus, Mstatus.SIE, 0), true);
    assert.equal(csrs.mstatus & Mstatus.SIE, Mstatus.SIE);
    // SIE off: done in place
    assert.equal(csrs.write(hart, PCsr.sstatus, 0, 0), true);
    assert.equal(csrs.mstatus & Mstatus.SIE, 0);
    // a timer interrupt is pending: enabling SIE would make it ready, so the write is refused and nothing changes
    csrs.setPending(Irq.STI, true);
    assert.equal(csrs.write(hart, PCsr.sstatus, Mstatus.SIE, 0), false);
    assert.equal(csrs.mstatus & Mstatus.SIE, 0);
    // with STIE off in sie, enabling SIE readies nothing
    assert.equal(csrs.write(hart, PCsr.sie, 0, 0), true);
    assert.equal(csrs.write(hart, PCsr.sstatus, Mstatus.SIE, 0), true);
    // and turning STIE back on now would: refused, sie unchanged
    assert.equal(csrs.write(hart, PCsr.sie, 1 << Irq.STI, 0), false);
    assert.equal(csrs.mie, 0);
  });
});

describe("traps and interrupts", () => {
  test("an exception from U-mode goes to M-mode unless medeleg delegates it to S-mode", () => {
    const { hart, csrs } = setup();
    csrs.mtvecLo = 0x8000_0100; csrs.stvecLo = 0x8000_0200;
    csrs.mstatus = Mstatus.MIE;
    hart.priv = Priv.User; hart.pc = 0x4000n;
    takeTrap(hart, csrs, Cause.EcallU, false, 0, 0);
    assert.equal(hart.priv, Priv.Machine);
    assert.equal(hart.pc, 0x8000_0100n);
    assert.equal(read(hart, PCsr.mepc), 0x4000n);
    assert.equal(read(hart, PCsr.mcause), 8n);
    assert.equal(csrs.mstatus & (Mstatus.MIE | Mstatus.MPIE | Mstatus.MPP), Mstatus.MPIE);
    mret(hart, csrs);
    assert.equal(hart.priv, Priv.User);
    assert.equal(hart.pc, 0x4000n);
    assert.equal(csrs.mstatus & Mstatus.MIE, Mstatus.MIE);

    csrs.medeleg = 1 << Cause.LoadPageFault;
    csrs.mstatus |= Mstatus.SIE;
    takeTrap(hart, csrs, Cause.LoadPageFault, false, 0x1234, 0);
    assert.equal(hart.priv, Priv.Supervisor);
    assert.equal(hart.pc, 0x8000_0200n);
    assert.equal(read(hart, PCsr.stval), 0x1234n);
    assert.equal(csrs.mstatus & (Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP), Mstatus.SPIE);
    sret(hart, csrs);
    assert.equal(hart.priv, Priv.User);
    assert.equal(csrs.mstatus & Mstatus.SIE, Mstatus.SIE);
  });

  test("exceptions in M-mode are never delegated", () => {
    const { hart, csrs } = setup();
    csrs.medeleg = 0xb3ff;
    takeTrap(hart, csrs, Cause.IllegalInsn, false, 0, 0);
    assert.equal(hart.priv, Priv.Machine);
    assert.equal(read(hart, PCsr.mcause), 2n);
  });

  test("vectored mode adds 4 x cause for interrupts only; mcause has the interrupt bit", () => {
    const { hart, csrs } = setup();
    csrs.mtvecLo = 0x8000_0001;
    takeTrap(hart, csrs, Irq.MTI, true, 0, 0);
    assert.equal(hart.pc, 0x8000_001cn);
    assert.equal(read(hart, PCsr.mcause), (1n << 63n) | 7n);
    takeTrap(hart, csrs, Cause.Breakpoint, false, 0, 0);
    assert.equal(hart.pc, 0x8000_0000n);
  });

  test("interrupt selection: enables by privilege, delegation and priority", () => {
    const { hart, csrs } = setup();
    csrs.mie = 0xaaa;
    csrs.setPending(Irq.MTI, true);
    csrs.mipSw = 1 << Irq.STI;
    assert.equal(pendingInterrupt(hart, csrs), -1, "M-mode with MIE clear");
    csrs.mstatus = Mstatus.MIE;
    assert.equal(pendingInterrupt(hart, csrs), Irq.MTI);
    csrs.setPending(Irq.MSI, true);
    assert.equal(pendingInterrupt(hart, csrs), Irq.MSI, "MSI before MTI");
    csrs.setPending(Irq.MSI, false);
    csrs.setPending(Irq.MTI, false);
    csrs.mideleg = 1 << Irq.STI;
    assert.equal(pendingInterrupt(hart, csrs), -1, "delegated interrupts are not taken in M-mode");
    hart.priv = Priv.Supervisor;
    assert.equal(pendingInterrupt(hart, csrs), -1, "S-mode with SIE clear");
    hart.priv = Priv.User;
    assert.equal(pendingInterrupt(hart, csrs), Irq.STI, "U-mode takes S-level interrupts regardless of SIE");
    csrs.mideleg = 0;
    hart.priv = Priv.Supervisor;
    assert.equal(pendingInterrupt(hart, csrs), Irq.STI, "an undelegated interrupt reaches M from S even with MIE clear");
  });

  test("mret is illegal outside M-mode; sret in U-mode and under TSR", () => {
    const { hart, csrs } = setup();
    hart.priv = Priv.Supervisor;
    assert.ok(illegal(() => mret(hart, csrs)));
    csrs.mstatus = Mstatus.TSR;
    assert.ok(illegal(() => sret(hart, csrs)));
    hart.priv = Priv.User;
    csrs.mstatus = 0;
    assert.ok(illegal(() => sret(hart, csrs)));
  });
});

describe("TLB sets per translation context", () => {
  function wired() {
    const mmu = new Mmu(new Ram(4096), { translate: () => 0 }, TLB_SETS);
    const hart = new Hart(mmu, new DecodeCache(new Int32Array(1024)));
    const csrs = new PrivCsrs(0, () => 0);
    let flushes = 0;
    csrs.onTranslationChange = () => { flushes++; mmu.flush(); };
    csrs.onContextChange = () => mmu.select(tlbSet(hart.priv, csrs.mstatus));
    hart.csrFile = csrs;
    hart.priv = Priv.Supervisor;
    csrs.onContextChange();
    return { mmu, hart, csrs, flushes: () => flushes };
  }

  test("a trap from U to S and the sret back switch sets without flushing; the U-mode entry survives", () => {
    const { mmu, hart, csrs, flushes } = wired();
    hart.priv = Priv.User; csrs.onContextChange();
    const userSet = mmu.rTag;
    userSet[5] = 0x5000;
    csrs.medeleg = 1 << Cause.EcallU;
    csrs.stvecLo = 0x100;
    takeTrap(hart, csrs, Cause.EcallU, false, 0, 0);
    assert.equal(hart.priv, Priv.Supervisor);
    assert.notEqual(mmu.rTag, userSet, "S-mode uses its own set");
    sret(hart, csrs);
    assert.equal(hart.priv, Priv.User);
    assert.equal(mmu.rTag, userSet);
    assert.equal(mmu.rTag[5], 0x5000, "the U-mode translation was kept");
    assert.equal(flushes(), 0);
  });

  test("SUM selects a set of its own; MXR, satp and sfence-style flushes empty every set", () => {
    const { mmu, hart, csrs, flushes } = wired();
    const plain = mmu.rTag;
    csrs.setMstatus(csrs.mstatus | Mstatus.SUM);
    assert.notEqual(mmu.rTag, plain);
    assert.equal(tlbSet(hart.priv, csrs.mstatus), 2);
    mmu.rTag[1] = 0x1000;
    plain[2] = 0x2000;
    csrs.setMstatus(csrs.mstatus | Mstatus.MXR);
    assert.equal(flushes(), 1);
    assert.notEqual(mmu.rTag[1], 0x1000);
    assert.notEqual(plain[2], 0x2000);
  });

  test("an in-loop sstatus write that changes SUM is refused (performed outside the run loop)", () => {
    const { hart, csrs } = wired();
    assert.equal(csrs.write(hart, PCsr.sstatus, Mstatus.SUM, 0), false);
    assert.equal(csrs.mstatus & Mstatus.SUM, 0);
  });
});
