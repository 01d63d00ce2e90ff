/**
 * Annotations (JVMS 4.7.16): the annotation and element_value structures used by
 * RuntimeVisible/InvisibleAnnotations, their parameter forms and AnnotationDefault.
 */

import { ByteReader } from "./bytes.js";
import { ClassFormatError } from "./errors.js";

/** An element_value (JVMS 4.7.16.1), discriminated by its `tag` character. */
export type ElementValue =
  /** B C D F I J S Z s: const_value_index into the constant pool. */
  | { tag: "B" | "C" | "D" | "F" | "I" | "J" | "S" | "Z" | "s"; const_value_index: number }
  /** e: an enum constant, by type descriptor and simple name. */
  | { tag: "e"; type_name_index: number; const_name_index: number }
  /** c: a class literal, by return descriptor. */
  | { tag: "c"; class_info_index: number }
  /** @: a nested annotation. */
  | { tag: "@"; annotation_value: Annotation }
  /** [: an array of element values. */
  | { tag: "["; values: ElementValue[] };

/** One element_value_pair of an annotation. */
export interface ElementValuePair {
  /** CONSTANT_Utf8 index of the element's name. */
  element_name_index: number;
  /** Its value. */
  value: ElementValue;
}

/** An annotation structure (JVMS 4.7.16). */
export interface Annotation {
  /** CONSTANT_Utf8 index of the annotation interface's field descriptor. */
  type_index: number;
  /** The element-value pairs, in class-file order. */
  element_value_pairs: ElementValuePair[];
}

/** Reads one annotation structure. */
export function readAnnotation(r: ByteReader): Annotation {
  const type_index = r.u2();
  const n = r.u2();
  const element_value_pairs: ElementValuePair[] = [];
  for (let i = 0; i < n; i++) element_value_pairs.push({ element_name_index: r.u2(), value: readElementValue(r) });
  return { type_index, element_value_pairs };
}

/** Reads one element_value structure. */
export function readElementValue(r: ByteReader): ElementValue {
  const tag = String.fromCharCode(r.u1());
  switch (tag) {
    case "B": case "C": case "D": case "F": case "I": case "J": case "S": case "Z": case "s":
      return { tag, const_value_index: r.u2() };
    case "e":
      return { tag, type_name_index: r.u2(), const_name_index: r.u2() };
    case "c":
      return { tag, class_info_index: r.u2() };
    case "@":
      return { tag, annotation_value: readAnnotation(r) };
    case "[": {
      const n = r.u2();
      const values: ElementValue[] = [];
      for (let i = 0; i < n; i++) values.push(readElementValue(r));
      return { tag, values };
    }
    default:
      throw new ClassFormatError(`Unknown element_value tag '${tag}' in annotation`);
  }
}

/** Reads a u2 count followed by that many annotations (RuntimeVisibleAnnotations and kin). */
export function readAnnotations(r: ByteReader): Annotation[] {
  const n = r.u2();
  const out: Annotation[] = [];
  for (let i = 0; i < n; i++) out.push(readAnnotation(r));
  return out;
}

/** Reads the parameter_annotations of Runtime(In)VisibleParameterAnnotations (u1 count). */
export function readParameterAnnotations(r: ByteReader): Annotation[][] {
  const n = r.u1();
  const out: Annotation[][] = [];
  for (let i = 0; i < n; i++) out.push(readAnnotations(r));
  return out;
}
