/** Field and method descriptors (JVMS 4.3): parsed into types and printed back. */

import { ClassFormatError } from "./errors.js";

/** A FieldType: a base type letter, a class by binary name, or an array of a component. */
export type FieldType =
  | { kind: "base"; /** B C D F I J S Z */ char: "B" | "C" | "D" | "F" | "I" | "J" | "S" | "Z" }
  | { kind: "object"; /** binary name, "java/lang/String" */ className: string }
  | { kind: "array"; component: FieldType };

/** A parsed MethodDescriptor; `returnType` undefined means void (V). */
export interface MethodDescriptor {
  parameters: FieldType[];
  returnType: FieldType | undefined;
}

const BASE = "BCDFIJSZ";

/** Java source names of the base types, by descriptor letter. */
const BASE_NAMES: Record<string, string> = {
  B: "byte", C: "char", D: "double", F: "float", I: "int", J: "long", S: "short", Z: "boolean",
};

/** Parses one FieldType at `pos`, returning it and the position after it. */
function fieldTypeAt(s: string, pos: number): [FieldType, number] {
  const c = s[pos];
  if (c !== undefined && BASE.includes(c)) return [{ kind: "base", char: c as "B" }, pos + 1];
  if (c === "L") {
    const end = s.indexOf(";", pos);
    if (end <= pos + 1) throw bad(s);
    return [{ kind: "object", className: s.slice(pos + 1, end) }, end + 1];
  }
  if (c === "[") {
    const [component, next] = fieldTypeAt(s, pos + 1);
    return [{ kind: "array", component }, next];
  }
  throw bad(s);
}

function bad(s: string): ClassFormatError {
  return new ClassFormatError(`Invalid descriptor "${s}"`);
}

/** Parses a field descriptor ("[Ljava/lang/String;"). */
export function parseFieldDescriptor(s: string): FieldType {
  const [t, next] = fieldTypeAt(s, 0);
  if (next !== s.length) throw bad(s);
  return t;
}

/** Parses a method descriptor ("(IJ[Ljava/lang/Object;)V"). */
export function parseMethodDescriptor(s: string): MethodDescriptor {
  if (s[0] !== "(") throw bad(s);
  const parameters: FieldType[] = [];
  let pos = 1;
  while (s[pos] !== ")") {
    if (pos >= s.length) throw bad(s);
    const [t, next] = fieldTypeAt(s, pos);
    parameters.push(t);
    pos = next;
  }
  pos++;
  if (s[pos] === "V" && pos + 1 === s.length) return { parameters, returnType: undefined };
  const [returnType, end] = fieldTypeAt(s, pos);
  if (end !== s.length) throw bad(s);
  return { parameters, returnType };
}

/** Local-variable slots a value of this type takes: 2 for long and double, else 1. */
export function slotSize(t: FieldType): 1 | 2 {
  return t.kind === "base" && (t.char === "J" || t.char === "D") ? 2 : 1;
}

/** Slots the arguments of a method take (without `this`). */
export function argumentSlots(d: MethodDescriptor): number {
  return d.parameters.reduce((n, t) => n + slotSize(t), 0);
}

/** The type as Java source spells it: "int", "java.lang.String[]". */
export function javaTypeName(t: FieldType): string {
  switch (t.kind) {
    case "base":
      return BASE_NAMES[t.char]!;
    case "object":
      return t.className.replaceAll("/", ".");
    case "array":
      return javaTypeName(t.component) + "[]";
  }
}

/** The descriptor string of a FieldType (inverse of parseFieldDescriptor). */
export function fieldDescriptor(t: FieldType): string {
  switch (t.kind) {
    case "base":
      return t.char;
    case "object":
      return `L${t.className};`;
    case "array":
      return "[" + fieldDescriptor(t.component);
  }
}
