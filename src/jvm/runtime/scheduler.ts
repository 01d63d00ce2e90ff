/**
 * Green threads: every java.lang.Thread runs on one host thread, and the
 * scheduler hands out time slices. A thread gives up the host when its slice
 * runs out (counted in calls and backward branches) or when it blocks — on a
 * contended monitor, in Object.wait, Thread.sleep or LockSupport.park — by
 * leaving its frames in place and returning to the scheduler. Blocking inside
 * a nested call from host code (a class initializer, a reflective call)
 * cannot return to the scheduler; the other threads then run nested until
 * the blocked one may go on.
 */

import type { Jvm } from "./jvm.js";
import { execute } from "./interpreter.js";
import { JavaThrow, type JObject } from "./objects.js";
import { Frame, JThread, ThreadState } from "./thread.js";

/** Calls and backward branches a thread runs before others get a turn (about a millisecond: timed waits wake on time). */
export const SLICE = 2000;

/** java.lang.Thread.threadStatus values (JVMTI thread states). */
export const enum ThreadStatus {
  NEW = 0,
  TERMINATED = 0x0002,
  RUNNABLE = 0x0004,
  SLEEPING = 0x0004 | 0x0080 | 0x0010 | 0x0040,
  WAITING = 0x0001 | 0x0080 | 0x0010 | 0x0100,
  TIMED_WAITING = 0x0001 | 0x0080 | 0x0020 | 0x0100,
  PARKED = 0x0001 | 0x0080 | 0x0010 | 0x0200,
  BLOCKED_ON_MONITOR = 0x0001 | 0x0400,
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the host thread for `ms` milliseconds (all Java threads are waiting). */
function hostSleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, Math.max(0, ms));
}

/** Thrown when every thread waits for another for ever. */
export class DeadlockError extends Error {}

/** The run queue of one VM's threads. */
export class Scheduler {
  readonly threads: JThread[] = [];
  private next = 0;
  /** The thread the scheduler gave the host to last (the running one while Java runs). */
  current: JThread | undefined = undefined;
  /** Host-nesting depth of the scheduler (see blockNested). */
  private depth = 0;

  constructor(private readonly vm: Jvm) {}

  /** Adds a started thread whose first frame is ready. */
  add(t: JThread): void {
    this.threads.push(t);
  }

  /** True if a thread other than `t` could run now. */
  othersRunnable(t: JThread): boolean {
    for (const o of this.threads) if (o !== t && this.canRun(o)) return true;
    return false;
  }

  /** Whether `t` may be given the host now (waking it first if its wait is over). */
  private canRun(t: JThread): boolean {
    if (t.frames.length === 0 || t.onHost) return false;
    const now = Date.now();
    switch (t.state) {
      case ThreadState.Runnable:
        return true;
      case ThreadState.Sleeping:
        return this.interrupted(t) || now >= t.wakeAt;
      case ThreadState.Parked:
        return t.permit || this.interrupted(t) || now >= t.wakeAt;
      case ThreadState.Waiting:
        return (t.notified || this.interrupted(t) || now >= t.wakeAt) && monitorFree(t.monitorObject!, t);
      case ThreadState.BlockedOnMonitor:
        return monitorFree(t.monitorObject!, t);
      default:
        return false;
    }
  }

  /**
   * Runs threads until `done()` holds; `done` is checked between slices.
   * Throws DeadlockError if nothing can run and nothing will wake.
   */
  runUntil(done: () => boolean): void {
    this.depth++;
    try {
      while (!done()) {
        const t = this.pick();
        if (t === undefined) {
          this.idle();
          continue;
        }
        this.slice(t);
      }
    } finally {
      this.depth--;
    }
  }

  private pick(): JThread | undefined {
    const n = this.threads.length;
    for (let i = 0; i < n; i++) {
      const t = this.threads[(this.next + i) % n]!;
      if (this.canRun(t)) {
        this.next = (this.next + i + 1) % n;
        return t;
      }
    }
    return undefined;
  }

  /** Nothing runnable: sleep until the earliest timed wait ends, or report a deadlock. */
  private idle(): void {
    let wake = Infinity;
    for (const t of this.threads) {
      if (t.frames.length > 0 && !t.onHost && t.state !== ThreadState.Runnable && t.state !== ThreadState.BlockedOnMonitor) {
        wake = Math.min(wake, t.wakeAt);
      }
    }
    if (wake === Infinity) throw new DeadlockError("every Java thread is waiting for another: deadlock");
    hostSleep(wake - Date.now());
  }

  private interrupted(t: JThread): boolean {
    return t.javaThread !== null && this.vm.getField(t.javaThread, "interrupted") === 1;
  }

  /** Gives `t` the host for one slice. */
  private slice(t: JThread): void {
    t.state = ThreadState.Runnable;
    t.onHost = true;
    const previous = this.current;
    this.current = t;
    try {
      execute(this.vm, t, 0);
    } catch (e) {
      if (!(e instanceof JavaThrow)) throw e;
      t.frames.length = 0;
      this.uncaught(t, e.exception);
    } finally {
      t.onHost = false;
      this.current = previous;
    }
    if (t.frames.length === 0) this.terminate(t);
  }

  private uncaught(t: JThread, exception: JObject): void {
    t.uncaught = true;
    try {
      this.vm.invokeVirtual(t, t.javaThread!, "dispatchUncaughtException", "(Ljava/lang/Throwable;)V", [exception]);
    } catch (e) {
      if (!(e instanceof JavaThrow)) throw e;
    }
  }

  /** A thread whose run() returned: Thread.exit(), then it is dead and its joiners wake. */
  terminate(t: JThread): void {
    const obj = t.javaThread!;
    t.onHost = true;
    try {
      this.vm.invokeVirtual(t, obj, "exit", "()V");
    } catch (e) {
      if (!(e instanceof JavaThrow)) throw e;
    } finally {
      t.onHost = false;
    }
    this.vm.setField(obj, "threadStatus", ThreadStatus.TERMINATED);
    this.vm.setField(obj, "eetop", 0n);
    t.state = ThreadState.Terminated;
    for (const o of this.threads) if (o.state === ThreadState.Waiting && o.monitorObject === obj) o.notified = true;
    const i = this.threads.indexOf(t);
    if (i >= 0) this.threads.splice(i, 1);
  }

  /**
   * `t` blocked inside a nested call from host code: runs the other threads
   * until `t` may go on, then completes the block (re-taking its monitor).
   */
  blockNested(t: JThread): void {
    t.onHost = false;
    t.frames.push(PLACEHOLDER_FRAME);
    try {
      this.runUntil(() => this.canRun(t));
    } finally {
      t.frames.pop();
      t.onHost = true;
    }
    t.resumeFromBlock();
    t.state = ThreadState.Runnable;
  }

  /** True while the scheduler runs (so a thread at the bottom of its host stack may yield). */
  get active(): boolean {
    return this.depth > 0;
  }
}

function monitorFree(o: JObject, t: JThread): boolean {
  const m = o.monitor;
  return m === undefined || m.owner === null || m.owner === t;
}

/** Stands for a blocked thread's host-nested frames while others run (it makes frames.length non-zero). */
const PLACEHOLDER_FRAME = null as unknown as Frame;
