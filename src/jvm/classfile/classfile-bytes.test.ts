import { test } from "node:test";
import assert from "node:assert/strict";
import { ClassFormatError, UnsupportedClassVersionError } from "./errors.js";
import { parseClassFile } from "./classfile.js";
import { Tag, dynamicRef, methodHandle, constantValue } from "./constant-pool.js";
import { decodeModifiedUtf8, encodeModifiedUtf8 } from "./mutf8.js";
import { argumentSlots, javaTypeName, parseFieldDescriptor, parseMethodDescriptor } from "./descriptor.js";
import { decodeInstructions, listInstructions } from "./instructions.js";
import { OPCODES, OPCODE_BY_MNEMONIC } from "./opcodes.js";

const u2 = (n: number) => [n >> 8, n & 255];
const utf8 = (s: string) => [1, ...u2(encodeModifiedUtf8(s).length), ...encodeModifiedUtf8(s)];

/** A minimal class file "T" extends java/lang/Object of `major`, with `extra` constant-pool entries after #4. */
function classBytes(major: number, extra: number[][] = [], extraCount = extra.length): Uint8Array {
  const pool = [[7, ...u2(2)], utf8("T"), [7, ...u2(4)], utf8("java/lang/Object"), ...extra];
  return new Uint8Array([
    0xca, 0xfe, 0xba, 0xbe, 0, 0, ...u2(major), ...u2(5 + extraCount), ...pool.flat(),
    ...u2(0x21), ...u2(1), ...u2(3), ...u2(0), ...u2(0), ...u2(0), ...u2(0),
  ]);
}

/** The one-line message parseClassFile throws for `bytes`, with the error class checked. */
function refusal(bytes: Uint8Array, kind: typeof ClassFormatError = ClassFormatError): string {
  try {
    parseClassFile(bytes, "T");
  } catch (e) {
    assert.ok(e instanceof kind, `${e} is a ${kind.name}`);
    assert.ok(!(e as Error).message.includes("\n"), "one line");
    return (e as Error).message;
  }
  assert.fail("parsed without error");
}

test("a minimal Java 17 class file parses to its names", () => {
  const cf = parseClassFile(classBytes(61));
  assert.equal(cf.name, "T");
  assert.equal(cf.superName, "java/lang/Object");
  assert.equal(cf.major_version, 61);
});

test("a text file is refused for its magic value, as java says it", () => {
  const text = new TextEncoder().encode("public class T {}\n");
  assert.equal(refusal(text), "Incompatible magic value 1886741100 in class file T");
});

test("a class of version 62 is refused as an unsupported major.minor version", () => {
  assert.match(refusal(classBytes(62), UnsupportedClassVersionError), /^Unsupported major\.minor version 62\.0 in T/);
  assert.match(refusal(classBytes(44), UnsupportedClassVersionError), /version 44\.0/);
});

test("a truncated class file is refused at every cut", () => {
  const whole = classBytes(61);
  for (let n = 0; n < whole.length; n++) assert.match(refusal(whole.subarray(0, n)), /^Truncated class file/);
  const longer = new Uint8Array([...whole, 0]);
  assert.match(refusal(longer), /^Extra bytes at the end of class file/);
});

test("an unknown constant tag is refused", () => {
  assert.match(refusal(classBytes(61, [[2, 0, 0]])), /^Unknown constant tag 2/);
});

test("long and double take two constant-pool slots; Dynamic, MethodHandle and MethodType resolve", () => {
  const bytes = classBytes(61, [
    [5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], // #5 Long -2, #6 unusable
    [6, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], // #7 Double pi
    utf8("f"), utf8("I"), [12, ...u2(9), ...u2(10)], // #9, #10, #11 NameAndType f:I
    [9, ...u2(1), ...u2(11)], // #12 Fieldref T.f:I
    [15, 2, ...u2(12)], // #13 MethodHandle REF_getStatic T.f:I
    utf8("()V"), [16, ...u2(14)], // #14, #15 MethodType ()V
    [17, ...u2(0), ...u2(11)], // #16 Dynamic #0:f:I
    [4, 0x3f, 0xc0, 0, 0], // #17 Float 1.5
  ], 13);
  const cf = parseClassFile(bytes);
  assert.equal(constantValue(cf.constant_pool, 5), -2n);
  assert.equal(cf.constant_pool[6], undefined);
  assert.equal(constantValue(cf.constant_pool, 7), Math.PI);
  assert.equal(cf.constant_pool[8], undefined);
  assert.deepEqual(methodHandle(cf.constant_pool, 13), { reference_kind: 2, ref: { className: "T", name: "f", descriptor: "I" } });
  assert.equal(cf.constant_pool[15]?.tag, Tag.MethodType);
  assert.deepEqual(dynamicRef(cf.constant_pool, 16), { bootstrap_method_attr_index: 0, name: "f", descriptor: "I" });
  assert.equal(constantValue(cf.constant_pool, 17), 1.5);
});

test("modified UTF-8: U+0000 as C0 80, a supplementary character as two 3-byte surrogates", () => {
  assert.equal(decodeModifiedUtf8(new Uint8Array([0x61, 0xc0, 0x80, 0x62])), "a\u0000b");
  const grin = [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80];
  assert.equal(decodeModifiedUtf8(new Uint8Array(grin)), "\u{1F600}");
  assert.deepEqual([...encodeModifiedUtf8("\u{1F600}\u0000")], [...grin, 0xc0, 0x80]);
  assert.equal(decodeModifiedUtf8(new Uint8Array([0xc3, 0xa9, 0xe2, 0x82, 0xac])), "é€");
  assert.throws(() => decodeModifiedUtf8(new Uint8Array([0xf0, 0x9f, 0x98, 0x80])), ClassFormatError, "no 4-byte forms");
  assert.throws(() => decodeModifiedUtf8(new Uint8Array([0xc3])), ClassFormatError, "cut sequence");
  const long = "x".repeat(65535);
  assert.equal(decodeModifiedUtf8(encodeModifiedUtf8(long + "é")), long + "é");
});

test("descriptors parse to types, slots and Java names", () => {
  const d = parseMethodDescriptor("(IJ[[Ljava/lang/String;D)V");
  assert.equal(d.returnType, undefined);
  assert.equal(argumentSlots(d), 6);
  assert.deepEqual(d.parameters.map(javaTypeName), ["int", "long", "java.lang.String[][]", "double"]);
  assert.equal(javaTypeName(parseFieldDescriptor("[Z")), "boolean[]");
  for (const bad of ["", "V", "L;", "Ljava/lang/String", "(I", "()", "(V)V", "()VV", "II"]) {
    assert.throws(() => (bad.startsWith("(") ? parseMethodDescriptor(bad) : parseFieldDescriptor(bad)), ClassFormatError, bad);
  }
});

test("the opcode table covers 0x00..0xc9 in JVMS order and nothing above", () => {
  assert.equal(OPCODES.filter((o) => o !== undefined).length, 202);
  const spot: [string, number][] = [["bipush", 0x10], ["iload_0", 0x1a], ["aload_3", 0x2d], ["istore", 0x36], ["astore_3", 0x4e],
    ["pop", 0x57], ["iadd", 0x60], ["dneg", 0x77], ["ishl", 0x78], ["iinc", 0x84], ["i2s", 0x93], ["lcmp", 0x94],
    ["ifeq", 0x99], ["ret", 0xa9], ["tableswitch", 0xaa], ["return", 0xb1], ["getstatic", 0xb2], ["invokedynamic", 0xba],
    ["new", 0xbb], ["monitorexit", 0xc3], ["wide", 0xc4], ["jsr_w", 0xc9]];
  for (const [m, op] of spot) assert.equal(OPCODE_BY_MNEMONIC.get(m), op, m);
});

test("tableswitch and lookupswitch skip their padding; wide widens loads and iinc", () => {
  const code = new Uint8Array([
    0x1a, // 0 iload_0
    0xaa, 0, 0, ...[0, 0, 0, 30], ...[0, 0, 0, 1], ...[0, 0, 0, 2], ...[0, 0, 0, 40], ...[0, 0, 0, 50], // 1 tableswitch
    0xab, 0, 0, 0, ...[0, 0, 0, 9], ...[0, 0, 0, 1], ...[0xff, 0xff, 0xff, 0xff], ...[0, 0, 0, 7], // 24 lookupswitch
    0xc4, 0x15, 0x01, 0x00, // 44 wide iload 256
    0xc4, 0x84, 0x01, 0x2c, 0xfc, 0x18, // 48 wide iinc 300, -1000
    0xc8, 0xff, 0xff, 0xff, 0xfc, // 54 goto_w -4
    0xb1, // 59 return
  ]);
  assert.deepEqual(listInstructions(code), [
    "0: iload_0", "1: tableswitch", "24: lookupswitch", "44: iload_w", "48: iinc_w", "54: goto_w", "59: return",
  ]);
  const [, ts, ls, wl, wi, gw] = decodeInstructions(code);
  assert.deepEqual([ts!.defaultTarget, ts!.low, ts!.cases], [31, 1, [[1, 41], [2, 51]]]);
  assert.deepEqual([ls!.defaultTarget, ls!.cases], [33, [[-1, 31]]]);
  assert.deepEqual([wl!.local, wl!.length], [256, 4]);
  assert.deepEqual([wi!.local, wi!.value, wi!.length], [300, -1000, 6]);
  assert.equal(gw!.target, 50);
  assert.throws(() => decodeInstructions(new Uint8Array([0xca])), /Illegal opcode 202/);
  assert.throws(() => decodeInstructions(new Uint8Array([0xc4, 0x60])), /Illegal wide opcode/);
});
