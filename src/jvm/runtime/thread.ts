/**
 * Java threads as the interpreter sees them: a stack of explicit frames (so a
 * thread that blocks is suspended by leaving its frames in place), and the
 * java.lang.Thread object it runs for.
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

/** A Java thread: its frames and its java.lang.Thread object. */
export class JThread {
  readonly frames: Frame[] = [];
  /** The java.lang.Thread this thread runs for (set once the object exists). */
  javaThread: JObject | null = null;
  /** The value the last frame returned when a nested run finished. */
  returnValue: Value = null;
  /** True once Thread.interrupt was called and not yet cleared. */
  interrupted = false;

  constructor(readonly name: string) {}

  /** The innermost frame. */
  top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }
}
