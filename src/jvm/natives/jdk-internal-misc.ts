/**
 * Natives of jdk.internal.misc: Unsafe (fields, arrays and native memory
 * through unsafe-memory.ts, compare-and-set, class queries), VM, CDS (class
 * data sharing, always off here), Signal and ScopedMemoryAccess.
 */

import type { Jvm } from "../runtime/jvm.js";
import type { Native, Natives } from "../runtime/natives.js";
import { JavaThrow, JObject, type Value } from "../runtime/objects.js";
import type { JClass } from "../runtime/klass.js";
import { ClassState } from "../runtime/klass.js";
import { elementSize } from "../runtime/objects.js";
import { ARRAY_BASE, bytesOf, NativeMemory, unsafeGet, unsafePut, type Kind } from "./unsafe-memory.js";

const DESCRIPTOR: Record<Kind, string> = {
  Z: "Z", B: "B", S: "S", C: "C", I: "I", J: "J", F: "F", D: "D", L: "Ljava/lang/Object;",
};
const NAME: Record<Kind, string> = {
  Z: "Boolean", B: "Byte", S: "Short", C: "Char", I: "Int", J: "Long", F: "Float", D: "Double", L: "Reference",
};

/** Signal numbers of Linux, for Signal.findSignal0. */
const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, TERM: 15, USR1: 10, USR2: 12, PIPE: 13, ALRM: 14, CHLD: 17 };

/** The base object Unsafe.staticFieldBase returns for a class: its `fields` are the class's statics. */
export function staticBase(c: JClass): JObject {
  const holder = c as JClass & { staticBase?: JObject };
  holder.staticBase ??= new JObject(c, c.statics);
  return holder.staticBase;
}

/** The JClass and slot of a java.lang.reflect.Field. */
function reflectedField(vm: Jvm, field: JObject): { cls: JClass; slot: number } {
  const c = vm.classOf(vm.getField(field, "clazz") as JObject);
  const name = vm.strings.js(vm.getField(field, "name") as JObject);
  const f = c.fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no field ${name} in ${c.name}`);
  return { cls: c, slot: f.slot };
}

function accessors(mem: NativeMemory): Record<string, Native> {
  const out: Record<string, Native> = {};
  for (const kind of Object.keys(DESCRIPTOR) as Kind[]) {
    const d = DESCRIPTOR[kind];
    const get: Native = (_vm, _t, [, o, off]) => unsafeGet(mem, o as JObject | null, off as bigint, kind);
    const put: Native = (_vm, _t, [, o, off, x]) => unsafePut(mem, o as JObject | null, off as bigint, kind, x!);
    for (const suffix of ["", "Volatile"]) {
      out[`get${NAME[kind]}${suffix}(Ljava/lang/Object;J)${d}`] = get;
      out[`put${NAME[kind]}${suffix}(Ljava/lang/Object;J${d})V`] = put;
    }
    if (kind === "I" || kind === "J" || kind === "L") {
      out[`compareAndSet${NAME[kind]}(Ljava/lang/Object;J${d}${d})Z`] = (_vm, _t, [, o, off, e, x]) => {
        if (unsafeGet(mem, o as JObject | null, off as bigint, kind) !== e) return 0;
        unsafePut(mem, o as JObject | null, off as bigint, kind, x!);
        return 1;
      };
      out[`compareAndExchange${NAME[kind]}(Ljava/lang/Object;J${d}${d})${d}`] = (_vm, _t, [, o, off, e, x]) => {
        const old = unsafeGet(mem, o as JObject | null, off as bigint, kind);
        if (old === e) unsafePut(mem, o as JObject | null, off as bigint, kind, x!);
        return old;
      };
    }
  }
  return out;
}

function copyMemory(vm: Jvm, mem: NativeMemory, args: Value[]): void {
  const [, src, srcOff, dst, dstOff, bytes] = args as [unknown, JObject | null, bigint, JObject | null, bigint, bigint];
  const n = Number(bytes);
  const from = bytesOf(mem, src, srcOff, n);
  const to = bytesOf(mem, dst, dstOff, n);
  if (from === undefined || to === undefined) throw new Error("Unsafe.copyMemory on a non-primitive base");
  to.set(from.slice());
  void vm;
}

/** Registers the natives of jdk.internal.misc. */
export function registerJdkInternalMisc(n: Natives, mem: NativeMemory): void {
  n.register("jdk/internal/misc/Unsafe", {
    ...accessors(mem),
    "arrayBaseOffset0(Ljava/lang/Class;)I": () => ARRAY_BASE,
    "arrayIndexScale0(Ljava/lang/Class;)I": (vm, _t, [, c]) => {
      const a = vm.classOf(c as JObject);
      return a.componentType === null ? 0 : elementSize(a.componentType.descriptor);
    },
    "objectFieldOffset0(Ljava/lang/reflect/Field;)J": (vm, _t, [, f]) => BigInt(reflectedField(vm, f as JObject).slot),
    "objectFieldOffset1(Ljava/lang/Class;Ljava/lang/String;)J": (vm, t, [, c, name]) => {
      const k = vm.classOf(c as JObject);
      const s = vm.strings.js(name as JObject);
      const f = k.fields.find((x) => x.name === s && !x.isStatic);
      if (f === undefined) return vm.throwNew(t, "java/lang/InternalError", s);
      return BigInt(f.slot);
    },
    "staticFieldOffset0(Ljava/lang/reflect/Field;)J": (vm, _t, [, f]) => BigInt(reflectedField(vm, f as JObject).slot),
    "staticFieldBase0(Ljava/lang/reflect/Field;)Ljava/lang/Object;": (vm, _t, [, f]) => staticBase(reflectedField(vm, f as JObject).cls),
    "shouldBeInitialized0(Ljava/lang/Class;)Z": (vm, _t, [, c]) => (vm.classOf(c as JObject).state === ClassState.Initialized ? 0 : 1),
    "ensureClassInitialized0(Ljava/lang/Class;)V": (vm, t, [, c]) => vm.initialize(t, vm.classOf(c as JObject)),
    "allocateInstance(Ljava/lang/Class;)Ljava/lang/Object;": (vm, t, [, c]) => {
      const k = vm.classOf(c as JObject);
      vm.initialize(t, k);
      return vm.newObject(k);
    },
    "allocateMemory0(J)J": (_vm, _t, [, size]) => BigInt(mem.allocate(Number(size))),
    "reallocateMemory0(JJ)J": (_vm, _t, [, a, size]) => BigInt(mem.reallocate(Number(a), Number(size))),
    "freeMemory0(J)V": (_vm, _t, [, a]) => mem.free(Number(a)),
    "setMemory0(Ljava/lang/Object;JJB)V": (_vm, _t, [, o, off, bytes, v]) => {
      bytesOf(mem, o as JObject | null, off as bigint, Number(bytes))!.fill(v as number);
    },
    "copyMemory0(Ljava/lang/Object;JLjava/lang/Object;JJ)V": (vm, _t, args) => copyMemory(vm, mem, args),
    "storeFence()V": () => {},
    "loadFence()V": () => {},
    "fullFence()V": () => {},
    "throwException(Ljava/lang/Throwable;)V": (_vm, _t, [, e]) => {
      throw new JavaThrow(e as JObject);
    },
    "getLoadAverage0([DI)I": () => -1,
  });
  n.register("java/util/concurrent/atomic/AtomicLong", { "VMSupportsCS8()Z": () => 1 });
  // Performance counters (jstat's): each one is a plain 8-byte buffer nobody outside reads.
  n.register("jdk/internal/perf/Perf", {
    "createLong(Ljava/lang/String;IIJ)Ljava/nio/ByteBuffer;": (vm, t) =>
      vm.invokeStatic(t, "java/nio/ByteBuffer", "allocate", "(I)Ljava/nio/ByteBuffer;", [8]),
  });
  n.register("jdk/internal/misc/VM", {
    "initialize()V": () => {},
    "initializeFromArchive(Ljava/lang/Class;)V": () => {},
    "getNanoTimeAdjustment(J)J": (_vm, _t, [offset]) => {
      const ns = BigInt(Date.now()) * 1000000n;
      return ns - (offset as bigint) * 1000000000n;
    },
    "latestUserDefinedLoader0()Ljava/lang/ClassLoader;": () => null,
    "getRuntimeArguments()[Ljava/lang/String;": (vm) => vm.refArray("java/lang/String", []),
    "getuid()J": () => 0n,
    "geteuid()J": () => 0n,
    "getgid()J": () => 0n,
    "getegid()J": () => 0n,
  });
  n.register("jdk/internal/misc/CDS", {
    "isDumpingClassList0()Z": () => 0,
    "isDumpingArchive0()Z": () => 0,
    "isSharingEnabled0()Z": () => 0,
    "getRandomSeedForDumping()J": () => 0n,
    "initializeFromArchive(Ljava/lang/Class;)V": () => {},
    "defineArchivedModules(Ljava/lang/ClassLoader;Ljava/lang/ClassLoader;)V": () => {},
    "logLambdaFormInvoker(Ljava/lang/String;)V": () => {},
  });
  n.register("jdk/internal/misc/Signal", {
    "findSignal0(Ljava/lang/String;)I": (vm, _t, [name]) => SIGNALS[vm.strings.js(name as JObject)] ?? -1,
    "handle0(IJ)J": () => 0n,
    "raise0(I)V": () => {},
  });
}
