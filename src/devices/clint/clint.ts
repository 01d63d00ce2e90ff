/**
 * The core-local interruptor (CLINT), as on SiFive cores and QEMU's virt
 * board: per-hart software-interrupt (msip) and timer-compare (mtimecmp)
 * registers and the shared real-time counter (mtime). Register offsets are
 * those of the SiFive CLINT and of the RISC-V ACLINT specification (MSWI at
 * 0x0000, MTIMER's mtimecmp at 0x4000 and mtime at 0xbff8).
 *
 * mtime counts at `hz` ticks per second from the host's monotonic clock,
 * starting at 0 when the device is made. The timer line of a hart is high
 * while mtime >= its mtimecmp; it is re-evaluated on every mtimecmp write and
 * whenever the board calls update().
 */
import type { Device, IrqLine } from "../device.js";
import { readLane } from "../device.js";
import { monotonicNs } from "../../platform/host.js";

/** Register offsets. */
export const enum ClintReg {
  /** msip of hart 0; hart n at 4n */
  Msip = 0x0000,
  /** mtimecmp of hart 0; hart n at 8n */
  Mtimecmp = 0x4000,
  /** mtime (64-bit) */
  Mtime = 0xbff8,
}

/** Size of the CLINT window on the virt board. */
export const CLINT_SIZE = 0x10000;

const NEVER = 2 ** 64;

/** The CLINT's registers as a snapshot keeps them. */
export interface ClintState {
  /** msip per hart (0 or 1). */
  msip: number[];
  /** mtimecmp per hart (2^64: never written). */
  mtimecmp: number[];
  /** mtime when saved: a restored CLINT counts on from it (setMtime). */
  mtime: number;
  /** The high half latched by the last read of mtime's low half. */
  latchedHi: number;
}

export class Clint implements Device {
  readonly name = "clint";
  readonly size = CLINT_SIZE;
  /** Host monotonic time (ns) at which mtime was 0. */
  private start = monotonicNs();
  private readonly mtimecmp: number[];
  private readonly msip: number[];
  /** Called when a write raises a hart's msip (the board may let that hart run sooner). */
  onIpi: () => void = () => {};
  /** The high half of mtime latched by the last read of its low half, so a 64-bit read never tears. */
  private latchedHi = 0;

  constructor(
    /** Per hart: the software-interrupt line (MSIP). */
    private readonly softLines: IrqLine[],
    /** Per hart: the timer line (MTIP). */
    private readonly timerLines: IrqLine[],
    /** mtime frequency. */
    readonly hz: number,
  ) {
    this.mtimecmp = softLines.map(() => NEVER);
    this.msip = softLines.map(() => 0);
  }

  /** The current value of mtime. */
  mtime(): number {
    return Number(((monotonicNs() - this.start) * BigInt(this.hz)) / 1_000_000_000n);
  }

  /**
   * Makes mtime read `value` now and count on from there (a restored snapshot,
   * or a resumed pause: the guest's clock does not jump over the time it was stopped).
   */
  setMtime(value: number): void {
    this.start = monotonicNs() - (BigInt(Math.round(value)) * 1_000_000_000n) / BigInt(this.hz);
  }

  /** The registers and the current mtime, for a snapshot. */
  save(): ClintState {
    return { msip: [...this.msip], mtimecmp: [...this.mtimecmp], mtime: this.mtime(), latchedHi: this.latchedHi };
  }

  /** Takes the registers of save(), continues mtime from its saved value, and drives the lines to match. */
  restore(s: ClintState): void {
    if (s.msip.length !== this.msip.length || s.mtimecmp.length !== this.mtimecmp.length) {
      throw new RangeError(`CLINT state is for ${s.msip.length} harts, not ${this.msip.length}`);
    }
    s.msip.forEach((v, i) => { this.msip[i] = v & 1; this.softLines[i].set((v & 1) !== 0); });
    s.mtimecmp.forEach((v, i) => { this.mtimecmp[i] = v; });
    this.latchedHi = s.latchedHi;
    this.setMtime(s.mtime);
    this.update();
  }

  /** Re-evaluates every timer line against mtime now. */
  update(): void {
    const now = this.mtime();
    for (let i = 0; i < this.timerLines.length; i++) this.timerLines[i].set(now >= this.mtimecmp[i]);
  }

  /**
   * Host milliseconds until the earliest timer whose line is still low fires
   * (0 if it is due), or undefined when there is none. A timer whose line is
   * high is left out: a hart that masks it must not keep the host awake.
   */
  msUntilNextTimer(): number | undefined {
    let next = NEVER;
    for (let i = 0; i < this.mtimecmp.length; i++) {
      if (!this.timerLines[i].high && this.mtimecmp[i] < next) next = this.mtimecmp[i];
    }
    if (next >= NEVER) return undefined;
    return Math.max(0, ((next - this.mtime()) * 1000) / this.hz);
  }

  read(offset: number, width: number): number {
    if (offset < ClintReg.Mtimecmp) {
      const i = offset >>> 2;
      return i < this.msip.length && (offset & 3) === 0 ? this.msip[i] : 0;
    }
    if (offset >= ClintReg.Mtime) {
      if ((offset & 4) === 0) {
        const t = this.mtime();
        this.latchedHi = Math.floor(t / 4294967296);
        return readLane(t, offset, width);
      }
      return readLane(this.latchedHi * 4294967296, offset, width);
    }
    const i = (offset - ClintReg.Mtimecmp) >>> 3;
    return i < this.mtimecmp.length ? readLane(Math.min(this.mtimecmp[i], 2 ** 64 - 1), offset, width) : 0;
  }

  write(offset: number, width: number, value: number): void {
    if (offset < ClintReg.Mtimecmp) {
      const i = offset >>> 2;
      if (i < this.msip.length && (offset & 3) === 0) {
        this.msip[i] = value & 1;
        this.softLines[i].set((value & 1) !== 0);
        if ((value & 1) !== 0) this.onIpi();
      }
      return;
    }
    if (offset >= ClintReg.Mtime) return; // mtime is read-only here (the host clock drives it)
    const i = (offset - ClintReg.Mtimecmp) >>> 3;
    if (i >= this.mtimecmp.length || width !== 4) return;
    const old = this.mtimecmp[i];
    const lo = old % 4294967296, hi = Math.floor(old / 4294967296);
    this.mtimecmp[i] = (offset & 4) === 0 ? hi * 4294967296 + (value >>> 0) : (value >>> 0) * 4294967296 + lo;
    this.timerLines[i].set(this.mtime() >= this.mtimecmp[i]);
  }
}
