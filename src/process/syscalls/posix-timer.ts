/**
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete. A timer runs on a guest clock (ClockTimer)
 * and on expiry queues a signal with si_code SI_TIMER, si_timerid, si_overrun
 * and the sigev_value it was created with, to the process (SIGEV_SIGNAL) or to
 * one thread (SIGEV_THREAD_ID, which glibc's SIGEV_THREAD is built on), or
 * nothing (SIGEV_NONE). While its signal is still queued, further expirations
 * only raise that signal's si_overrun, as Linux does.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { clockNs } from "./time.js";
import type { Process } from "../process.js";
import { ThreadState, type Thread } from "../thread.js";
import { ClockTimer, type TimerSpec } from "../host-timer.js";
import { NSIG, SiCode, Sig, postSignal, type QueuedSignal } from "../signals.js";
import { Siginfo } from "../signal-frame.js";

/** sigev_notify values. */
const enum Notify {
  SIGNAL = 0,
  NONE = 1,
  THREAD = 2,
  /** SIGEV_SIGNAL aimed at the thread in sigev_notify_thread_id. */
  THREAD_ID = 4,
}

/** struct sigevent (64-bit): sigev_value +0, sigev_signo +8, sigev_notify +12, sigev_notify_thread_id +16. */
const enum Sigevent {
  Value = 0,
  Signo = 8,
  Notify = 12,
  ThreadId = 16,
  Size = 64,
}

/** _timer fields of siginfo_t: si_tid (the timer id) +16, si_overrun +20, si_value +24. */
const enum TimerInfo {
  Tid = 16,
  Overrun = 20,
}

const TIMER_ABSTIME = 1;
const NS = 1_000_000_000n;
/** DELAYTIMER_MAX: the largest overrun count reported. */
const DELAYTIMER_MAX = 0x7fffffff;

/** Clocks timer_create accepts: REALTIME, MONOTONIC, PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID, BOOTTIME. */
const TIMER_CLOCKS = new Set([0, 1, 2, 3, 7]);
/** MONOTONIC_RAW, REALTIME_COARSE, MONOTONIC_COARSE: clocks without timers (EOPNOTSUPP). */
const NO_TIMER_CLOCKS = new Set([4, 5, 6]);
/** REALTIME_ALARM and BOOTTIME_ALARM need CAP_WAKE_ALARM. */
const ALARM_CLOCKS = new Set([8, 9]);

/** One timer_create timer. */
class PosixTimer {
  readonly clock: ClockTimer;
  /** The signal last queued for this timer (still queued, or delivered). */
  private sig: QueuedSignal | undefined;
  /** si_overrun of the last signal delivered (timer_getoverrun). */
  private lastOverrun = 0;

  constructor(
    private readonly p: Process,
    readonly id: number,
    clock: number,
    private readonly notify: number,
    private readonly signo: number,
    private readonly value: bigint,
    private readonly target: Thread | undefined,
  ) {
    this.clock = new ClockTimer(clock, (n) => this.expire(n));
  }

  /** True if `s` is waiting in a queue of the process or one of its threads. */
  private queued(s: QueuedSignal): boolean {
    const p = this.p;
    return p.signals.shared.includes(s) || p.threads.some((t) => t.pending.includes(s));
  }

  private overrunOf(s: QueuedSignal): number {
    return new DataView(s.info!.buffer).getInt32(TimerInfo.Overrun, true);
  }

  private expire(n: bigint): void {
    const p = this.p;
    if (p.exited) { this.clock.clear(); return; }
    if (this.notify === Notify.NONE) return;
    const prev = this.sig;
    if (prev !== undefined && this.queued(prev)) {
      const v = new DataView(prev.info!.buffer);
      v.setInt32(TimerInfo.Overrun, Math.min(DELAYTIMER_MAX, v.getInt32(TimerInfo.Overrun, true) + Number(n)), true);
      return;
    }
    if (prev !== undefined) this.lastOverrun = this.overrunOf(prev);
    const info = new Uint8Array(Siginfo.Size);
    const v = new DataView(info.buffer);
    v.setInt32(Siginfo.Signo, this.signo, true);
    v.setInt32(Siginfo.Code, SiCode.SI_TIMER, true);
    v.setInt32(TimerInfo.Tid, this.id, true);
    v.setInt32(TimerInfo.Overrun, Math.min(DELAYTIMER_MAX, Number(n - 1n)), true);
    v.setBigUint64(Siginfo.Value, this.value, true);
    const sig: QueuedSignal = { signo: this.signo, code: SiCode.SI_TIMER, addr: 0, pid: 0, uid: 0, info };
    this.sig = sig;
    const to = this.target !== undefined && this.target.state !== ThreadState.Exited ? this.target : undefined;
    postSignal(p, to, sig);
  }

  /** timer_getoverrun: the overrun count of the last signal delivered. */
  overrun(): number {
    const s = this.sig;
    if (s !== undefined && !this.queued(s)) return this.overrunOf(s);
    return this.lastOverrun;
  }

  /** Stops the timer and drops its signal if that is still queued. */
  delete(): void {
    this.clock.clear();
    const s = this.sig;
    if (s === undefined) return;
    const p = this.p;
    for (const q of [p.signals.shared, ...p.threads.map((t) => t.pending)]) {
      const i = q.indexOf(s);
      if (i >= 0) q.splice(i, 1);
    }
  }
}

/** Each process's timers by id. Timers are not inherited across fork. */
const timers = new WeakMap<Process, Map<number, PosixTimer>>();

function timersOf(p: Process): Map<number, PosixTimer> {
  let m = timers.get(p);
  if (m === undefined) { m = new Map(); timers.set(p, m); }
  return m;
}

/** Deletes every timer of `p` (execve and exit). */
export function deleteTimers(p: Process): void {
  const m = timers.get(p);
  if (m === undefined) return;
  for (const tm of m.values()) tm.delete();
  m.clear();
}

function readSpec(p: Process, addr: number): TimerSpec | undefined {
  const f = (off: number) => BigInt.asIntN(64, p.space.readBig(addr + off));
  const isec = f(0), insec = f(8), vsec = f(16), vnsec = f(24);
  if (isec < 0n || vsec < 0n || insec < 0n || vnsec < 0n || insec >= NS || vnsec >= NS) return undefined;
  return { interval: isec * NS + insec, value: vsec * NS + vnsec };
}

function writeSpec(p: Process, addr: number, s: TimerSpec): void {
  const out = new DataView(new ArrayBuffer(32));
  out.setBigUint64(0, s.interval / NS, true);
  out.setBigUint64(8, s.interval % NS, true);
  out.setBigUint64(16, s.value / NS, true);
  out.setBigUint64(24, s.value % NS, true);
  p.space.write(addr, new Uint8Array(out.buffer));
}

define(107, "timer_create", "dxx", (p, _t, a) => {
  const clock = a.int(0), sevp = a.u64(1), idp = a.u64(2);
  if (ALARM_CLOCKS.has(clock)) return -Errno.EPERM;
  if (NO_TIMER_CLOCKS.has(clock)) return -Errno.EOPNOTSUPP;
  if (!TIMER_CLOCKS.has(clock) || clockNs(clock) === undefined) return -Errno.EINVAL;
  const m = timersOf(p);
  let id = 0;
  while (m.has(id)) id++;
  let notify: number = Notify.SIGNAL, signo: number = Sig.ALRM, value = BigInt(id);
  let target: Thread | undefined;
  if (sevp !== 0) {
    const v = new DataView(p.space.read(sevp, Sigevent.Size).buffer);
    value = v.getBigUint64(Sigevent.Value, true);
    signo = v.getInt32(Sigevent.Signo, true);
    notify = v.getInt32(Sigevent.Notify, true);
    if (notify !== Notify.SIGNAL && notify !== Notify.THREAD && notify !== Notify.THREAD_ID && notify !== Notify.NONE) {
      return -Errno.EINVAL;
    }
    if (notify === Notify.THREAD_ID) {
      const tid = v.getInt32(Sigevent.ThreadId, true);
      target = p.threads.find((x) => x.tid === tid && x.state !== ThreadState.Exited);
      if (target === undefined) return -Errno.EINVAL;
    }
    if (notify !== Notify.NONE && (signo <= 0 || signo > NSIG)) return -Errno.EINVAL;
  }
  p.space.writeU32(idp, id);
  m.set(id, new PosixTimer(p, id, clock, notify, signo, value, target));
  return 0;
});

function timerById(p: Process, id: number): PosixTimer | undefined {
  return timers.get(p)?.get(id);
}

define(110, "timer_settime", "ddxx", (p, _t, a) => {
  const tm = timerById(p, a.int(0));
  if (tm === undefined) return -Errno.EINVAL;
  const spec = readSpec(p, a.u64(2));
  if (spec === undefined) return -Errno.EINVAL;
  const old = tm.clock.set(spec, (a.int(1) & TIMER_ABSTIME) !== 0);
  if (a.u64(3) !== 0) writeSpec(p, a.u64(3), old);
  return 0;
});

define(108, "timer_gettime", "dx", (p, _t, a) => {
  const tm = timerById(p, a.int(0));
  if (tm === undefined) return -Errno.EINVAL;
  writeSpec(p, a.u64(1), tm.clock.get());
  return 0;
});

define(109, "timer_getoverrun", "d", (p, _t, a) => {
  const tm = timerById(p, a.int(0));
  if (tm === undefined) return -Errno.EINVAL;
  return tm.overrun();
});

define(111, "timer_delete", "d", (p, _t, a) => {
  const m = timers.get(p), id = a.int(0);
  const tm = m?.get(id);
  if (tm === undefined) return -Errno.EINVAL;
  tm.delete();
  m!.delete(id);
  return 0;
});
