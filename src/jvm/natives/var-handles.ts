/**
 * VarHandle access modes, implemented by the VM: a call such as
 * `STATE.compareAndSet(this, 0, 1)` is signature-polymorphic (its descriptor
 * is the call site's), and HotSpot links it through the VarHandle's form to
 * the same Unsafe operations this file performs directly on the handle's
 * coordinates: a field of an instance (fieldOffset), a static field (base,
 * fieldOffset), an array element (abase, ashift) or a view of a byte[] (be).
 */

import type { Jvm } from "../runtime/jvm.js";
import type { JObject, Value } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";
import { ARRAY_BASE, unsafeGet, unsafePut, type Kind, type NativeMemory } from "./unsafe-memory.js";

/** Value kinds by the VarHandle implementation class's family name ("VarHandleInts"). */
const FAMILY: Record<string, Kind> = {
  Booleans: "Z", Bytes: "B", Shorts: "S", Chars: "C", Ints: "I", Longs: "J", Floats: "F", Doubles: "D", References: "L",
};

interface Target {
  base: JObject | null;
  offset: bigint;
  kind: Kind;
  /** For byte[] views: big-endian order. */
  bigEndian?: boolean;
  /** Index of the first argument after the coordinates. */
  next: number;
}

/** Decodes the coordinates of an access through `vh` from the call's arguments (args[0] is the handle). */
function target(vm: Jvm, thread: JThread, vh: JObject, args: Value[]): Target {
  const name = vh.cls.name.slice("java/lang/invoke/".length);
  const view = /^VarHandleByteArrayAs(\w+?)\$/.exec(name);
  if (view !== null) {
    const kind = FAMILY[view[1]!]!;
    const array = args[1] as JObject | null;
    if (array === null) vm.throwNew(thread, "java/lang/NullPointerException");
    const index = args[2] as number;
    const size = kind === "J" || kind === "D" ? 8 : kind === "I" || kind === "F" ? 4 : 2;
    if (index < 0 || index > array.data!.length - size) {
      vm.throwNew(thread, "java/lang/ArrayIndexOutOfBoundsException", `Index ${index} out of bounds for length ${array.data!.length}`);
    }
    return { base: array, offset: BigInt(ARRAY_BASE + index), kind, bigEndian: vm.getField(vh, "be") === 1, next: 3 };
  }
  const m = /^VarHandle(\w+?)\$(\w+)/.exec(name);
  const kind = m === null ? undefined : FAMILY[m[1]!];
  if (m === null || kind === undefined) vm.throwNew(thread, "java/lang/UnsupportedOperationException", `VarHandle ${vh.cls.javaName}`);
  const shape = m[2]!;
  if (shape.startsWith("FieldInstance")) {
    const receiver = args[1] as JObject | null;
    if (receiver === null) vm.throwNew(thread, "java/lang/NullPointerException");
    return { base: receiver, offset: vm.getField(vh, "fieldOffset") as bigint, kind, next: 2 };
  }
  if (shape.startsWith("FieldStatic")) {
    return { base: vm.getField(vh, "base") as JObject, offset: vm.getField(vh, "fieldOffset") as bigint, kind, next: 1 };
  }
  const array = args[1] as JObject | null;
  if (array === null) vm.throwNew(thread, "java/lang/NullPointerException");
  const index = args[2] as number;
  if (index < 0 || index >= array.data!.length) {
    vm.throwNew(thread, "java/lang/ArrayIndexOutOfBoundsException", `Index ${index} out of bounds for length ${array.data!.length}`);
  }
  const abase = vm.getField(vh, "abase") as number;
  const ashift = vm.getField(vh, "ashift") as number;
  return { base: array, offset: BigInt(abase + index * 2 ** ashift), kind, next: 3 };
}

function swap(bytes: number, v: Value, kind: Kind): Value {
  // byte[] views in big-endian order: reverse the bytes of the little-endian value
  const b = new DataView(new ArrayBuffer(8));
  if (kind === "J") b.setBigInt64(0, v as bigint, true);
  else if (kind === "D") b.setFloat64(0, v as number, true);
  else if (kind === "F") b.setFloat32(0, v as number, true);
  else b.setInt32(0, v as number, true);
  const r = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < bytes; i++) r.setUint8(i, b.getUint8(bytes - 1 - i));
  if (kind === "J") return r.getBigInt64(0, true);
  if (kind === "D") return r.getFloat64(0, true);
  if (kind === "F") return r.getFloat32(0, true);
  if (kind === "I") return r.getInt32(0, true);
  if (kind === "C") return r.getUint16(0, true);
  return r.getInt16(0, true);
}

/** Performs access mode `mode` ("compareAndSet", "getAndAddAcquire"...) through `vh` with the call's arguments. */
export function varHandleAccess(vm: Jvm, mem: NativeMemory, thread: JThread, mode: string, args: Value[]): Value {
  const vh = args[0] as JObject;
  const t = target(vm, thread, vh, args);
  const size = t.kind === "J" || t.kind === "D" ? 8 : t.kind === "I" || t.kind === "F" ? 4 : 2;
  const load = (): Value => {
    const v = unsafeGet(mem, t.base, t.offset, t.kind);
    return t.bigEndian === true ? swap(size, v, t.kind) : v;
  };
  const store = (v: Value): void => unsafePut(mem, t.base, t.offset, t.kind, t.bigEndian === true ? swap(size, v, t.kind) : v);
  const a = args[t.next]!;
  const b = args[t.next + 1]!;
  if (mode.startsWith("get") && !mode.startsWith("getAnd")) return load();
  if (mode.startsWith("set")) {
    store(a);
    return null;
  }
  if (mode.startsWith("compareAndSet") || mode.startsWith("weakCompareAndSet")) {
    if (!same(load(), a)) return 0;
    store(b);
    return 1;
  }
  if (mode.startsWith("compareAndExchange")) {
    const old = load();
    if (same(old, a)) store(b);
    return old;
  }
  const old = load();
  if (mode.startsWith("getAndSet")) store(a);
  else if (mode.startsWith("getAndAdd")) store(add(t.kind, old, a));
  else if (mode.startsWith("getAndBitwiseOr")) store(bitwise(t.kind, old, a, (x, y) => x | y));
  else if (mode.startsWith("getAndBitwiseAnd")) store(bitwise(t.kind, old, a, (x, y) => x & y));
  else if (mode.startsWith("getAndBitwiseXor")) store(bitwise(t.kind, old, a, (x, y) => x ^ y));
  else vm.throwNew(thread, "java/lang/UnsupportedOperationException", mode);
  return old;
}

/** Compare-and-set equality: identity for references, bit patterns for floating point. */
function same(x: Value, y: Value): boolean {
  if (typeof x === "number" && typeof y === "number") return x === y ? x !== 0 || 1 / x === 1 / y : x !== x && y !== y;
  return x === y;
}

function add(kind: Kind, x: Value, y: Value): Value {
  switch (kind) {
    case "J": return BigInt.asIntN(64, (x as bigint) + (y as bigint));
    case "I": return ((x as number) + (y as number)) | 0;
    case "S": return (((x as number) + (y as number)) << 16) >> 16;
    case "C": return ((x as number) + (y as number)) & 0xffff;
    case "B": return (((x as number) + (y as number)) << 24) >> 24;
    case "F": return Math.fround((x as number) + (y as number));
    default: return (x as number) + (y as number);
  }
}

function bitwise(kind: Kind, x: Value, y: Value, op: (a: bigint, b: bigint) => bigint): Value {
  if (kind === "J") return op(x as bigint, y as bigint);
  return Number(BigInt.asIntN(32, op(BigInt(x as number), BigInt(y as number))));
}
