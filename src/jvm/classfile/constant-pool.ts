/**
 * The constant pool (JVMS 4.4): every tag of Java SE 17, long and double taking
 * two slots, and helpers that resolve an entry to the names it refers to.
 */

import { ByteReader } from "./bytes.js";
import { ClassFormatError } from "./errors.js";
import { decodeModifiedUtf8 } from "./mutf8.js";

/** Constant-pool tags (JVMS Table 4.4-B). */
export const enum Tag {
  /** CONSTANT_Utf8 */
  Utf8 = 1,
  /** CONSTANT_Integer */
  Integer = 3,
  /** CONSTANT_Float */
  Float = 4,
  /** CONSTANT_Long (two slots) */
  Long = 5,
  /** CONSTANT_Double (two slots) */
  Double = 6,
  /** CONSTANT_Class */
  Class = 7,
  /** CONSTANT_String */
  String = 8,
  /** CONSTANT_Fieldref */
  Fieldref = 9,
  /** CONSTANT_Methodref */
  Methodref = 10,
  /** CONSTANT_InterfaceMethodref */
  InterfaceMethodref = 11,
  /** CONSTANT_NameAndType */
  NameAndType = 12,
  /** CONSTANT_MethodHandle */
  MethodHandle = 15,
  /** CONSTANT_MethodType */
  MethodType = 16,
  /** CONSTANT_Dynamic */
  Dynamic = 17,
  /** CONSTANT_InvokeDynamic */
  InvokeDynamic = 18,
  /** CONSTANT_Module */
  Module = 19,
  /** CONSTANT_Package */
  Package = 20,
}

/** Method-handle reference kinds (JVMS Table 5.4.3.5-A). */
export const enum ReferenceKind {
  /** REF_getField */
  getField = 1,
  /** REF_getStatic */
  getStatic = 2,
  /** REF_putField */
  putField = 3,
  /** REF_putStatic */
  putStatic = 4,
  /** REF_invokeVirtual */
  invokeVirtual = 5,
  /** REF_invokeStatic */
  invokeStatic = 6,
  /** REF_invokeSpecial */
  invokeSpecial = 7,
  /** REF_newInvokeSpecial */
  newInvokeSpecial = 8,
  /** REF_invokeInterface */
  invokeInterface = 9,
}

/** The spec's name of each reference kind, by kind number ("REF_invokeStatic"...). */
export const REFERENCE_KIND_NAMES: readonly string[] = [
  "", "REF_getField", "REF_getStatic", "REF_putField", "REF_putStatic", "REF_invokeVirtual",
  "REF_invokeStatic", "REF_invokeSpecial", "REF_newInvokeSpecial", "REF_invokeInterface",
];

/** One constant-pool entry, discriminated by `tag`. */
export type CpInfo =
  | { tag: Tag.Utf8; value: string }
  | { tag: Tag.Integer; value: number }
  | { tag: Tag.Float; value: number }
  | { tag: Tag.Long; value: bigint }
  | { tag: Tag.Double; value: number }
  | { tag: Tag.Class; name_index: number }
  | { tag: Tag.String; string_index: number }
  | { tag: Tag.Fieldref | Tag.Methodref | Tag.InterfaceMethodref; class_index: number; name_and_type_index: number }
  | { tag: Tag.NameAndType; name_index: number; descriptor_index: number }
  | { tag: Tag.MethodHandle; reference_kind: ReferenceKind; reference_index: number }
  | { tag: Tag.MethodType; descriptor_index: number }
  | { tag: Tag.Dynamic | Tag.InvokeDynamic; bootstrap_method_attr_index: number; name_and_type_index: number }
  | { tag: Tag.Module | Tag.Package; name_index: number };

/** The constant_pool table: index 0 and the slot after a Long/Double are `undefined`. */
export type ConstantPool = readonly (CpInfo | undefined)[];

/** Reads constant_pool_count and the constant_pool that follows it. */
export function readConstantPool(r: ByteReader): ConstantPool {
  const count = r.u2();
  const pool: (CpInfo | undefined)[] = [undefined];
  for (let i = 1; i < count; i++) {
    const tag = r.u1();
    const entry = readEntry(r, tag, i);
    pool.push(entry);
    if (tag === Tag.Long || tag === Tag.Double) {
      pool.push(undefined);
      i++;
    }
  }
  return pool;
}

function readEntry(r: ByteReader, tag: number, index: number): CpInfo {
  switch (tag) {
    case Tag.Utf8:
      return { tag, value: decodeModifiedUtf8(r.bytesOf(r.u2())) };
    case Tag.Integer:
      return { tag, value: r.s4() };
    case Tag.Float:
      return { tag, value: r.f4() };
    case Tag.Long:
      return { tag, value: r.s8() };
    case Tag.Double:
      return { tag, value: r.f8() };
    case Tag.Class:
    case Tag.Module:
    case Tag.Package:
      return { tag, name_index: r.u2() };
    case Tag.String:
      return { tag, string_index: r.u2() };
    case Tag.Fieldref:
    case Tag.Methodref:
    case Tag.InterfaceMethodref:
      return { tag, class_index: r.u2(), name_and_type_index: r.u2() };
    case Tag.NameAndType:
      return { tag, name_index: r.u2(), descriptor_index: r.u2() };
    case Tag.MethodHandle: {
      const reference_kind = r.u1();
      if (reference_kind < 1 || reference_kind > 9) {
        throw new ClassFormatError(`Bad method handle kind at constant pool index ${index}`);
      }
      return { tag, reference_kind, reference_index: r.u2() };
    }
    case Tag.MethodType:
      return { tag, descriptor_index: r.u2() };
    case Tag.Dynamic:
    case Tag.InvokeDynamic:
      return { tag, bootstrap_method_attr_index: r.u2(), name_and_type_index: r.u2() };
    default:
      throw new ClassFormatError(`Unknown constant tag ${tag} in class file at index ${index}`);
  }
}

/** The entry at `index`, checked to carry `tag`. */
export function entry<T extends Tag>(pool: ConstantPool, index: number, tag: T): Extract<CpInfo, { tag: T }> {
  const e = pool[index];
  if (e === undefined || e.tag !== tag) {
    throw new ClassFormatError(`Invalid constant pool index ${index}: expected tag ${tag}, found ${e?.tag ?? "none"}`);
  }
  return e as Extract<CpInfo, { tag: T }>;
}

/** The string of the CONSTANT_Utf8 at `index`. */
export function utf8(pool: ConstantPool, index: number): string {
  return entry(pool, index, Tag.Utf8).value;
}

/** The binary name ("java/lang/String") of the CONSTANT_Class at `index`. */
export function className(pool: ConstantPool, index: number): string {
  return utf8(pool, entry(pool, index, Tag.Class).name_index);
}

/** The name and descriptor of the CONSTANT_NameAndType at `index`. */
export function nameAndType(pool: ConstantPool, index: number): { name: string; descriptor: string } {
  const nt = entry(pool, index, Tag.NameAndType);
  return { name: utf8(pool, nt.name_index), descriptor: utf8(pool, nt.descriptor_index) };
}

/** A field or method reference resolved to its class, name and descriptor. */
export interface MemberRef {
  /** Binary name of the class or interface that holds the member. */
  className: string;
  /** The member's simple name. */
  name: string;
  /** Its field or method descriptor. */
  descriptor: string;
}

/** Resolves a CONSTANT_Fieldref, Methodref or InterfaceMethodref at `index` to names. */
export function memberRef(pool: ConstantPool, index: number): MemberRef {
  const e = pool[index];
  if (e === undefined || (e.tag !== Tag.Fieldref && e.tag !== Tag.Methodref && e.tag !== Tag.InterfaceMethodref)) {
    throw new ClassFormatError(`Invalid constant pool index ${index}: not a member reference`);
  }
  return { className: className(pool, e.class_index), ...nameAndType(pool, e.name_and_type_index) };
}

/** Names of a CONSTANT_Dynamic or CONSTANT_InvokeDynamic at `index`, with its bootstrap method's index. */
export function dynamicRef(pool: ConstantPool, index: number): { bootstrap_method_attr_index: number; name: string; descriptor: string } {
  const e = pool[index];
  if (e === undefined || (e.tag !== Tag.Dynamic && e.tag !== Tag.InvokeDynamic)) {
    throw new ClassFormatError(`Invalid constant pool index ${index}: not a dynamic constant`);
  }
  return { bootstrap_method_attr_index: e.bootstrap_method_attr_index, ...nameAndType(pool, e.name_and_type_index) };
}

/** A CONSTANT_MethodHandle at `index` resolved to its kind and the member it refers to. */
export function methodHandle(pool: ConstantPool, index: number): { reference_kind: ReferenceKind; ref: MemberRef } {
  const e = entry(pool, index, Tag.MethodHandle);
  return { reference_kind: e.reference_kind, ref: memberRef(pool, e.reference_index) };
}

/** The loadable value of a CONSTANT_Integer/Float/Long/Double/String at `index` (strings resolved). */
export function constantValue(pool: ConstantPool, index: number): number | bigint | string {
  const e = pool[index];
  switch (e?.tag) {
    case Tag.Integer:
    case Tag.Float:
    case Tag.Long:
    case Tag.Double:
      return e.value;
    case Tag.String:
      return utf8(pool, e.string_index);
    default:
      throw new ClassFormatError(`Invalid constant pool index ${index}: not a constant value`);
  }
}
