/**
 * Blocking for System V IPC: a thread that cannot go on (an empty message
 * queue, a full one, a semaphore operation that would block) waits in its
 * object's queue. Every change to the object lets the waiters try again, in
 * arrival order, until none makes progress — Linux's update_queue and
 * pipelined send/receive amount to this. A signal ends the wait with EINTR
 * (through Thread.interrupt, as futex and pipe waits do), a timeout with
 * EAGAIN.
 */
import { afterNs, type HostTimer } from "../host-timer.js";
import { Errno } from "../syscalls/errno.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** One blocked call: `attempt` gives its result once it can finish, undefined while it must wait. */
export interface IpcWaiter<T> {
  readonly p: Process;
  /** What the family needs to know about the waiter (GETNCNT counts semaphore waiters by it). */
  readonly data: T;
  attempt(): number | undefined;
  finish(v: number): void;
}

/** The threads waiting on one IPC object, in arrival order. */
export class WaitQueue<T> {
  readonly waiters: IpcWaiter<T>[] = [];
  /** Set while wake() runs, so that a change a waiter makes asks for another pass instead of recursing. */
  private waking = false;
  private again = false;

  /** Lets the waiters try again, in order, until a pass finishes none of them. */
  wake(): void {
    if (this.waking) { this.again = true; return; }
    this.waking = true;
    try {
      this.passes();
    } finally {
      this.waking = false;
    }
  }

  private passes(): void {
    for (let progress = true; progress || this.again; ) {
      this.again = false;
      progress = false;
      for (const w of [...this.waiters]) {
        if (!this.waiters.includes(w)) continue;
        if (w.p.exited) { this.leave(w); continue; } // killed while waiting: it does nothing more
        const r = w.attempt();
        if (r === undefined) continue;
        this.leave(w);
        w.finish(r);
        progress = true;
      }
    }
  }

  private leave(w: IpcWaiter<T>): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /**
   * Blocks thread `t` of `p` until `attempt` gives a result, a signal comes
   * (-EINTR) or `timeoutNs` passes (-EAGAIN, as semtimedop answers).
   */
  block(p: Process, t: Thread, data: T, attempt: () => number | undefined, timeoutNs?: bigint): Promise<number> {
    return new Promise<number>((resolve) => {
      let timer: HostTimer | undefined;
      const w: IpcWaiter<T> = {
        p, data, attempt,
        finish: (v) => { timer?.clear(); t.interrupt = undefined; resolve(v); },
      };
      this.waiters.push(w);
      const giveUp = (v: number) => { this.leave(w); w.finish(v); };
      if (timeoutNs !== undefined) timer = afterNs(timeoutNs, () => giveUp(-Errno.EAGAIN));
      t.interrupt = () => giveUp(-Errno.EINTR);
    });
  }
}
