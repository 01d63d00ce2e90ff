/** The Sv39/Sv48 walker on its own: tables written by hand into a small RAM at 0x80000000. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Access, ioPage, Mmu } from "../../../mem/mmu.js";
import { DecodeCache } from "../decode-cache.js";
import { Hart, Priv } from "../hart.js";
import { Cause } from "../trap.js";
import { Mstatus, PrivCsrs, SatpMode } from "./csr.js";
import { Pte, SvTranslator } from "./sv.js";
import { TEST_RAM_BASE, TestPhys, translateOrTrap } from "./sv-testing.js";

const BASE = TEST_RAM_BASE;
const V = Pte.V, R = Pte.R, W = Pte.W, X = Pte.X, U = Pte.U, A = Pte.A, D = Pte.D;

const Phys = TestPhys;

function setup(mode: SatpMode = SatpMode.Sv39) {
  const phys = new Phys();
  const csrs = new PrivCsrs(0, () => 0);
  const hart = new Hart(new Mmu(phys.ram, { translate: () => 0 }), new DecodeCache(phys.ram.i32));
  const sv = new SvTranslator(hart, csrs, phys);
  const root = BASE + 0x1000;
  csrs.satpHi = mode << 28;
  csrs.satpLo = root / 4096;
  hart.priv = Priv.Supervisor;
  return { phys, csrs, hart, sv, root };
}

const tr = translateOrTrap;

describe("Sv39/Sv48 translation", () => {
  test("M-mode and Bare mode use physical addresses; pages outside RAM come back as I/O", () => {
    const { sv, hart, csrs } = setup();
    hart.priv = Priv.Machine;
    assert.equal(tr(sv, 0x8000_3000n, Access.Read), 0x3000);
    assert.equal(tr(sv, 0x1000_0000n, Access.Write), ioPage(0x1000_0000));
    hart.priv = Priv.Supervisor;
    csrs.satpHi = 0;
    assert.equal(tr(sv, 0x8000_5000n, Access.Execute), 0x5000);
  });

  test("a three-level walk reaches a 4 KiB page, and sets A then D in the leaf", () => {
    const { phys, sv, root } = setup();
    const l1 = BASE + 0x2000, l0 = BASE + 0x3000;
    phys.pte(root, 1, l1, V);
    phys.pte(l1, 0, l0, V);
    phys.pte(l0, 5, BASE + 0x9000, V | R | W);
    assert.equal(tr(sv, 0x4000_5123n, Access.Read), 0x9000);
    assert.equal(phys.readPte(l0, 5) & BigInt(A | D), BigInt(A));
    assert.equal(tr(sv, 0x4000_5000n, Access.Write), 0x9000);
    assert.equal(phys.readPte(l0, 5) & BigInt(A | D), BigInt(A | D));
  });

  test("gigapages and megapages map the offset inside them; a misaligned superpage faults", () => {
    const { phys, sv, root } = setup();
    phys.pte(root, 2, BASE, V | R | W | X | A | D);
    assert.equal(tr(sv, 0x8001_2000n, Access.Execute), 0x12000);
    const l1 = BASE + 0x2000;
    phys.pte(root, 0, l1, V);
    phys.pte(l1, 3, BASE, V | R | A);
    assert.equal(tr(sv, 0x0060_7000n, Access.Read), 0x7000);
    phys.pte(l1, 4, BASE + 0x1000, V | R | A);
    assert.deepEqual(tr(sv, 0x0080_0000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x0080_0000n });
  });

  test("invalid entries, W without R, reserved bits and a pointer at level 0 are page faults with the address", () => {
    const { phys, sv, root } = setup();
    const l1 = BASE + 0x2000, l0 = BASE + 0x3000;
    phys.pte(root, 0, l1, V);
    phys.pte(l1, 0, l0, V);
    phys.pte(l0, 1, BASE + 0x9000, R | W);
    phys.pte(l0, 2, BASE + 0x9000, V | W);
    phys.pte(l0, 3, BASE + 0x9000, V);
    phys.ram.view.setBigUint64(l0 - BASE + 4 * 8, (1n << 61n) | (BigInt(0x80009) << 10n) | BigInt(V | R | A), true);
    for (const [va, access, cause] of [
      [0x1000n, Access.Read, Cause.LoadPageFault],
      [0x2000n, Access.Write, Cause.StorePageFault],
      [0x3000n, Access.Execute, Cause.InsnPageFault],
      [0x4000n, Access.Read, Cause.LoadPageFault],
    ] as const) {
      assert.deepEqual(tr(sv, va + 8n, access), { cause, tval: va + 8n });
    }
  });

  test("permissions: R, W, X; MXR makes executable pages readable", () => {
    const { phys, sv, root, csrs } = setup();
    phys.pte(root, 0, BASE + 0x2000, V);
    phys.pte(BASE + 0x2000, 0, BASE + 0x3000, V);
    phys.pte(BASE + 0x3000, 1, BASE + 0x9000, V | R | A);
    phys.pte(BASE + 0x3000, 2, BASE + 0xa000, V | X | A);
    assert.deepEqual(tr(sv, 0x1000n, Access.Write), { cause: Cause.StorePageFault, tval: 0x1000n });
    assert.deepEqual(tr(sv, 0x1000n, Access.Execute), { cause: Cause.InsnPageFault, tval: 0x1000n });
    assert.deepEqual(tr(sv, 0x2000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x2000n });
    csrs.mstatus |= Mstatus.MXR;
    assert.equal(tr(sv, 0x2000n, Access.Read), 0xa000);
  });

  test("U pages: U-mode only reaches U pages; S-mode reads them only with SUM and never executes them", () => {
    const { phys, sv, root, csrs, hart } = setup();
    phys.pte(root, 0, BASE + 0x2000, V);
    phys.pte(BASE + 0x2000, 0, BASE + 0x3000, V);
    phys.pte(BASE + 0x3000, 1, BASE + 0x9000, V | R | W | X | U | A | D);
    phys.pte(BASE + 0x3000, 2, BASE + 0xa000, V | R | W | X | A | D);
    assert.deepEqual(tr(sv, 0x1000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x1000n });
    csrs.mstatus |= Mstatus.SUM;
    assert.equal(tr(sv, 0x1000n, Access.Read), 0x9000);
    assert.deepEqual(tr(sv, 0x1000n, Access.Execute), { cause: Cause.InsnPageFault, tval: 0x1000n });
    hart.priv = Priv.User;
    assert.equal(tr(sv, 0x1000n, Access.Execute), 0x9000);
    assert.deepEqual(tr(sv, 0x2000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x2000n });
  });

  test("MPRV translates M-mode loads and stores as MPP, but not fetches", () => {
    const { phys, sv, root, csrs, hart } = setup();
    phys.pte(root, 0, BASE + 0x2000, V);
    phys.pte(BASE + 0x2000, 0, BASE + 0x3000, V);
    phys.pte(BASE + 0x3000, 1, BASE + 0x9000, V | R | W | A | D);
    hart.priv = Priv.Machine;
    csrs.mstatus |= Mstatus.MPRV | (Priv.Supervisor << Mstatus.MPP_SHIFT);
    assert.equal(tr(sv, 0x1000n, Access.Read), 0x9000);
    assert.equal(tr(sv, 0x8000_1000n, Access.Execute), 0x1000);
  });

  test("addresses must be canonical: bits above 38 (Sv39) or 47 (Sv48) copy the top bit", () => {
    const { sv } = setup();
    assert.deepEqual(tr(sv, 0x40_0000_0000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x40_0000_0000n });
    assert.deepEqual(tr(sv, 0xffff_ffc0_0000_0000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0xffff_ffc0_0000_0000n });
    const s48 = setup(SatpMode.Sv48);
    assert.deepEqual(tr(s48.sv, 0x8000_0000_0000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x8000_0000_0000n });
  });

  test("Sv48 walks four levels, with a 512 GiB-aligned path in the top table", () => {
    const { phys, sv, root } = setup(SatpMode.Sv48);
    const l2 = BASE + 0x2000, l1 = BASE + 0x3000, l0 = BASE + 0x4000;
    phys.pte(root, 1, l2, V);
    phys.pte(l2, 0, l1, V);
    phys.pte(l1, 0, l0, V);
    phys.pte(l0, 7, BASE + 0xb000, V | R | A);
    assert.equal(tr(sv, 0x80_0000_7000n, Access.Read), 0xb000);
    assert.deepEqual(tr(sv, 0x0000_7000n, Access.Read), { cause: Cause.LoadPageFault, tval: 0x7000n });
  });

  test("a page table outside RAM is an access fault", () => {
    const { sv, csrs } = setup();
    csrs.satpLo = 0x1000_0000 / 4096;
    assert.deepEqual(tr(sv, 0x1000n, Access.Write), { cause: Cause.StoreAccessFault, tval: 0x1000n });
  });
});
