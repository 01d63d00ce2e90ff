/**
 * Trap accounting on a hand-assembled bare-metal program: it makes a known
 * number of ecalls, CSR accesses, xRETs, MMIO accesses, a timer interrupt, a
 * wfi and a page fault under Sv39, and every count must come out exact.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encode } from "../isa/riscv/decode.js";
import { Op } from "../isa/riscv/table.js";
import { VirtBoard } from "./board.js";
import { exitMetrics } from "./exits.js";
import { SystemVm } from "./system-vm.js";
import { RAM_BASE } from "./memory-map.js";

const T0 = 5, T1 = 6, T2 = 7, T6 = 31, A6 = 16, A7 = 17;
const MTVEC = 0x305, MEPC = 0x341, MCAUSE = 0x342, MIE = 0x304, MSTATUS = 0x300, SATP = 0x180, SSTATUS = 0x100;
/** Where the trap handler and the S-mode code start, as offsets from RAM_BASE; the root page table's page. */
const HANDLER = 0x200, SCODE = 0x300, ROOT = 0x2000;

/** A tiny assembler over encode(): words placed from RAM_BASE, with `org` to start a routine at an offset. */
class Asm {
  readonly words: number[] = [];
  get here(): number {
    return this.words.length * 4;
  }
  org(offset: number): void {
    if (offset < this.here) throw new Error(`code runs past 0x${offset.toString(16)}`);
    while (this.here < offset) this.words.push(0);
  }
  op(op: Op, o: { rd?: number; rs1?: number; rs2?: number; imm?: number } = {}): void {
    this.words.push(encode(op, o));
  }
  /** rd = a 32-bit constant (sign-extended, as lui + addi give it). */
  li(rd: number, v: number): void {
    const lo = (v << 20) >> 20, hi = (v - lo) | 0;
    if (hi !== 0) this.op(Op.LUI, { rd, imm: hi });
    this.op(Op.ADDI, { rd, rs1: hi !== 0 ? rd : 0, imm: lo });
  }
  /** rd = RAM_BASE + offset (pc-relative). */
  la(rd: number, offset: number): void {
    const from = this.here;
    this.op(Op.AUIPC, { rd, imm: 0 });
    this.op(Op.ADDI, { rd, rs1: rd, imm: offset - from });
  }
  csrw(csr: number, rs1: number): void { this.op(Op.CSRRW, { rd: 0, rs1, imm: csr }); }
  csrr(rd: number, csr: number): void { this.op(Op.CSRRS, { rd, rs1: 0, imm: csr }); }
  csrs(csr: number, rs1: number): void { this.op(Op.CSRRS, { rd: 0, rs1, imm: csr }); }
  csrc(csr: number, rs1: number): void { this.op(Op.CSRRC, { rd: 0, rs1, imm: csr }); }
}

/** The program; the comments count what each step adds. */
function program(): number[] {
  const a = new Asm();
  // M-mode.
  a.la(T0, HANDLER); a.csrw(MTVEC, T0); // csr mtvec 1
  for (let i = 0; i < 3; i++) a.op(Op.ECALL); // ecall.m 3 (each: handler)
  a.li(T0, 0x1000_0000); // the UART
  a.li(T1, 0x48); a.op(Op.SB, { rs1: T0, rs2: T1 }); // THR 'H': mmio 1, bytes_out 1
  a.li(T1, 0x69); a.op(Op.SB, { rs1: T0, rs2: T1 }); // THR 'i'
  a.op(Op.LBU, { rd: T2, rs1: T0, imm: 5 }); // LSR: uart0 3 accesses
  a.li(T0, 0x0200_4000); a.op(Op.SD, { rs1: T0, rs2: 0 }); // mtimecmp = 0: MTIP (clint: two 4-byte accesses)
  a.li(T1, 0x80); a.csrs(MIE, T1); // mie.MTIE (MIE is clear: stays in the loop)
  a.op(Op.WFI); // wfi 1: wakes at once, MTIP is pending
  a.op(Op.CSRRSI, { rd: 0, rs1: 8, imm: MSTATUS }); // mstatus.MIE: the interrupt is ready, so the write leaves the loop
  // ... the MTI is taken here (interrupts.mti 1; the handler clears MTIE).
  a.li(T0, 8); a.op(Op.SLLI, { rd: T0, rs1: T0, imm: 60 }); // satp.MODE = Sv39
  a.li(T1, (RAM_BASE + ROOT) / 4096); a.op(Op.OR, { rd: T0, rs1: T0, rs2: T1 });
  a.csrw(SATP, T0); // satp: leaves the loop, flushes the TLB
  a.li(T0, 1 << 11); a.csrs(MSTATUS, T0); // mstatus.MPP = S: changes translation under MPRV, so it leaves the loop
  a.la(T0, SCODE); a.csrw(MEPC, T0);
  a.op(Op.MRET); // to S-mode

  // The M-mode trap handler: interrupts clear MTIE; exceptions return past the instruction.
  a.org(HANDLER);
  a.csrr(T6, MCAUSE);
  a.op(Op.BLT, { rs1: T6, rs2: 0, imm: 20 });
  a.csrr(T6, MEPC); a.op(Op.ADDI, { rd: T6, rs1: T6, imm: 4 }); a.csrw(MEPC, T6);
  a.op(Op.MRET);
  a.li(T6, 0x80); a.csrc(MIE, T6);
  a.op(Op.MRET);

  // S-mode under Sv39 (gigapages: 0 and RAM identity-mapped, 0x40000000 not mapped).
  a.org(SCODE);
  a.csrr(T0, SSTATUS); // csr sstatus 1
  a.li(T0, 0x4000_0000); a.op(Op.LD, { rd: T1, rs1: T0 }); // load page fault 1
  a.li(A7, 0x54494d45); a.li(A6, 0); a.op(Op.ECALL); // ecall.s, SBI TIME.set_timer
  a.li(A7, 1); a.op(Op.ECALL); // ecall.s, SBI legacy console_putchar
  a.li(T0, 0x1000_0000); a.li(T1, 0x53); a.op(Op.SB, { rs1: T0, rs2: T1 }); // THR 'S'
  a.li(T0, 0x0010_0000); a.li(T1, 0x5555); a.op(Op.SW, { rs1: T0, rs2: T1 }); // the test finisher: pass
  a.op(Op.JAL, { rd: 0, imm: 0 }); // wait for the machine to stop (at the end of the slice)
  return a.words;
}

describe("trap accounting on a bare-metal program", () => {
  test("counts every ecall, SBI call, CSR access, xRET, interrupt, exception, walk and MMIO access exactly", async () => {
    const out: number[] = [];
    const board = new VirtBoard({ memoryMiB: 1, console: (b) => out.push(b) });
    program().forEach((w, i) => board.ram.view.setUint32(i * 4, w >>> 0, true));
    // Root table: entry 0 maps 0..1 GiB (devices: read/write), entry 2 maps RAM (read/write/execute); A and D set.
    board.ram.view.setUint32(ROOT + 0 * 8, 0xc7, true);
    board.ram.view.setUint32(ROOT + 2 * 8, ((RAM_BASE / 4096) << 10) | 0xcf, true);
    board.hart.pc = BigInt(RAM_BASE);
    const stop = await new SystemVm(board).run({ timeoutMs: 5000 });
    assert.deepEqual(stop, { kind: "poweroff", code: 0 });
    assert.deepEqual(String.fromCharCode(...out), "HiS");

    const m = exitMetrics(board);
    assert.ok(m.instructions > 60, `${m.instructions} instructions`);
    assert.deepEqual(m.exits, {
      // 7 trap entries to the handler (3 + 2 ecalls, the page fault, the timer interrupt), each with an mret;
      // the main mret; the three CSR writes that left the loop; the page fault. The final loop ends by budget.
      run_exits: { budget: 1, ecall: 5, trap: 12, wfi: 1 },
      ecall: { s: 2, m: 3 },
      sbi: { "TIME.set_timer": 1, "legacy.console_putchar": 1 },
      csr: { sstatus: 1, mstatus: 2, mie: 2, mtvec: 1, mepc: 13, mcause: 7, satp: 1 },
      csr_exits: { mstatus: 2, satp: 1 },
      xret: { mret: 8 },
      wfi: 1,
      exceptions: { load_page_fault: 1 },
      // S-mode: the code page, the faulting load, and the two device stores (device pages are never cached).
      page_walks: 4,
      tlb_flushes: 1,
      interrupts: { mti: 1 },
      mmio: { test: 1, clint: 2, uart0: 4 },
      console: { bytes_out: 3 },
    });
    const { mmio: _mmio, console: _console, ...perHart } = m.exits; // device counts are the machine's
    assert.deepEqual(m.harts[0], { instructions: m.instructions, exits: perHart });
  });
});
