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
 * Between slices the CLINT timer is sampled and each hart's pending, enabled
 * interrupts are taken. Harts take turns, one slice each.
 */
import { type Hart, Priv } from "../cpu/riscv/hart.js";
import { Exit, run } from "../cpu/riscv/run.js";
import { Cause, Trap } from "../cpu/riscv/trap.js";
import { csrRead, csrWrite, type CsrValue } from "../cpu/riscv/zicsr.js";
import { Irq, Mstatus, PCsr } from "../cpu/riscv/priv/csr.js";
import { isGuestVirtualTval, mret, pendingInterrupt, sret, takeTrap } from "../cpu/riscv/priv/trap.js";
import { Hstatus } from "../cpu/riscv/priv/hcsr.js";
import { checkHypervisorInsn, hypervisorLoadStore, isHypervisorLoadStore } from "../cpu/riscv/priv/hlv.js";
import { decode, newDecoded } from "../isa/riscv/decode.js";
import { Op } from "../isa/riscv/table.js";
import { runWatched } from "../cpu/riscv/priv/watch.js";
import { jitOptions, runTiered } from "../cpu/riscv/jit/tier.js";
import type { BoardHart, StopReason, VirtBoard } from "./board.js";
import { RUN_YIELD } from "./exits.js";
import type { SystemDebugger } from "./debugger.js";
import { yieldToHost } from "../platform/host.js";

/** Instructions per run() slice with one hart: about a millisecond of guest time. */
const SLICE = 100_000;
/**
 * Instructions per slice with several harts, which take turns: short enough
 * that a hart spinning on a lock or waiting for an IPI's answer does not wait
 * long for the hart that will release it.
 */
const SMP_SLICE = 10_000;
/** Host milliseconds between yields to the event loop while the guest runs. */
const YIELD_MS = 20;

/** The environment-call exception of an ecall at `priv` (with V=1 from VS-mode: cause 10). */
function ecallCause(priv: Priv, virt: boolean): Cause {
  return priv === Priv.User ? Cause.EcallU : priv === Priv.Machine ? Cause.EcallM : virt ? Cause.EcallVS : Cause.EcallS;
}

/** A decoded instruction for perform()'s H-extension rows. */
const decoded = newDecoded();

/** Encodings the system VM performs itself. */
const MRET = 0x30200073, SRET = 0x10200073, WFI = 0x10500073;

export interface RunOptions {
  /** Wall-clock limit in milliseconds. */
  timeoutMs?: number;
  /** Called after each batch of slices and before returning (to flush console output). */
  flush?: () => void;
}

/** Why run() returned, beyond the board's own reasons: the host stopped the machine (stop()). */
export type RunStop = StopReason | { kind: "stopped" };

export class SystemVm {
  /** Per hart: it executed wfi and waits for an interrupt (the run loop sets it; read by --debug). */
  readonly waiting: boolean[];
  private readonly old: CsrValue = { lo: 0, hi: 0 };
  /** The exception being delivered comes from HLV/HSV, so its tval is a guest virtual address (hstatus.GVA). */
  private hypervisorAccess = false;
  private readonly slice: number;

  /** Ends the current host sleep early (set while sleeping). */
  private wake: (() => void) | undefined = undefined;
  /** Share of one host core the guest may use, in percent (1-100); below 100 the loop sleeps between batches. */
  cpuQuotaPercent = 100;
  private pauseRequested = false;
  private stopRequested = false;
  /** While paused: resolves the promise pause() returned once the loop has parked, and ends the park. */
  private parked: (() => void)[] = [];
  private unpark: (() => void) | undefined = undefined;
  /** mtime when the loop parked, so the guest's clock continues from there on resume. */
  private pausedMtime = 0;
  /** A debugger holding and stepping the harts (boot --gdb), if one is attached. */
  debugger: SystemDebugger | undefined;

  constructor(readonly board: VirtBoard) {
    board.onInterrupt = () => this.wake?.();
    this.waiting = board.harts.map(() => false);
    this.slice = board.harts.length === 1 ? SLICE : SMP_SLICE;
  }

  /**
   * Runs until the guest powers off or resets, gets stuck, or the timeout
   * passes. The harts take turns, one slice each; when all of them wait in
   * wfi the host sleeps until the next timer deadline or device interrupt.
   */
  async run(opts: RunOptions = {}): Promise<RunStop> {
    const board = this.board, harts = board.harts;
    const deadline = opts.timeoutMs !== undefined ? performance.now() + opts.timeoutMs : Infinity;
    let lastYield = performance.now();
    for (;;) {
      if (this.pauseRequested || this.stopRequested) {
        opts.flush?.();
        if (this.stopRequested) return { kind: "stopped" };
        await this.park();
        lastYield = performance.now();
        continue;
      }
      if (this.debugger?.held) {
        opts.flush?.();
        await this.clockStill(this.debugger.waitForResume());
        lastYield = performance.now();
        continue;
      }
      board.clint.update();
      board.rtc.update();
      let ran = false;
      for (let i = 0; i < harts.length && board.stop === undefined; i++) {
        this.checkInterrupts(harts[i], i);
        if (this.waiting[i]) continue;
        this.runSlice(harts[i], i);
        ran = true;
        if (this.debugger?.held) break; // all-stop: the other harts do not run on
      }
      if (board.stop !== undefined) {
        opts.flush?.();
        this.debugger?.machineEnded(board.stop.kind === "poweroff" ? board.stop.code : 0);
        return board.stop;
      }
      const now = performance.now();
      if (now >= deadline) {
        opts.flush?.();
        return { kind: "timeout" };
      }
      if (!ran) {
        opts.flush?.();
        if (harts.some(({ csrs }) => (csrs.mip & csrs.mie) !== 0)) continue;
        const ms = Math.min(board.clint.msUntilNextTimer() ?? 1000, board.rtc.msUntilAlarm() ?? 1000, 1000, deadline - now);
        await new Promise<void>((r) => {
          const timer = setTimeout(() => { this.wake = undefined; r(); }, Math.max(0, ms));
          this.wake = () => { clearTimeout(timer); this.wake = undefined; r(); };
        });
        lastYield = performance.now();
      } else if (now - lastYield >= YIELD_MS) {
        opts.flush?.();
        // Under a CPU quota q%, each busy stretch is followed by a sleep of (100 - q)/q of its length.
        const rest = this.cpuQuotaPercent < 100 ? ((now - lastYield) * (100 - this.cpuQuotaPercent)) / this.cpuQuotaPercent : 0;
        await (rest > 0 ? new Promise<void>((r) => setTimeout(r, rest)) : yieldToHost());
        lastYield = performance.now();
      }
    }
  }

  /**
   * Asks the run loop to stop executing at the end of the current slice; resolves
   * once it has (a paused machine runs nothing and costs no host CPU, and its
   * mtime stands still until resume()).
   */
  pause(): Promise<void> {
    this.pauseRequested = true;
    this.wake?.();
    return new Promise<void>((r) => {
      if (this.unpark !== undefined) r();
      else this.parked.push(r);
    });
  }

  /** Lets a paused run loop go on; the guest's mtime continues from where it stood. */
  resume(): void {
    this.pauseRequested = false;
    this.unpark?.();
  }

  /** True while the run loop is parked by pause(). */
  get isPaused(): boolean {
    return this.unpark !== undefined;
  }

  /** The guest's mtime now: where it stands still while paused, else the CLINT's (a snapshot records it). */
  get guestMtime(): number {
    return this.isPaused ? this.pausedMtime : this.board.clint.mtime();
  }

  /** Ends a host sleep (every hart in wfi) so the loop looks at its state again (a debugger's hold). */
  wakeUp(): void {
    this.wake?.();
  }

  /** Ends run() at the end of the current slice with { kind: "stopped" } (also from a pause). */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
    this.unpark?.();
  }

  /** Parks the loop until resume() or stop(), keeping mtime still meanwhile. */
  private park(): Promise<void> {
    return this.clockStill(new Promise<void>((r) => {
      this.unpark = () => { this.unpark = undefined; r(); };
      for (const p of this.parked.splice(0)) p();
    }));
  }

  /** Waits for `until` with the guest's mtime standing still meanwhile (a pause, a debugger's hold). */
  private async clockStill(until: Promise<void>): Promise<void> {
    this.pausedMtime = this.board.clint.mtime();
    await until;
    this.board.clint.setMtime(this.pausedMtime);
  }

  /** Takes hart i's highest-priority pending and enabled interrupt, if any (waking it from wfi). */
  private checkInterrupts({ hart, csrs, exits }: BoardHart, i: number): void {
    if (this.waiting[i] && (csrs.mip & csrs.mie) !== 0) this.waiting[i] = false;
    const irq = pendingInterrupt(hart, csrs);
    if (irq < 0) return;
    exits.interrupts[irq]++;
    const fromVirt = hart.virt;
    takeTrap(hart, csrs, irq, true, 0, 0);
    if (fromVirt) exits.guestTrap(true, irq, hart.virt, hart.retired);
  }

  /** Runs one slice of hart i and handles how it ended. */
  private runSlice(bh: BoardHart, i: number): void {
    const h = bh.hart, c = bh.csrs;
    // Another hart ran since this one's last slice and may have written the reserved
    // address: drop the reservation (an SC may fail spuriously; the LR/SC loop retries).
    if (this.waiting.length > 1) h.resValid = false;
    // A debugger's points, and armed triggers (the guest's own), are checked before every instruction.
    const dbg = this.debugger;
    const exit = dbg?.watching ? dbg.runHart(bh, i, this.slice)
      : c.triggers.armed ? runWatched(h, c.triggers, this.slice) : runTiered(h, this.slice, jitOptions.system);
    this.handleExit(bh, i, exit);
    dbg?.afterSlice(i + 1);
  }

  /** Turns how hart i's slice ended into what the architecture does. */
  private handleExit(bh: BoardHart, i: number, exit: Exit): void {
    const h = bh.hart, c = bh.csrs;
    const ex = bh.exits;
    ex.runExits[exit === Exit.Trap && h.trapCause === Cause.Yield ? RUN_YIELD : exit]++;
    switch (exit) {
      case Exit.Budget:
        return;
      case Exit.Ecall:
        // An ecall from (H)S-mode is an SBI call: extension id in a7, function id in a6.
        // One from VS-mode is an SBI call to the guest's hypervisor (counted with the guest's traps).
        if (h.priv === Priv.Supervisor && !h.virt) ex.sbiCall(h.xl[17], h.xh[17], h.xl[16], h.xh[16]);
        this.exception(bh, ecallCause(h.priv, h.virt), 0, 0);
        return;
      case Exit.Wfi:
        if (h.priv < Priv.Machine && (c.mstatus & Mstatus.TW) !== 0) {
          advancePc(h, -4);
          this.exception(bh, Cause.IllegalInsn, WFI, 0);
        } else if (h.virt && (c.hyp.hstatus & Hstatus.VTW) !== 0) {
          advancePc(h, -4);
          this.exception(bh, Cause.VirtualInsn, WFI, 0);
        } else {
          ex.wfi++;
          this.waiting[i] = true;
        }
        return;
      case Exit.Trap:
        if (h.trapCause === Cause.Yield) {
          // The store completed (it sent an IPI): step past it and end the slice.
          advancePc(h, (h.mmu.fetch16(h.pcLo, h.pcHi) & 3) === 3 ? 4 : 2);
          h.instret++;
        } else if (h.trapCause === Cause.IllegalInsn || h.trapCause === Cause.VirtualInsn) this.illegalInstruction(bh);
        else this.exception(bh, h.trapCause, h.trapTvalLo, h.trapTvalHi);
        return;
    }
  }

  /** Takes exception `cause`; stops the machine when the trap vector itself cannot be fetched. */
  private exception({ hart: h, csrs, exits }: BoardHart, cause: Cause, tvalLo: number, tvalHi: number): void {
    exits.exceptions[cause]++;
    const fromLo = h.pcLo, fromHi = h.pcHi, fromVirt = h.virt;
    const gva = (fromVirt || this.hypervisorAccess) && isGuestVirtualTval(cause, tvalLo, tvalHi);
    this.hypervisorAccess = false;
    takeTrap(h, csrs, cause, false, tvalLo, tvalHi, gva);
    if (fromVirt) exits.guestTrap(false, cause, h.virt, h.retired);
    if ((cause === Cause.InsnAccessFault || cause === Cause.InsnPageFault) && h.pcLo === fromLo && h.pcHi === fromHi) {
      this.board.stop = {
        kind: "stuck",
        message: `hart ${csrs.hartId}: instruction fetch at 0x${h.pc.toString(16)} faults (cause ${cause}) and the trap vector points there`,
      };
    }
  }

  /** An illegal-instruction exit: perform the instruction if it is one of ours, else deliver the exception with its bits. */
  private illegalInstruction(bh: BoardHart): void {
    let bits: number;
    try {
      bits = fetchInstruction(bh.hart);
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      this.exception(bh, e.cause, e.tvalLo, e.tvalHi);
      return;
    }
    try {
      if (this.perform(bh, bits)) { bh.hart.instret++; return; }
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      if (e.cause === Cause.VirtualInsn) { this.exception(bh, e.cause, bits, 0); return; }
      if (e.cause !== Cause.IllegalInsn) { this.exception(bh, e.cause, e.tvalLo, e.tvalHi); return; }
    }
    this.exception(bh, Cause.IllegalInsn, bits, 0);
  }

  /**
   * Performs mret, sret, sfence.vma, a CSR instruction or one of the H
   * extension's (HFENCE, HLV, HSV); false for anything else. Throws a Trap
   * when not allowed.
   */
  private perform(bh: BoardHart, bits: number): boolean {
    const { hart: h, csrs: c, exits: ex } = bh;
    if (bits === MRET) { mret(h, c); ex.mret++; ex.countEntry(h.virt, h.retired); return true; }
    if (bits === SRET) { const was = h.virt; sret(h, c); ex.sret++; if (!was) ex.countEntry(h.virt, h.retired); return true; }
    // wfi reaches here from U-mode, where the loop refuses it: in VU-mode it is a virtual instruction unless mstatus.TW.
    if (bits === WFI) {
      if (h.virt && (c.mstatus & Mstatus.TW) === 0) throw new Trap(Cause.VirtualInsn, 0, 0);
      return false;
    }
    if ((bits & 0xfe007fff) === 0x12000073) {
      // sfence.vma: illegal in U-mode, and in S-mode when mstatus.TVM is set; with V=1 a virtual
      // instruction in VU-mode and in VS-mode under hstatus.VTVM, and it flushes the guest's translations.
      if (h.virt) {
        if (h.priv === Priv.User || (c.hyp.hstatus & Hstatus.VTVM) !== 0) throw new Trap(Cause.VirtualInsn, 0, 0);
        c.flushGuest(false);
      } else {
        if (h.priv === Priv.User || (h.priv === Priv.Supervisor && (c.mstatus & Mstatus.TVM) !== 0)) {
          throw new Trap(Cause.IllegalInsn, 0, 0);
        }
        c.flushHost();
      }
      ex.sfenceVma++;
      advancePc(h, 4);
      return true;
    }
    if ((bits & 0x7f) === 0x73 && (bits >>> 25) >= 0x11 && (bits >>> 25) <= 0x37 && c.hExtension) {
      if (this.performHypervisorInsn(bh, bits)) return true;
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
    // Performed outside the loop: a CSR access, and one that left the loop.
    ex.csr[csr]++;
    ex.csrExits[csr]++;
    advancePc(h, 4);
    return true;
  }

  /** Performs HFENCE.VVMA/GVMA, HLV, HLVX or HSV (`bits`); false when `bits` is none of them. */
  private performHypervisorInsn({ hart: h, csrs: c, sv, exits: ex }: BoardHart, bits: number): boolean {
    const d = decode(bits & 0xffff, bits >>> 16, decoded);
    if (d.op === Op.HFENCE_VVMA || d.op === Op.HFENCE_GVMA) {
      checkHypervisorInsn(h, c, false);
      if (d.op === Op.HFENCE_GVMA && h.priv === Priv.Supervisor && (c.mstatus & Mstatus.TVM) !== 0) throw new Trap(Cause.IllegalInsn, 0, 0);
      c.flushGuest(d.op === Op.HFENCE_GVMA);
      ex.hfence++;
    } else if (isHypervisorLoadStore(d.op)) {
      this.hypervisorAccess = true;
      hypervisorLoadStore(h, c, sv, d.op, (bits >>> 7) & 31, (bits >>> 15) & 31, (bits >>> 20) & 31);
      this.hypervisorAccess = false;
      ex.hlv++;
    } else return false;
    advancePc(h, 4);
    return true;
  }
}

/** The instruction bits at hart h's pc (16 bits for a compressed instruction). */
function fetchInstruction(h: Hart): number {
  const lo16 = h.mmu.fetch16(h.pcLo, h.pcHi);
  if ((lo16 & 3) !== 3) return lo16;
  const a = (h.pcLo + 2) | 0;
  const hi16 = h.mmu.fetch16(a, (a >>> 0) < (h.pcLo >>> 0) ? (h.pcHi + 1) | 0 : h.pcHi);
  return ((hi16 << 16) | lo16) | 0;
}

/** Moves hart h's pc by `by` bytes. */
function advancePc(h: Hart, by: number): void {
  const lo = (h.pcLo + by) | 0;
  if (by > 0 && (lo >>> 0) < (h.pcLo >>> 0)) h.pcHi = (h.pcHi + 1) | 0;
  if (by < 0 && (lo >>> 0) > (h.pcLo >>> 0)) h.pcHi = (h.pcHi - 1) | 0;
  h.pcLo = lo;
}
