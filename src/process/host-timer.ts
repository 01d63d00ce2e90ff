/**
 * Host timers for guest deadlines. Node's setTimeout takes a 32-bit signed
 * count of milliseconds: a longer delay prints a TimeoutOverflowWarning on the
 * host's stderr (which is the guest's) and fires after 1 ms. A guest may ask
 * for any length (alarm(2147483647) is 68 years), so every timer fed by a
 * guest value goes through `after`, which waits in chunks below that limit.
 * `ClockTimer` adds what alarm-like timers share: a deadline on a guest clock,
 * a period, and counting the expirations a late host timer missed.
 */
import { clockNs } from "./syscalls/time.js";

/** The longest single setTimeout (2^31-1 ms is Node's limit; stay well below it). */
const CHUNK_MS = 2 ** 30;

/** A pending host timer. */
export interface HostTimer {
  /** Cancels it; calling it after it fired does nothing. */
  clear(): void;
}

/**
 * Calls `fn` once after `ms` milliseconds (fractions round up, negative or NaN
 * mean now, Infinity never), however long that is.
 */
export function after(ms: number, fn: () => void): HostTimer {
  const wait = Number.isNaN(ms) || ms < 0 ? 0 : Math.ceil(ms);
  const deadline = performance.now() + wait;
  let handle: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = deadline - performance.now();
    if (left > CHUNK_MS) handle = setTimeout(arm, CHUNK_MS);
    else handle = setTimeout(() => { handle = undefined; fn(); }, Math.max(0, Math.ceil(left)));
  };
  if (wait > CHUNK_MS) handle = setTimeout(arm, CHUNK_MS);
  else handle = setTimeout(() => { handle = undefined; fn(); }, wait);
  return {
    clear() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** Calls `fn` after `ns` nanoseconds (rounded up to whole milliseconds). */
export function afterNs(ns: bigint, fn: () => void): HostTimer {
  return after(Number((ns + 999_999n) / 1_000_000n), fn);
}

/** Timer settings in nanoseconds: first expiry (0 = disarmed) and period (0 = one-shot). */
export interface TimerSpec {
  value: bigint;
  interval: bigint;
}

/**
 * A timer on one of clock_gettime's clocks (timerfd, POSIX timers). When it
 * expires, `onExpire` gets the number of expirations that passed (more than
 * one if the host timer was late or the period is shorter than a millisecond).
 */
export class ClockTimer {
  /** Absolute deadline of the next expiry on `clock` (0n when disarmed), and the period. */
  private next = 0n;
  private interval = 0n;
  private timer: HostTimer | undefined;

  constructor(readonly clock: number, private readonly onExpire: (n: bigint) => void) {}

  /** Arms (value > 0) or disarms the timer; `absolute` takes value as a time on the clock. Returns the old setting. */
  set(spec: TimerSpec, absolute: boolean): TimerSpec {
    const old = this.get();
    this.clear();
    this.interval = spec.interval;
    if (spec.value === 0n) { this.next = 0n; return old; }
    this.next = absolute ? spec.value : clockNs(this.clock)! + spec.value;
    // An absolute time of 0 on the clock still arms the timer (it expires at once).
    if (this.next === 0n) this.next = 1n;
    this.schedule();
    return old;
  }

  /** Time to the next expiry and the period (timer_gettime, timerfd_gettime). */
  get(): TimerSpec {
    if (this.next === 0n) return { value: 0n, interval: this.interval };
    const left = this.next - clockNs(this.clock)!;
    return { value: left > 0n ? left : 1n, interval: this.interval };
  }

  /** Stops the host timer (the settings stay as they are). */
  clear(): void {
    this.timer?.clear();
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = afterNs(this.next - clockNs(this.clock)!, () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    const now = clockNs(this.clock)!;
    if (now < this.next) { this.schedule(); return; }
    const n = this.interval > 0n ? 1n + (now - this.next) / this.interval : 1n;
    if (this.interval > 0n) { this.next += n * this.interval; this.schedule(); }
    else this.next = 0n;
    this.onExpire(n);
  }
}
