/**
 * Host memory that backs guest memory: one ArrayBuffer seen through typed
 * arrays of every width. Offsets into it ("host offsets") are what the TLB
 * hands to the run loop. Large buffers cost nothing until touched: the host
 * gives zero pages lazily.
 */
import { Arena, ARENA_BYTES } from "./arena.js";

/** Size of a guest page in bytes (4 KiB, the RISC-V base page). */
export const PAGE_SIZE = 4096;
/** log2(PAGE_SIZE). */
export const PAGE_SHIFT = 12;

/** WebAssembly memory pages are 64 KiB. */
const WASM_PAGE = 65536;

/**
 * A block of host memory with views of each access width (all little-endian on
 * x86/ARM hosts). It lives at offset 0 of a WebAssembly.Memory, so host
 * offsets are also addresses for translated code; the arena (arena.ts) follows
 * it in the same memory.
 */
export class Ram {
  /** The WebAssembly memory holding RAM and then the arena (never grown). */
  readonly memory: WebAssembly.Memory;
  /** Blocks for hart state and TLBs, past the end of RAM. */
  readonly arena: Arena;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly view: DataView;

  /** Allocates `size` bytes (a multiple of PAGE_SIZE, below 2 GiB so offsets stay small integers). */
  constructor(readonly size: number) {
    if (size % PAGE_SIZE !== 0 || size <= 0 || size > 0x80000000) {
      throw new RangeError(`RAM size must be a positive multiple of 4 KiB up to 2 GiB, got ${size}`);
    }
    const pages = Math.ceil((size + ARENA_BYTES) / WASM_PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.buffer = this.memory.buffer;
    this.arena = new Arena(this.buffer, size, ARENA_BYTES);
    this.u8 = new Uint8Array(this.buffer, 0, size);
    this.i8 = new Int8Array(this.buffer, 0, size);
    this.u16 = new Uint16Array(this.buffer, 0, size / 2);
    this.i16 = new Int16Array(this.buffer, 0, size / 2);
    this.i32 = new Int32Array(this.buffer, 0, size / 4);
    this.u32 = new Uint32Array(this.buffer, 0, size / 4);
    this.view = new DataView(this.buffer, 0, size);
  }
}
