/** An OpenFile whose contents are bytes held in memory (the generated /proc files). */
import { OFlag, PollEv, type IoResult, type OpenFile } from "./fd-table.js";

/** A read-only, seekable file over a byte array. */
export class MemFile implements OpenFile {
  readonly kind = "file";
  flags = OFlag.RDONLY;
  pos = 0;

  constructor(private readonly data: Uint8Array, readonly path?: string) {}

  read(buf: Uint8Array, pos?: number): IoResult {
    const at = pos ?? this.pos;
    const n = Math.max(0, Math.min(buf.length, this.data.length - at));
    buf.set(this.data.subarray(at, at + n));
    if (pos === undefined) this.pos += n;
    return n;
  }

  write(): IoResult {
    return -9; // EBADF: opened read-only
  }

  /** lseek */
  seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? this.data.length : NaN;
    if (Number.isNaN(base) || base + offset < 0) return -22;
    this.pos = base + offset;
    return this.pos;
  }

  poll(events: number): number {
    return events & (PollEv.IN | PollEv.OUT);
  }

  onReady(cb: () => void): () => void {
    queueMicrotask(cb);
    return () => {};
  }

  release(): void {}
}
