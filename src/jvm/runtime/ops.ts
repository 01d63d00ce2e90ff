/**
 * The interpreter's slower helpers: long arithmetic and conversions with the
 * JLS's exact results, array checks, the VM's own exceptions, monitors, and
 * argument marshalling for natives.
 */

import { AccessFlags } from "../classfile/index.js";
import type { JClass, JMethod } from "./klass.js";
import type { Jvm } from "./jvm.js";
import { JavaThrow, type JObject, type Value } from "./objects.js";
import { ThreadState, type Frame, type JThread } from "./thread.js";

/** newarray's atype operand to descriptor letters (JVMS Table 6.5.newarray-A). */
export const ATYPE: readonly (string | undefined)[] = [, , , , "Z", "C", "F", "D", "B", "S", "I", "J"];

const LONG_MIN = -(2n ** 63n);

/** ladd lsub lmul ldiv lrem land lor lxor on two's-complement 64-bit values. */
export function longBinary(op: number, a: bigint, b: bigint): bigint {
  switch (op) {
    case 0x61: return BigInt.asIntN(64, a + b);
    case 0x65: return BigInt.asIntN(64, a - b);
    case 0x69: return BigInt.asIntN(64, a * b);
    case 0x6d: return a === LONG_MIN && b === -1n ? LONG_MIN : a / b;
    case 0x71: return a % b;
    case 0x7f: return a & b;
    case 0x81: return a | b;
    default: return a ^ b;
  }
}

/** lshl lshr lushr: the shift distance is the low six bits. */
export function longShift(op: number, a: bigint, s: number): bigint {
  const n = BigInt(s & 63);
  if (op === 0x79) return BigInt.asIntN(64, a << n);
  if (op === 0x7b) return a >> n;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) >> n);
}

/** l2f rounded once to nearest float (not through double, which could round twice). */
export function l2f(a: bigint): number {
  const d = Number(a);
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(d)) return f;
  // Decide between the two floats around the exact value with exact integer arithmetic.
  const lo = f < d ? f : prevFloat(f);
  const hi = f < d ? nextFloat(f) : f;
  const dl = a - BigInt(lo);
  const dh = BigInt(hi) - a;
  if (dl < dh) return lo;
  if (dh < dl) return hi;
  return evenMantissa(lo) ? lo : hi;
}

function nextFloat(f: number): number {
  const b = new Float32Array([f]);
  const i = new Int32Array(b.buffer);
  i[0]! += f >= 0 ? 1 : -1;
  return b[0]!;
}

function prevFloat(f: number): number {
  const b = new Float32Array([f]);
  const i = new Int32Array(b.buffer);
  i[0]! += f > 0 ? -1 : 1;
  return b[0]!;
}

function evenMantissa(f: number): boolean {
  return (new Int32Array(new Float32Array([f]).buffer)[0]! & 1) === 0;
}

/** f2i/d2i: NaN is 0, out-of-range values saturate (JLS 5.1.3). */
export function d2i(v: number): number {
  if (v !== v) return 0;
  if (v >= 2147483647) return 2147483647;
  if (v <= -2147483648) return -2147483648;
  return Math.trunc(v) | 0;
}

/** f2l/d2l: NaN is 0, out-of-range values saturate. */
export function d2l(v: number): bigint {
  if (v !== v) return 0n;
  if (v >= 9223372036854775807) return 9223372036854775807n;
  if (v <= -9223372036854775808) return LONG_MIN;
  return BigInt(Math.trunc(v));
}

/** fcmp/dcmp: `nan` is the result when either operand is NaN (1 for *cmpg, -1 for *cmpl). */
export function fcmp(a: number, b: number, nan: number): number {
  if (a > b) return 1;
  if (a < b) return -1;
  if (a === b) return 0;
  return nan;
}

/** Throws NullPointerException. */
export function npe(vm: Jvm, thread: JThread): never {
  vm.throwNew(thread, "java/lang/NullPointerException");
}

/** The array `a` after checking it is not null and `i` is in bounds. */
export function checkIndex(vm: Jvm, thread: JThread, a: JObject | null, i: number): JObject {
  if (a === null) npe(vm, thread);
  if (i < 0 || i >= a.data!.length) {
    vm.throwNew(thread, "java/lang/ArrayIndexOutOfBoundsException", `Index ${i} out of bounds for length ${a.data!.length}`);
  }
  return a;
}

/** An array length after checking it is not negative. */
export function checkLength(vm: Jvm, thread: JThread, n: number): number {
  if (n < 0) vm.throwNew(thread, "java/lang/NegativeArraySizeException", String(n));
  return n;
}

/** Throws ClassCastException with HotSpot's message. */
export function classCast(vm: Jvm, thread: JThread, from: JClass, to: JClass): never {
  const where = (c: JClass) => (c.moduleName !== "" ? `module ${c.moduleName} of loader 'bootstrap'` : `unnamed module of loader 'app'`);
  const same = from.moduleName === to.moduleName && from.fromClassPath === to.fromClassPath;
  const msg = same
    ? `class ${from.javaName} cannot be cast to class ${to.javaName} (${from.javaName} and ${to.javaName} are in ${where(from)})`
    : `class ${from.javaName} cannot be cast to class ${to.javaName} (${from.javaName} is in ${where(from)}; ${to.javaName} is in ${where(to)})`;
  vm.throwNew(thread, "java/lang/ClassCastException", msg);
}

/** A multi-dimensional array of class `cls` with the given counts from dimension `d` on. */
export function multiArray(vm: Jvm, cls: JClass, counts: number[], d: number): JObject {
  const a = vm.newArrayOf(cls, counts[d]!);
  if (d + 1 < counts.length) {
    const items = a.data as (JObject | null)[];
    for (let i = 0; i < items.length; i++) items[i] = multiArray(vm, cls.componentType!, counts, d + 1);
  }
  return a;
}

/** The arguments of native `m` taken from operand-stack slots starting at `sp` (one value per parameter). */
export function collectArgs(m: JMethod, stack: Value[], sp: number): Value[] {
  const args: Value[] = [];
  let p = sp;
  if (!m.isStatic) args.push(stack[p++]!);
  for (const k of m.paramKinds) {
    args.push(stack[p]!);
    p += k === "J" || k === "D" ? 2 : 1;
  }
  return args;
}

/** Enters `o`'s monitor in `thread`; false (nothing changed) if another thread owns it. */
export function monitorEnter(thread: JThread, o: JObject): boolean {
  const m = (o.monitor ??= { owner: null, count: 0 });
  if (m.owner === thread) m.count++;
  else if (m.owner === null) {
    m.owner = thread;
    m.count = 1;
  } else return false;
  return true;
}

/** Leaves `o`'s monitor; IllegalMonitorStateException if `thread` does not own it. */
export function monitorExit(vm: Jvm, thread: JThread, o: JObject): void {
  const m = o.monitor;
  if (m === undefined || m.owner !== thread) vm.throwNew(thread, "java/lang/IllegalMonitorStateException");
  if (--m.count === 0) m.owner = null;
}

/** The object a synchronized method locks: its receiver, or its class's mirror when static. */
function methodLock(vm: Jvm, f: Frame): JObject {
  return (f.method.access & AccessFlags.ACC_STATIC) !== 0 ? vm.mirror(f.method.cls) : (f.locals[0] as JObject);
}

/**
 * Locks a synchronized method's monitor when its frame is entered; when
 * another thread owns it, marks `thread` blocked on it and returns false.
 */
export function lockMethod(vm: Jvm, thread: JThread, f: Frame): boolean {
  const o = methodLock(vm, f);
  if (monitorEnter(thread, o)) return true;
  thread.block(ThreadState.BlockedOnMonitor, Infinity, null);
  thread.monitorObject = o;
  return false;
}

/** Unlocks it when the frame leaves, normally or by an exception. */
export function unlockMethod(vm: Jvm, thread: JThread, f: Frame): void {
  const o = methodLock(vm, f);
  if (o.monitor?.owner === thread) monitorExit(vm, thread, o);
}

/** A host error met while running Java (the host stack overflowing) as the Java error it stands for. */
export function hostError(vm: Jvm, thread: JThread, e: unknown): JavaThrow {
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    return new JavaThrow(vm.newThrowable(thread, "java/lang/StackOverflowError"));
  }
  throw e;
}
