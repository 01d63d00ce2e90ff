/**
 * The bytecode interpreter (JVMS chapter 6): one loop over the frames of a
 * thread. Calls push explicit frames rather than recursing on the host stack;
 * a long or double takes two slots in locals and on the operand stack, as the
 * class file counts them (the value in the lower slot). Exceptions, whether
 * thrown by athrow, by the VM (NullPointerException...) or by a native, travel
 * as JavaThrow and are dispatched to the handler tables here.
 */

import { AccessFlags } from "../classfile/index.js";
import { ClassState, type JClass, type JMethod } from "./klass.js";
import type { Jvm } from "./jvm.js";
import { MAX_FRAMES } from "./jvm.js";
import { JavaThrow, JObject, type Value } from "./objects.js";
import { loadConstant, resolveClass, resolveField, resolveMethod } from "./resolve.js";
import { Frame, ThreadState, type JThread } from "./thread.js";
import { SLICE } from "./scheduler.js";
import { linkCallSite, linkerTarget } from "./invoke.js";
import * as ops from "./ops.js";

/**
 * Runs `thread` until its frame count drops back to `base`, returning the value
 * the frame at `base` returned; throws JavaThrow if an exception leaves it.
 */
export function execute(vm: Jvm, thread: JThread, base: number): Value {
  for (;;) {
    try {
      if (base === 0 && thread.onResume !== null) thread.resumeFromBlock();
      return run(vm, thread, base);
    } catch (e) {
      const ex = e instanceof JavaThrow ? e : ops.hostError(vm, thread, e);
      if (!dispatch(vm, thread, base, ex.exception)) throw ex;
    }
  }
}

/** Finds a handler for `ex` in the frames above `base`, popping those without one; false if none. */
function dispatch(vm: Jvm, thread: JThread, base: number, ex: JObject): boolean {
  while (thread.frames.length > base) {
    const f = thread.top();
    const m = f.method;
    for (const h of m.code!.exception_table) {
      if (f.pc < h.start_pc || f.pc >= h.end_pc) continue;
      if (h.catch_type !== 0) {
        const c = resolveClass(vm, thread, m.cls, h.catch_type);
        if (!ex.cls.isAssignableTo(c)) continue;
      }
      f.sp = 0;
      f.stack[f.sp++] = ex;
      f.pc = h.handler_pc;
      return true;
    }
    if ((m.access & ACC_SYNCHRONIZED) !== 0) ops.unlockMethod(vm, thread, f);
    thread.frames.pop();
  }
  return false;
}

/** ACC_SYNCHRONIZED, the bit ACC_SUPER has on classes (JVMS Table 4.6-A). */
const ACC_SYNCHRONIZED = 0x0020;

const s16 = (code: Uint8Array, p: number) => (((code[p]! << 8) | code[p + 1]!) << 16) >> 16;
const u16 = (code: Uint8Array, p: number) => (code[p]! << 8) | code[p + 1]!;
const s32 = (code: Uint8Array, p: number) => (code[p]! << 24) | (code[p + 1]! << 16) | (code[p + 2]! << 8) | code[p + 3]!;

function run(vm: Jvm, thread: JThread, base: number): Value {
  /** A thread at the bottom of its host stack, run by the scheduler, may give the host to another. */
  const canYield = base === 0 && vm.scheduler.active;
  let budget = SLICE;
  let f = thread.top();
  let code = f.code;
  let locals = f.locals;
  let stack = f.stack;
  let sp = f.sp;
  let pc = f.pc;
  let cls = f.method.cls;
  /** Saves pc/sp into the frame (before anything that may throw or switch frames). */
  const save = (at: number) => {
    f.pc = at;
    f.sp = sp;
  };
  /** Makes the top frame current again after a call or return. */
  const reload = () => {
    f = thread.top();
    code = f.code;
    locals = f.locals;
    stack = f.stack;
    sp = f.sp;
    pc = f.pc;
    cls = f.method.cls;
  };
  /** Time slice over: true (and the state saved at `at`) if another thread should run now. */
  const preempt = (at: number): boolean => {
    budget = SLICE;
    if (!canYield || !vm.scheduler.othersRunnable(thread)) return false;
    save(at);
    return true;
  };
  /** A conditional branch at pc; true if the run must return to the scheduler. */
  const br = (taken: boolean): boolean => {
    if (!taken) {
      pc += 3;
      return false;
    }
    const off = s16(code, pc + 1);
    pc += off;
    return off < 0 && --budget < 0 && preempt(pc);
  };
  /** Blocks the thread as a native or contention asked: true if the run must return to the scheduler. */
  const blocked = (): boolean => {
    thread.yieldRequested = false;
    if (canYield) return true;
    vm.scheduler.blockNested(thread);
    return false;
  };
  /**
   * Enters `m` with its arguments taken from the operand stack (a native runs
   * at once and execution continues at `next`); true if the run must return
   * to the scheduler (the thread blocked or its slice is over).
   */
  const enter = (m: JMethod, at: number, next: number, plain = true): boolean => {
    // A linker call (plain false) has already adjusted the stack: it cannot be re-executed from `at`.
    if (--budget < 0 && plain && preempt(at)) return true;
    save(at);
    if (m.isNative) {
      sp -= m.argSlots;
      const args = ops.collectArgs(m, stack, sp);
      f.sp = sp;
      const r = vm.natives.call(vm, thread, m, args);
      if (m.returnKind !== "V") {
        stack[sp++] = r;
        if (m.returnKind === "J" || m.returnKind === "D") stack[sp++] = 0;
      }
      if (thread.yieldRequested) {
        const frame = f;
        const resume = thread.onResume;
        thread.onResume = () => {
          resume?.();
          frame.pc = next;
        };
        f.sp = sp;
        if (blocked()) return true;
        // blocked nested: the thread went on already; resumeFromBlock ran the completion
      }
      pc = next;
      return false;
    }
    if (m.code === undefined) vm.throwNew(thread, "java/lang/AbstractMethodError", `${m.cls.javaName}.${m.name}${m.descriptor}`);
    if (thread.frames.length >= MAX_FRAMES) vm.stackOverflow(thread);
    const callee = new Frame(m);
    sp -= m.argSlots;
    for (let i = 0; i < m.argSlots; i++) callee.locals[i] = stack[sp + i]!;
    if ((m.access & ACC_SYNCHRONIZED) !== 0 && !ops.lockMethod(vm, thread, callee)) {
      // contended: leave the arguments and come back to this call when the monitor is free
      sp += m.argSlots;
      save(at);
      if (plain && blocked()) return true;
      if (!plain) {
        thread.yieldRequested = false;
        vm.scheduler.blockNested(thread);
      }
      sp -= m.argSlots;
      ops.lockMethod(vm, thread, callee);
    }
    f.sp = sp;
    f.pc = at; // the call stays the frame's pc until it returns, so handlers cover it
    thread.frames.push(callee);
    reload();
    return false;
  };
  /** Pops the current frame, handing `v` (if not void) to the caller; true when the run is over. */
  const leave = (v: Value, wide: boolean, isVoid: boolean): boolean => {
    if ((f.method.access & ACC_SYNCHRONIZED) !== 0) ops.unlockMethod(vm, thread, f);
    thread.frames.pop();
    if (thread.frames.length === base) {
      thread.returnValue = v;
      return true;
    }
    reload();
    pc += code[pc] === 0xb9 || code[pc] === 0xba ? 5 : 3; // past the call that made the frame
    if (!isVoid) {
      stack[sp++] = v;
      if (wide) stack[sp++] = 0;
    }
    return false;
  };
  const needInit = (c: JClass, at: number): void => {
    if (c.state !== ClassState.Initialized) {
      save(at);
      vm.initialize(thread, c);
    }
  };

  for (;;) {
    const op = code[pc]!;
    switch (op) {
      case 0x00: pc++; break; // nop
      case 0x01: stack[sp++] = null; pc++; break; // aconst_null
      case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07: case 0x08: // iconst_m1..5
        stack[sp++] = op - 3; pc++; break;
      case 0x09: case 0x0a: stack[sp++] = BigInt(op - 9); stack[sp++] = 0; pc++; break; // lconst
      case 0x0b: case 0x0c: case 0x0d: stack[sp++] = op - 0x0b; pc++; break; // fconst
      case 0x0e: case 0x0f: stack[sp++] = op - 0x0e; stack[sp++] = 0; pc++; break; // dconst
      case 0x10: stack[sp++] = (code[pc + 1]! << 24) >> 24; pc += 2; break; // bipush
      case 0x11: stack[sp++] = s16(code, pc + 1); pc += 3; break; // sipush
      case 0x12: save(pc); stack[sp++] = loadConstant(vm, thread, cls, code[pc + 1]!); pc += 2; break; // ldc
      case 0x13: save(pc); stack[sp++] = loadConstant(vm, thread, cls, u16(code, pc + 1)); pc += 3; break; // ldc_w
      case 0x14: stack[sp++] = loadConstant(vm, thread, cls, u16(code, pc + 1)); stack[sp++] = 0; pc += 3; break; // ldc2_w
      case 0x15: case 0x17: case 0x19: stack[sp++] = locals[code[pc + 1]!]!; pc += 2; break; // iload fload aload
      case 0x16: case 0x18: stack[sp++] = locals[code[pc + 1]!]!; stack[sp++] = 0; pc += 2; break; // lload dload
      case 0x1a: case 0x1b: case 0x1c: case 0x1d: stack[sp++] = locals[op - 0x1a]!; pc++; break; // iload_n
      case 0x1e: case 0x1f: case 0x20: case 0x21: stack[sp++] = locals[op - 0x1e]!; stack[sp++] = 0; pc++; break; // lload_n
      case 0x22: case 0x23: case 0x24: case 0x25: stack[sp++] = locals[op - 0x22]!; pc++; break; // fload_n
      case 0x26: case 0x27: case 0x28: case 0x29: stack[sp++] = locals[op - 0x26]!; stack[sp++] = 0; pc++; break; // dload_n
      case 0x2a: case 0x2b: case 0x2c: case 0x2d: stack[sp++] = locals[op - 0x2a]!; pc++; break; // aload_n
      case 0x2e: case 0x30: case 0x32: case 0x33: case 0x34: case 0x35: { // iaload faload aaload baload caload saload
        save(pc);
        const i = stack[--sp] as number;
        const a = ops.checkIndex(vm, thread, stack[--sp] as JObject | null, i);
        stack[sp++] = a.data![i]! as Value;
        pc++;
        break;
      }
      case 0x2f: case 0x31: { // laload daload
        save(pc);
        const i = stack[--sp] as number;
        const a = ops.checkIndex(vm, thread, stack[--sp] as JObject | null, i);
        stack[sp++] = a.data![i]! as Value;
        stack[sp++] = 0;
        pc++;
        break;
      }
      case 0x36: case 0x38: case 0x3a: locals[code[pc + 1]!] = stack[--sp]!; pc += 2; break; // istore fstore astore
      case 0x37: case 0x39: sp -= 2; locals[code[pc + 1]!] = stack[sp]!; pc += 2; break; // lstore dstore
      case 0x3b: case 0x3c: case 0x3d: case 0x3e: locals[op - 0x3b] = stack[--sp]!; pc++; break; // istore_n
      case 0x3f: case 0x40: case 0x41: case 0x42: sp -= 2; locals[op - 0x3f] = stack[sp]!; pc++; break; // lstore_n
      case 0x43: case 0x44: case 0x45: case 0x46: locals[op - 0x43] = stack[--sp]!; pc++; break; // fstore_n
      case 0x47: case 0x48: case 0x49: case 0x4a: sp -= 2; locals[op - 0x47] = stack[sp]!; pc++; break; // dstore_n
      case 0x4b: case 0x4c: case 0x4d: case 0x4e: locals[op - 0x4b] = stack[--sp]!; pc++; break; // astore_n
      case 0x4f: case 0x51: case 0x54: case 0x55: case 0x56: { // iastore fastore bastore castore sastore
        save(pc);
        const v = stack[--sp] as number;
        const i = stack[--sp] as number;
        const a = ops.checkIndex(vm, thread, stack[--sp] as JObject | null, i);
        (a.data as Int32Array)[i] = op === 0x54 && a.cls.name === "[Z" ? v & 1 : v;
        pc++;
        break;
      }
      case 0x50: case 0x52: { // lastore dastore
        save(pc);
        sp -= 2;
        const v = stack[sp] as number;
        const i = stack[--sp] as number;
        const a = ops.checkIndex(vm, thread, stack[--sp] as JObject | null, i);
        (a.data as Float64Array)[i] = v;
        pc++;
        break;
      }
      case 0x53: { // aastore
        save(pc);
        const v = stack[--sp] as JObject | null;
        const i = stack[--sp] as number;
        const a = ops.checkIndex(vm, thread, stack[--sp] as JObject | null, i);
        if (v !== null && !v.cls.isAssignableTo(a.cls.componentType!)) vm.throwNew(thread, "java/lang/ArrayStoreException", v.cls.javaName);
        (a.data as (JObject | null)[])[i] = v;
        pc++;
        break;
      }
      case 0x57: sp--; pc++; break; // pop
      case 0x58: sp -= 2; pc++; break; // pop2
      case 0x59: stack[sp] = stack[sp - 1]!; sp++; pc++; break; // dup
      case 0x5a: { // dup_x1
        const v1 = stack[sp - 1]!, v2 = stack[sp - 2]!;
        stack[sp - 2] = v1; stack[sp - 1] = v2; stack[sp] = v1; sp++; pc++;
        break;
      }
      case 0x5b: { // dup_x2
        const v1 = stack[sp - 1]!, v2 = stack[sp - 2]!, v3 = stack[sp - 3]!;
        stack[sp - 3] = v1; stack[sp - 2] = v3; stack[sp - 1] = v2; stack[sp] = v1; sp++; pc++;
        break;
      }
      case 0x5c: stack[sp] = stack[sp - 2]!; stack[sp + 1] = stack[sp - 1]!; sp += 2; pc++; break; // dup2
      case 0x5d: { // dup2_x1
        const v1 = stack[sp - 1]!, v2 = stack[sp - 2]!, v3 = stack[sp - 3]!;
        stack[sp - 3] = v2; stack[sp - 2] = v1; stack[sp - 1] = v3; stack[sp] = v2; stack[sp + 1] = v1; sp += 2; pc++;
        break;
      }
      case 0x5e: { // dup2_x2
        const v1 = stack[sp - 1]!, v2 = stack[sp - 2]!, v3 = stack[sp - 3]!, v4 = stack[sp - 4]!;
        stack[sp - 4] = v2; stack[sp - 3] = v1; stack[sp - 2] = v4; stack[sp - 1] = v3; stack[sp] = v2; stack[sp + 1] = v1;
        sp += 2; pc++;
        break;
      }
      case 0x5f: { const t = stack[sp - 1]!; stack[sp - 1] = stack[sp - 2]!; stack[sp - 2] = t; pc++; break; } // swap
      case 0x60: sp--; stack[sp - 1] = ((stack[sp - 1] as number) + (stack[sp] as number)) | 0; pc++; break; // iadd
      case 0x64: sp--; stack[sp - 1] = ((stack[sp - 1] as number) - (stack[sp] as number)) | 0; pc++; break; // isub
      case 0x68: sp--; stack[sp - 1] = Math.imul(stack[sp - 1] as number, stack[sp] as number); pc++; break; // imul
      case 0x6c: case 0x70: { // idiv irem
        const b = stack[--sp] as number;
        const a = stack[sp - 1] as number;
        if (b === 0) { save(pc); vm.throwNew(thread, "java/lang/ArithmeticException", "/ by zero"); }
        stack[sp - 1] = op === 0x6c ? (a / b) | 0 : (a % b) | 0;
        pc++;
        break;
      }
      case 0x74: stack[sp - 1] = (-(stack[sp - 1] as number)) | 0; pc++; break; // ineg
      case 0x61: case 0x65: case 0x69: case 0x6d: case 0x71: // ladd lsub lmul ldiv lrem
      case 0x7f: case 0x81: case 0x83: { // land lor lxor
        sp -= 2;
        const b = stack[sp] as bigint;
        const a = stack[sp - 2] as bigint;
        if ((op === 0x6d || op === 0x71) && b === 0n) { save(pc); vm.throwNew(thread, "java/lang/ArithmeticException", "/ by zero"); }
        stack[sp - 2] = ops.longBinary(op, a, b);
        pc++;
        break;
      }
      case 0x75: stack[sp - 2] = BigInt.asIntN(64, -(stack[sp - 2] as bigint)); pc++; break; // lneg
      case 0x62: sp--; stack[sp - 1] = Math.fround((stack[sp - 1] as number) + (stack[sp] as number)); pc++; break; // fadd
      case 0x66: sp--; stack[sp - 1] = Math.fround((stack[sp - 1] as number) - (stack[sp] as number)); pc++; break; // fsub
      case 0x6a: sp--; stack[sp - 1] = Math.fround((stack[sp - 1] as number) * (stack[sp] as number)); pc++; break; // fmul
      case 0x6e: sp--; stack[sp - 1] = Math.fround((stack[sp - 1] as number) / (stack[sp] as number)); pc++; break; // fdiv
      case 0x72: sp--; stack[sp - 1] = Math.fround((stack[sp - 1] as number) % (stack[sp] as number)); pc++; break; // frem
      case 0x76: stack[sp - 1] = -(stack[sp - 1] as number); pc++; break; // fneg
      case 0x63: sp -= 2; stack[sp - 2] = (stack[sp - 2] as number) + (stack[sp] as number); pc++; break; // dadd
      case 0x67: sp -= 2; stack[sp - 2] = (stack[sp - 2] as number) - (stack[sp] as number); pc++; break; // dsub
      case 0x6b: sp -= 2; stack[sp - 2] = (stack[sp - 2] as number) * (stack[sp] as number); pc++; break; // dmul
      case 0x6f: sp -= 2; stack[sp - 2] = (stack[sp - 2] as number) / (stack[sp] as number); pc++; break; // ddiv
      case 0x73: sp -= 2; stack[sp - 2] = (stack[sp - 2] as number) % (stack[sp] as number); pc++; break; // drem
      case 0x77: stack[sp - 2] = -(stack[sp - 2] as number); pc++; break; // dneg
      case 0x78: sp--; stack[sp - 1] = (stack[sp - 1] as number) << (stack[sp] as number); pc++; break; // ishl
      case 0x7a: sp--; stack[sp - 1] = (stack[sp - 1] as number) >> (stack[sp] as number); pc++; break; // ishr
      case 0x7c: sp--; stack[sp - 1] = ((stack[sp - 1] as number) >>> (stack[sp] as number)) | 0; pc++; break; // iushr
      case 0x79: case 0x7b: case 0x7d: { // lshl lshr lushr
        const s = stack[--sp] as number;
        stack[sp - 2] = ops.longShift(op, stack[sp - 2] as bigint, s);
        pc++;
        break;
      }
      case 0x7e: sp--; stack[sp - 1] = (stack[sp - 1] as number) & (stack[sp] as number); pc++; break; // iand
      case 0x80: sp--; stack[sp - 1] = (stack[sp - 1] as number) | (stack[sp] as number); pc++; break; // ior
      case 0x82: sp--; stack[sp - 1] = (stack[sp - 1] as number) ^ (stack[sp] as number); pc++; break; // ixor
      case 0x84: { // iinc
        const i = code[pc + 1]!;
        locals[i] = ((locals[i] as number) + ((code[pc + 2]! << 24) >> 24)) | 0;
        pc += 3;
        break;
      }
      case 0x85: stack[sp - 1] = BigInt(stack[sp - 1] as number); stack[sp++] = 0; pc++; break; // i2l
      case 0x86: stack[sp - 1] = Math.fround(stack[sp - 1] as number); pc++; break; // i2f
      case 0x87: stack[sp++] = 0; pc++; break; // i2d
      case 0x88: sp--; stack[sp - 1] = Number(BigInt.asIntN(32, stack[sp - 1] as bigint)); pc++; break; // l2i
      case 0x89: sp--; stack[sp - 1] = ops.l2f(stack[sp - 1] as bigint); pc++; break; // l2f
      case 0x8a: stack[sp - 2] = Number(stack[sp - 2] as bigint); pc++; break; // l2d
      case 0x8b: stack[sp - 1] = ops.d2i(stack[sp - 1] as number); pc++; break; // f2i
      case 0x8c: stack[sp - 1] = ops.d2l(stack[sp - 1] as number); stack[sp++] = 0; pc++; break; // f2l
      case 0x8d: stack[sp++] = 0; pc++; break; // f2d
      case 0x8e: sp--; stack[sp - 1] = ops.d2i(stack[sp - 1] as number); pc++; break; // d2i
      case 0x8f: stack[sp - 2] = ops.d2l(stack[sp - 2] as number); pc++; break; // d2l
      case 0x90: sp--; stack[sp - 1] = Math.fround(stack[sp - 1] as number); pc++; break; // d2f
      case 0x91: stack[sp - 1] = ((stack[sp - 1] as number) << 24) >> 24; pc++; break; // i2b
      case 0x92: stack[sp - 1] = (stack[sp - 1] as number) & 0xffff; pc++; break; // i2c
      case 0x93: stack[sp - 1] = ((stack[sp - 1] as number) << 16) >> 16; pc++; break; // i2s
      case 0x94: { // lcmp
        sp -= 4;
        const a = stack[sp] as bigint, b = stack[sp + 2] as bigint;
        stack[sp++] = a > b ? 1 : a < b ? -1 : 0;
        pc++;
        break;
      }
      case 0x95: case 0x96: { // fcmpl fcmpg
        sp -= 2;
        stack[sp] = ops.fcmp(stack[sp] as number, stack[sp + 1] as number, op === 0x96 ? 1 : -1);
        sp++; pc++;
        break;
      }
      case 0x97: case 0x98: { // dcmpl dcmpg
        sp -= 4;
        stack[sp] = ops.fcmp(stack[sp] as number, stack[sp + 2] as number, op === 0x98 ? 1 : -1);
        sp++; pc++;
        break;
      }
      case 0x99: if (br((stack[--sp] as number) === 0)) return null; break; // ifeq
      case 0x9a: if (br((stack[--sp] as number) !== 0)) return null; break; // ifne
      case 0x9b: if (br((stack[--sp] as number) < 0)) return null; break; // iflt
      case 0x9c: if (br((stack[--sp] as number) >= 0)) return null; break; // ifge
      case 0x9d: if (br((stack[--sp] as number) > 0)) return null; break; // ifgt
      case 0x9e: if (br((stack[--sp] as number) <= 0)) return null; break; // ifle
      case 0x9f: case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: { // if_icmp*
        sp -= 2;
        const a = stack[sp] as number, b = stack[sp + 1] as number;
        const t = op === 0x9f ? a === b : op === 0xa0 ? a !== b : op === 0xa1 ? a < b : op === 0xa2 ? a >= b : op === 0xa3 ? a > b : a <= b;
        if (br(t)) return null;
        break;
      }
      case 0xa5: sp -= 2; if (br(stack[sp] === stack[sp + 1])) return null; break; // if_acmpeq
      case 0xa6: sp -= 2; if (br(stack[sp] !== stack[sp + 1])) return null; break; // if_acmpne
      case 0xa7: if (br(true)) return null; break; // goto
      case 0xa8: stack[sp++] = pc + 3; pc += s16(code, pc + 1); break; // jsr
      case 0xa9: pc = locals[code[pc + 1]!] as number; break; // ret
      case 0xaa: { // tableswitch
        const k = stack[--sp] as number;
        const p = (pc + 4) & ~3;
        const low = s32(code, p + 4), high = s32(code, p + 8);
        pc += k < low || k > high ? s32(code, p) : s32(code, p + 12 + 4 * (k - low));
        break;
      }
      case 0xab: { // lookupswitch
        const k = stack[--sp] as number;
        const p = (pc + 4) & ~3;
        const n = s32(code, p + 4);
        let off = s32(code, p);
        for (let i = 0; i < n; i++) {
          if (s32(code, p + 8 + 8 * i) === k) {
            off = s32(code, p + 12 + 8 * i);
            break;
          }
        }
        pc += off;
        break;
      }
      case 0xac: case 0xae: case 0xb0: if (leave(stack[--sp]!, false, false)) return thread.returnValue; break; // ireturn freturn areturn
      case 0xad: case 0xaf: sp -= 2; if (leave(stack[sp]!, true, false)) return thread.returnValue; break; // lreturn dreturn
      case 0xb1: if (leave(null, false, true)) return null; break; // return
      case 0xb2: case 0xb3: { // getstatic putstatic
        save(pc);
        const fld = resolveField(vm, thread, cls, u16(code, pc + 1));
        needInit(fld.cls, pc);
        const wide = fld.descriptor === "J" || fld.descriptor === "D";
        if (op === 0xb2) {
          stack[sp++] = fld.cls.statics[fld.slot]!;
          if (wide) stack[sp++] = 0;
        } else {
          if (wide) sp--;
          fld.cls.statics[fld.slot] = stack[--sp]!;
        }
        pc += 3;
        break;
      }
      case 0xb4: { // getfield
        save(pc);
        const fld = resolveField(vm, thread, cls, u16(code, pc + 1));
        const o = stack[sp - 1] as JObject | null;
        if (o === null) ops.npe(vm, thread);
        stack[sp - 1] = o.fields[fld.slot]!;
        if (fld.descriptor === "J" || fld.descriptor === "D") stack[sp++] = 0;
        pc += 3;
        break;
      }
      case 0xb5: { // putfield
        save(pc);
        const fld = resolveField(vm, thread, cls, u16(code, pc + 1));
        if (fld.descriptor === "J" || fld.descriptor === "D") sp--;
        const v = stack[--sp]!;
        const o = stack[--sp] as JObject | null;
        if (o === null) ops.npe(vm, thread);
        o.fields[fld.slot] = v;
        pc += 3;
        break;
      }
      case 0xb6: case 0xb9: { // invokevirtual invokeinterface
        save(pc);
        const m = resolveMethod(vm, thread, cls, u16(code, pc + 1));
        const recv = stack[sp - m.argSlots] as JObject | null;
        if (recv === null) ops.npe(vm, thread);
        let target = m;
        if (m.linker !== 0) {
          const l = linkerTarget(vm, thread, m, stack, sp);
          sp = l.sp;
          if (enter(l.target, pc, pc + (op === 0xb9 ? 5 : 3), false)) return null;
          break;
        }
        if ((m.access & AccessFlags.ACC_PRIVATE) === 0 && !m.polymorphic) {
          const s = recv.cls.selectMethod(m);
          if (s === null) vm.throwNew(thread, "java/lang/AbstractMethodError", `Receiver class ${recv.cls.javaName} does not define or inherit an implementation of the resolved method '${m.descriptor} ${m.name}'`);
          target = s;
        }
        if (enter(target, pc, pc + (op === 0xb9 ? 5 : 3))) return null;
        break;
      }
      case 0xb7: { // invokespecial
        save(pc);
        let m = resolveMethod(vm, thread, cls, u16(code, pc + 1));
        if (m.name !== "<init>" && (cls.access & AccessFlags.ACC_SUPER) !== 0 && !m.cls.isInterface &&
            cls.superClass !== null && m.cls !== cls && cls.isSubclassOf(m.cls)) {
          m = cls.superClass.resolveMethod(m.name, m.descriptor) ?? m;
        }
        if (stack[sp - m.argSlots] === null) ops.npe(vm, thread);
        if (enter(m, pc, pc + 3)) return null;
        break;
      }
      case 0xb8: { // invokestatic
        save(pc);
        const m = resolveMethod(vm, thread, cls, u16(code, pc + 1));
        if (m.linker !== 0) {
          const l = linkerTarget(vm, thread, m, stack, sp);
          sp = l.sp;
          if (enter(l.target, pc, pc + 3, false)) return null;
          break;
        }
        needInit(m.cls, pc);
        if (enter(m, pc, pc + 3)) return null;
        break;
      }
      case 0xba: { // invokedynamic
        save(pc);
        const site = linkCallSite(vm, thread, cls, u16(code, pc + 1));
        if (site.withAppendix) stack[sp++] = site.appendix;
        if (enter(site.invoker, pc, pc + 5, false)) return null;
        break;
      }
      case 0xbb: { // new
        save(pc);
        const c = resolveClass(vm, thread, cls, u16(code, pc + 1));
        if ((c.access & (AccessFlags.ACC_ABSTRACT | AccessFlags.ACC_INTERFACE)) !== 0) vm.throwNew(thread, "java/lang/InstantiationError", c.javaName);
        needInit(c, pc);
        stack[sp++] = vm.newObject(c);
        pc += 3;
        break;
      }
      case 0xbc: { // newarray
        save(pc);
        const n = ops.checkLength(vm, thread, stack[sp - 1] as number);
        stack[sp - 1] = vm.newArray(vm.registry.primitive(ops.ATYPE[code[pc + 1]!]!)!, n);
        pc += 2;
        break;
      }
      case 0xbd: { // anewarray
        save(pc);
        const c = resolveClass(vm, thread, cls, u16(code, pc + 1));
        const n = ops.checkLength(vm, thread, stack[sp - 1] as number);
        stack[sp - 1] = vm.newArray(c, n);
        pc += 3;
        break;
      }
      case 0xbe: { // arraylength
        const a = stack[sp - 1] as JObject | null;
        if (a === null) { save(pc); ops.npe(vm, thread); }
        stack[sp - 1] = a.data!.length;
        pc++;
        break;
      }
      case 0xbf: { // athrow
        save(pc);
        const e = stack[--sp] as JObject | null;
        if (e === null) ops.npe(vm, thread);
        throw new JavaThrow(e);
      }
      case 0xc0: { // checkcast
        const o = stack[sp - 1] as JObject | null;
        if (o !== null) {
          save(pc);
          const c = resolveClass(vm, thread, cls, u16(code, pc + 1));
          if (!o.cls.isAssignableTo(c)) ops.classCast(vm, thread, o.cls, c);
        }
        pc += 3;
        break;
      }
      case 0xc1: { // instanceof
        const o = stack[sp - 1] as JObject | null;
        if (o === null) stack[sp - 1] = 0;
        else {
          save(pc);
          stack[sp - 1] = o.cls.isAssignableTo(resolveClass(vm, thread, cls, u16(code, pc + 1))) ? 1 : 0;
        }
        pc += 3;
        break;
      }
      case 0xc2: { // monitorenter
        save(pc);
        const o = stack[sp - 1] as JObject | null;
        if (o === null) ops.npe(vm, thread);
        if (!ops.monitorEnter(thread, o)) {
          thread.block(ThreadState.BlockedOnMonitor, Infinity, null);
          thread.monitorObject = o;
          if (blocked()) return null; // monitorenter runs again when the monitor is free
          ops.monitorEnter(thread, o);
        }
        sp--;
        pc++;
        break;
      }
      case 0xc3: { // monitorexit
        save(pc);
        const o = stack[--sp] as JObject | null;
        if (o === null) ops.npe(vm, thread);
        ops.monitorExit(vm, thread, o);
        pc++;
        break;
      }
      case 0xc4: { // wide
        const w = code[pc + 1]!;
        const i = u16(code, pc + 2);
        if (w === 0x84) {
          locals[i] = ((locals[i] as number) + s16(code, pc + 4)) | 0;
          pc += 6;
          break;
        }
        if (w >= 0x15 && w <= 0x19) {
          stack[sp++] = locals[i]!;
          if (w === 0x16 || w === 0x18) stack[sp++] = 0;
        } else if (w >= 0x36 && w <= 0x3a) {
          if (w === 0x37 || w === 0x39) sp--;
          locals[i] = stack[--sp]!;
        } else if (w === 0xa9) {
          pc = locals[i] as number;
          break;
        }
        pc += 4;
        break;
      }
      case 0xc5: { // multianewarray
        save(pc);
        const c = resolveClass(vm, thread, cls, u16(code, pc + 1));
        const dims = code[pc + 3]!;
        sp -= dims;
        const counts = stack.slice(sp, sp + dims) as number[];
        for (const n of counts) ops.checkLength(vm, thread, n);
        stack[sp++] = ops.multiArray(vm, c, counts, 0);
        pc += 4;
        break;
      }
      case 0xc6: if (br(stack[--sp] === null)) return null; break; // ifnull
      case 0xc7: if (br(stack[--sp] !== null)) return null; break; // ifnonnull
      case 0xc8: pc += s32(code, pc + 1); break; // goto_w
      case 0xc9: stack[sp++] = pc + 5; pc += s32(code, pc + 1); break; // jsr_w
      default:
        save(pc);
        vm.throwNew(thread, "java/lang/VerifyError", `Bad instruction ${op} at ${pc} in ${f.method}`);
    }
  }
}
