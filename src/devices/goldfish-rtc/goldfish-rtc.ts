/**
 * The Google Goldfish real-time clock ("google,goldfish-rtc"), as on QEMU's
 * virt board (hw/rtc/goldfish_rtc.c) and driven by Linux's
 * drivers/rtc/rtc-goldfish.c: a 64-bit count of nanoseconds since the Unix
 * epoch and one alarm, behind eight 32-bit registers in a 0x1000-byte window.
 * The register layout is that of the Goldfish virtual hardware document
 * (GOLDFISH-VIRTUAL-HARDWARE.TXT, "goldfish_rtc").
 *
 * Time is the host's wall clock plus an offset: writing TIME_HIGH then
 * TIME_LOW (the order Linux uses) sets the guest's time without touching the
 * host's. Reading TIME_LOW latches the high half that TIME_HIGH returns, so a
 * low-then-high read never tears.
 *
 * The alarm: ALARM_HIGH holds the high half, writing ALARM_LOW arms the alarm
 * at ALARM_HIGH:ALARM_LOW (ALARM_STATUS reads 1 while it is armed). When the
 * time reaches it the alarm disarms and the interrupt becomes pending; the
 * line is high while the interrupt is pending and IRQ_ENABLED is 1, until the
 * guest writes CLEAR_INTERRUPT. As in QEMU, an alarm that fires while
 * IRQ_ENABLED is 0 stays pending and raises the line once it is enabled. An
 * alarm armed in the past fires at once. Deadlines are checked on every
 * register access and whenever the board calls update().
 */
import type { Device, IrqLine } from "../device.js";
import { monotonicNs } from "../../platform/host.js";

/** Register offsets (all 32 bits wide). */
export const enum GoldfishRtcReg {
  /** Read: low half of the time now, latching the high half. Write: low half of a new time, which takes effect */
  TimeLow = 0x00,
  /** Read: the high half latched by the last TIME_LOW read. Write: high half of a new time */
  TimeHigh = 0x04,
  /** Low half of the alarm; writing it arms the alarm */
  AlarmLow = 0x08,
  /** High half of the alarm */
  AlarmHigh = 0x0c,
  /** Bit 0: the alarm interrupt may raise the line */
  IrqEnabled = 0x10,
  /** Write: disarm the alarm */
  ClearAlarm = 0x14,
  /** Read: 1 while the alarm is armed */
  AlarmStatus = 0x18,
  /** Write: the pending alarm interrupt is handled (lowers the line) */
  ClearInterrupt = 0x1c,
}

/** Size of the register window on the virt board. */
export const GOLDFISH_RTC_SIZE = 0x1000;

/** The host's wall clock in nanoseconds since the Unix epoch: Date.now() at the first call, advanced by the host's monotonic clock. */
export function hostClockNs(): () => bigint {
  const wall0 = BigInt(Date.now()) * 1_000_000n;
  const hr0 = monotonicNs();
  return () => wall0 + (monotonicNs() - hr0);
}

const U32 = 0xffffffffn;

/**
 * The RTC's registers as a snapshot keeps them (64-bit values as decimal
 * strings). The guest's time is kept as its offset from the host's wall clock,
 * so a restored guest's time of day is the real one, as a machine's battery-backed
 * clock keeps time while the machine is off.
 */
export interface GoldfishRtcState {
  /** Guest time minus host time, in nanoseconds (modulo 2^64). */
  offset: string;
  latchedHigh: number;
  /** TIME_HIGH written and waiting for its TIME_LOW (absent: none). */
  pendingTimeHigh?: number;
  /** ALARM_HIGH:ALARM_LOW. */
  alarm: string;
  alarmRunning: boolean;
  irqEnabled: boolean;
  irqPending: boolean;
}

/** The Goldfish RTC device. */
export class GoldfishRtc implements Device {
  readonly name = "rtc";
  readonly size = GOLDFISH_RTC_SIZE;
  /** Guest time minus host time, in nanoseconds (modulo 2^64). */
  private offset = 0n;
  /** The high half of the time latched by the last TIME_LOW read. */
  private latchedHigh = 0;
  /** The high half written to TIME_HIGH, waiting for the TIME_LOW write that completes the new time. */
  private pendingTimeHigh: number | undefined;
  /** ALARM_HIGH:ALARM_LOW. */
  private alarm = 0n;
  /** ALARM_STATUS: the alarm is armed and has not fired. */
  private alarmRunning = false;
  /** IRQ_ENABLED bit 0. */
  private irqEnabled = false;
  /** The alarm fired and CLEAR_INTERRUPT has not been written since. */
  private irqPending = false;

  constructor(
    /** The interrupt line (to the PLIC). */
    private readonly irq: IrqLine,
    /** Host time in nanoseconds since the Unix epoch; tests inject their own. */
    private readonly clockNs: () => bigint = hostClockNs(),
  ) {}

  /** The guest's time now, in nanoseconds since the Unix epoch. */
  timeNs(): bigint {
    return BigInt.asUintN(64, this.clockNs() + this.offset);
  }

  /** The registers, for a snapshot. */
  save(): GoldfishRtcState {
    const s: GoldfishRtcState = {
      offset: this.offset.toString(), latchedHigh: this.latchedHigh,
      alarm: this.alarm.toString(), alarmRunning: this.alarmRunning, irqEnabled: this.irqEnabled, irqPending: this.irqPending,
    };
    if (this.pendingTimeHigh !== undefined) s.pendingTimeHigh = this.pendingTimeHigh;
    return s;
  }

  /** Takes the registers of save() and drives the line (an alarm due meanwhile fires now). */
  restore(s: GoldfishRtcState): void {
    this.offset = BigInt.asUintN(64, BigInt(s.offset));
    this.latchedHigh = s.latchedHigh;
    this.pendingTimeHigh = s.pendingTimeHigh;
    this.alarm = BigInt.asUintN(64, BigInt(s.alarm));
    this.alarmRunning = s.alarmRunning;
    this.irqEnabled = s.irqEnabled;
    this.irqPending = s.irqPending;
    this.update();
  }

  /** Fires the alarm if its time has come and drives the line; the board calls this periodically. */
  update(): void {
    if (this.alarmRunning && this.timeNs() >= this.alarm) {
      this.alarmRunning = false;
      this.irqPending = true;
    }
    this.irq.set(this.irqPending && this.irqEnabled);
  }

  /** Host milliseconds until the armed alarm fires (0 if it is due), or undefined when no alarm is armed. */
  msUntilAlarm(): number | undefined {
    if (!this.alarmRunning) return undefined;
    const ns = this.alarm - this.timeNs();
    return ns <= 0n ? 0 : Number(ns) / 1e6;
  }

  read(offset: number, width: number): number {
    if (width !== 4 || (offset & 3) !== 0) return 0;
    this.update();
    switch (offset) {
      case GoldfishRtcReg.TimeLow: {
        const t = this.timeNs();
        this.latchedHigh = Number(t >> 32n);
        return Number(t & U32);
      }
      case GoldfishRtcReg.TimeHigh: return this.latchedHigh;
      case GoldfishRtcReg.AlarmLow: return Number(this.alarm & U32);
      case GoldfishRtcReg.AlarmHigh: return Number(this.alarm >> 32n);
      case GoldfishRtcReg.IrqEnabled: return this.irqEnabled ? 1 : 0;
      case GoldfishRtcReg.AlarmStatus: return this.alarmRunning ? 1 : 0;
    }
    return 0;
  }

  write(offset: number, width: number, value: number): void {
    if (width !== 4 || (offset & 3) !== 0) return;
    const v = BigInt(value >>> 0);
    switch (offset) {
      case GoldfishRtcReg.TimeLow: {
        // A TIME_LOW write alone keeps the current high half (as QEMU does).
        const high = this.pendingTimeHigh !== undefined ? BigInt(this.pendingTimeHigh) : this.timeNs() >> 32n;
        this.pendingTimeHigh = undefined;
        this.offset = BigInt.asUintN(64, ((high << 32n) | v) - this.clockNs());
        break;
      }
      case GoldfishRtcReg.TimeHigh: this.pendingTimeHigh = value >>> 0; break;
      case GoldfishRtcReg.AlarmLow:
        this.alarm = (this.alarm & (U32 << 32n)) | v;
        this.alarmRunning = true;
        break;
      case GoldfishRtcReg.AlarmHigh: this.alarm = (v << 32n) | (this.alarm & U32); break;
      case GoldfishRtcReg.IrqEnabled: this.irqEnabled = (value & 1) !== 0; break;
      case GoldfishRtcReg.ClearAlarm: this.alarmRunning = false; break;
      case GoldfishRtcReg.ClearInterrupt: this.irqPending = false; break;
      default: return;
    }
    this.update();
  }
}
