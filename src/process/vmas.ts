/**
 * The list of mapped regions (VMAs) of a process address space: sorted,
 * non-overlapping, half-open [start, end) ranges of page-aligned addresses
 * (JavaScript numbers: user addresses stay far below 2^53).
 */

import type { SharedMemory } from "./shared-memory.js";

/** Protection bits, with Linux's PROT_* values. */
export const enum Prot {
  None = 0,
  Read = 1,
  Write = 2,
  Exec = 4,
}

/** One mapped region. */
export interface Vma {
  start: number;
  end: number;
  prot: number;
  /** What it maps, for /proc/self/maps and debugging: "[heap]", "[stack]", a path, or "". */
  name: string;
  /** For MAP_SHARED memory: the pages shared with forked processes, or a file's pages (page-cache.ts). */
  shm?: SharedMemory;
  /**
   * Where page 0 of `shm` would be: for a System V shared memory attach, the
   * address of the segment's first page (shmdt's argument); for a file, the
   * mapping's start less its file offset.
   */
  shmBase?: number;
}

/** Sorted, non-overlapping regions with split-aware updates. */
export class VmaList {
  readonly list: Vma[] = [];

  /** Index of the first region whose end is above `addr`. */
  private lowerBound(addr: number): number {
    let lo = 0, hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].end <= addr) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** The region containing `addr`, if any. */
  find(addr: number): Vma | undefined {
    const v = this.list[this.lowerBound(addr)];
    return v !== undefined && v.start <= addr ? v : undefined;
  }

  /** Regions overlapping [start, end), in order. */
  overlapping(start: number, end: number): Vma[] {
    const out: Vma[] = [];
    for (let i = this.lowerBound(start); i < this.list.length && this.list[i].start < end; i++) out.push(this.list[i]);
    return out;
  }

  /** Removes [start, end) from every region, splitting those that straddle it. */
  remove(start: number, end: number): void {
    const i = this.lowerBound(start);
    const keep: Vma[] = [];
    let j = i;
    for (; j < this.list.length && this.list[j].start < end; j++) {
      const v = this.list[j];
      if (v.start < start) keep.push({ ...v, end: start });
      if (v.end > end) keep.push({ ...v, start: end });
    }
    this.list.splice(i, j - i, ...keep);
  }

  /** Maps [start, end) as a new region, replacing whatever was there. */
  insert(v: Vma): void {
    this.remove(v.start, v.end);
    this.list.splice(this.lowerBound(v.start), 0, v);
  }

  /** Sets the protection of [start, end) (only where mapped). */
  protect(start: number, end: number, prot: number): void {
    for (const v of this.overlapping(start, end)) {
      const s = Math.max(v.start, start), e = Math.min(v.end, end);
      this.insert({ ...v, start: s, end: e, prot });
    }
  }

  /** True when every byte of [start, end) is mapped. */
  covers(start: number, end: number): boolean {
    let at = start;
    for (const v of this.overlapping(start, end)) {
      if (v.start > at) return false;
      at = v.end;
    }
    return at >= end;
  }

  /** Highest free gap of `len` bytes lying entirely in [floor, ceiling), or -1. */
  findFreeTopDown(len: number, floor: number, ceiling: number): number {
    let i = this.lowerBound(ceiling);
    let top = i < this.list.length && this.list[i].start < ceiling ? this.list[i].start : ceiling;
    for (i--; i >= 0; i--) {
      const v = this.list[i];
      if (top - v.end >= len) break;
      top = v.start;
    }
    return top - len >= floor ? top - len : -1;
  }

}
