/**
 * Attributes (JVMS 4.7): the ones a JVM and javap need are parsed into typed
 * structures; StackMapTable, Module and any unknown attribute keep their raw info.
 */

import { Annotation, ElementValue, readAnnotations, readElementValue, readParameterAnnotations } from "./annotations.js";
import { ByteReader } from "./bytes.js";
import { ClassFormatError } from "./errors.js";
import { ConstantPool, utf8 } from "./constant-pool.js";

/** One exception_table entry of a Code attribute. */
export interface ExceptionTableEntry {
  /** First covered code offset (inclusive). */
  start_pc: number;
  /** End of the covered range (exclusive). */
  end_pc: number;
  /** Offset of the handler. */
  handler_pc: number;
  /** CONSTANT_Class of the caught type, 0 for any (finally). */
  catch_type: number;
}

/** One classes entry of InnerClasses. */
export interface InnerClassEntry {
  inner_class_info_index: number;
  outer_class_info_index: number;
  inner_name_index: number;
  inner_class_access_flags: number;
}

/** One local_variable_table (or local_variable_type_table) entry. */
export interface LocalVariableEntry {
  start_pc: number;
  length: number;
  name_index: number;
  /** descriptor_index in LocalVariableTable, signature_index in LocalVariableTypeTable. */
  descriptor_index: number;
  index: number;
}

/** One bootstrap_methods entry. */
export interface BootstrapMethod {
  /** CONSTANT_MethodHandle of the bootstrap method. */
  bootstrap_method_ref: number;
  /** Loadable constant-pool indices passed as static arguments. */
  bootstrap_arguments: number[];
}

/** One component of a Record attribute. */
export interface RecordComponent {
  name_index: number;
  descriptor_index: number;
  attributes: AttributeInfo[];
}

/** The Code attribute (JVMS 4.7.3). */
export interface CodeAttribute {
  attribute_name: "Code";
  max_stack: number;
  max_locals: number;
  /** The bytecode. */
  code: Uint8Array;
  exception_table: ExceptionTableEntry[];
  /** LineNumberTable, LocalVariableTable, StackMapTable... */
  attributes: AttributeInfo[];
}

/** A parsed attribute, discriminated by `attribute_name`; unknown ones keep `info`. */
export type AttributeInfo =
  | CodeAttribute
  | { attribute_name: "ConstantValue"; constantvalue_index: number }
  | { attribute_name: "Exceptions"; exception_index_table: number[] }
  | { attribute_name: "InnerClasses"; classes: InnerClassEntry[] }
  | { attribute_name: "EnclosingMethod"; class_index: number; method_index: number }
  | { attribute_name: "Synthetic" | "Deprecated" }
  | { attribute_name: "Signature"; signature_index: number }
  | { attribute_name: "SourceFile"; sourcefile_index: number }
  | { attribute_name: "LineNumberTable"; line_number_table: { start_pc: number; line_number: number }[] }
  | { attribute_name: "LocalVariableTable" | "LocalVariableTypeTable"; local_variable_table: LocalVariableEntry[] }
  | { attribute_name: "RuntimeVisibleAnnotations" | "RuntimeInvisibleAnnotations"; annotations: Annotation[]; info?: Uint8Array }
  | {
      attribute_name: "RuntimeVisibleParameterAnnotations" | "RuntimeInvisibleParameterAnnotations";
      parameter_annotations: Annotation[][];
      info?: Uint8Array;
    }
  | { attribute_name: "AnnotationDefault"; default_value: ElementValue; info?: Uint8Array }
  | { attribute_name: "BootstrapMethods"; bootstrap_methods: BootstrapMethod[] }
  | { attribute_name: "MethodParameters"; parameters: { name_index: number; access_flags: number }[] }
  | { attribute_name: "NestHost"; host_class_index: number }
  | { attribute_name: "NestMembers" | "PermittedSubclasses"; classes: number[] }
  | { attribute_name: "ModulePackages"; package_index: number[] }
  | { attribute_name: "ModuleMainClass"; main_class_index: number }
  | { attribute_name: "Record"; components: RecordComponent[] }
  | RawAttribute;

/** An attribute kept as bytes: StackMapTable, Module, and any this reader does not know. */
export interface RawAttribute {
  attribute_name: string;
  /** The attribute's info bytes (a view into the class file). */
  info: Uint8Array;
}

/** Names whose info is kept raw on purpose even though the spec defines them. */
const RAW = new Set(["StackMapTable", "Module", "SourceDebugExtension"]);

/** The parsed attribute type whose attribute_name can be `N` (RawAttribute left out). */
export type AttributeNamed<N extends string> = AttributeInfo extends infer A
  ? A extends { attribute_name: infer K }
    ? string extends K ? never : N extends K ? A : never
    : never
  : never;

/** The attribute of a given name in `attributes`, typed by that name, or undefined. */
export function findAttribute<N extends AttributeInfo["attribute_name"]>(
  attributes: readonly AttributeInfo[],
  name: N,
): AttributeNamed<N> | undefined {
  return attributes.find((a) => a.attribute_name === name) as AttributeNamed<N> | undefined;
}

/** Parsed attributes that also keep their bytes: reflection hands them to Java's annotation parser as they are. */
const KEEP_INFO = new Set([
  "RuntimeVisibleAnnotations", "RuntimeVisibleParameterAnnotations", "AnnotationDefault", "RuntimeVisibleTypeAnnotations",
]);

/** Reads attributes_count and the attributes that follow it. */
export function readAttributes(r: ByteReader, pool: ConstantPool): AttributeInfo[] {
  const n = r.u2();
  const out: AttributeInfo[] = [];
  for (let i = 0; i < n; i++) {
    const attribute_name = utf8(pool, r.u2());
    const info = r.bytesOf(r.u4());
    if (RAW.has(attribute_name)) {
      out.push({ attribute_name, info });
      continue;
    }
    const sub = new ByteReader(info);
    const parsed = readKnown(sub, attribute_name, pool);
    if (parsed === undefined) {
      out.push({ attribute_name, info });
      continue;
    }
    if (!sub.atEnd()) throw new ClassFormatError(`Wrong ${attribute_name} attribute length in class file`);
    if (KEEP_INFO.has(attribute_name)) (parsed as { info?: Uint8Array }).info = info;
    out.push(parsed);
  }
  return out;
}

/** A u2 count followed by that many u2 values. */
function u2List(r: ByteReader): number[] {
  const n = r.u2();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u2());
  return out;
}

/** A u2 count followed by that many records read by `one`. */
function table<T>(r: ByteReader, one: () => T): T[] {
  const n = r.u2();
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(one());
  return out;
}

function readKnown(r: ByteReader, name: string, pool: ConstantPool): AttributeInfo | undefined {
  switch (name) {
    case "Code": {
      const max_stack = r.u2();
      const max_locals = r.u2();
      const code = r.bytesOf(r.u4());
      const exception_table = table(r, () => ({ start_pc: r.u2(), end_pc: r.u2(), handler_pc: r.u2(), catch_type: r.u2() }));
      return { attribute_name: name, max_stack, max_locals, code, exception_table, attributes: readAttributes(r, pool) };
    }
    case "ConstantValue":
      return { attribute_name: name, constantvalue_index: r.u2() };
    case "Exceptions":
      return { attribute_name: name, exception_index_table: u2List(r) };
    case "InnerClasses":
      return {
        attribute_name: name,
        classes: table(r, () => ({
          inner_class_info_index: r.u2(),
          outer_class_info_index: r.u2(),
          inner_name_index: r.u2(),
          inner_class_access_flags: r.u2(),
        })),
      };
    case "EnclosingMethod":
      return { attribute_name: name, class_index: r.u2(), method_index: r.u2() };
    case "Synthetic":
    case "Deprecated":
      return { attribute_name: name };
    case "Signature":
      return { attribute_name: name, signature_index: r.u2() };
    case "SourceFile":
      return { attribute_name: name, sourcefile_index: r.u2() };
    case "LineNumberTable":
      return { attribute_name: name, line_number_table: table(r, () => ({ start_pc: r.u2(), line_number: r.u2() })) };
    case "LocalVariableTable":
    case "LocalVariableTypeTable":
      return {
        attribute_name: name,
        local_variable_table: table(r, () => ({
          start_pc: r.u2(),
          length: r.u2(),
          name_index: r.u2(),
          descriptor_index: r.u2(),
          index: r.u2(),
        })),
      };
    case "RuntimeVisibleAnnotations":
    case "RuntimeInvisibleAnnotations":
      return { attribute_name: name, annotations: readAnnotations(r) };
    case "RuntimeVisibleParameterAnnotations":
    case "RuntimeInvisibleParameterAnnotations":
      return { attribute_name: name, parameter_annotations: readParameterAnnotations(r) };
    case "AnnotationDefault":
      return { attribute_name: name, default_value: readElementValue(r) };
    case "BootstrapMethods":
      return {
        attribute_name: name,
        bootstrap_methods: table(r, () => ({ bootstrap_method_ref: r.u2(), bootstrap_arguments: u2List(r) })),
      };
    case "MethodParameters": {
      const n = r.u1();
      const parameters: { name_index: number; access_flags: number }[] = [];
      for (let i = 0; i < n; i++) parameters.push({ name_index: r.u2(), access_flags: r.u2() });
      return { attribute_name: name, parameters };
    }
    case "NestHost":
      return { attribute_name: name, host_class_index: r.u2() };
    case "NestMembers":
    case "PermittedSubclasses":
      return { attribute_name: name, classes: u2List(r) };
    case "ModulePackages":
      return { attribute_name: name, package_index: u2List(r) };
    case "ModuleMainClass":
      return { attribute_name: name, main_class_index: r.u2() };
    case "Record":
      return {
        attribute_name: name,
        components: table(r, () => ({ name_index: r.u2(), descriptor_index: r.u2(), attributes: readAttributes(r, pool) })),
      };
    default:
      return undefined;
  }
}
