/**
 * eventfd(2): a 64-bit counter behind a descriptor. write adds to it, read
 * takes it all (or 1 in semaphore mode); both block (or fail with EAGAIN
 * when non-blocking) when the counter is 0 or would pass 2^64-2.
 */
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, WaitQueue, blockOn, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";

/** eventfd2 flags. */
export const enum EfdFlag {
  /** Reads take 1 instead of the whole counter. */
  SEMAPHORE = 1,
  CLOEXEC = OFlag.CLOEXEC,
  NONBLOCK = OFlag.NONBLOCK,
}

/** The largest value the counter can hold. */
const MAX = 0xffff_ffff_ffff_fffen;

export class EventFd implements OpenFile {
  readonly kind = "eventfd";
  flags: number;
  private readonly semaphore: boolean;
  private readonly wq = new WaitQueue();

  constructor(public count: bigint, flags: number) {
    this.flags = OFlag.RDWR | (flags & OFlag.NONBLOCK);
    this.semaphore = (flags & EfdFlag.SEMAPHORE) !== 0;
  }

  private get nonblocking(): boolean {
    return (this.flags & OFlag.NONBLOCK) !== 0;
  }

  read(buf: Uint8Array): IoResult {
    if (buf.length < 8) return -Errno.EINVAL;
    const attempt = () => {
      if (this.count === 0n) return this.nonblocking ? -Errno.EAGAIN : undefined;
      const taken = this.semaphore ? 1n : this.count;
      this.count -= taken;
      new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, taken, true);
      this.wq.wake(PollEv.OUT);
      return 8;
    };
    return blockOn((cb) => this.wq.add(cb), attempt, { interrupted: () => -Errno.EINTR });
  }

  write(data: Uint8Array): IoResult {
    if (data.length < 8) return -Errno.EINVAL;
    const v = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffff_ffff_ffff_ffffn) return -Errno.EINVAL;
    const attempt = () => {
      if (MAX - this.count < v) return this.nonblocking ? -Errno.EAGAIN : undefined;
      this.count += v;
      if (v > 0n) this.wq.wake(PollEv.IN);
      return 8;
    };
    return blockOn((cb) => this.wq.add(cb), attempt, { interrupted: () => -Errno.EINTR });
  }

  poll(events: number): number {
    let ready = 0;
    if (this.count > 0n) ready |= PollEv.IN | PollEv.RDNORM;
    if (this.count < MAX) ready |= PollEv.OUT | PollEv.WRNORM;
    return ready & (events | PollEv.ERR | PollEv.HUP);
  }

  onReady(cb: ReadyCallback): () => void {
    return this.wq.add(cb);
  }

  release(): void {}
}
