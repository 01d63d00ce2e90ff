/**
 * The hypervisor extension on its own: two-stage translation with tables
 * written by hand into a small RAM at 0x80000000, the CSR substitution and
 * virtual-instruction rules with V=1, trap routing between M, HS and VS, and
 * the FP unit's state under V=1.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Access, Mmu } from "../../../mem/mmu.js";
import { Ram } from "../../../mem/ram.js";
import { DecodeCache } from "../decode-cache.js";
import { fpTouch } from "../fs.js";
import { FsState, Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import type { CsrValue } from "../zicsr.js";
import { Mstatus, PCsr, PrivCsrs, SatpMode, TLB_SETS } from "./csr.js";
import { HCsr, Hstatus, MstatusH, TINST_PTE_READ } from "./hcsr.js";
import { Pte, SvTranslator } from "./sv.js";
import { TEST_RAM_BASE, TestPhys, translateOrTrap } from "./sv-testing.js";
import { mret, pendingInterrupt, sret, takeTrap } from "./trap.js";

const BASE = TEST_RAM_BASE;
const V = Pte.V, R = Pte.R, W = Pte.W, X = Pte.X, U = Pte.U, A = Pte.A;

const Phys = TestPhys;

/**
 * A hart in VS-mode with: the G-stage (Sv39x4, root at 0x80010000, 16 KiB)
 * mapping guest-physical 0x0000_0000-0x001f_ffff to host 0x8002_0000 +
 * (a 2 MiB megapage would need alignment, so 4 KiB pages through one table),
 * and the VS-stage (Sv39, root at guest-physical 0x1000).
 */
function setup() {
  const phys = new Phys();
  const csrs = new PrivCsrs(0, () => 0, true);
  const hart = new Hart(new Mmu(phys.ram, { translate: () => 0 }), new DecodeCache(phys.ram.i32));
  hart.csrFile = csrs;
  const sv = new SvTranslator(hart, csrs, phys);
  const gRoot = BASE + 0x10000, gL1 = BASE + 0x14000, gL0 = BASE + 0x15000;
  phys.pte(gRoot, 0, gL1, V);
  phys.pte(gL1, 0, gL0, V);
  // Guest-physical page n (n < 16) is host page 0x80020000 + n * 4 KiB.
  const guestPage = (n: number) => BASE + 0x20000 + n * 0x1000;
  for (let n = 0; n < 16; n++) phys.pte(gL0, n, guestPage(n), V | R | W | X | U);
  csrs.hyp.hgatpHi = 8 << 28;
  csrs.hyp.hgatpLo = gRoot / 4096;
  // VS-stage: root at guest-physical 0x1000, then 0x2000, then 0x3000 (level 0).
  const vsTable = (gpa: number) => guestPage(gpa / 0x1000);
  phys.pte(vsTable(0x1000), 0, 0x2000, V);
  phys.pte(vsTable(0x2000), 0, 0x3000, V);
  csrs.hyp.vsatpHi = SatpMode.Sv39 << 28;
  csrs.hyp.vsatpLo = 1;
  hart.priv = Priv.Supervisor;
  csrs.enterVirt(hart);
  return { phys, csrs, hart, sv, gL0, guestPage, vsLeaf: vsTable(0x3000) };
}

const tr = translateOrTrap;

describe("two-stage address translation (H extension)", () => {
  test("a guest virtual address goes through the VS-stage to a guest physical one, then the G-stage to the host's", () => {
    const { phys, sv, vsLeaf, gL0, guestPage } = setup();
    phys.pte(vsLeaf, 7, 0x5000, V | R | W); // guest virtual 0x7000 -> guest physical 0x5000
    assert.equal(tr(sv, 0x7abcn, Access.Read), guestPage(5) - BASE);
    // Both stages set their leaf's A bit; the G-stage also the tables' pages it walked through for the VS-stage.
    assert.equal(phys.readPte(vsLeaf, 7) & BigInt(A), BigInt(A));
    assert.equal(phys.readPte(gL0, 5) & BigInt(A), BigInt(A));
    assert.equal(phys.readPte(gL0, 1) & BigInt(A), BigInt(A));
  });

  test("a G-stage leaf without U, or without the permission, is a guest-page fault with the guest physical address", () => {
    const { phys, csrs, sv, vsLeaf, gL0, guestPage } = setup();
    phys.pte(vsLeaf, 7, 0x5000, V | R | W | X);
    phys.pte(gL0, 5, guestPage(5), V | R | X); // not writable, and no U
    assert.deepEqual(tr(sv, 0x7008n, Access.Read), { cause: Cause.LoadGuestPageFault, tval: 0x7008n });
    assert.equal(csrs.hyp.faultGpa4, 0x5008 / 4);
    assert.equal(csrs.hyp.faultTinst, 0, "an explicit access reports no pseudoinstruction");
    phys.pte(gL0, 5, guestPage(5), V | R | X | U);
    assert.equal(tr(sv, 0x7008n, Access.Execute), guestPage(5) - BASE);
    assert.deepEqual(tr(sv, 0x7010n, Access.Write), { cause: Cause.StoreGuestPageFault, tval: 0x7010n });
  });

  test("a G-stage fault on the VS-stage's page-table read reports the PTE's address and the implicit-read pseudoinstruction", () => {
    const { phys, csrs, sv, gL0 } = setup();
    phys.pte(gL0, 3, 0, 0); // the VS-stage's level-0 table (guest-physical 0x3000) is not mapped
    assert.deepEqual(tr(sv, 0x7000n, Access.Write), { cause: Cause.StoreGuestPageFault, tval: 0x7000n });
    assert.equal(csrs.hyp.faultGpa4, (0x3000 + 7 * 8) / 4);
    assert.equal(csrs.hyp.faultTinst, TINST_PTE_READ);
  });

  test("VS-stage faults are ordinary page faults; U pages need vsstatus.SUM in VS-mode", () => {
    const { phys, csrs, sv, hart, vsLeaf, guestPage } = setup();
    phys.pte(vsLeaf, 7, 0x5000, V | R | W | U);
    assert.deepEqual(tr(sv, 0x7000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x7000n });
    csrs.hyp.vsstatus |= Mstatus.SUM;
    assert.equal(tr(sv, 0x7000n, Access.Read), guestPage(5) - BASE);
    hart.priv = Priv.User;
    assert.equal(tr(sv, 0x7000n, Access.Write), guestPage(5) - BASE);
    assert.deepEqual(tr(sv, 0x8000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x8000n });
  });

  test("vsatp Bare: guest virtual = guest physical, checked against the 41 bits of Sv39x4", () => {
    const { csrs, sv, guestPage } = setup();
    csrs.hyp.vsatpHi = 0;
    assert.equal(tr(sv, 0x9004n, Access.Read), guestPage(9) - BASE);
    assert.deepEqual(tr(sv, 1n << 41n, Access.Read), { cause: Cause.LoadGuestPageFault, tval: 1n << 41n });
    // Bits 40:39 of the address index the 16 KiB root's upper entries: nothing is mapped there.
    assert.deepEqual(tr(sv, 1n << 40n, Access.Execute), { cause: Cause.InsnGuestPageFault, tval: 1n << 40n });
  });

  test("HLVX needs execute permission at both stages; mstatus.MXR makes executable G-stage pages readable", () => {
    const { phys, csrs, sv, vsLeaf, gL0, guestPage } = setup();
    phys.pte(vsLeaf, 7, 0x5000, V | R | X);
    phys.pte(gL0, 5, guestPage(5), V | X | U);
    const at = (hlvx: boolean) => {
      try {
        return sv.translateAs(0x7000, 0, Access.Read, Priv.Supervisor, true, hlvx, false);
      } catch (e) {
        return (e as Trap).cause;
      }
    };
    assert.equal(at(false), Cause.LoadGuestPageFault);
    assert.equal(at(true), guestPage(5) - BASE);
    csrs.mstatus |= Mstatus.MXR;
    assert.equal(at(false), guestPage(5) - BASE);
  });
});

/** Reads CSR `csr` through the file, or the Trap's cause. */
function read(c: PrivCsrs, h: Hart, csr: number): bigint | Cause {
  const out: CsrValue = { lo: 0, hi: 0 };
  try {
    if (!c.read(h, csr, out)) return Cause.IllegalInsn; // not held here: zicsr.ts makes it illegal
    return (BigInt(out.hi >>> 0) << 32n) | BigInt(out.lo >>> 0);
  } catch (e) {
    return (e as Trap).cause;
  }
}

/** Writes CSR `csr` with all its effects, or returns the Trap's cause. */
function write(c: PrivCsrs, h: Hart, csr: number, v: number): true | Cause {
  try {
    assert.ok(c.writeFull(h, csr, v, 0));
    return true;
  } catch (e) {
    return (e as Trap).cause;
  }
}

describe("CSRs with V=1 (H extension)", () => {
  test("VS-mode's s* CSRs are the vs* ones; HS-mode sees both", () => {
    const { csrs, hart } = setup();
    assert.equal(write(csrs, hart, PCsr.sepc, 0x1234), true);
    assert.equal(write(csrs, hart, PCsr.sscratch, 77), true);
    assert.equal(csrs.hyp.vsepcLo, 0x1234);
    assert.equal(csrs.sepcLo, 0, "HS-mode's sepc is untouched");
    assert.equal(read(csrs, hart, PCsr.sscratch), 77n);
    assert.equal(read(csrs, hart, PCsr.satp), BigInt(SatpMode.Sv39) << 60n | 1n);
    csrs.leaveVirt(hart);
    assert.equal(read(csrs, hart, PCsr.sscratch), 0n);
    assert.equal(read(csrs, hart, HCsr.vsscratch), 77n);
    assert.equal(read(csrs, hart, HCsr.vsepc), 0x1234n);
  });

  test("hypervisor and VS CSRs are virtual instructions in VS- and VU-mode, M-level CSRs illegal; VU-mode's S CSRs virtual", () => {
    const { csrs, hart } = setup();
    assert.equal(read(csrs, hart, HCsr.hstatus), Cause.VirtualInsn);
    assert.equal(read(csrs, hart, HCsr.vsstatus), Cause.VirtualInsn);
    assert.equal(read(csrs, hart, PCsr.mstatus), Cause.IllegalInsn);
    assert.equal(write(csrs, hart, HCsr.hgatp, 0), Cause.VirtualInsn);
    hart.priv = Priv.User;
    assert.equal(read(csrs, hart, PCsr.sstatus), Cause.VirtualInsn);
    assert.equal(read(csrs, hart, 0x5c0), Cause.IllegalInsn, "an unimplemented S-level CSR stays illegal");
  });

  test("hstatus.VTVM makes VS-mode's satp a virtual instruction; mstatus.TVM makes HS-mode's hgatp illegal", () => {
    const { csrs, hart } = setup();
    csrs.hyp.hstatus |= Hstatus.VTVM;
    assert.equal(read(csrs, hart, PCsr.satp), Cause.VirtualInsn);
    csrs.leaveVirt(hart);
    assert.equal(typeof read(csrs, hart, HCsr.hgatp), "bigint");
    csrs.mstatus |= Mstatus.TVM;
    assert.equal(read(csrs, hart, HCsr.hgatp), Cause.IllegalInsn);
  });

  test("counters: mcounteren first (illegal), then hcounteren (virtual), then scounteren in VU-mode (virtual)", () => {
    const { csrs, hart } = setup();
    assert.equal(read(csrs, hart, PCsr.cycle), Cause.IllegalInsn);
    csrs.mcounteren = 7;
    assert.equal(read(csrs, hart, PCsr.cycle), Cause.VirtualInsn);
    csrs.hyp.hcounteren = 7;
    assert.equal(typeof read(csrs, hart, PCsr.cycle), "bigint");
    hart.priv = Priv.User;
    assert.equal(read(csrs, hart, PCsr.instret), Cause.VirtualInsn);
  });

  test("time reads mtime plus htimedelta with V=1", () => {
    const csrs = new PrivCsrs(0, () => 1000, true);
    const hart = new Hart(new Mmu(new Ram(4096), { translate: () => 0 }), new DecodeCache(new Int32Array(1024)));
    hart.priv = Priv.Supervisor;
    csrs.mcounteren = csrs.hyp.hcounteren = 2;
    csrs.hyp.htimedeltaLo = -500; csrs.hyp.htimedeltaHi = -1; // -500
    assert.equal(read(csrs, hart, PCsr.time), 1000n);
    csrs.enterVirt(hart);
    assert.equal(read(csrs, hart, PCsr.time), 500n);
  });

  test("VS-mode's sip/sie are hip/hie's VS bits one place down, for what hideleg delegates", () => {
    const { csrs, hart } = setup();
    csrs.hyp.hideleg = 1 << 6; // VSTI only
    csrs.leaveVirt(hart);
    assert.equal(write(csrs, hart, HCsr.hvip, (1 << 6) | (1 << 2)), true);
    csrs.enterVirt(hart);
    assert.equal(read(csrs, hart, PCsr.sip), 1n << 5n, "VSTIP appears as STIP; VSSIP is not delegated");
    assert.equal(write(csrs, hart, PCsr.sie, 0xffff), true);
    assert.equal(csrs.mie, 1 << 6, "only the delegated VSTIE was set");
    assert.equal(read(csrs, hart, PCsr.mideleg), Cause.IllegalInsn);
    csrs.leaveVirt(hart);
    hart.priv = Priv.Machine;
    assert.equal(read(csrs, hart, PCsr.mideleg), 0x1444n, "VS-level and guest external interrupts always go to HS");
    assert.equal((read(csrs, hart, PCsr.misa) as bigint) & (1n << 7n), 1n << 7n);
  });
});

describe("trap routing and xRET with V=1", () => {
  test("an exception delegated by medeleg and hedeleg stays in the guest (VS-mode)", () => {
    const { csrs, hart } = setup();
    csrs.medeleg = csrs.hyp.hedeleg = 1 << Cause.LoadPageFault;
    hart.priv = Priv.User;
    csrs.hyp.vstvecLo = 0x4000;
    hart.pcLo = 0x1230;
    takeTrap(hart, csrs, Cause.LoadPageFault, false, 0x999, 0);
    assert.deepEqual([hart.virt, hart.priv, hart.pcLo], [true, Priv.Supervisor, 0x4000]);
    assert.deepEqual([csrs.hyp.vsepcLo, csrs.hyp.vscauseLo, csrs.hyp.vstvalLo], [0x1230, Cause.LoadPageFault, 0x999]);
    assert.equal(csrs.hyp.vsstatus & Mstatus.SPP, 0, "from VU");
    assert.equal(csrs.sepcLo, 0);
    csrs.hyp.vsepcLo = 0x1234;
    sret(hart, csrs);
    assert.deepEqual([hart.virt, hart.priv, hart.pcLo], [true, Priv.User, 0x1234]);
  });

  test("a guest-page fault goes to HS-mode with SPV, SPVP, GVA and htval; sret goes back into the guest", () => {
    const { csrs, hart } = setup();
    csrs.medeleg = 1 << Cause.StoreGuestPageFault;
    csrs.stvecLo = 0x8000;
    csrs.hyp.faultGpa4 = 0x10000004 / 4;
    hart.pcLo = 0x2000;
    takeTrap(hart, csrs, Cause.StoreGuestPageFault, false, 0x10000004, 0);
    assert.deepEqual([hart.virt, hart.priv, hart.pcLo], [false, Priv.Supervisor, 0x8000]);
    assert.equal(csrs.hyp.hstatus & (Hstatus.SPV | Hstatus.SPVP | Hstatus.GVA), Hstatus.SPV | Hstatus.SPVP | Hstatus.GVA);
    assert.equal(csrs.hyp.htvalLo, 0x10000004 / 4);
    assert.equal(csrs.mstatus & Mstatus.SPP, Mstatus.SPP);
    csrs.sepcLo = 0x2004;
    sret(hart, csrs);
    assert.deepEqual([hart.virt, hart.priv, hart.pcLo], [true, Priv.Supervisor, 0x2004]);
    assert.equal(csrs.hyp.hstatus & Hstatus.SPV, 0, "sret clears SPV");
  });

  test("an undelegated trap from V=1 goes to M-mode with MPV and GVA; mret with MPV re-enters the guest", () => {
    const { csrs, hart } = setup();
    csrs.mtvecLo = 0x100;
    takeTrap(hart, csrs, Cause.LoadAccessFault, false, 0x30, 0);
    assert.deepEqual([hart.virt, hart.priv], [false, Priv.Machine]);
    assert.equal(csrs.mstatusH, MstatusH.MPV | MstatusH.GVA);
    csrs.mepcLo = 0x700;
    mret(hart, csrs);
    assert.deepEqual([hart.virt, hart.priv, hart.pcLo], [true, Priv.Supervisor, 0x700]);
    assert.equal(csrs.mstatusH & MstatusH.MPV, 0);
  });

  test("a VS-level interrupt: to VS-mode as its S-level twin when hideleg delegates it, else to HS-mode; never with V=0", () => {
    const { csrs, hart } = setup();
    csrs.mie = 1 << 6;
    csrs.mipSw = 1 << 6; // hvip.VSTIP
    csrs.hyp.vsstatus |= Mstatus.SIE;
    csrs.hyp.vstvecLo = 0x4001; // vectored
    csrs.hyp.hideleg = 1 << 6;
    assert.equal(pendingInterrupt(hart, csrs), 6);
    takeTrap(hart, csrs, 6, true, 0, 0);
    assert.deepEqual([hart.virt, csrs.hyp.vscauseLo, csrs.hyp.vscauseHi >>> 0, hart.pcLo], [true, 5, 0x80000000, 0x4000 + 4 * 5]);
    assert.equal(pendingInterrupt(hart, csrs), -1, "vsstatus.SIE is now clear");
    csrs.leaveVirt(hart);
    csrs.mstatus |= Mstatus.SIE;
    assert.equal(pendingInterrupt(hart, csrs), -1, "a delegated VS interrupt waits while V=0");
    csrs.hyp.hideleg = 0;
    assert.equal(pendingInterrupt(hart, csrs), 6, "undelegated, HS-mode takes it");
  });
});

describe("the FP unit with V=1", () => {
  test("FP instructions need both mstatus.FS and vsstatus.FS on, and a write makes both Dirty", () => {
    const { csrs, hart } = setup();
    csrs.leaveVirt(hart);
    hart.mstatusFs = FsState.Clean;
    csrs.hyp.vsstatus = (csrs.hyp.vsstatus & ~Mstatus.FS) | (FsState.Off << 13);
    csrs.enterVirt(hart);
    assert.throws(() => fpTouch(hart, true), (e: unknown) => e instanceof Trap && e.cause === Cause.IllegalInsn);
    assert.equal(write(csrs, hart, PCsr.sstatus, FsState.Initial << 13), true);
    fpTouch(hart, true);
    assert.equal(((read(csrs, hart, PCsr.sstatus) as bigint) >> 13n) & 3n, BigInt(FsState.Dirty));
    csrs.leaveVirt(hart);
    assert.equal(hart.mstatusFs, FsState.Dirty, "mstatus.FS too");
  });
});

describe("guest TLB sets keyed by address space (hgatp with its VMID, vsatp)", () => {
  /** A hart in VS-mode whose MMU has every set, wired as the board wires it. */
  function wired() {
    const mmu = new Mmu(new Ram(4096), { translate: () => 0 }, TLB_SETS);
    const hart = new Hart(mmu, new DecodeCache(new Int32Array(1024)));
    const csrs = new PrivCsrs(0, () => 0, true);
    csrs.onTranslationChange = () => mmu.flush();
    csrs.onFlushSets = (first, end) => mmu.flush(first, end);
    csrs.onContextChange = () => mmu.select(csrs.tlbSetOf(hart));
    hart.csrFile = csrs;
    hart.priv = Priv.Supervisor;
    csrs.leaveVirt(hart);
    const guest = (vmid: number) => {
      hart.priv = Priv.Supervisor;
      csrs.leaveVirt(hart);
      csrs.onContextChange();
      csrs.writeFull(hart, HCsr.hgatp, 0x80010 + vmid * 4, (8 << 28) | (vmid << 12));
      csrs.writeFull(hart, HCsr.vsatp, 0x100 + vmid, SatpMode.Sv39 << 28);
      csrs.enterVirt(hart);
      csrs.onContextChange();
    };
    return { mmu, hart, csrs, guest };
  }

  test("a hypervisor switching between two guests finds each one's translations again, without a flush", () => {
    const { mmu, hart, csrs, guest } = wired();
    guest(1);
    const setA = mmu.rTag;
    setA[7] = 0x7000;
    guest(2);
    assert.notEqual(mmu.rTag, setA, "the second guest has sets of its own");
    mmu.rTag[7] = 0x9000;
    const flushes = mmu.flushes;
    guest(1);
    assert.equal(mmu.rTag, setA);
    assert.equal(mmu.rTag[7], 0x7000, "guest 1's translation was kept");
    assert.equal(mmu.flushes, flushes);
    // HS-mode's own translations live in other sets: a satp write leaves the guests' alone.
    csrs.leaveVirt(hart);
    csrs.writeFull(hart, PCsr.satp, 5, SatpMode.Sv39 << 28);
    assert.equal(setA[7], 0x7000);
  });

  test("hfence.gvma forgets every guest's translations, hfence.vvma the current guest's; a fifth address space evicts the oldest", () => {
    const { mmu, csrs, guest } = wired();
    guest(1);
    const setA = mmu.rTag;
    setA[7] = 0x7000;
    guest(2);
    const setB = mmu.rTag;
    setB[7] = 0x9000;
    csrs.flushGuest(false);
    assert.notEqual(setB[7], 0x9000);
    assert.equal(setA[7], 0x7000);
    csrs.flushGuest(true);
    assert.notEqual(setA[7], 0x7000);
    setA[7] = 0x7000;
    for (const vmid of [3, 4, 5]) guest(vmid); // guest 1's group is the least recently used
    assert.equal(mmu.rTag, setA, "the fifth address space took guest 1's group");
    assert.notEqual(setA[7], 0x7000, "and flushed it");
  });
});
