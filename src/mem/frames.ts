/**
 * Allocation of host page frames inside a Ram. Frames come back zeroed: a freed
 * frame is cleared before it is reused, and fresh frames are zero already.
 */
import { Ram, PAGE_SIZE } from "./ram.js";

/** Thrown when Ram has no free frame left. */
export class OutOfFrames extends Error {
  override name = "OutOfFrames";
}

/** Hands out PAGE_SIZE frames of a Ram, as host offsets. */
export class FrameAllocator {
  private next: number;
  private readonly free: number[] = [];

  /** Frames are taken from [start, ram.size). */
  constructor(private readonly ram: Ram, start = 0) {
    this.next = start;
  }

  /** A zeroed frame's host offset; throws OutOfFrames when memory is exhausted. */
  alloc(): number {
    const f = this.free.pop();
    if (f !== undefined) return f;
    if (this.next + PAGE_SIZE > this.ram.size) throw new OutOfFrames("out of guest memory");
    const off = this.next;
    this.next += PAGE_SIZE;
    return off;
  }

  /** Returns a frame, clearing it for its next user. */
  release(off: number): void {
    this.ram.u8.fill(0, off, off + PAGE_SIZE);
    this.free.push(off);
  }

  /** Bytes of frames in use. */
  get used(): number {
    return this.next - this.free.length * PAGE_SIZE;
  }
}
