/**
 * The arena: a few MiB past the end of guest RAM, inside the same
 * WebAssembly.Memory, where each hart keeps its registers and each MMU its
 * TLBs. Putting them there lets translated code (cpu/riscv/jit) and the
 * interpreter share one copy of the state: the interpreter sees typed-array
 * views, translated code sees memory addresses.
 *
 * Blocks are handed out in fixed classes (a hart's state, a TLB set) with a
 * free list per class; when the arena is full, callers fall back to ordinary
 * typed arrays and their hart simply runs on the interpreter.
 */

/** Bytes reserved for the arena past the end of RAM (committed by the host only as touched). */
export const ARENA_BYTES = 32 << 20;

/** Hands out blocks of the arena as byte offsets into the WebAssembly memory. */
export class Arena {
  private next: number;
  private readonly free = new Map<number, number[]>();
  /** Returns blocks whose owner was collected to the free list. */
  private readonly reaper = new FinalizationRegistry<[number, number]>(([off, bytes]) => this.release(off, bytes));

  /** An arena over [start, start + bytes) of `buffer`. */
  constructor(readonly buffer: ArrayBuffer, readonly start: number, readonly bytes: number) {
    this.next = start;
  }

  /**
   * A zeroed block of `bytes` (a multiple of 64) owned by `owner`: it returns to
   * the arena when `owner` is garbage-collected. Undefined when the arena is full.
   */
  alloc(bytes: number, owner: object): number | undefined {
    let off = this.free.get(bytes)?.pop();
    if (off === undefined) {
      if (this.next + bytes > this.start + this.bytes) return undefined;
      off = this.next;
      this.next += bytes;
    } else {
      new Uint8Array(this.buffer, off, bytes).fill(0);
    }
    this.reaper.register(owner, [off, bytes]);
    return off;
  }

  private release(off: number, bytes: number): void {
    let list = this.free.get(bytes);
    if (list === undefined) this.free.set(bytes, (list = []));
    list.push(off);
  }
}
