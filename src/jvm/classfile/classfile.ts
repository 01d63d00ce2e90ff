/**
 * The ClassFile structure (JVMS 4.1) and its reader: magic and version checked
 * the way HotSpot's ClassFileParser does, then constant pool, flags, names,
 * fields, methods and attributes.
 */

import { AttributeInfo, CodeAttribute, findAttribute, readAttributes } from "./attributes.js";
import { ByteReader } from "./bytes.js";
import { ClassFormatError, UnsupportedClassVersionError } from "./errors.js";
import { ConstantPool, className, readConstantPool, utf8 } from "./constant-pool.js";

/** 0xCAFEBABE, the first four bytes of every class file. */
export const MAGIC = 0xcafebabe;
/** Oldest major_version accepted (JDK 1.0.2). */
export const MIN_MAJOR_VERSION = 45;
/** Newest major_version accepted: Java SE 17. */
export const MAX_MAJOR_VERSION = 61;
/** minor_version that marks a class using preview features (JVMS 4.1, major >= 56). */
export const PREVIEW_MINOR_VERSION = 0xffff;

/** Access and property flags of classes, fields and methods (JVMS Tables 4.1-B, 4.5-A, 4.6-A). */
export const enum AccessFlags {
  /** public */
  ACC_PUBLIC = 0x0001,
  /** private (fields, methods, inner classes) */
  ACC_PRIVATE = 0x0002,
  /** protected (fields, methods, inner classes) */
  ACC_PROTECTED = 0x0004,
  /** static (fields, methods, inner classes) */
  ACC_STATIC = 0x0008,
  /** final */
  ACC_FINAL = 0x0010,
  /** ACC_SUPER on classes, ACC_SYNCHRONIZED on methods */
  ACC_SUPER = 0x0020,
  /** ACC_VOLATILE on fields, ACC_BRIDGE on methods */
  ACC_VOLATILE = 0x0040,
  /** ACC_TRANSIENT on fields, ACC_VARARGS on methods */
  ACC_TRANSIENT = 0x0080,
  /** native (methods) */
  ACC_NATIVE = 0x0100,
  /** interface (classes) */
  ACC_INTERFACE = 0x0200,
  /** abstract */
  ACC_ABSTRACT = 0x0400,
  /** strictfp (methods, class files 46-60) */
  ACC_STRICT = 0x0800,
  /** synthetic: not in the source */
  ACC_SYNTHETIC = 0x1000,
  /** annotation interface (classes) */
  ACC_ANNOTATION = 0x2000,
  /** enum class or enum constant */
  ACC_ENUM = 0x4000,
  /** ACC_MODULE on classes, ACC_MANDATED on parameters */
  ACC_MODULE = 0x8000,
}

/** A field_info or method_info structure (JVMS 4.5, 4.6). */
export interface MemberInfo {
  access_flags: number;
  name_index: number;
  descriptor_index: number;
  /** Resolved simple name. */
  name: string;
  /** Resolved field or method descriptor. */
  descriptor: string;
  attributes: AttributeInfo[];
}

/** A parsed class file (JVMS 4.1), with this/super names resolved for convenience. */
export interface ClassFile {
  minor_version: number;
  major_version: number;
  constant_pool: ConstantPool;
  access_flags: number;
  this_class: number;
  /** 0 for java/lang/Object and module-info. */
  super_class: number;
  interfaces: number[];
  fields: MemberInfo[];
  methods: MemberInfo[];
  attributes: AttributeInfo[];
  /** Binary name of this_class ("java/lang/String"). */
  name: string;
  /** Binary name of super_class, undefined when it is 0. */
  superName: string | undefined;
  /** Binary names of the direct superinterfaces. */
  interfaceNames: string[];
}

/**
 * Parses the bytes of a class file. `source` names the file in messages, as `java`
 * does ("Incompatible magic value 1347093252 in class file Foo").
 */
export function parseClassFile(bytes: Uint8Array, source = "class file"): ClassFile {
  const r = new ByteReader(bytes);
  if (bytes.length < 4) throw new ClassFormatError(`Truncated class file ${source}`);
  const magic = r.u4();
  if (magic !== MAGIC) throw new ClassFormatError(`Incompatible magic value ${magic} in class file ${source}`);
  if (bytes.length < 8) throw new ClassFormatError(`Truncated class file ${source}`);
  const minor_version = r.u2();
  const major_version = r.u2();
  checkVersion(major_version, minor_version, source);
  try {
    const constant_pool = readConstantPool(r);
    const access_flags = r.u2();
    const this_class = r.u2();
    const super_class = r.u2();
    const interfaces: number[] = [];
    for (let n = r.u2(), i = 0; i < n; i++) interfaces.push(r.u2());
    const fields = readMembers(r, constant_pool);
    const methods = readMembers(r, constant_pool);
    const attributes = readAttributes(r, constant_pool);
    if (!r.atEnd()) throw new ClassFormatError("Extra bytes at the end of class file");
    return {
      minor_version, major_version, constant_pool, access_flags, this_class, super_class, interfaces,
      fields, methods, attributes,
      name: className(constant_pool, this_class),
      superName: super_class === 0 ? undefined : className(constant_pool, super_class),
      interfaceNames: interfaces.map((i) => className(constant_pool, i)),
    };
  } catch (e) {
    if (e instanceof ClassFormatError && !e.message.includes(source)) e.message += ` in ${source}`;
    throw e;
  }
}

/** Refuses versions a Java 17 VM refuses (HotSpot's Verifier::is_supported_version). */
function checkVersion(major: number, minor: number, source: string): void {
  const supported = major >= MIN_MAJOR_VERSION && major <= MAX_MAJOR_VERSION &&
    (major < 56 || minor === 0 || (minor === PREVIEW_MINOR_VERSION && major === MAX_MAJOR_VERSION));
  if (!supported) {
    throw new UnsupportedClassVersionError(
      `Unsupported major.minor version ${major}.${minor} in ${source} ` +
        `(class file versions up to ${MAX_MAJOR_VERSION}.0 are recognized)`,
    );
  }
}

function readMembers(r: ByteReader, pool: ConstantPool): MemberInfo[] {
  const out: MemberInfo[] = [];
  for (let n = r.u2(), i = 0; i < n; i++) {
    const access_flags = r.u2();
    const name_index = r.u2();
    const descriptor_index = r.u2();
    out.push({
      access_flags, name_index, descriptor_index,
      name: utf8(pool, name_index),
      descriptor: utf8(pool, descriptor_index),
      attributes: readAttributes(r, pool),
    });
  }
  return out;
}

/** The Code attribute of a method, undefined for abstract and native methods. */
export function codeOf(method: MemberInfo): CodeAttribute | undefined {
  return findAttribute(method.attributes, "Code");
}
