/**
 * The system VM's run loop. It runs the interpreter in slices and turns what
 * run() returns into architectural events:
 *
 * - Exit.Ecall becomes an environment-call exception (cause 8, 9 or 11 by privilege).
 * - Exit.Trap becomes the exception in hart.trapCause, except an illegal
 *   instruction that is one the system VM performs itself: mret, sret,
 *   sfence.vma and CSR accesses the CSR file refused inside the loop because
 *   they change privilege, translation or interrupt state. Illegal-instruction
 *   traps get the instruction's bits in xtval.
 * - Exit.Wfi stops the hart until an interrupt is pending (mip & mie), sleeping
 *   the host until the next timer deadline; with mstatus.TW below M-mode it is
 *   an illegal instruction instead.
 *
 * Between slices (and after every trap, xRET and emulated CSR write) the CLINT
 * timer is sampled and pending, enabled interrupts are taken.
 */
import { Priv } from "../cpu/riscv/hart.js";
import { Exit, run } from "../cpu/riscv/run.js";
import { Cause, Trap } from "../cpu/riscv/trap.js";
import { csrRead, csrWrite, type CsrValue } from "../cpu/riscv/zicsr.js";
import { Irq, Mstatus, PCsr } from "../cpu/riscv/priv/csr.js";
import { mret, pendingInterrupt, sret, takeTrap } from "../cpu/riscv/priv/trap.js";
import type { StopReason, VirtBoard } from "./board.js";

/** Instructions per run() slice: about half a millisecond of guest time. */
const SLICE = 100_000;
/** Host milliseconds between yields to the event loop while the guest runs. */
const YIELD_MS = 20;

const ECALL_CAUSE: Record<number, Cause> = {
  [Priv.User]: Cause.EcallU, [Priv.Supervisor]: Cause.EcallS, [Priv.Machine]: Cause.EcallM,
};

/** Encodings the system VM performs itself. */
const MRET = 0x30200073, SRET = 0x10200073, WFI = 0x10500073;

export interface RunOptions {
  /** Wall-clock limit in milliseconds. */
  timeoutMs?: number;
  /** Called after each batch of slices and before returning (to flush console output). */
  flush?: () => void;
}

export class SystemVm {
  /** The hart executed wfi and waits for an interrupt (the run loop sets it; read by --debug). */
  waiting = false;
  private readonly old: CsrValue = { lo: 0, hi: 0 };

  constructor(readonly board: VirtBoard) {}

  /** Runs until the guest powers off or resets, gets stuck, or the timeout passes. */
  async run(opts: RunOptions = {}): Promise<StopReason> {
    const board = this.board;
    const deadline = opts.timeoutMs !== undefined ? performance.now() + opts.timeoutMs : Infinity;
    let lastYield = performance.now();
    for (;;) {
      board.clint.update();
      if (board.stop === undefined) this.checkInterrupts();
      if (board.stop === undefined && !this.waiting) this.slice();
      if (board.stop !== undefined) {
        opts.flush?.();
        return board.stop;
      }
      const now = performance.now();
      if (now >= deadline) {
        opts.flush?.();
        return { kind: "timeout" };
      }
      if (this.waiting) {
        opts.flush?.();
        const c = board.csrs;
        if ((c.mip & c.mie) !== 0) { this.waiting = false; continue; }
        const due = board.clint.msUntilNextTimer();
        const ms = Math.min(due ?? 1000, 1000, deadline - now);
        await new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
        lastYield = performance.now();
      } else if (now - lastYield >= YIELD_MS) {
        opts.flush?.();
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
  }

  /** Takes the highest-priority pending and enabled interrupt, if any (waking a waiting hart). */
  private checkInterrupts(): void {
    const c = this.board.csrs;
    if (this.waiting && (c.mip & c.mie) !== 0) this.waiting = false;
    const irq = pendingInterrupt(this.board.hart, c);
    if (irq >= 0) takeTrap(this.board.hart, c, irq, true, 0, 0);
  }

  /** Runs one slice and handles how it ended. */
  private slice(): void {
    const h = this.board.hart, c = this.board.csrs;
    const exit = run(h, SLICE);
    switch (exit) {
      case Exit.Budget:
        return;
      case Exit.Ecall:
        this.exception(ECALL_CAUSE[h.priv], 0, 0);
        return;
      case Exit.Wfi:
        if (h.priv < Priv.Machine && (c.mstatus & Mstatus.TW) !== 0) {
          this.advancePc(-4);
          this.exception(Cause.IllegalInsn, WFI, 0);
        } else this.waiting = true;
        return;
      case Exit.Trap:
        if (h.trapCause === Cause.IllegalInsn) this.illegalInstruction();
        else this.exception(h.trapCause, h.trapTvalLo, h.trapTvalHi);
        return;
    }
  }

  /** Takes exception `cause`; stops the machine when the trap vector itself cannot be fetched. */
  private exception(cause: Cause, tvalLo: number, tvalHi: number): void {
    const h = this.board.hart;
    const fromLo = h.pcLo, fromHi = h.pcHi;
    takeTrap(h, this.board.csrs, cause, false, tvalLo, tvalHi);
    if ((cause === Cause.InsnAccessFault || cause === Cause.InsnPageFault) && h.pcLo === fromLo && h.pcHi === fromHi) {
      this.board.stop = {
        kind: "stuck",
        message: `instruction fetch at 0x${h.pc.toString(16)} faults (cause ${cause}) and the trap vector points there`,
      };
    }
  }

  /** An illegal-instruction exit: perform the instruction if it is one of ours, else deliver the exception with its bits. */
  private illegalInstruction(): void {
    const h = this.board.hart;
    let bits: number;
    try {
      bits = this.fetchInstruction();
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      this.exception(e.cause, e.tvalLo, e.tvalHi);
      return;
    }
    try {
      if (this.perform(bits)) { h.instret++; return; }
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      if (e.cause !== Cause.IllegalInsn) { this.exception(e.cause, e.tvalLo, e.tvalHi); return; }
    }
    this.exception(Cause.IllegalInsn, bits, 0);
  }

  /** The instruction bits at pc (16 bits for a compressed instruction). */
  private fetchInstruction(): number {
    const h = this.board.hart;
    const lo16 = h.mmu.fetch16(h.pcLo, h.pcHi);
    if ((lo16 & 3) !== 3) return lo16;
    const a = (h.pcLo + 2) | 0;
    const hi16 = h.mmu.fetch16(a, (a >>> 0) < (h.pcLo >>> 0) ? (h.pcHi + 1) | 0 : h.pcHi);
    return ((hi16 << 16) | lo16) | 0;
  }

  /** Performs mret, sret, sfence.vma or a CSR instruction; false for anything else. Throws a Trap when not allowed. */
  private perform(bits: number): boolean {
    const h = this.board.hart, c = this.board.csrs;
    if (bits === MRET) { mret(h, c); return true; }
    if (bits === SRET) { sret(h, c); return true; }
    if ((bits & 0xfe007fff) === 0x12000073) {
      // sfence.vma: illegal in U-mode, and in S-mode when mstatus.TVM is set.
      if (h.priv === Priv.User || (h.priv === Priv.Supervisor && (c.mstatus & Mstatus.TVM) !== 0)) {
        throw new Trap(Cause.IllegalInsn, 0, 0);
      }
      h.mmu.flush();
      this.advancePc(4);
      return true;
    }
    const f3 = (bits >>> 12) & 7;
    if ((bits & 0x7f) !== 0x73 || (f3 & 3) === 0) return false;
    const csr = bits >>> 20, rd = (bits >>> 7) & 31, rs1 = (bits >>> 15) & 31;
    const kind = f3 & 3; // 1 = write, 2 = set bits, 3 = clear bits
    const srcLo = (f3 & 4) !== 0 ? rs1 : h.xl[rs1], srcHi = (f3 & 4) !== 0 ? 0 : h.xh[rs1];
    const old = this.old;
    old.lo = 0; old.hi = 0;
    if (kind !== 1 || rd !== 0) csrRead(h, csr, old);
    if (kind === 1 || rs1 !== 0) {
      // Privileged spec, mip: a read-modify-write (csrrs/csrrc) uses only the software-writable
      // SEIP bit, not the PLIC's signal; otherwise OpenSBI's csr_clear(mip, STIP) while an
      // external interrupt is pending would latch SEIP for ever (an interrupt storm in Linux).
      const base = csr === PCsr.mip ? c.mipSw | (c.mipHw & ~(1 << Irq.SEI)) : old.lo;
      const lo = kind === 1 ? srcLo : kind === 2 ? base | srcLo : base & ~srcLo;
      const hi = kind === 1 ? srcHi : kind === 2 ? old.hi | srcHi : old.hi & ~srcHi;
      if ((csr >>> 10) === 3) throw new Trap(Cause.IllegalInsn, 0, 0);
      if (!c.writeFull(h, csr, lo, hi)) csrWrite(h, csr, lo, hi);
    }
    if (rd !== 0) { h.xl[rd] = old.lo; h.xh[rd] = old.hi; }
    this.advancePc(4);
    return true;
  }

  private advancePc(by: number): void {
    const h = this.board.hart;
    const lo = (h.pcLo + by) | 0;
    if (by > 0 && (lo >>> 0) < (h.pcLo >>> 0)) h.pcHi = (h.pcHi + 1) | 0;
    if (by < 0 && (lo >>> 0) > (h.pcLo >>> 0)) h.pcHi = (h.pcHi - 1) | 0;
    h.pcLo = lo;
  }
}
