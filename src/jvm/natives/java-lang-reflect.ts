/**
 * Core reflection: the Field, Method and Constructor objects Class hands out
 * (built with their package-private constructors, as HotSpot's Reflection
 * does), and calls through them with arguments unboxed and results boxed.
 */

import { AccessFlags, findAttribute, parseFieldDescriptor, parseMethodDescriptor, type FieldType } from "../classfile/index.js";
import type { JClass, JMethod } from "../runtime/klass.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import { JavaThrow, type JObject, type Value } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";
import { rawAttribute, registerAnnotationNatives } from "./annotations.js";
import { registerArrayNatives } from "./java-lang-reflect-array.js";

/** Box classes by primitive descriptor letter. */
const BOXES: Record<string, string> = {
  Z: "java/lang/Boolean", B: "java/lang/Byte", C: "java/lang/Character", S: "java/lang/Short",
  I: "java/lang/Integer", J: "java/lang/Long", F: "java/lang/Float", D: "java/lang/Double",
};

/** The Class object of a field type, loaded as `from` sees it. */
export function typeMirror(vm: Jvm, t: FieldType, from: JClass, thread: JThread): JObject {
  if (t.kind === "base") return vm.mirror(vm.registry.primitive(t.char)!);
  if (t.kind === "object") return vm.mirror(vm.load(t.className, from, thread));
  return vm.mirror(vm.registry.arrayOf(vm.classOf(typeMirror(vm, t.component, from, thread))));
}

/** Boxes a primitive value of kind `kind` (Integer.valueOf...); references pass through. */
export function box(vm: Jvm, thread: JThread, kind: string, v: Value): Value {
  const boxName = BOXES[kind];
  if (boxName === undefined) return v;
  return vm.invokeStatic(thread, boxName, "valueOf", `(${kind})L${boxName};`, [v]);
}

/** Primitive widening conversions (JLS 5.1.2): the kinds each kind widens to. */
export const WIDENS_TO: Readonly<Record<string, string>> = { B: "SIJFD", S: "IJFD", C: "IJFD", I: "JFD", J: "FD", F: "D" };

/** Converts primitive `x` of kind `from` to kind `to` (a widening conversion or the identity). */
export function widen(from: string, to: string, x: Value): Value {
  if (from === to) return x;
  if (to === "J") return BigInt(x as number);
  if (from === "J") return to === "F" ? Math.fround(Number(x as bigint)) : Number(x as bigint);
  return to === "F" ? Math.fround(x as number) : x;
}

/** Unboxes an argument for a parameter of kind `kind`, with widening; IllegalArgumentException if it does not fit. */
export function unbox(vm: Jvm, thread: JThread, kind: string, v: Value): Value {
  if (BOXES[kind] === undefined) return v;
  const o = v as JObject | null;
  const entry = o === null ? undefined : Object.entries(BOXES).find(([, n]) => n === o.cls.name);
  if (o === null || entry === undefined) vm.throwNew(thread, "java/lang/IllegalArgumentException", "argument type mismatch");
  const from = entry[0];
  const x = vm.getField(o, "value");
  if (from !== kind && !(WIDENS_TO[from] ?? "").includes(kind)) vm.throwNew(thread, "java/lang/IllegalArgumentException", "argument type mismatch");
  return widen(from, kind, x);
}

function stringOrNull(vm: Jvm, s: string | undefined): JObject | null {
  return s === undefined ? null : vm.strings.intern(s);
}

function signatureOf(cls: JClass, attrs: readonly { attribute_name: string }[] | undefined): string | undefined {
  const a = attrs === undefined ? undefined : findAttribute(attrs as never, "Signature");
  if (a === undefined) return undefined;
  const e = cls.cf!.constant_pool[(a as { signature_index: number }).signature_index];
  return e !== undefined && e.tag === 1 ? e.value : undefined;
}

function exceptionTypes(vm: Jvm, thread: JThread, m: JMethod): JObject {
  const attr = m.info === undefined ? undefined : findAttribute(m.info.attributes, "Exceptions");
  const pool = m.cls.cf!.constant_pool;
  const names = (attr?.exception_index_table ?? []).map((i) => {
    const c = pool[i]!;
    const u = c.tag === 7 ? pool[c.name_index] : undefined;
    return u !== undefined && u.tag === 1 ? u.value : "java/lang/Throwable";
  });
  return vm.refArray("java/lang/Class", names.map((n) => vm.mirror(vm.load(n, m.cls, thread))));
}

function parameterTypes(vm: Jvm, thread: JThread, m: JMethod): JObject {
  const d = parseMethodDescriptor(m.descriptor);
  return vm.refArray("java/lang/Class", d.parameters.map((p) => typeMirror(vm, p, m.cls, thread)));
}

function declaredFields(vm: Jvm, thread: JThread, cls: JClass, publicOnly: boolean): JObject {
  const items = cls.fields
    .filter((f) => !publicOnly || (f.access & AccessFlags.ACC_PUBLIC) !== 0)
    .map((f) => {
      const trustedFinal = (f.access & AccessFlags.ACC_FINAL) !== 0 && (f.isStatic || cls.cf?.attributes.some((a) => a.attribute_name === "Record") === true);
      return vm.construct(thread, "java/lang/reflect/Field",
        "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;IZILjava/lang/String;[B)V",
        [vm.mirror(cls), vm.strings.intern(f.name), typeMirror(vm, parseFieldDescriptor(f.descriptor), cls, thread),
          f.access & 0xffff, trustedFinal ? 1 : 0, f.slot, stringOrNull(vm, signatureOf(cls, f.info?.attributes)),
          rawAttribute(vm, f.info?.attributes, "RuntimeVisibleAnnotations")]);
    });
  return vm.refArray("java/lang/reflect/Field", items);
}

/** A java.lang.reflect.Method (or Constructor, for <init>) for `m`. */
function reflectMethod(vm: Jvm, thread: JThread, m: JMethod): JObject {
  const cls = m.cls;
  const signature = stringOrNull(vm, signatureOf(cls, m.info?.attributes));
  const annotations = rawAttribute(vm, m.info?.attributes, "RuntimeVisibleAnnotations");
  const parameterAnnotations = rawAttribute(vm, m.info?.attributes, "RuntimeVisibleParameterAnnotations");
  if (m.name === "<init>") {
    return vm.construct(thread, "java/lang/reflect/Constructor",
      "(Ljava/lang/Class;[Ljava/lang/Class;[Ljava/lang/Class;IILjava/lang/String;[B[B)V",
      [vm.mirror(cls), parameterTypes(vm, thread, m), exceptionTypes(vm, thread, m), m.access & 0xffff, m.slot, signature, annotations, parameterAnnotations]);
  }
  const d = parseMethodDescriptor(m.descriptor);
  const ret = d.returnType === undefined ? vm.mirror(vm.registry.primitive("V")!) : typeMirror(vm, d.returnType, cls, thread);
  return vm.construct(thread, "java/lang/reflect/Method",
    "(Ljava/lang/Class;Ljava/lang/String;[Ljava/lang/Class;Ljava/lang/Class;[Ljava/lang/Class;IILjava/lang/String;[B[B[B)V",
    [vm.mirror(cls), vm.strings.intern(m.name), parameterTypes(vm, thread, m), ret, exceptionTypes(vm, thread, m),
      m.access & 0xffff, m.slot, signature, annotations, parameterAnnotations, rawAttribute(vm, m.info?.attributes, "AnnotationDefault")]);
}

function declaredMethods(vm: Jvm, thread: JThread, cls: JClass, publicOnly: boolean, constructors: boolean): JObject {
  const items = cls.methods
    .filter((m) => (m.name === "<init>") === constructors && m.name !== "<clinit>")
    .filter((m) => !publicOnly || (m.access & AccessFlags.ACC_PUBLIC) !== 0)
    .map((m) => reflectMethod(vm, thread, m));
  return vm.refArray(constructors ? "java/lang/reflect/Constructor" : "java/lang/reflect/Method", items);
}

/** Class.getRecordComponents0: a RecordComponent per entry of the Record attribute, its accessor resolved. */
function recordComponents(vm: Jvm, thread: JThread, cls: JClass): JObject | null {
  const record = cls.cf === undefined ? undefined : findAttribute(cls.cf.attributes, "Record");
  if (record === undefined) return null;
  const pool = cls.cf!.constant_pool;
  const rc = vm.load("java/lang/reflect/RecordComponent");
  vm.initialize(thread, rc);
  const items = record.components.map((c) => {
    const nameEntry = pool[c.name_index];
    const descEntry = pool[c.descriptor_index];
    const name = nameEntry !== undefined && nameEntry.tag === 1 ? nameEntry.value : "";
    const descriptor = descEntry !== undefined && descEntry.tag === 1 ? descEntry.value : "Ljava/lang/Object;";
    const o = vm.newObject(rc);
    vm.setField(o, "clazz", vm.mirror(cls));
    vm.setField(o, "name", vm.strings.intern(name));
    vm.setField(o, "type", typeMirror(vm, parseFieldDescriptor(descriptor), cls, thread));
    const accessor = cls.declaredMethod(name, `()${descriptor}`);
    vm.setField(o, "accessor", accessor === undefined ? null : reflectMethod(vm, thread, accessor));
    vm.setField(o, "signature", stringOrNull(vm, signatureOf(cls, c.attributes)));
    vm.setField(o, "annotations", rawAttribute(vm, c.attributes, "RuntimeVisibleAnnotations"));
    return o;
  });
  return vm.refArray("java/lang/reflect/RecordComponent", items);
}

/** The JMethod behind a Method or Constructor object. */
function methodOf(vm: Jvm, reflected: JObject): JMethod {
  const cls = vm.classOf(vm.getField(reflected, "clazz") as JObject);
  return cls.methods[vm.getField(reflected, "slot") as number]!;
}

/** Calls `m` with boxed `args`; an exception it throws comes back wrapped in InvocationTargetException. */
function invokeReflected(vm: Jvm, thread: JThread, m: JMethod, receiver: JObject | null, args: JObject | null): Value {
  const items = (args?.data ?? []) as (JObject | null)[];
  if (items.length !== m.paramKinds.length) vm.throwNew(thread, "java/lang/IllegalArgumentException", `wrong number of arguments: ${items.length} expected: ${m.paramKinds.length}`);
  const values = [...m.paramKinds].map((k, i) => unbox(vm, thread, k, items[i]!));
  let target = m;
  if (!m.isStatic) {
    if (receiver === null) vm.throwNew(thread, "java/lang/NullPointerException");
    if (m.name !== "<init>" && (m.access & AccessFlags.ACC_PRIVATE) === 0) target = receiver.cls.selectMethod(m) ?? m;
  } else vm.initialize(thread, m.cls);
  try {
    const r = vm.invoke(thread, target, m.isStatic ? values : [receiver, ...values]);
    return m.returnKind === "V" ? null : box(vm, thread, m.returnKind, r);
  } catch (e) {
    if (!(e instanceof JavaThrow)) throw e;
    const ite = vm.construct(thread, "java/lang/reflect/InvocationTargetException", "(Ljava/lang/Throwable;)V", [e.exception]);
    throw new JavaThrow(ite);
  }
}

/** Registers the reflection natives. */
export function registerReflection(n: Natives): void {
  registerAnnotationNatives(n);
  n.register("java/lang/Class", {
    "getDeclaredFields0(Z)[Ljava/lang/reflect/Field;": (vm, t, [c, p]) => declaredFields(vm, t, vm.classOf(c as JObject), p === 1),
    "getDeclaredMethods0(Z)[Ljava/lang/reflect/Method;": (vm, t, [c, p]) => declaredMethods(vm, t, vm.classOf(c as JObject), p === 1, false),
    "getDeclaredConstructors0(Z)[Ljava/lang/reflect/Constructor;": (vm, t, [c, p]) => declaredMethods(vm, t, vm.classOf(c as JObject), p === 1, true),
    "getDeclaredClasses0()[Ljava/lang/Class;": (vm) => vm.refArray("java/lang/Class", []),
    "getRecordComponents0()[Ljava/lang/reflect/RecordComponent;": (vm, t, [c]) => recordComponents(vm, t, vm.classOf(c as JObject)),
  });
  n.register("jdk/internal/reflect/NativeMethodAccessorImpl", {
    "invoke0(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;": (vm, t, [m, o, a]) =>
      invokeReflected(vm, t, methodOf(vm, m as JObject), o as JObject | null, a as JObject | null),
  });
  n.register("jdk/internal/reflect/NativeConstructorAccessorImpl", {
    "newInstance0(Ljava/lang/reflect/Constructor;[Ljava/lang/Object;)Ljava/lang/Object;": (vm, t, [c, a]) => {
      const m = methodOf(vm, c as JObject);
      if ((m.cls.access & AccessFlags.ACC_ABSTRACT) !== 0) vm.throwNew(t, "java/lang/InstantiationException");
      vm.initialize(t, m.cls);
      const o = vm.newObject(m.cls);
      invokeReflected(vm, t, m, o, a as JObject | null);
      return o;
    },
  });
  registerArrayNatives(n);
  n.register("java/io/ObjectStreamClass", {
    "initNative()V": () => {},
    "hasStaticInitializer(Ljava/lang/Class;)Z": (vm, _t, [c]) => (vm.classOf(c as JObject).declaredMethod("<clinit>", "()V") !== undefined ? 1 : 0),
  });
  // Reflection stays on the native accessors above: HotSpot switches to generated
  // bytecode accessors after 15 calls, a speed-up this interpreter would not see.
  n.registerIntrinsics("jdk/internal/reflect/ReflectionFactory", {
    "inflationThreshold()I": () => 0x7fffffff,
  });
}
