/**
 * Resolution of symbolic references in a class's constant pool (JVMS 5.4.3),
 * cached per class in `resolved`: classes, fields, methods and loadable
 * constants. Failures become the Java errors the specification names.
 */

import { className, memberRef, Tag, utf8 } from "../classfile/index.js";
import type { JClass, JField, JMethod } from "./klass.js";
import { dynamicConstant, Linker, methodHandleConstant, methodType, signaturePolymorphic } from "./invoke.js";
import { varHandleAccess } from "../natives/var-handles.js";
import type { Jvm } from "./jvm.js";
import type { Value } from "./objects.js";
import type { JThread } from "./thread.js";

/** The class named by the CONSTANT_Class at `index` of `cls`'s pool. */
export function resolveClass(vm: Jvm, thread: JThread, cls: JClass, index: number): JClass {
  const r = cls.resolved[index];
  if (r !== undefined) return r as JClass;
  const c = vm.load(className(cls.cf!.constant_pool, index), cls, thread);
  cls.resolved[index] = c;
  return c;
}

/** The class of a member reference, through its CONSTANT_Class (so a hidden class's references to itself resolve). */
function ownerOf(vm: Jvm, thread: JThread, cls: JClass, index: number): JClass {
  const e = cls.cf!.constant_pool[index] as { class_index: number };
  return resolveClass(vm, thread, cls, e.class_index);
}

/** The field named by the CONSTANT_Fieldref at `index`. */
export function resolveField(vm: Jvm, thread: JThread, cls: JClass, index: number): JField {
  const r = cls.resolved[index];
  if (r !== undefined) return r as JField;
  const ref = memberRef(cls.cf!.constant_pool, index);
  const owner = ownerOf(vm, thread, cls, index);
  const f = owner.resolveField(ref.name, ref.descriptor);
  if (f === undefined) vm.throwNew(thread, "java/lang/NoSuchFieldError", ref.name);
  cls.resolved[index] = f;
  return f;
}

/** The method named by the CONSTANT_Methodref or InterfaceMethodref at `index`. */
export function resolveMethod(vm: Jvm, thread: JThread, cls: JClass, index: number): JMethod {
  const r = cls.resolved[index];
  if (r !== undefined) return r as JMethod;
  const ref = memberRef(cls.cf!.constant_pool, index);
  const owner = ownerOf(vm, thread, cls, index);
  let m = owner.resolveMethod(ref.name, ref.descriptor);
  if (m === undefined && owner.isInterface) m = vm.objectCls.declaredMethod(ref.name, ref.descriptor);
  if (m === undefined) {
    m = signaturePolymorphic(vm, thread, cls, owner, ref.name, ref.descriptor);
    if (m !== undefined && m.linker === Linker.None) {
      const name = ref.name;
      m.native = (vm2, t, args) => varHandleAccess(vm2, vm2.nativeMemory, t, name, args);
    }
  }
  if (m === undefined) {
    vm.throwNew(thread, "java/lang/NoSuchMethodError", `'${ref.descriptor} ${owner.javaName}.${ref.name}'`);
  }
  cls.resolved[index] = m;
  return m;
}

/** The value ldc/ldc_w/ldc2_w push for the constant at `index`. */
export function loadConstant(vm: Jvm, thread: JThread, cls: JClass, index: number): Value {
  const pool = cls.cf!.constant_pool;
  const e = pool[index]!;
  if (e.tag === Tag.Class) return vm.mirror(resolveClass(vm, thread, cls, index)); // the cache holds the JClass
  const r = cls.resolved[index];
  if (r !== undefined) return r as Value;
  let v: Value;
  switch (e.tag) {
    case Tag.Integer:
    case Tag.Long:
    case Tag.Double:
      v = e.value;
      break;
    case Tag.Float:
      v = Math.fround(e.value);
      break;
    case Tag.String:
      v = vm.strings.intern(utf8(pool, e.string_index));
      break;
    case Tag.MethodType:
      v = methodType(vm, thread, cls, utf8(pool, e.descriptor_index));
      break;
    case Tag.MethodHandle:
      return methodHandleConstant(vm, thread, cls, index);
    default:
      return dynamicConstant(vm, thread, cls, index);
  }
  cls.resolved[index] = v;
  return v;
}
