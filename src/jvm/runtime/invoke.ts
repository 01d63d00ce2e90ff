/**
 * Method handles and invokedynamic as HotSpot links them (JVMS 5.4.3.5/6):
 * the VM upcalls into java.lang.invoke.MethodHandleNatives to turn constants
 * into MethodType and MethodHandle objects, to run a call site's bootstrap
 * method (linkCallSite) and to link invokeExact/invoke (linkMethod); each
 * returns the invoker method to call plus an "appendix" argument. The
 * signature-polymorphic linkers that LambdaForms use — invokeBasic and
 * linkToStatic/Special/Virtual/Interface — are executed by the interpreter
 * itself, by entering their target method with the arguments already on the
 * operand stack.
 */

import { AccessFlags, dynamicRef, findAttribute, methodHandle, parseMethodDescriptor, Tag, utf8, type FieldType } from "../classfile/index.js";
import { JMethod, type JClass } from "./klass.js";
import type { Jvm } from "./jvm.js";
import type { JObject, Value } from "./objects.js";
import type { JThread } from "./thread.js";

/** How a signature-polymorphic method is executed. */
export const enum Linker {
  /** Not a MethodHandle linker (VarHandle access modes run as natives). */
  None,
  /** MethodHandle.invokeBasic: enter the handle's LambdaForm. */
  InvokeBasic,
  /** linkToStatic: enter the trailing MemberName's method. */
  LinkToStatic,
  /** linkToSpecial: the same, with a receiver and no selection. */
  LinkToSpecial,
  /** linkToVirtual: select the MemberName's method on the receiver. */
  LinkToVirtual,
  /** linkToInterface: the same for an interface method. */
  LinkToInterface,
  /** invokeExact/invoke: enter the invoker linkMethod returned, with its appendix. */
  Invoker,
}

const LINKERS: Record<string, Linker> = {
  invokeBasic: Linker.InvokeBasic,
  linkToStatic: Linker.LinkToStatic,
  linkToSpecial: Linker.LinkToSpecial,
  linkToVirtual: Linker.LinkToVirtual,
  linkToInterface: Linker.LinkToInterface,
  invokeExact: Linker.Invoker,
  invoke: Linker.Invoker,
};

/** A linked call site: the method to enter, and the extra trailing argument if it takes one. */
export interface Linked {
  invoker: JMethod;
  appendix: Value;
  /** True when the invoker takes the appendix after the call's own arguments. */
  withAppendix: boolean;
}

/** The JMethod a MemberName (or its ResolvedMethodName) stands for. */
export function memberMethod(vm: Jvm, mn: JObject): JMethod {
  const own = mn.host;
  if (own instanceof JMethod) return own;
  const rmn = vm.getField(mn, "method") as JObject | null;
  if (rmn !== null && rmn.host instanceof JMethod) return rmn.host;
  throw new Error(`MemberName ${vm.strings.js(vm.getField(mn, "name") as JObject)} is not a resolved method`);
}

/** A method descriptor from a MethodType, a descriptor String, or MemberName's {rtype, ptypes} pair. */
export function descriptorOf(vm: Jvm, type: JObject): string {
  if (type.cls.name === "java/lang/String") return vm.strings.js(type);
  let rtype: JObject;
  let ptypes: JObject;
  if (type.data !== null) {
    const pair = type.data as JObject[];
    rtype = pair[0]!;
    ptypes = pair[1]!;
  } else {
    rtype = vm.getField(type, "rtype") as JObject;
    ptypes = vm.getField(type, "ptypes") as JObject;
  }
  const params = (ptypes.data as JObject[]).map((p) => vm.classOf(p).descriptor).join("");
  return `(${params})${vm.classOf(rtype).descriptor}`;
}

function typeClass(vm: Jvm, thread: JThread, t: FieldType | undefined, from: JClass): JObject {
  if (t === undefined) return vm.mirror(vm.registry.primitive("V")!);
  if (t.kind === "base") return vm.mirror(vm.registry.primitive(t.char)!);
  if (t.kind === "object") return vm.mirror(vm.load(t.className, from, thread));
  return vm.mirror(vm.registry.arrayOf(vm.classOf(typeClass(vm, thread, t.component, from))));
}

/** The MethodType of `descriptor`, its classes loaded as `from` sees them (MethodHandleNatives.findMethodHandleType). */
export function methodType(vm: Jvm, thread: JThread, from: JClass, descriptor: string): JObject {
  const d = parseMethodDescriptor(descriptor);
  const rtype = typeClass(vm, thread, d.returnType, from);
  const ptypes = vm.refArray("java/lang/Class", d.parameters.map((p) => typeClass(vm, thread, p, from)));
  return vm.invokeStatic(thread, "java/lang/invoke/MethodHandleNatives", "findMethodHandleType",
    "(Ljava/lang/Class;[Ljava/lang/Class;)Ljava/lang/invoke/MethodType;", [rtype, ptypes]) as JObject;
}

/** The MethodHandle of the CONSTANT_MethodHandle at `index` of `cls` (MethodHandleNatives.linkMethodHandleConstant). */
export function methodHandleConstant(vm: Jvm, thread: JThread, cls: JClass, index: number): JObject {
  const cached = cls.resolved[index];
  if (cached !== undefined) return cached as JObject;
  const { reference_kind, ref } = methodHandle(cls.cf!.constant_pool, index);
  const defc = vm.load(ref.className, cls, thread);
  const isField = reference_kind <= 4;
  const type = isField ? typeClass(vm, thread, parseMethodDescriptor(`()${ref.descriptor}`).returnType, cls) : methodType(vm, thread, cls, ref.descriptor);
  const mh = vm.invokeStatic(thread, "java/lang/invoke/MethodHandleNatives", "linkMethodHandleConstant",
    "(Ljava/lang/Class;ILjava/lang/Class;Ljava/lang/String;Ljava/lang/Object;)Ljava/lang/invoke/MethodHandle;",
    [vm.mirror(cls), reference_kind, vm.mirror(defc), vm.strings.intern(ref.name), type]) as JObject;
  cls.resolved[index] = mh;
  return mh;
}

/** A bootstrap method's static arguments as objects (primitives boxed, as BootstrapMethodInvoker expects). */
function staticArguments(vm: Jvm, thread: JThread, cls: JClass, indices: readonly number[]): JObject {
  const pool = cls.cf!.constant_pool;
  const values = indices.map((i): JObject | null => {
    const e = pool[i]!;
    switch (e.tag) {
      case Tag.Integer: return vm.invokeStatic(thread, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", [e.value]) as JObject;
      case Tag.Float: return vm.invokeStatic(thread, "java/lang/Float", "valueOf", "(F)Ljava/lang/Float;", [Math.fround(e.value)]) as JObject;
      case Tag.Long: return vm.invokeStatic(thread, "java/lang/Long", "valueOf", "(J)Ljava/lang/Long;", [e.value]) as JObject;
      case Tag.Double: return vm.invokeStatic(thread, "java/lang/Double", "valueOf", "(D)Ljava/lang/Double;", [e.value]) as JObject;
      case Tag.String: return vm.strings.intern(utf8(pool, e.string_index));
      case Tag.Class: return vm.mirror(vm.load(utf8(pool, e.name_index), cls, thread));
      case Tag.MethodType: return methodType(vm, thread, cls, utf8(pool, e.descriptor_index));
      case Tag.MethodHandle: return methodHandleConstant(vm, thread, cls, i);
      default: return dynamicConstant(vm, thread, cls, i) as JObject | null;
    }
  });
  return vm.refArray("java/lang/Object", values);
}

function bootstrap(vm: Jvm, thread: JThread, cls: JClass, index: number) {
  const d = dynamicRef(cls.cf!.constant_pool, index);
  const table = findAttribute(cls.cf!.attributes, "BootstrapMethods");
  const entry = table?.bootstrap_methods[d.bootstrap_method_attr_index];
  if (entry === undefined) vm.throwNew(thread, "java/lang/BootstrapMethodError", `no bootstrap method ${d.bootstrap_method_attr_index} in ${cls.javaName}`);
  const bsm = methodHandleConstant(vm, thread, cls, entry.bootstrap_method_ref);
  const args = staticArguments(vm, thread, cls, entry.bootstrap_arguments);
  return { d, bsm, args };
}

/** Links the invokedynamic call site at pool `index` of `cls` through its bootstrap method (once; cached). */
export function linkCallSite(vm: Jvm, thread: JThread, cls: JClass, index: number): Linked {
  const cached = cls.resolved[index];
  if (cached !== undefined) return cached as Linked;
  const { d, bsm, args } = bootstrap(vm, thread, cls, index);
  const type = methodType(vm, thread, cls, d.descriptor);
  const appendix = vm.refArray("java/lang/Object", [null]);
  const mn = vm.invokeStatic(thread, "java/lang/invoke/MethodHandleNatives", "linkCallSite",
    "(Ljava/lang/Object;ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/invoke/MemberName;",
    [vm.mirror(cls), index, bsm, vm.strings.intern(d.name), type, args, appendix]) as JObject;
  const invoker = memberMethod(vm, mn);
  const slots = parseMethodDescriptor(d.descriptor).parameters.reduce((n, p) => n + (p.kind === "base" && (p.char === "J" || p.char === "D") ? 2 : 1), 0);
  const linked: Linked = { invoker, appendix: (appendix.data as JObject[])[0] ?? null, withAppendix: invoker.argSlots === slots + 1 };
  cls.resolved[index] = linked;
  return linked;
}

/** The value of the CONSTANT_Dynamic at `index` (MethodHandleNatives.linkDynamicConstant). */
export function dynamicConstant(vm: Jvm, thread: JThread, cls: JClass, index: number): Value {
  const cached = cls.resolved[index];
  if (cached !== undefined) return cached as Value;
  const { d, bsm, args } = bootstrap(vm, thread, cls, index);
  const type = typeClass(vm, thread, parseMethodDescriptor(`()${d.descriptor}`).returnType, cls);
  const boxed = vm.invokeStatic(thread, "java/lang/invoke/MethodHandleNatives", "linkDynamicConstant",
    "(Ljava/lang/Object;ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
    [vm.mirror(cls), index, bsm, vm.strings.intern(d.name), type, args]) as JObject | null;
  const kind = d.descriptor[0]!;
  const v = "ZBCSIJFD".includes(kind) && boxed !== null ? vm.getField(boxed, "value") : boxed;
  cls.resolved[index] = v;
  return v;
}

/**
 * A signature-polymorphic method of MethodHandle or VarHandle invoked with
 * the call site's `descriptor` (JVMS 2.9.3), or undefined if `name` is not one.
 */
export function signaturePolymorphic(vm: Jvm, thread: JThread, caller: JClass, owner: JClass, name: string, descriptor: string): JMethod | undefined {
  if (owner.name !== "java/lang/invoke/MethodHandle" && owner.name !== "java/lang/invoke/VarHandle") return undefined;
  const poly = owner.methods.find((x) => x.name === name && x.isNative && x.descriptor.startsWith("([Ljava/lang/Object;)"));
  if (poly === undefined) return undefined;
  const m = new JMethod(owner, name, descriptor, poly.access & ~AccessFlags.ACC_TRANSIENT /* ACC_VARARGS */, undefined);
  m.polymorphic = true;
  m.linker = owner.name === "java/lang/invoke/MethodHandle" ? (LINKERS[name] ?? Linker.None) : Linker.None;
  if (m.linker === Linker.Invoker) {
    const appendix = vm.refArray("java/lang/Object", [null]);
    const mn = vm.invokeStatic(thread, "java/lang/invoke/MethodHandleNatives", "linkMethod",
      "(Ljava/lang/Class;ILjava/lang/Class;Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/invoke/MemberName;",
      [vm.mirror(caller), 5 /* REF_invokeVirtual */, vm.mirror(owner), vm.strings.intern(name), methodType(vm, thread, caller, descriptor), appendix]) as JObject;
    const invoker = memberMethod(vm, mn);
    m.linked = { invoker, appendix: (appendix.data as JObject[])[0] ?? null, withAppendix: invoker.argSlots === m.argSlots + 1 };
  }
  return m;
}

/**
 * The method a MethodHandle linker call enters, with the operand stack
 * adjusted: linkTo* drop their trailing MemberName (returned sp is lower),
 * invokers get their appendix pushed. `sp` is the stack top at the call.
 */
export function linkerTarget(vm: Jvm, thread: JThread, m: JMethod, stack: Value[], sp: number): { target: JMethod; sp: number } {
  switch (m.linker) {
    case Linker.InvokeBasic: {
      const mh = stack[sp - m.argSlots] as JObject | null;
      if (mh === null) vm.throwNew(thread, "java/lang/NullPointerException");
      const form = vm.getField(mh, "form") as JObject;
      return { target: memberMethod(vm, vm.getField(form, "vmentry") as JObject), sp };
    }
    case Linker.Invoker: {
      const linked = m.linked!;
      if (linked.withAppendix) stack[sp++] = linked.appendix;
      return { target: linked.invoker, sp };
    }
    default: {
      const mn = stack[--sp] as JObject;
      const target = memberMethod(vm, mn);
      if (m.linker === Linker.LinkToStatic) {
        vm.initialize(thread, target.cls);
        return { target, sp };
      }
      if (m.linker === Linker.LinkToSpecial) return { target, sp };
      const receiver = stack[sp - target.argSlots] as JObject | null;
      if (receiver === null) vm.throwNew(thread, "java/lang/NullPointerException");
      const selected = (target.access & AccessFlags.ACC_PRIVATE) !== 0 ? target : receiver.cls.selectMethod(target);
      if (selected === null) vm.throwNew(thread, "java/lang/AbstractMethodError", `${receiver.cls.javaName}.${target.name}${target.descriptor}`);
      return { target: selected, sp };
    }
  }
}
