/** Trap accounting: the counters, their names, the metrics JSON and the --stats summary. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VirtBoard } from "./board.js";
import { exitMetrics, formatExitSummary, HartExits, type ExitMetrics } from "./exits.js";
import { csrName, EXIT_DOCS, SBI_EXTENSIONS, SBI_FUNCTIONS, sbiCallName } from "./exit-names.js";
import { Exit } from "../cpu/riscv/run.js";
import { Cause } from "../cpu/riscv/trap.js";

const TIME = 0x54494d45, HSM = 0x48534d;

/** The SBI counts of `e` by name, through the metrics JSON of a one-hart board. */
function sbiOf(e: HartExits): Record<string, number> | undefined {
  const board = new VirtBoard({ memoryMiB: 1, console: () => {} });
  board.harts[0].exits.add(e);
  return exitMetrics(board).exits.sbi;
}

describe("trap accounting counters", () => {
  test("SBI calls are counted by extension and function, legacy calls whatever a6 holds", () => {
    const e = new HartExits();
    e.sbiCall(TIME, 0, 0, 0);
    e.sbiCall(TIME, 0, 0, 0);
    e.sbiCall(HSM, 0, 2, 0);
    e.sbiCall(0x01, 0, 77, 0); // legacy console_putchar: a6 is not part of the call
    e.sbiCall(0x10, 0, 1000, 0); // BASE, a function id past the counted ones
    e.sbiCall(0x10, 0, 3, 1); // a6 above 32 bits
    e.sbiCall(0x0a000001, 0, 0, 0); // a firmware-specific extension nobody lists
    e.sbiCall(TIME, 1, 0, 0); // a7 above 32 bits
    assert.deepEqual(sbiOf(e), {
      "TIME.set_timer": 2, "HSM.hart_get_status": 1, "legacy.console_putchar": 1,
      [`BASE.${SBI_FUNCTIONS - 1}+`]: 2, "0xa000001": 1, other: 1,
    });
  });

  test("every listed SBI extension has a name and distinct id", () => {
    const ids = new Set(SBI_EXTENSIONS.map((x) => x.id));
    assert.equal(ids.size, SBI_EXTENSIONS.length);
    assert.equal(sbiCallName(SBI_EXTENSIONS.findIndex((x) => x.id === 0x08), 0), "legacy.shutdown");
    assert.equal(sbiCallName(SBI_EXTENSIONS.findIndex((x) => x.id === 0x52464e43), 1), "RFENCE.remote_sfence_vma");
    assert.equal(sbiCallName(SBI_EXTENSIONS.findIndex((x) => x.id === 0x4442434e), 5), "DBCN.5");
  });

  test("CSR names come from the specs, with numbered families and hex for the rest", () => {
    assert.equal(csrName(0x100), "sstatus");
    assert.equal(csrName(0x180), "satp");
    assert.equal(csrName(0x001), "fflags");
    assert.equal(csrName(0x7a1), "tdata1");
    assert.equal(csrName(0x3a2), "pmpcfg2");
    assert.equal(csrName(0x3b5), "pmpaddr5");
    assert.equal(csrName(0xb05), "mhpmcounter5");
    assert.equal(csrName(0x323), "mhpmevent3");
    assert.equal(csrName(0xc1f), "hpmcounter31");
    assert.equal(csrName(0x7c0), "0x7c0");
    assert.equal(csrName(0x005), "0x005");
  });

  test("add() sums every counter", () => {
    const a = new HartExits(), b = new HartExits();
    a.csr[0x100] = 2; b.csr[0x100] = 3; b.csrExits[0x180] = 1;
    a.exceptions[Cause.LoadPageFault] = 1; b.interrupts[5] = 4; b.runExits[Exit.Budget] = 7;
    a.mret = 1; b.mret = 2; b.sret = 5; b.sfenceVma = 6; b.wfi = 8;
    b.sbiCall(0x0a000001, 0, 0, 0);
    a.add(b);
    a.add(b);
    assert.equal(a.csr[0x100], 8);
    assert.equal(a.csrExits[0x180], 2);
    assert.equal(a.interrupts[5], 8);
    assert.equal(a.runExits[Exit.Budget], 14);
    assert.deepEqual([a.mret, a.sret, a.sfenceVma, a.wfi], [5, 10, 12, 16]);
    assert.equal(a.sbiOther?.get(0x0a000001), 2);
  });

  test("a machine that has not run reports no exits, and zeros are left out", () => {
    const board = new VirtBoard({ memoryMiB: 1, harts: 2, console: () => {} });
    const m = exitMetrics(board);
    assert.deepEqual(m, { instructions: 0, exits: {}, harts: [{ instructions: 0, exits: {} }, { instructions: 0, exits: {} }] });
  });

  test("the JSON has totals over the harts and each hart's own counts", () => {
    const board = new VirtBoard({ memoryMiB: 1, harts: 2, console: () => {} });
    const [h0, h1] = board.harts.map((h) => h.exits);
    h0.csr[0x100] = 3; h1.csr[0x100] = 4; h1.csrExits[0x180] = 1; h1.csr[0x180] = 1;
    h0.exceptions[Cause.EcallS] = 2; h1.exceptions[Cause.EcallU] = 5; h1.exceptions[Cause.StorePageFault] = 6;
    h0.interrupts[5] = 9; h0.runExits[Exit.Trap] = 11; h1.sret = 2;
    h0.sbiCall(TIME, 0, 0, 0); h0.sbiCall(TIME, 0, 0, 0);
    const m = exitMetrics(board);
    assert.deepEqual(m.exits, {
      run_exits: { trap: 11 }, ecall: { u: 5, s: 2 }, sbi: { "TIME.set_timer": 2 }, csr: { sstatus: 7, satp: 1 },
      csr_exits: { satp: 1 }, xret: { sret: 2 }, exceptions: { store_page_fault: 6 }, interrupts: { sti: 9 },
    });
    assert.deepEqual(m.harts[1].exits, {
      ecall: { u: 5 }, csr: { sstatus: 4, satp: 1 }, csr_exits: { satp: 1 }, xret: { sret: 2 }, exceptions: { store_page_fault: 6 },
    });
  });

  test("every counter in the JSON has a sentence for learners", () => {
    const m: ExitMetrics = {
      instructions: 1,
      exits: {
        run_exits: { budget: 1, ecall: 1, trap: 1, wfi: 1, yield: 1 }, ecall: { u: 1, s: 1, m: 1 },
        sfence_vma: 1, wfi: 1, page_walks: 1, tlb_flushes: 1, console: { bytes_out: 1, bytes_in: 1 },
        exceptions: { illegal_instruction: 1, load_page_fault: 1, store_page_fault: 1, instruction_page_fault: 1, breakpoint: 1 },
        interrupts: { ssi: 1, sti: 1, sei: 1, msi: 1, mti: 1, mei: 1 },
        sbi: { x: 1 }, csr: { x: 1 }, csr_exits: { x: 1 }, xret: { mret: 1 }, external: { x: 1 }, mmio: { x: 1 }, disk: { reads: 1 },
      },
      harts: [],
    };
    const missing: string[] = [];
    const walk = (path: string, v: unknown) => {
      if (EXIT_DOCS[path] !== undefined) return; // documented here (a group's sentence covers its entries)
      if (typeof v === "object" && v !== null && path.split(".").length < 3) for (const [k, x] of Object.entries(v)) walk(`${path}.${k}`, x);
      else missing.push(path);
    };
    walk("instructions", m.instructions);
    for (const [k, v] of Object.entries(m.exits)) walk(`exits.${k}`, v);
    assert.deepEqual(missing, []);
    for (const path of ["exits.ecall.s", "exits.interrupts.sti", "exits.exceptions.load_page_fault", "exits.run_exits.yield"]) {
      assert.ok((EXIT_DOCS[path] ?? "").length > 20, path);
    }
  });

  test("the --stats summary names the largest counts and leaves out empty groups", () => {
    const board = new VirtBoard({ memoryMiB: 1, console: () => {} });
    const e = board.harts[0].exits;
    e.runExits[Exit.Trap] = 40; e.runExits[Exit.Budget] = 3;
    e.csr[0x100] = 100; e.csr[0x104] = 50; e.csr[0x141] = 1;
    e.sbiCall(TIME, 0, 0, 0);
    const lines = formatExitSummary(exitMetrics(board), 2);
    assert.deepEqual(lines, [
      "typevisor: exits: 43 (trap=40 budget=3)",
      "typevisor: sbi calls: 1 (TIME.set_timer=1)",
      "typevisor: csr accesses: 151 (sstatus=100 sie=50)",
    ]);
  });
});
