/**
 * timerfd(2): a timer behind a descriptor. Reading returns the number of
 * expirations since the last read (blocking, or EAGAIN when non-blocking, while
 * there are none); poll reports it readable once it has expired.
 */
import { Errno } from "./syscalls/errno.js";
import { ClockTimer, type TimerSpec } from "./host-timer.js";
import { OFlag, PollEv, WaitQueue, blockOn, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";

export type { TimerSpec } from "./host-timer.js";

/** A timerfd on one of the clocks clock_gettime knows. */
export class TimerFd implements OpenFile {
  readonly kind = "timerfd";
  flags: number;
  private readonly wq = new WaitQueue();
  /** Expirations not yet read. */
  private expirations = 0n;
  private readonly timer: ClockTimer;

  constructor(clock: number, flags: number) {
    this.flags = OFlag.RDWR | (flags & OFlag.NONBLOCK);
    this.timer = new ClockTimer(clock, (n) => {
      this.expirations += n;
      this.wq.wake(PollEv.IN);
    });
  }

  /** Arms (value > 0) or disarms the timer; `absolute` takes value as a time on the clock. Returns the old setting. */
  set(spec: TimerSpec, absolute: boolean): TimerSpec {
    return this.timer.set(spec, absolute);
  }

  /** Time to the next expiry and the period (timerfd_gettime). */
  get(): TimerSpec {
    return this.timer.get();
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
    this.timer.clear();
  }
}
