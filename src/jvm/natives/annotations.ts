/**
 * What Java's annotation parser reads: the raw bytes of a class's, field's
 * or method's RuntimeVisible(Parameter)Annotations and AnnotationDefault
 * attributes, and jdk.internal.reflect.ConstantPool, its view of the
 * declaring class's constant pool.
 */

import { findAttribute, type AttributeInfo } from "../classfile/index.js";
import type { JClass } from "../runtime/klass.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";

type Named = "RuntimeVisibleAnnotations" | "RuntimeVisibleParameterAnnotations" | "AnnotationDefault";

/** The bytes of attribute `name` among `attributes` as a Java byte[], or null. */
export function rawAttribute(vm: Jvm, attributes: readonly AttributeInfo[] | undefined, name: Named): JObject | null {
  const a = attributes === undefined ? undefined : findAttribute(attributes as AttributeInfo[], name);
  const info = (a as { info?: Uint8Array } | undefined)?.info;
  if (info === undefined) return null;
  return vm.byteArray(info);
}

function poolOf(vm: Jvm, cp: JObject): JClass {
  return vm.classOf(vm.getField(cp, "constantPoolOop") as JObject);
}

function entryAt(vm: Jvm, cp: JObject, index: number) {
  return poolOf(vm, cp).cf!.constant_pool[index];
}

/** Registers the annotation natives. */
export function registerAnnotationNatives(n: Natives): void {
  n.register("java/lang/Class", {
    "getRawAnnotations()[B": (vm, _t, [c]) => rawAttribute(vm, vm.classOf(c as JObject).cf?.attributes, "RuntimeVisibleAnnotations"),
    "getRawTypeAnnotations()[B": () => null,
    "getConstantPool()Ljdk/internal/reflect/ConstantPool;": (vm, t, [c]) => {
      const cls = vm.load("jdk/internal/reflect/ConstantPool");
      vm.initialize(t, cls);
      const cp = vm.newObject(cls);
      vm.setField(cp, "constantPoolOop", c);
      return cp;
    },
  });
  const utf8 = (vm: Jvm, cp: JObject, i: number): string => {
    const e = entryAt(vm, cp, i);
    return e !== undefined && e.tag === 1 ? e.value : "";
  };
  const numberAt = (vm: Jvm, cp: JObject, i: number) => {
    const e = entryAt(vm, cp, i) as { value: number | bigint } | undefined;
    return e?.value ?? 0;
  };
  n.register("jdk/internal/reflect/ConstantPool", {
    "getSize0(Ljava/lang/Object;)I": (vm, _t, [cp]) => poolOf(vm, cp as JObject).cf!.constant_pool.length,
    "getUTF8At0(Ljava/lang/Object;I)Ljava/lang/String;": (vm, _t, [cp, , i]) => vm.strings.str(utf8(vm, cp as JObject, i as number)),
    "getIntAt0(Ljava/lang/Object;I)I": (vm, _t, [cp, , i]) => numberAt(vm, cp as JObject, i as number),
    "getLongAt0(Ljava/lang/Object;I)J": (vm, _t, [cp, , i]) => numberAt(vm, cp as JObject, i as number),
    "getFloatAt0(Ljava/lang/Object;I)F": (vm, _t, [cp, , i]) => Math.fround(numberAt(vm, cp as JObject, i as number) as number),
    "getDoubleAt0(Ljava/lang/Object;I)D": (vm, _t, [cp, , i]) => numberAt(vm, cp as JObject, i as number),
    "getStringAt0(Ljava/lang/Object;I)Ljava/lang/String;": (vm, _t, [cp, , i]) => {
      const e = entryAt(vm, cp as JObject, i as number);
      return vm.strings.intern(e !== undefined && e.tag === 8 ? utf8(vm, cp as JObject, e.string_index) : "");
    },
    "getClassAt0(Ljava/lang/Object;I)Ljava/lang/Class;": (vm, t, [cp, , i]) => {
      const e = entryAt(vm, cp as JObject, i as number);
      const name = e !== undefined && e.tag === 7 ? utf8(vm, cp as JObject, e.name_index) : "java/lang/Object";
      return vm.mirror(vm.load(name, poolOf(vm, cp as JObject), t));
    },
  });
}
