/**
 * Allocation of host page frames inside a Ram. Frames come back zeroed: a freed
 * frame is cleared before it is reused, and fresh frames are zero already.
 * A frame can have several users (pages shared copy-on-write after fork); it
 * is freed when the last one releases it.
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
  /** Users of each frame, by frame number. */
  private readonly users: Uint16Array;

  /** Frames are taken from [start, ram.size). */
  constructor(private readonly ram: Ram, start = 0) {
    this.next = start;
    this.users = new Uint16Array(ram.size / PAGE_SIZE);
  }

  /** A zeroed frame's host offset; throws OutOfFrames when memory is exhausted. */
  alloc(): number {
    let off = this.free.pop();
    if (off === undefined) {
      if (this.next + PAGE_SIZE > this.ram.size) throw new OutOfFrames("out of guest memory");
      off = this.next;
      this.next += PAGE_SIZE;
    }
    this.users[off / PAGE_SIZE] = 1;
    return off;
  }

  /** Adds a user to the frame at `off` (a page now shared). */
  share(off: number): void {
    this.users[off / PAGE_SIZE]++;
  }

  /** Whether more than one user holds the frame at `off`. */
  isShared(off: number): boolean {
    return this.users[off / PAGE_SIZE] > 1;
  }

  /** Drops a user of the frame at `off`; the last one frees it, clearing it for its next user. Returns whether it was freed. */
  release(off: number): boolean {
    const f = off / PAGE_SIZE;
    if (this.users[f] > 1) { this.users[f]--; return false; }
    this.users[f] = 0;
    this.ram.u8.fill(0, off, off + PAGE_SIZE);
    this.free.push(off);
    return true;
  }

  /** Bytes of frames in use. */
  get used(): number {
    return this.next - this.free.length * PAGE_SIZE;
  }
}
