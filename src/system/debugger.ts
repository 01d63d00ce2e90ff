/**
 * The system VM under a debugger: each hart is a GDB thread (id = hart id +
 * 1), with its CSRs and privilege level as registers; memory is read and
 * written through the hart's current translation (a page walk that sets no
 * A/D bits), or physically after QEMU's Qqemu.PhyMemMode:1. While the
 * debugger holds the machine, no hart runs and the guest's clock stands
 * still (system-vm.ts). A hart that runs under the debugger's points still
 * honours the guest's own Sdtrig triggers.
 */
import { Priv, type Hart } from "../cpu/riscv/hart.js";
import { Exit } from "../cpu/riscv/run.js";
import { Trap } from "../cpu/riscv/trap.js";
import { csrRead, csrWrite, type CsrValue } from "../cpu/riscv/zicsr.js";
import { runWatched } from "../cpu/riscv/priv/watch.js";
import { PrivCsrs } from "../cpu/riscv/priv/csr.js";
import type { SvTranslator } from "../cpu/riscv/priv/sv.js";
import { step } from "../cpu/riscv/step.js";
import { Access } from "../mem/mmu.js";
import { HeldGuest, SIGINT, SIGTRAP } from "../debug/held-guest.js";
import type { DebugTarget, PrivilegedRegisters, StopEvent } from "../debug/target.js";
import type { BoardHart, VirtBoard } from "./board.js";
import { RAM_BASE } from "./memory-map.js";


/** A board's harts held by, and run for, a debugger. */
export class SystemDebugger extends HeldGuest implements DebugTarget, PrivilegedRegisters {
  readonly privileged: PrivilegedRegisters = this;
  readonly attachedToExisting = true;
  private physical = false;
  /** Asks the run loop to notice a hold (it may be asleep with every hart in wfi). */
  wake: () => void = () => {};
  /** Stops the machine (the debugger's kill). */
  end: () => void = () => {};

  /**
   * A debugger target for the harts of the machine's current board (`board`
   * gives it: a guest reset builds a new one), held from the start when
   * `held` (boot -S).
   */
  constructor(private readonly current: () => VirtBoard, held: boolean) {
    super(held);
  }

  private get board(): VirtBoard {
    return this.current();
  }

  /** The stop a debugger that connects now finds: the machine is held there. */
  holdNow(): StopEvent {
    this.held = true;
    this.wake();
    return { kind: "signal", thread: 1, signal: SIGTRAP };
  }

  /** Runs hart i for up to `budget` instructions under the points (and the guest's own triggers). */
  runHart(bh: BoardHart, i: number, budget: number): Exit {
    const t = bh.csrs.triggers;
    return this.run(i + 1, bh.hart, budget, (h) => (t.armed ? runWatched(h, t, 1) : step(h)));
  }

  /** The machine stopped (powered off, reset or stuck). */
  machineEnded(code: number): void {
    this.ended({ kind: "exited", code });
  }

  threadIds(): number[] {
    return this.board.harts.map((_, i) => i + 1);
  }

  hart(tid: number): Hart | undefined {
    return this.board.harts[tid - 1]?.hart;
  }

  read(tid: number, addr: bigint, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    return this.access(tid, addr, len, (off, n, done) => out.set(this.board.ram.u8.subarray(off, off + n), done)) ? out : undefined;
  }

  write(tid: number, addr: bigint, data: Uint8Array): boolean {
    const ok = this.access(tid, addr, data.length, (off, n, done) => this.board.ram.u8.set(data.subarray(done, done + n), off));
    if (ok) this.board.harts[0].hart.cache.fenceI();
    return ok;
  }

  /** Walks [addr, addr + len) page by page as thread `tid` sees memory; false if some page is not RAM or not mapped. */
  private access(tid: number, addr: bigint, len: number, f: (off: number, n: number, done: number) => void): boolean {
    const bh = this.board.harts[tid - 1];
    if (bh === undefined) return false;
    for (let done = 0; done < len; ) {
      const a = BigInt.asUintN(64, addr + BigInt(done));
      const inPage = Number(a & 0xfffn), n = Math.min(len - done, 4096 - inPage);
      const page = this.pageOf(bh, a - BigInt(inPage));
      if (page === undefined) return false;
      f(page + inPage, n, done);
      done += n;
    }
    return true;
  }

  /** The RAM offset of the page at `va`, or undefined. */
  private pageOf(bh: BoardHart, va: bigint): number | undefined {
    if (this.physical) {
      const off = Number(va) - RAM_BASE;
      return off >= 0 && off < this.board.ram.size ? off : undefined;
    }
    try {
      const off = (bh.hart.mmu.translator as SvTranslator).translate(Number(BigInt.asIntN(32, va)), Number(BigInt.asIntN(32, va >> 32n)), Access.Read, true);
      return off >= 0 ? off : undefined;
    } catch (e) {
      if (e instanceof Trap) return undefined;
      throw e;
    }
  }

  auxv(): undefined {
    return undefined;
  }

  interrupt(): void {
    if (this.held) return;
    this.stop({ kind: "signal", thread: 1, signal: SIGINT });
    this.wake();
  }

  kill(): void {
    this.attached = false;
    this.end();
    this.resume({ step: undefined, signal: 0 });
  }

  readCsr(tid: number, csr: number): bigint | undefined {
    const h = this.hart(tid);
    if (h === undefined) return undefined;
    const v: CsrValue = { lo: 0, hi: 0 };
    return asMachine(h, () => csrRead(h, csr, v)) ? (BigInt(v.hi >>> 0) << 32n) | BigInt(v.lo >>> 0) : undefined;
  }

  writeCsr(tid: number, csr: number, v: bigint): boolean {
    const h = this.hart(tid), c = this.board.harts[tid - 1]?.csrs;
    if (h === undefined || c === undefined) return false;
    const lo = Number(BigInt.asIntN(32, v)), hi = Number(BigInt.asIntN(32, v >> 32n));
    return asMachine(h, () => { if (!c.writeFull(h, csr, lo, hi)) csrWrite(h, csr, lo, hi); });
  }

  priv(tid: number): number {
    return this.hart(tid)?.priv ?? 0;
  }

  setPriv(tid: number, priv: number): void {
    const bh = this.board.harts[tid - 1];
    if (bh !== undefined && (priv === Priv.User || priv === Priv.Supervisor || priv === Priv.Machine)) {
      bh.hart.priv = priv;
      bh.csrs.onContextChange();
    }
  }

  setPhysical(on: boolean): void {
    this.physical = on;
  }
}

/**
 * Runs `f` with hart h in M-mode and V=0 (a debugger reaches any CSR, and
 * sees the HS-level ones, as QEMU's stub does); false when it raised a trap.
 */
function asMachine(h: Hart, f: () => void): boolean {
  const priv = h.priv, virt = h.virt, c = h.csrFile instanceof PrivCsrs ? h.csrFile : undefined;
  if (virt) c?.leaveVirt(h);
  h.priv = Priv.Machine;
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof Trap) return false;
    throw e;
  } finally {
    h.priv = priv;
    if (virt) c?.enterVirt(h);
  }
}
