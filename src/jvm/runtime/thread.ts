/**
 * Java threads as the interpreter sees them: a stack of explicit frames (so a
 * thread that blocks is suspended by leaving its frames in place), the
 * java.lang.Thread object it runs for, and what it waits for when blocked.
 */

import type { JMethod } from "./klass.js";
import type { JObject, Value } from "./objects.js";

/** One activation of a method with bytecode: its locals, operand stack and pc. */
export class Frame {
  pc = 0;
  /** Index of the next free operand-stack slot. */
  sp = 0;
  readonly locals: Value[];
  readonly stack: Value[];
  /** The bytecode of `method`. */
  readonly code: Uint8Array;

  constructor(readonly method: JMethod) {
    const c = method.code!;
    this.code = c.code;
    this.locals = new Array<Value>(c.max_locals).fill(0);
    this.stack = new Array<Value>(c.max_stack + 1).fill(0);
  }
}

/** What a thread is doing, for the scheduler. */
export const enum ThreadState {
  /** Ready to run (or running). */
  Runnable,
  /** Thread.sleep until `wakeAt`. */
  Sleeping,
  /** Object.wait on `monitorObject` until notified, interrupted or `wakeAt`. */
  Waiting,
  /** LockSupport.park until a permit, an interrupt or `wakeAt`. */
  Parked,
  /** Waiting to enter `monitorObject`'s monitor. */
  BlockedOnMonitor,
  /** run() has returned. */
  Terminated,
}

/** A Java thread: its frames and its java.lang.Thread object. */
export class JThread {
  readonly frames: Frame[] = [];
  /** The java.lang.Thread this thread runs for (set once the object exists). */
  javaThread: JObject | null = null;
  /** The value the last frame returned when a nested run finished. */
  returnValue: Value = null;
  state = ThreadState.Runnable;
  /** When a timed sleep, wait or park ends (Date.now() time; Infinity for none). */
  wakeAt = Infinity;
  /** The object whose monitor the thread waits on or wants to enter. */
  monitorObject: JObject | null = null;
  /** Monitor recursion count to restore after Object.wait. */
  savedCount = 0;
  /** Object.notify has chosen this thread. */
  notified = false;
  /** LockSupport's permit. */
  permit = false;
  /** Set by a blocking native: the interpreter must hand the host back to the scheduler. */
  yieldRequested = false;
  /** True while the VM constructs a StackOverflowError for this thread (its frames may exceed the limit). */
  overflowing = false;
  /** True once an exception ended the thread (the launcher's exit status 1 for main). */
  uncaught = false;
  /** True while the host stack is running this thread (so the scheduler must not pick it). */
  onHost = false;
  /** Runs when the thread gets the host back after blocking (re-takes a monitor, throws InterruptedException...). */
  onResume: (() => void) | null = null;

  constructor(readonly name: string) {}

  /** The innermost frame. */
  top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  /** Blocks in `state`; `resume` runs when the thread is scheduled again. */
  block(state: ThreadState, wakeAt: number, resume: (() => void) | null): void {
    this.state = state;
    this.wakeAt = wakeAt;
    this.onResume = resume;
    this.yieldRequested = true;
  }

  /** Runs (once) what must happen when the thread resumes after blocking. */
  resumeFromBlock(): void {
    const r = this.onResume;
    this.onResume = null;
    this.wakeAt = Infinity;
    if (r !== null) r();
  }
}
