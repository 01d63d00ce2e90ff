/**
 * A VM's console output as the API serves it: the last CAPACITY bytes, addressed
 * by absolute offsets from the start of the machine's output, so a client that
 * polls `console/log?offset=N` gets exactly what it has not seen, and a late
 * client still sees the boot log.
 */

/** Bytes of console output kept per VM (1 MiB). */
export const CONSOLE_LOG_CAPACITY = 1 << 20;

/** A ring buffer of console output with absolute offsets. */
export class ConsoleLog {
  private readonly buf: Uint8Array;
  /** Total bytes ever appended (the offset just past the newest byte). */
  end = 0;

  constructor(readonly capacity = CONSOLE_LOG_CAPACITY) {
    this.buf = new Uint8Array(capacity);
  }

  /** The offset of the oldest byte still kept. */
  get start(): number {
    return Math.max(0, this.end - this.capacity);
  }

  /** Appends output. */
  append(bytes: Uint8Array): void {
    let src = bytes;
    if (src.length > this.capacity) src = src.subarray(src.length - this.capacity);
    let at = (this.end + (bytes.length - src.length)) % this.capacity;
    let i = 0;
    while (i < src.length) {
      const n = Math.min(src.length - i, this.capacity - at);
      this.buf.set(src.subarray(i, i + n), at);
      i += n;
      at = (at + n) % this.capacity;
    }
    this.end += bytes.length;
  }

  /** The bytes from absolute `offset` (clamped to what is kept) to the end, and the offset they start at. */
  read(offset: number): { offset: number; bytes: Uint8Array } {
    const from = Math.min(Math.max(offset, this.start), this.end);
    const out = new Uint8Array(this.end - from);
    for (let i = 0; i < out.length; i++) out[i] = this.buf[(from + i) % this.capacity];
    return { offset: from, bytes: out };
  }
}
