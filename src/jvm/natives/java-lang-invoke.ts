/**
 * Natives of java.lang.invoke: MethodHandleNatives' member resolution (a
 * MemberName's class, name and type resolved to a field, method or
 * constructor, with the flags HotSpot computes), call-site targets, and
 * hidden classes defined by Lookup.defineHiddenClass.
 */

import { AccessFlags } from "../classfile/index.js";
import { JField, JMethod, type JClass } from "../runtime/klass.js";
import { descriptorOf, signaturePolymorphic } from "../runtime/invoke.js";
import type { JThread } from "../runtime/thread.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";
import { staticBase } from "./jdk-internal-misc.js";

/** MemberName flags (java.lang.invoke.MethodHandleNatives.Constants). */
const MN_IS_METHOD = 0x00010000;
const MN_IS_CONSTRUCTOR = 0x00020000;
const MN_IS_FIELD = 0x00040000;
const MN_CALLER_SENSITIVE = 0x00100000;
const MN_TRUSTED_FINAL = 0x00200000;
const REFERENCE_KIND_SHIFT = 24;
const ALL_KINDS_MASK = 0x0f << REFERENCE_KIND_SHIFT;

/** Reference kinds (JVMS Table 5.4.3.5-A). */
const REF_invokeVirtual = 5;
const REF_invokeStatic = 6;
const REF_invokeSpecial = 7;
const REF_newInvokeSpecial = 8;
const REF_invokeInterface = 9;

/** True if `m` carries @CallerSensitive (the lookup must then bind the caller). */
function isCallerSensitive(m: JMethod): boolean {
  return m.hasAnnotation("Ljdk/internal/reflect/CallerSensitive;");
}

/** Fills a MemberName for method or constructor `m` with reference kind `refKind`. */
export function fillMethodMember(vm: Jvm, mn: JObject, m: JMethod, refKind: number): void {
  let kind = refKind;
  if (m.name === "<init>") kind = REF_newInvokeSpecial;
  else if (m.isStatic) kind = REF_invokeStatic;
  else if ((m.access & AccessFlags.ACC_PRIVATE) !== 0 && (kind === REF_invokeVirtual || kind === REF_invokeInterface)) kind = REF_invokeSpecial;
  else if (kind === REF_invokeInterface && !m.cls.isInterface) kind = REF_invokeVirtual;
  const flags = (m.access & 0xffff) | (m.name === "<init>" ? MN_IS_CONSTRUCTOR : MN_IS_METHOD) | (kind << REFERENCE_KIND_SHIFT) |
    (isCallerSensitive(m) ? MN_CALLER_SENSITIVE : 0);
  vm.setField(mn, "flags", flags);
  vm.setField(mn, "clazz", vm.mirror(m.cls));
  const rmn = vm.newObject(vm.load("java/lang/invoke/ResolvedMethodName"));
  rmn.host = m;
  vm.setField(mn, "method", rmn);
  mn.host = m;
}

function resolveMethodMember(vm: Jvm, t: JThread, mn: JObject, cls: JClass, name: string, flags: number, caller: JClass | null): JMethod | undefined {
  const descriptor = descriptorOf(vm, vm.getField(mn, "type") as JObject);
  const refKind = (flags >>> REFERENCE_KIND_SHIFT) & 0xf;
  let m = (flags & MN_IS_CONSTRUCTOR) !== 0 ? cls.declaredMethod("<init>", descriptor) : cls.resolveMethod(name, descriptor);
  if (m === undefined && cls.isInterface) m = vm.objectCls.declaredMethod(name, descriptor);
  if (m === undefined) m = signaturePolymorphic(vm, t, caller ?? cls, cls, name, descriptor);
  if (m === undefined) return undefined;
  fillMethodMember(vm, mn, m, refKind);
  return m;
}

/** MethodHandleNatives.init: a MemberName from a java.lang.reflect Method, Constructor or Field. */
function initMember(vm: Jvm, mn: JObject, ref: JObject): void {
  const cls = vm.classOf(vm.getField(ref, "clazz") as JObject);
  if (ref.cls.name === "java/lang/reflect/Field") {
    const name = vm.strings.js(vm.getField(ref, "name") as JObject);
    const f = cls.fields.find((x) => x.name === name)!;
    mn.host = f;
    const kind = f.isStatic ? 2 : 1; // REF_getStatic / REF_getField
    vm.setField(mn, "flags", (f.access & 0xffff) | MN_IS_FIELD | (kind << REFERENCE_KIND_SHIFT));
    vm.setField(mn, "clazz", vm.mirror(cls));
    return;
  }
  const m = cls.methods[vm.getField(ref, "slot") as number]!;
  fillMethodMember(vm, mn, m, m.cls.isInterface ? REF_invokeInterface : REF_invokeVirtual);
}

function fieldOf(vm: Jvm, mn: JObject): JField {
  const f = mn.host as JField | undefined;
  if (f === undefined) throw new Error("MemberName not resolved");
  void vm;
  return f;
}

/** ClassLoader.defineClass0: a class defined through a Lookup (hidden when flags say so), with its class data. */
function defineClass0(vm: Jvm, t: JThread, args: (JObject | number | null)[]): JObject {
  const [, lookup, , b, off, len, , initialize, flags, classData] = args as [JObject | null, JObject, JObject | null, JObject, number, number, JObject | null, number, number, JObject | null];
  const data = b.data as Int8Array;
  const bytes = new Uint8Array(data.buffer, data.byteOffset + off, len).slice();
  const lookupClass = vm.classOf(lookup);
  const HIDDEN_CLASS = 2;
  let cls: JClass;
  if ((flags & HIDDEN_CLASS) !== 0) cls = vm.registry.defineHidden(bytes, lookupClass);
  else cls = vm.registry.define("", bytes, lookupClass.fromClassPath ? 1 : 0, lookupClass.moduleName);
  const mirror = vm.mirror(cls);
  vm.setField(mirror, "classData", classData);
  if (initialize === 1) vm.initialize(t, cls);
  return mirror;
}

/** Registers the java.lang.invoke natives. */
export function registerInvokeNatives(n: Natives): void {
  n.register("java/lang/ClassLoader", {
    "defineClass1(Ljava/lang/ClassLoader;Ljava/lang/String;[BIILjava/security/ProtectionDomain;Ljava/lang/String;)Ljava/lang/Class;":
      (vm, t, [loader, name, b, off, len]) => {
        const data = (b as JObject).data as Int8Array;
        const bytes = new Uint8Array(data.buffer, data.byteOffset + (off as number), len as number).slice();
        const binary = name === null ? "" : vm.strings.js(name as JObject).replace(/\./g, "/");
        const boot = loader === null;
        if (vm.registry.isUserLoader(loader as JObject | null)) {
          return vm.mirror(vm.registry.defineForUser(bytes, loader as JObject, binary === "" ? "class file" : binary));
        }
        const module = boot ? (vm.registry.image.moduleOf(binary.slice(0, binary.lastIndexOf("/"))) ?? "java.base") : "";
        const cls = vm.registry.define(binary, bytes, boot ? 0 : 1, module);
        if (!boot) cls.loader = loader as JObject;
        void t;
        return vm.mirror(cls);
      },
    "defineClass0(Ljava/lang/ClassLoader;Ljava/lang/Class;Ljava/lang/String;[BIILjava/security/ProtectionDomain;ZILjava/lang/Object;)Ljava/lang/Class;":
      (vm, t, args) => defineClass0(vm, t, args as (JObject | number | null)[]),
  });
  n.register("java/lang/invoke/MethodHandleNatives", {
    "getNamedCon(I[Ljava/lang/Object;)I": () => 0,
    "resolve(Ljava/lang/invoke/MemberName;Ljava/lang/Class;IZ)Ljava/lang/invoke/MemberName;": (vm, t, [m, caller, , speculative]) => {
      const mn = m as JObject;
      const flags = vm.getField(mn, "flags") as number;
      const cls = vm.classOf(vm.getField(mn, "clazz") as JObject);
      const name = vm.strings.js(vm.getField(mn, "name") as JObject);
      if ((flags & MN_IS_FIELD) === 0) {
        const callerCls = caller === null ? null : vm.classOf(caller as JObject);
        if (resolveMethodMember(vm, t, mn, cls, name, flags, callerCls) !== undefined) return mn;
        if (speculative === 1) return null;
        return vm.throwNew(t, (flags & MN_IS_CONSTRUCTOR) !== 0 ? "java/lang/NoSuchMethodError" : "java/lang/NoSuchMethodError", `${cls.javaName}.${name}`);
      }
      const type = vm.getField(mn, "type") as JObject;
      const descriptor = vm.classOf(type).descriptor;
      const f = cls.resolveField(name, descriptor);
      if (f === undefined) {
        if (speculative === 1) return null;
        return vm.throwNew(t, "java/lang/NoSuchFieldError", name);
      }
      mn.host = f;
      const trusted = f.isStatic && (f.access & 0x0010) !== 0 ? MN_TRUSTED_FINAL : 0;
      // The reference kind follows the field, as HotSpot's init_field_MemberName sets it:
      // a getter or setter (as asked), static or not (as the field is).
      const setter = ((flags & ALL_KINDS_MASK) >>> REFERENCE_KIND_SHIFT) === 3 || ((flags & ALL_KINDS_MASK) >>> REFERENCE_KIND_SHIFT) === 4;
      const kind = setter ? (f.isStatic ? 4 : 3) : f.isStatic ? 2 : 1;
      vm.setField(mn, "flags", (kind << REFERENCE_KIND_SHIFT) | MN_IS_FIELD | trusted | (f.access & 0xffff));
      vm.setField(mn, "clazz", vm.mirror(f.cls));
      return mn;
    },
    "init(Ljava/lang/invoke/MemberName;Ljava/lang/Object;)V": (vm, _t, [m, ref]) => initMember(vm, m as JObject, ref as JObject),
    "expand(Ljava/lang/invoke/MemberName;)V": () => {},
    "getMemberVMInfo(Ljava/lang/invoke/MemberName;)Ljava/lang/Object;": (vm, _t, [m]) => {
      const mn = m as JObject;
      return vm.refArray("java/lang/Object", [null, mn.host instanceof JField ? mn : vm.mirror((mn.host as JMethod).cls)]);
    },
    "setCallSiteTargetNormal(Ljava/lang/invoke/CallSite;Ljava/lang/invoke/MethodHandle;)V": (vm, _t, [site, target]) => vm.setField(site as JObject, "target", target),
    "setCallSiteTargetVolatile(Ljava/lang/invoke/CallSite;Ljava/lang/invoke/MethodHandle;)V": (vm, _t, [site, target]) => vm.setField(site as JObject, "target", target),
    "clearCallSiteContext(Ljava/lang/invoke/MethodHandleNatives$CallSiteContext;)V": () => {},
    "objectFieldOffset(Ljava/lang/invoke/MemberName;)J": (vm, _t, [m]) => BigInt(fieldOf(vm, m as JObject).slot),
    "staticFieldOffset(Ljava/lang/invoke/MemberName;)J": (vm, _t, [m]) => BigInt(fieldOf(vm, m as JObject).slot),
    "staticFieldBase(Ljava/lang/invoke/MemberName;)Ljava/lang/Object;": (vm, _t, [m]) => staticBase(fieldOf(vm, m as JObject).cls),
  });
}
