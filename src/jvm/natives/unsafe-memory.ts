/**
 * What jdk.internal.misc.Unsafe addresses: a field of an object (offset =
 * the field's slot), an element of an array (offset = ARRAY_BASE + index ×
 * element size, read through the array's bytes when the access is wider or
 * narrower than an element) or native memory (a null base and an address
 * from allocateMemory, in one growable little-endian arena).
 */

import type { JObject, Value } from "../runtime/objects.js";

/** Unsafe.arrayBaseOffset for every array class. */
export const ARRAY_BASE = 16;

/** Native memory for allocateMemory: a bump allocator over a growing buffer; address 0 is never handed out. */
export class NativeMemory {
  private buffer = new ArrayBuffer(1 << 16);
  view = new DataView(this.buffer);
  private next = 16;
  private readonly sizes = new Map<number, number>();

  /** A new block of `size` bytes (8-byte aligned), zeroed. */
  allocate(size: number): number {
    const address = this.next;
    this.next += Math.max(8, (size + 7) & ~7);
    if (this.next > this.buffer.byteLength) {
      let n = this.buffer.byteLength;
      while (n < this.next) n *= 2;
      const grown = new ArrayBuffer(n);
      new Uint8Array(grown).set(new Uint8Array(this.buffer));
      this.buffer = grown;
      this.view = new DataView(grown);
    }
    this.sizes.set(address, size);
    return address;
  }

  /** A block of `size` bytes holding the first bytes of the block at `address`. */
  reallocate(address: number, size: number): number {
    const fresh = this.allocate(size);
    if (address !== 0) {
      const old = this.sizes.get(address) ?? 0;
      new Uint8Array(this.buffer).copyWithin(fresh, address, address + Math.min(old, size));
    }
    return fresh;
  }

  /** Forgets a block (the arena does not reuse space). */
  free(address: number): void {
    this.sizes.delete(address);
  }

  /** The arena's bytes. */
  bytes(): Uint8Array {
    return new Uint8Array(this.buffer);
  }
}

/** The kinds of value Unsafe reads and writes. */
export type Kind = "Z" | "B" | "S" | "C" | "I" | "J" | "F" | "D" | "L";

const SIZE: Record<Kind, number> = { Z: 1, B: 1, S: 2, C: 2, I: 4, J: 8, F: 4, D: 8, L: 4 };

/** Bytes of a primitive array's storage as a DataView. */
function viewOf(data: ArrayBufferView): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

function readView(v: DataView, at: number, kind: Kind): Value {
  switch (kind) {
    case "Z": return v.getUint8(at) !== 0 ? 1 : 0;
    case "B": return v.getInt8(at);
    case "S": return v.getInt16(at, true);
    case "C": return v.getUint16(at, true);
    case "I": return v.getInt32(at, true);
    case "J": return v.getBigInt64(at, true);
    case "F": return v.getFloat32(at, true);
    case "D": return v.getFloat64(at, true);
    default: throw new Error("reference in native memory");
  }
}

function writeView(v: DataView, at: number, kind: Kind, x: Value): void {
  switch (kind) {
    case "Z": case "B": v.setInt8(at, x as number); break;
    case "S": case "C": v.setInt16(at, x as number, true); break;
    case "I": v.setInt32(at, x as number, true); break;
    case "J": v.setBigInt64(at, x as bigint, true); break;
    case "F": v.setFloat32(at, x as number, true); break;
    case "D": v.setFloat64(at, x as number, true); break;
    default: throw new Error("reference in native memory");
  }
}

/** Reads a `kind` value at (`base`, `offset`). */
export function unsafeGet(mem: NativeMemory, base: JObject | null, offset: bigint, kind: Kind): Value {
  const off = Number(offset);
  if (base === null) return readView(mem.view, off, kind);
  const data = base.data;
  if (data === null) return base.fields[off]!;
  if (Array.isArray(data)) return data[(off - ARRAY_BASE) >> 2]!;
  const size = (data as Int32Array).BYTES_PER_ELEMENT;
  if (size === SIZE[kind] && (off - ARRAY_BASE) % size === 0 && kind !== "Z") return data[(off - ARRAY_BASE) / size]! as Value;
  return readView(viewOf(data as Int32Array), off - ARRAY_BASE, kind);
}

/** Writes a `kind` value at (`base`, `offset`). */
export function unsafePut(mem: NativeMemory, base: JObject | null, offset: bigint, kind: Kind, x: Value): void {
  const off = Number(offset);
  if (base === null) return writeView(mem.view, off, kind, x);
  const data = base.data;
  if (data === null) {
    base.fields[off] = x;
    return;
  }
  if (Array.isArray(data)) {
    data[(off - ARRAY_BASE) >> 2] = x as JObject | null;
    return;
  }
  const size = (data as Int32Array).BYTES_PER_ELEMENT;
  if (size === SIZE[kind] && (off - ARRAY_BASE) % size === 0) {
    (data as Float64Array)[(off - ARRAY_BASE) / size] = x as number;
    return;
  }
  writeView(viewOf(data as Int32Array), off - ARRAY_BASE, kind, x);
}

/** The bytes of a primitive array (for copyMemory between arrays and native memory), or undefined for other bases. */
export function bytesOf(mem: NativeMemory, base: JObject | null, offset: bigint, length: number): Uint8Array | undefined {
  const off = Number(offset);
  if (base === null) return mem.bytes().subarray(off, off + length);
  const data = base.data;
  if (data === null || Array.isArray(data)) return undefined;
  const d = data as unknown as Uint8Array;
  return new Uint8Array(d.buffer, d.byteOffset + off - ARRAY_BASE, length);
}
