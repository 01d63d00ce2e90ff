/**
 * Test support: runs the JDK's javac/javap/jimage and renders a parsed ClassFile
 * in javap's words, so tests can compare the two line by line. Not used at run time.
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ClassFile, codeOf } from "./classfile.js";
import {
  ConstantPool, REFERENCE_KIND_NAMES, Tag, className, constantValue, memberRef, nameAndType, utf8,
} from "./constant-pool.js";
import { findAttribute } from "./attributes.js";
import { decodeInstructions, Instruction } from "./instructions.js";
import { ARRAY_TYPES } from "./opcodes.js";
import { javaTypeName, parseFieldDescriptor } from "./descriptor.js";

/** Where the JDK 17 tools are expected. */
export const JDK_BIN = "/usr/lib/jvm/java-17-openjdk-amd64/bin";

/** A reason to skip JDK-backed tests, or undefined when javac, javap and jimage are installed. */
export function jdkMissing(): string | undefined {
  for (const tool of ["javac", "javap", "jimage"]) {
    if (!existsSync(`${JDK_BIN}/${tool}`)) return `JDK 17 ${tool} not found in ${JDK_BIN}; install openjdk-17-jdk-headless`;
  }
  return undefined;
}

/** Runs a JDK tool and returns its standard output as UTF-8. */
export function jdk(tool: string, args: string[]): string {
  return execFileSync(`${JDK_BIN}/${tool}`, args, {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, LC_ALL: "C.UTF-8" },
  });
}

/** `javap -v -p -c` of a class file, printed in UTF-8. */
export function javap(file: string): string {
  return jdk("javap", ["-J-Dstdout.encoding=UTF-8", "-J-Dsun.stdout.encoding=UTF-8", "-v", "-p", "-c", file]);
}

/** What the tests compare: each list holds whitespace-normalized javap lines. */
export interface Listing {
  /** "#1 = Methodref #2.#3 // java/lang/Object."<init>":()V" */
  constants: string[];
  /** Per field then method: descriptor, flags, and for methods with Code: stack/locals, instructions, handlers, lines. */
  members: string[][];
  bootstrapMethods: string[];
  record: string[];
  permittedSubclasses: string[];
  nestMembers: string[];
}

const norm = (s: string): string => s.trim().replace(/\s+/g, " ");

/** Parses the parts of javap's text a Listing holds. */
export function parseJavap(text: string): Listing {
  const lines = text.split("\n");
  const out: Listing = { constants: [], members: [], bootstrapMethods: [], record: [], permittedSubclasses: [], nestMembers: [] };
  let section = "";
  let member: string[] | undefined;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    if (line === "Constant pool:" || line === "{" || line === "}") {
      section = line;
      continue;
    }
    if (/^[A-Z]\w*:/.test(line)) section = line;
    if (section === "Constant pool:" && /^\s+#\d+ = /.test(line)) out.constants.push(norm(line));
    else if (section === "{") {
      if (/^ {4}descriptor: /.test(line)) out.members.push((member = [norm(line)]));
      else if (member === undefined) continue;
      else if (/^ {4}flags: /.test(line)) member.push(norm(line.replace(/\).*/, ")")));
      else if (/^ {6}stack=/.test(line)) member.push(norm(line.replace(/, args_size.*/, "")));
      else if (/^\s+\d+: [a-z]/.test(line)) member.push(norm(/: (table|lookup)switch/.test(line) ? line : line.replace(/\/\/.*/, "")));
      else if (/^\s+(-?\d+|default): -?\d+$/.test(line)) member[member.length - 1] += " " + norm(line);
      else if (/^\s+\d+\s+\d+\s+\d+\s+(Class|any)/.test(line)) member.push(norm(line));
      else if (/^\s+line \d+: \d+$/.test(line)) member.push(norm(line));
    } else if (section === "BootstrapMethods:" && line.startsWith("  ")) out.bootstrapMethods.push(norm(line));
    else if (section === "Record:" && (/^ {2}\S/.test(line) || /^ {4}descriptor: /.test(line))) out.record.push(norm(line));
    else if (section === "PermittedSubclasses:" && line.startsWith("  ")) out.permittedSubclasses.push(norm(line));
    else if (section === "NestMembers:" && line.startsWith("  ")) out.nestMembers.push(norm(line));
  }
  return out;
}

/** Java's Double.toString / Float.toString for finite and special values (shortest round-trip digits). */
export function javaNumber(x: number, float: boolean): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  let digits = "";
  let exp = 0;
  for (let p = 1; p <= 17; p++) {
    const s = x.toExponential(p - 1);
    const back = Number(s);
    if (float ? Math.fround(back) === x : back === x) {
      const [m, e] = s.split("e");
      digits = m!.replace("-", "").replace(".", "");
      exp = Number(e);
      break;
    }
  }
  const sign = x < 0 ? "-" : "";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1) || "0";
      return `${sign}${int}.${frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || "0"}E${exp}`;
}

/** javap's escaping of CONSTANT_Utf8 text. */
export function javapEscape(s: string): string {
  const named: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", '"': '\\"', "'": "\\'", "\\": "\\\\" };
  let out = "";
  for (const c of s) {
    const u = c.charCodeAt(0);
    if (named[c] !== undefined) out += named[c];
    else if (c.length === 1 && (u < 0x20 || (u >= 0x7f && u < 0xa0))) out += "\\u" + u.toString(16).padStart(4, "0");
    else out += c;
  }
  return out;
}

/** javap's checkName: a name that is not a /-separated Java identifier path is quoted. */
function checkName(name: string): string {
  const ok = name.split("/").every((part) => /^[\p{L}\p{Nl}\p{Sc}\p{Pc}][\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}]*$/u.test(part));
  return ok ? name : `"${javapEscape(name)}"`;
}

const TAG_NAMES: Record<number, string> = {
  1: "Utf8", 3: "Integer", 4: "Float", 5: "Long", 6: "Double", 7: "Class", 8: "String", 9: "Fieldref", 10: "Methodref",
  11: "InterfaceMethodref", 12: "NameAndType", 15: "MethodHandle", 16: "MethodType", 17: "Dynamic", 18: "InvokeDynamic",
  19: "Module", 20: "Package",
};

/** The value javap prints for a constant-pool entry (the comment of reference entries). */
function constantText(pool: ConstantPool, i: number): string {
  const e = pool[i]!;
  switch (e.tag) {
    case Tag.Utf8: return javapEscape(e.value);
    case Tag.Integer: return String(e.value);
    case Tag.Float: return javaNumber(e.value, true) + "f";
    case Tag.Long: return e.value + "l";
    case Tag.Double: return javaNumber(e.value, false) + "d";
    case Tag.Class: return checkName(className(pool, i));
    case Tag.String: return javapEscape(String(constantValue(pool, i)));
    case Tag.Fieldref: case Tag.Methodref: case Tag.InterfaceMethodref: {
      const m = memberRef(pool, i);
      return `${checkName(m.className)}.${checkName(m.name)}:${m.descriptor}`;
    }
    case Tag.NameAndType: {
      const nt = nameAndType(pool, i);
      return `${checkName(nt.name)}:${nt.descriptor}`;
    }
    case Tag.MethodHandle: return `${REFERENCE_KIND_NAMES[e.reference_kind]} ${constantText(pool, e.reference_index)}`;
    case Tag.MethodType: return utf8(pool, e.descriptor_index);
    case Tag.Dynamic: case Tag.InvokeDynamic: return `#${e.bootstrap_method_attr_index}:${constantText(pool, e.name_and_type_index)}`;
    case Tag.Module: case Tag.Package: return checkName(utf8(pool, e.name_index));
  }
}

/** The javap line of constant-pool entry `i`, whitespace-normalized. */
function constantLine(pool: ConstantPool, i: number): string {
  const e = pool[i]!;
  let args: string;
  switch (e.tag) {
    case Tag.Utf8: case Tag.Integer: case Tag.Float: case Tag.Long: case Tag.Double:
      return norm(`#${i} = ${TAG_NAMES[e.tag]} ${constantText(pool, i)}`);
    case Tag.Class: case Tag.Module: case Tag.Package: args = `#${e.name_index}`; break;
    case Tag.String: args = `#${e.string_index}`; break;
    case Tag.Fieldref: case Tag.Methodref: case Tag.InterfaceMethodref: args = `#${e.class_index}.#${e.name_and_type_index}`; break;
    case Tag.NameAndType: args = `#${e.name_index}:#${e.descriptor_index}`; break;
    case Tag.MethodHandle: args = `${e.reference_kind}:#${e.reference_index}`; break;
    case Tag.MethodType: args = `#${e.descriptor_index}`; break;
    case Tag.Dynamic: case Tag.InvokeDynamic: args = `#${e.bootstrap_method_attr_index}:#${e.name_and_type_index}`; break;
  }
  return norm(`#${i} = ${TAG_NAMES[e.tag]} ${args} // ${constantText(pool, i)}`);
}

/** An instruction as javap prints it, before the comment. */
function instructionText(i: Instruction): string {
  const name = i.mnemonic + (i.wide ? "_w" : "");
  let ops = "";
  if (i.cases !== undefined) {
    const head = i.low !== undefined ? `${i.low} to ${i.low + i.cases.length - 1}` : `${i.cases.length}`;
    ops = `{ // ${head} ${i.cases.map(([k, t]) => `${k}: ${t}`).join(" ")} default: ${i.defaultTarget}`;
  } else if (i.mnemonic === "newarray") ops = ARRAY_TYPES[i.value!]!;
  else if (i.index !== undefined) ops = `#${i.index}` + (i.value !== undefined ? `, ${i.value}` : i.mnemonic === "invokedynamic" ? ", 0" : "");
  else if (i.target !== undefined) ops = String(i.target);
  else if (i.local !== undefined) ops = String(i.local) + (i.value !== undefined ? `, ${i.value}` : "");
  else if (i.value !== undefined) ops = String(i.value);
  return norm(`${i.pc}: ${name} ${ops}`);
}

/** Renders what parseJavap extracts, from the parsed class file. */
export function render(cf: ClassFile): Listing {
  const pool = cf.constant_pool;
  const constants: string[] = [];
  pool.forEach((e, i) => e !== undefined && constants.push(constantLine(pool, i)));
  const members = [...cf.fields, ...cf.methods].map((m) => {
    const lines = [`descriptor: ${m.descriptor}`, `flags: (0x${m.access_flags.toString(16).padStart(4, "0")})`];
    const code = codeOf(m);
    if (code !== undefined) {
      lines.push(`stack=${code.max_stack}, locals=${code.max_locals}`);
      lines.push(...decodeInstructions(code.code).map(instructionText));
      for (const x of code.exception_table) {
        lines.push(`${x.start_pc} ${x.end_pc} ${x.handler_pc} ${x.catch_type === 0 ? "any" : "Class " + className(pool, x.catch_type)}`);
      }
      const lnt = findAttribute(code.attributes, "LineNumberTable");
      for (const l of lnt?.line_number_table ?? []) lines.push(`line ${l.line_number}: ${l.start_pc}`);
    }
    return lines;
  });
  const bootstrapMethods: string[] = [];
  findAttribute(cf.attributes, "BootstrapMethods")?.bootstrap_methods.forEach((b, n) => {
    bootstrapMethods.push(`${n}: #${b.bootstrap_method_ref} ${constantText(pool, b.bootstrap_method_ref)}`);
    bootstrapMethods.push("Method arguments:");
    for (const a of b.bootstrap_arguments) bootstrapMethods.push(norm(`#${a} ${constantText(pool, a)}`));
  });
  const record = (findAttribute(cf.attributes, "Record")?.components ?? []).flatMap((c) => {
    const descriptor = utf8(pool, c.descriptor_index);
    return [`${javaTypeName(parseFieldDescriptor(descriptor))} ${utf8(pool, c.name_index)};`, `descriptor: ${descriptor}`];
  });
  const names = (n: "PermittedSubclasses" | "NestMembers") =>
    (findAttribute(cf.attributes, n)?.classes ?? []).map((c) => className(pool, c));
  return { constants, members, bootstrapMethods, record, permittedSubclasses: names("PermittedSubclasses"), nestMembers: names("NestMembers") };
}
