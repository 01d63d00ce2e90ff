/**
 * Natives of java.lang: Object, Class, System, Runtime, Thread, Throwable,
 * StackTraceElement, String, StringUTF16, Float, Double, StrictMath,
 * ref.Reference and ref.Finalizer.
 */

import { findAttribute } from "../classfile/index.js";
import type { JClass } from "../runtime/klass.js";
import type { Jvm } from "../runtime/jvm.js";
import { JvmExit } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject, Value } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";
import { registerClassNatives } from "./java-lang-class.js";
import { registerThreadNatives } from "./java-lang-thread.js";
import { monotonicNs } from "../../platform/host.js";

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
let hashSeed = 0x2545f491;

/** The next identity hash: a non-zero 31-bit value from a xorshift generator. */
function nextHash(): number {
  hashSeed ^= hashSeed << 13;
  hashSeed ^= hashSeed >>> 17;
  hashSeed ^= hashSeed << 5;
  return (hashSeed & 0x7fffffff) || 1;
}

/** Object.hashCode's identity hash of `o`. */
export function identityHash(o: JObject | null): number {
  if (o === null) return 0;
  if (o.hash === 0) o.hash = nextHash();
  return o.hash;
}

/** A shallow copy of an object or array (Object.clone). */
function cloneObject(vm: Jvm, thread: JThread, o: JObject): JObject {
  if (o.data !== null) {
    const a = vm.newArrayOf(o.cls, o.data.length);
    if (Array.isArray(o.data)) (a.data as (JObject | null)[]).splice(0, o.data.length, ...o.data);
    else (a.data as Int32Array).set(o.data as Int32Array);
    return a;
  }
  if (!o.cls.isAssignableTo(vm.load("java/lang/Cloneable"))) vm.throwNew(thread, "java/lang/CloneNotSupportedException", o.cls.javaName);
  const c = vm.newObject(o.cls);
  for (let i = 0; i < o.fields.length; i++) c.fields[i] = o.fields[i]!;
  c.host = o.host; // a cloned MemberName keeps the member it was resolved to
  return c;
}

/** System.arraycopy with its checks and messages (overlapping copies behave as through a temporary). */
function arraycopy(vm: Jvm, thread: JThread, args: Value[]): void {
  const [src, srcPos, dst, dstPos, length] = args as [JObject | null, number, JObject | null, number, number];
  if (src === null || dst === null) vm.throwNew(thread, "java/lang/NullPointerException");
  if (src.data === null) vm.throwNew(thread, "java/lang/ArrayStoreException", `arraycopy: source type ${src.cls.javaName} is not an array`);
  if (dst.data === null) vm.throwNew(thread, "java/lang/ArrayStoreException", `arraycopy: destination type ${dst.cls.javaName} is not an array`);
  const sc = src.cls.componentType!, dc = dst.cls.componentType!;
  if ((sc.primitive !== "" || dc.primitive !== "") && sc !== dc) {
    vm.throwNew(thread, "java/lang/ArrayStoreException", `arraycopy: type mismatch: can not copy ${src.cls.componentType!.javaName}[] into ${dst.cls.componentType!.javaName}[]`);
  }
  if (srcPos < 0 || dstPos < 0 || length < 0 || srcPos + length > src.data.length || dstPos + length > dst.data.length) {
    const what = srcPos < 0 ? `source index ${srcPos} out of bounds for ${sc.javaName}[${src.data.length}]`
      : dstPos < 0 ? `destination index ${dstPos} out of bounds for ${dc.javaName}[${dst.data.length}]`
      : length < 0 ? `length ${length} is negative`
      : srcPos + length > src.data.length ? `last source index ${srcPos + length} out of bounds for ${sc.javaName}[${src.data.length}]`
      : `last destination index ${dstPos + length} out of bounds for ${dc.javaName}[${dst.data.length}]`;
    vm.throwNew(thread, "java/lang/ArrayIndexOutOfBoundsException", `arraycopy: ${what}`);
  }
  if (sc.primitive !== "") {
    (dst.data as Int32Array).set((src.data as Int32Array).subarray(srcPos, srcPos + length), dstPos);
    return;
  }
  const s = src.data as (JObject | null)[], d = dst.data as (JObject | null)[];
  if (sc.isAssignableTo(dc) || src === dst) {
    d.splice(dstPos, length, ...s.slice(srcPos, srcPos + length));
    return;
  }
  for (let i = 0; i < length; i++) {
    const v = s[srcPos + i]!;
    if (v !== null && !v.cls.isAssignableTo(dc)) {
      vm.throwNew(thread, "java/lang/ArrayStoreException", `arraycopy: element type mismatch: can not cast one of the elements of ${sc.javaName}[] to the type of the destination array, ${dc.javaName}`);
    }
    d[dstPos + i] = v;
  }
}

/** The frames of a throwable's backtrace: what fillInStackTrace records. */
interface BacktraceFrame {
  method: { cls: JClass; name: string; lineOf(pc: number): number };
  pc: number;
}

function fillInStackTrace(vm: Jvm, thread: JThread, t: JObject): JObject {
  const frames = thread.frames;
  let top = frames.length - 1;
  // Skip fillInStackTrace itself and the constructors of this throwable, as HotSpot does.
  while (top >= 0 && frames[top]!.method.name === "fillInStackTrace") top--;
  while (top >= 0 && frames[top]!.method.name === "<init>" && t.cls.isSubclassOf(frames[top]!.method.cls)) top--;
  const trace: BacktraceFrame[] = [];
  for (let i = top; i >= 0; i--) {
    const m = frames[i]!.method;
    if (!m.isHiddenFrame) trace.push({ method: m, pc: frames[i]!.pc });
  }
  const holder = vm.newObject(vm.objectCls);
  holder.host = trace;
  vm.setField(t, "backtrace", holder);
  vm.setField(t, "depth", trace.length);
  return t;
}

function initStackTraceElements(vm: Jvm, elements: JObject, backtrace: JObject, depth: number): void {
  const trace = backtrace.host as BacktraceFrame[];
  const items = elements.data as JObject[];
  for (let i = 0; i < depth && i < trace.length; i++) {
    const { method, pc } = trace[i]!;
    const e = items[i]!;
    const cls = method.cls;
    vm.setField(e, "declaringClassObject", vm.mirror(cls));
    vm.setField(e, "declaringClass", vm.strings.str(cls.javaName));
    vm.setField(e, "methodName", vm.strings.str(method.name));
    const source = cls.cf === undefined ? undefined : findAttribute(cls.cf.attributes, "SourceFile");
    const file = source === undefined ? undefined : cls.cf!.constant_pool[source.sourcefile_index];
    vm.setField(e, "fileName", file !== undefined && file.tag === 1 ? vm.strings.str(file.value) : null);
    vm.setField(e, "lineNumber", (method as { isNative?: boolean }).isNative ? -2 : method.lineOf(pc));
    if (cls.moduleName !== "") vm.setField(e, "moduleName", vm.strings.str(cls.moduleName));
  }
}

/**
 * IEEE 754 remainder: x - n·y with n the integer nearest x/y (ties to even),
 * computed exactly by reducing x modulo 2|y| (JavaScript's % is exact) and
 * then stepping down by |y| at most twice.
 */
function ieeeRemainder(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || y === 0) return NaN;
  if (!Number.isFinite(y)) return x;
  const p = Math.abs(y);
  let r = p <= Number.MAX_VALUE / 2 ? x % (p + p) : x;
  const negative = r < 0 || Object.is(r, -0);
  r = Math.abs(r);
  if (p < 2 * 2.2250738585072014e-308) {
    if (r + r > p) {
      r -= p;
      if (r + r >= p) r -= p;
    }
  } else {
    const half = 0.5 * p;
    if (r > half) {
      r -= p;
      if (r >= half) r -= p;
    }
  }
  return negative ? -r : r;
}

/** StrictMath's natives (JDK 17): the fdlibm functions V8 also implements from fdlibm. */
const STRICT_MATH: Record<string, (x: number, y: number) => number> = {
  "sin(D)D": Math.sin, "cos(D)D": Math.cos, "tan(D)D": Math.tan, "asin(D)D": Math.asin, "acos(D)D": Math.acos,
  "atan(D)D": Math.atan, "exp(D)D": Math.exp, "log(D)D": Math.log, "log10(D)D": Math.log10, "sqrt(D)D": Math.sqrt,
  "cbrt(D)D": Math.cbrt, "atan2(DD)D": Math.atan2, "pow(DD)D": Math.pow, "sinh(D)D": Math.sinh, "cosh(D)D": Math.cosh,
  "tanh(D)D": Math.tanh, "hypot(DD)D": Math.hypot, "expm1(D)D": Math.expm1, "log1p(D)D": Math.log1p,
  "IEEEremainder(DD)D": ieeeRemainder,
};

/** Registers the java.lang natives. */
export function registerJavaLang(n: Natives): void {
  n.register("java/lang/Object", {
    "getClass()Ljava/lang/Class;": (vm, _t, [o]) => vm.mirror((o as JObject).cls),
    "hashCode()I": (_vm, _t, [o]) => identityHash(o as JObject),
    "clone()Ljava/lang/Object;": (vm, t, [o]) => cloneObject(vm, t, o as JObject),
  });
  n.register("java/lang/System", {
    "arraycopy(Ljava/lang/Object;ILjava/lang/Object;II)V": (vm, t, args) => arraycopy(vm, t, args),
    "currentTimeMillis()J": () => BigInt(Date.now()),
    "nanoTime()J": () => monotonicNs(),
    "identityHashCode(Ljava/lang/Object;)I": (_vm, _t, [o]) => identityHash(o as JObject | null),
    "mapLibraryName(Ljava/lang/String;)Ljava/lang/String;": (vm, _t, [s]) => vm.strings.str(`lib${vm.strings.js(s as JObject)}.so`),
    "setIn0(Ljava/io/InputStream;)V": (vm, _t, [s]) => setSystemStream(vm, "in", s!),
    "setOut0(Ljava/io/PrintStream;)V": (vm, _t, [s]) => setSystemStream(vm, "out", s!),
    "setErr0(Ljava/io/PrintStream;)V": (vm, _t, [s]) => setSystemStream(vm, "err", s!),
  });
  n.register("java/lang/Runtime", {
    "availableProcessors()I": () => 1,
    "freeMemory()J": (vm) => BigInt(Math.max(0, vm.heap.maxBytes - vm.heap.used)),
    "totalMemory()J": (vm) => BigInt(vm.heap.maxBytes),
    "maxMemory()J": (vm) => BigInt(vm.heap.maxBytes),
    "gc()V": () => {},
  });
  n.register("java/lang/Shutdown", {
    "beforeHalt()V": () => {},
    "halt0(I)V": (_vm, _t, [status]) => {
      throw new JvmExit(status as number);
    },
  });
  n.register("java/lang/Thread", {
    "currentThread()Ljava/lang/Thread;": (_vm, t) => t.javaThread,
    "setPriority0(I)V": () => {},
    "clearInterruptEvent()V": () => {},
    "setNativeName(Ljava/lang/String;)V": () => {},
  });
  n.register("java/lang/Throwable", {
    "fillInStackTrace(I)Ljava/lang/Throwable;": (vm, t, [o]) => fillInStackTrace(vm, t, o as JObject),
  });
  n.register("java/lang/StackTraceElement", {
    "initStackTraceElements([Ljava/lang/StackTraceElement;Ljava/lang/Throwable;)V": (vm, _t, [a, t]) => {
      const holder = vm.getField(t as JObject, "backtrace") as JObject;
      initStackTraceElements(vm, a as JObject, holder, vm.getField(t as JObject, "depth") as number);
    },
  });
  n.register("java/lang/ProcessEnvironment", {
    "environ()[[B": (vm) => {
      const env = vm.host.environment?.() ?? {};
      const encoder = new TextEncoder();
      const encode = (s: string) => vm.byteArray(encoder.encode(s));
      const items = Object.entries(env).filter(([, v]) => v !== undefined).flatMap(([k, v]) => [encode(k), encode(v!)]);
      return vm.refArray("[B", items);
    },
  });
  n.register("java/util/TimeZone", {
    "getSystemTimeZoneID(Ljava/lang/String;)Ljava/lang/String;": (vm) =>
      vm.strings.str(vm.host.timeZone?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone),
    "getSystemGMTOffsetID()Ljava/lang/String;": () => null,
  });
  n.register("java/lang/NullPointerException", {
    // JEP 358's helpful messages are not computed yet: the plain NullPointerException (no message)
    "getExtendedNPEMessage()Ljava/lang/String;": () => null,
  });
  n.register("java/lang/String", {
    "intern()Ljava/lang/String;": (vm, _t, [s]) => vm.strings.internObject(s as JObject),
  });
  n.register("java/lang/StringUTF16", { "isBigEndian()Z": () => 0 });
  n.register("java/lang/Float", {
    "floatToRawIntBits(F)I": (_vm, _t, [v]) => ((f32[0] = v as number), i32[0]!),
    "intBitsToFloat(I)F": (_vm, _t, [v]) => ((i32[0] = v as number), f32[0]!),
  });
  n.register("java/lang/Double", {
    "doubleToRawLongBits(D)J": (_vm, _t, [v]) => ((f64[0] = v as number), i64[0]!),
    "longBitsToDouble(J)D": (_vm, _t, [v]) => ((i64[0] = v as bigint), f64[0]!),
  });
  n.register("java/lang/StrictMath", Object.fromEntries(
    Object.entries(STRICT_MATH).map(([k, fn]) => [k, (_vm: Jvm, _t: JThread, args: Value[]) => fn(args[0] as number, args[1] as number)]),
  ));
  n.register("java/lang/ref/Reference", {
    "getAndClearReferencePendingList()Ljava/lang/ref/Reference;": () => null,
    "hasReferencePendingList()Z": () => 0,
    "refersTo0(Ljava/lang/Object;)Z": (vm, _t, [r, o]) => (vm.getField(r as JObject, "referent") === o ? 1 : 0),
    "clear0()V": (vm, _t, [r]) => vm.setField(r as JObject, "referent", null),
  });
  n.register("java/lang/ref/PhantomReference", {
    "refersTo0(Ljava/lang/Object;)Z": (vm, _t, [r, o]) => (vm.getField(r as JObject, "referent") === o ? 1 : 0),
  });
  n.register("java/lang/ref/Finalizer", { "isFinalizationEnabled()Z": () => 1 });
  registerClassNatives(n);
  registerThreadNatives(n);
}

function setSystemStream(vm: Jvm, name: string, stream: Value): void {
  const system = vm.load("java/lang/System");
  system.statics[vm.staticField(system, name).slot] = stream;
}
