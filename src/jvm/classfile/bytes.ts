/** A big-endian cursor over class-file bytes (JVMS 4.1: u1, u2, u4). */

import { ClassFormatError } from "./errors.js";

/** Reads u1/u2/u4 and slices from `bytes`, throwing ClassFormatError("Truncated class file") past the end. */
export class ByteReader {
  /** Offset of the next byte to read. */
  pos: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, pos = 0) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.length) throw new ClassFormatError("Truncated class file");
    this.pos = at + n;
    return at;
  }

  /** An unsigned byte. */
  u1(): number {
    return this.view.getUint8(this.need(1));
  }

  /** An unsigned big-endian 16-bit value. */
  u2(): number {
    return this.view.getUint16(this.need(2));
  }

  /** An unsigned big-endian 32-bit value. */
  u4(): number {
    return this.view.getUint32(this.need(4));
  }

  /** A signed big-endian 32-bit value. */
  s4(): number {
    return this.view.getInt32(this.need(4));
  }

  /** A signed big-endian 64-bit value. */
  s8(): bigint {
    return this.view.getBigInt64(this.need(8));
  }

  /** An IEEE 754 single (bits kept exact through the returned number). */
  f4(): number {
    return this.view.getFloat32(this.need(4));
  }

  /** An IEEE 754 double. */
  f8(): number {
    return this.view.getFloat64(this.need(8));
  }

  /** The next `n` bytes, as a view (not a copy). */
  bytesOf(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }

  /** True when every byte has been read. */
  atEnd(): boolean {
    return this.pos === this.bytes.length;
  }
}
