/**
 * Where a jimage's bytes come from. The reader asks for byte ranges by
 * position and never holds the whole file, so a host can serve them from a
 * file descriptor (node-file.ts), from memory, or later from a browser's
 * storage, without the reader knowing which.
 */

/** Positioned, synchronous reads of a file of known size. */
export interface ByteSource {
  /** The file's length in bytes. */
  readonly size: number;
  /**
   * The `length` bytes at `position`; fewer only when the range runs past the
   * end of the file. The result may share memory with the source: do not
   * write to it.
   */
  read(position: number, length: number): Uint8Array;
  /** Releases what the source holds open (a file descriptor); reads after it fail. */
  close?(): void;
}

/** A ByteSource over bytes already in memory (no copy: reads are views). */
export class MemorySource implements ByteSource {
  /** Wraps `bytes` (kept by reference). */
  constructor(private readonly bytes: Uint8Array) {}

  /** The length of the wrapped bytes. */
  get size(): number {
    return this.bytes.length;
  }

  /** A view of `bytes[position, position + length)`, clipped to the end. */
  read(position: number, length: number): Uint8Array {
    const start = Math.min(position, this.bytes.length);
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + length));
  }
}
