/**
 * timerfd(2): a timer behind a descriptor. Reading returns the number of
 * expirations since the last read (blocking, or EAGAIN when non-blocking, while
 * there are none); poll reports it readable once it has expired.
 */
import { Errno } from "./syscalls/errno.js";
import { clockNs } from "./syscalls/time.js";
import { OFlag, PollEv, WaitQueue, blockOn, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";

/** Timer settings in nanoseconds: first expiry (0 = disarmed) and period (0 = one-shot). */
export interface TimerSpec {
  value: bigint;
  interval: bigint;
}

/** A timerfd on one of the clocks clock_gettime knows. */
export class TimerFd implements OpenFile {
  readonly kind = "timerfd";
  flags: number;
  private readonly wq = new WaitQueue();
  /** Expirations not yet read. */
  private expirations = 0n;
  /** Absolute deadline of the next expiry on `clock` (0n when disarmed), and the period. */
  private next = 0n;
  private interval = 0n;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly clock: number, flags: number) {
    this.flags = OFlag.RDWR | (flags & OFlag.NONBLOCK);
  }

  /** Arms (value > 0) or disarms the timer; `absolute` takes value as a time on the clock. Returns the old setting. */
  set(spec: TimerSpec, absolute: boolean): TimerSpec {
    const old = this.get();
    this.clear();
    this.interval = spec.interval;
    if (spec.value === 0n) { this.next = 0n; return old; }
    this.next = absolute ? spec.value : clockNs(this.clock)! + spec.value;
    this.schedule();
    return old;
  }

  /** Time to the next expiry and the period (timerfd_gettime). */
  get(): TimerSpec {
    if (this.next === 0n) return { value: 0n, interval: this.interval };
    const left = this.next - clockNs(this.clock)!;
    return { value: left > 0n ? left : 1n, interval: this.interval };
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const ms = Number((this.next - clockNs(this.clock)!) / 1_000_000n);
    this.timer = setTimeout(() => this.fire(), Math.max(0, ms));
  }

  /** Counts the expirations that have passed (more than one if the host timer was late). */
  private fire(): void {
    this.timer = undefined;
    const now = clockNs(this.clock)!;
    if (now < this.next) { this.schedule(); return; }
    const n = this.interval > 0n ? 1n + (now - this.next) / this.interval : 1n;
    this.expirations += n;
    if (this.interval > 0n) { this.next += n * this.interval; this.schedule(); }
    else this.next = 0n;
    this.wq.wake(PollEv.IN);
  }

  read(buf: Uint8Array): IoResult {
    if (buf.length < 8) return -Errno.EINVAL;
    const attempt = () => {
      if (this.expirations === 0n) return (this.flags & OFlag.NONBLOCK) !== 0 ? -Errno.EAGAIN : undefined;
      new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, this.expirations, true);
      this.expirations = 0n;
      return 8;
    };
    return blockOn((cb) => this.wq.add(cb), attempt, { interrupted: () => -Errno.EINTR });
  }

  write(): IoResult {
    return -Errno.EINVAL;
  }

  poll(events: number): number {
    return this.expirations > 0n ? events & (PollEv.IN | PollEv.RDNORM) : 0;
  }

  onReady(cb: ReadyCallback): () => void {
    return this.wq.add(cb);
  }

  release(): void {
    this.clear();
  }
}
