/**
 * The pages of one shared memory object: a MAP_SHARED | MAP_ANONYMOUS
 * mapping (after fork, parent and child map the same frames, so a write by
 * either is seen by both — Linux's shmem) or a System V shared memory
 * segment (src/process/ipc/shm.ts). The object holds a user reference on
 * each frame it records, and gives them back when its last user lets go.
 */
import type { FrameAllocator } from "../mem/frames.js";
import type { DecodeCache } from "../cpu/riscv/decode-cache.js";

export class SharedMemory {
  /**
   * Frame (host offset) of each materialised page, by page index: the
   * virtual page number less the page number of the mapping's `shmBase`
   * (0 for MAP_SHARED anonymous memory, which stays at one address).
   */
  readonly frames = new Map<number, number>();
  /** Holders: address spaces that map (part of) it, and a System V segment that still exists. */
  users = 1;
  /** Called whenever an address space unmaps a region of it (System V segments count their attaches). */
  onDetach: (() => void) | undefined;

  /** Fills a newly allocated frame for page `index` (a file's pages are read from it; anonymous ones stay zero). */
  fill(_index: number, _frame: number): void {}

  /** Drops one user; the last one gives the frames back. */
  release(frames: FrameAllocator, cache: DecodeCache): void {
    if (--this.users > 0) return;
    for (const f of this.frames.values()) if (frames.release(f)) cache.invalidateFrame(f);
    this.frames.clear();
  }
}
