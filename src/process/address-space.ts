/**
 * A process's virtual address space: the regions it has mapped (VmaList) and
 * the pages materialised so far, each backed by a host frame. Pages are
 * allocated on first touch (demand paging), so large reservations cost
 * nothing. It is the PageTranslator behind the process's Mmu, and offers the
 * byte-level copy-in/copy-out that system calls need.
 */
import { Access, Mmu, type PageTranslator } from "../mem/mmu.js";
import { FrameAllocator } from "../mem/frames.js";
import { PAGE_SIZE, Ram } from "../mem/ram.js";
import { Cause, Trap } from "../cpu/riscv/trap.js";
import { DecodeCache } from "../cpu/riscv/decode-cache.js";
import { Prot, VmaList, type Vma } from "./vmas.js";
import type { SharedMemory } from "./shared-memory.js";

/** A system call touched memory the guest cannot access (the syscall returns EFAULT). */
export class GuestFault extends Error {
  override name = "GuestFault";
  constructor(readonly addr: number) {
    super(`bad guest address 0x${addr.toString(16)}`);
  }
}

const TWO32 = 4294967296;
const FAULT_CAUSE = [Cause.LoadPageFault, Cause.StorePageFault, Cause.InsnPageFault];
/** Page-entry bit: the frame is shared copy-on-write (a write first copies it). */
const COW = 8;
const NEED = [Prot.Read, Prot.Write, Prot.Exec];

/** Rounds `n` up to a multiple of the page size. */
export function pageUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

/** Mapped regions and materialised pages of one process. */
export class AddressSpace implements PageTranslator {
  readonly vmas = new VmaList();
  /** Virtual page number -> host frame offset | Prot bits of that page | COW. */
  private readonly pages = new Map<number, number>();
  readonly frames: FrameAllocator;
  readonly mmu: Mmu;
  readonly cache: DecodeCache;

  /**
   * An empty address space whose pages come from `frames`, with decoded code
   * kept in `cache` (both keyed by frame, so every process of a Kernel can
   * share them).
   */
  constructor(readonly ram: Ram, frames = new FrameAllocator(ram), cache = new DecodeCache(ram.i32)) {
    this.frames = frames;
    this.mmu = new Mmu(ram, this);
    this.cache = cache;
  }

  /** PageTranslator: host offset of the page at (lo, hi), materialising it on first touch. */
  translate(lo: number, hi: number, access: Access): number {
    const addr = hi * TWO32 + (lo >>> 0);
    const e = this.entry(addr, NEED[access]);
    if (e < 0) throw new Trap(FAULT_CAUSE[access], lo, hi);
    return e & ~0xfff;
  }

  /**
   * Page entry for `addr` if `need` is allowed there (materialising it), else
   * -1. A write (`need` has Write, or `writing` for a forced write) to a
   * copy-on-write page first gives this space its own copy of the frame.
   */
  private entry(addr: number, need: number, writing = (need & Prot.Write) !== 0): number {
    const vpn = Math.floor(addr / PAGE_SIZE);
    let e = this.pages.get(vpn);
    if (e === undefined) {
      if (addr < 0) return -1;
      const v = this.vmas.find(addr);
      if (v === undefined) return -1;
      e = this.materialise(vpn, v) | v.prot;
      this.pages.set(vpn, e);
    }
    const prot = (e & 7) | ((e & Prot.Write) !== 0 ? Prot.Read : 0);
    if ((prot & need) !== need) return -1;
    if (writing && (e & COW) !== 0) e = this.unshare(vpn, e);
    return e;
  }

  /** A frame for page `vpn` of region `v`: a fresh one, or the one MAP_SHARED memory already has for it. */
  private materialise(vpn: number, v: Vma): number {
    if (v.shm === undefined) return this.frames.alloc();
    const index = vpn - (v.shmBase ?? 0) / PAGE_SIZE;
    let f = v.shm.frames.get(index);
    if (f === undefined) {
      f = this.frames.alloc();
      v.shm.frames.set(index, f);
      v.shm.fill(index, f);
    }
    this.frames.share(f); // the object's reference (new frame) or this page's (existing one)
    return f;
  }

  /** Ends the copy-on-write sharing of page `vpn` (entry `e`) for this space; returns its new entry. */
  private unshare(vpn: number, e: number): number {
    const frame = e & ~0xfff;
    let own = frame;
    if (this.frames.isShared(frame)) {
      own = this.frames.alloc();
      this.ram.u8.copyWithin(own, frame, frame + PAGE_SIZE);
      this.frames.release(frame);
    }
    const n = own | (e & 7);
    this.pages.set(vpn, n);
    // Cached translations may still point at the shared frame.
    this.mmu.flush();
    return n;
  }

  /** True if `addr` lies in a mapped region (to tell SEGV_MAPERR from SEGV_ACCERR). */
  isMapped(addr: number): boolean {
    return this.vmas.find(addr) !== undefined;
  }

  /**
   * Maps [start, start+len) (page-aligned) with `prot`, discarding what was
   * there; `shm` for shared memory, whose page 0 is at `shmBase` (a System V
   * attach; MAP_SHARED anonymous memory leaves it out).
   */
  map(start: number, len: number, prot: number, name: string, shm?: SharedMemory, shmBase?: number): void {
    this.unmap(start, len);
    this.vmas.insert({ start, end: start + len, prot, name, ...(shm !== undefined && { shm }), ...(shmBase !== undefined && { shmBase }) });
  }

  /** Unmaps [start, start+len), freeing its frames. */
  unmap(start: number, len: number): void {
    const end = start + len;
    let touched = false;
    const regions = this.vmas.overlapping(start, end);
    for (const v of regions) {
      const s = Math.max(v.start, start), e = Math.min(v.end, end);
      touched = this.dropPages(s, e) || touched;
    }
    this.vmas.remove(start, end);
    this.detach(regions);
    if (touched) this.mmu.flush();
  }

  /** Lets go of the shared memory of removed `regions` that no region of this space still maps. */
  private detach(regions: Vma[]): void {
    for (const shm of new Set(regions.map((v) => v.shm))) {
      if (shm === undefined) continue;
      if (!this.vmas.list.some((v) => v.shm === shm)) shm.release(this.frames, this.cache);
      shm.onDetach?.();
    }
  }

  /** Calls f for each materialised page in [s, e), walking whichever is smaller: the range or the page map. */
  private forEachPage(s: number, e: number, f: (vpn: number, entry: number) => void): void {
    const first = s / PAGE_SIZE, last = e / PAGE_SIZE;
    if (last - first < this.pages.size) {
      for (let vpn = first; vpn < last; vpn++) {
        const entry = this.pages.get(vpn);
        if (entry !== undefined) f(vpn, entry);
      }
    } else {
      for (const [vpn, entry] of [...this.pages]) if (vpn >= first && vpn < last) f(vpn, entry);
    }
  }

  /** Frees the materialised pages in [s, e); returns whether there were any. */
  private dropPages(s: number, e: number): boolean {
    let any = false;
    this.forEachPage(s, e, (vpn, entry) => {
      const frame = entry & ~0xfff;
      // A frame still shared with another process keeps its contents, and its decoded code.
      if (this.frames.release(frame)) this.cache.invalidateFrame(frame);
      this.pages.delete(vpn);
      any = true;
    });
    return any;
  }

  /**
   * A copy for fork(2): the same regions, and every materialised page shared
   * copy-on-write with this space (the first write on either side copies the
   * frame), except MAP_SHARED anonymous memory, which stays shared.
   */
  fork(): AddressSpace {
    const child = new AddressSpace(this.ram, this.frames, this.cache);
    for (const v of this.vmas.overlapping(0, Number.MAX_SAFE_INTEGER)) child.vmas.insert({ ...v });
    for (const shm of new Set(this.vmas.list.map((v) => v.shm))) if (shm !== undefined) shm.users++;
    for (const [vpn, entry] of this.pages) {
      this.frames.share(entry & ~0xfff);
      if (this.vmas.find(vpn * PAGE_SIZE)?.shm !== undefined) {
        child.pages.set(vpn, entry); // MAP_SHARED memory: the same frame, writable by both
        continue;
      }
      this.pages.set(vpn, entry | COW);
      child.pages.set(vpn, entry | COW);
    }
    this.mmu.flush(); // this space's cached write translations now lead to shared frames
    return child;
  }

  /** Frees every page and region (the process exited or replaced its image with execve). */
  release(): void {
    this.unmap(0, Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % PAGE_SIZE));
    this.mmu.flush();
  }

  /** Changes the protection of [start, start+len); false if part of it is unmapped (ENOMEM). */
  protect(start: number, len: number, prot: number): boolean {
    const end = start + len;
    if (!this.vmas.covers(start, end)) return false;
    this.vmas.protect(start, end, prot);
    this.forEachPage(start, end, (vpn, entry) => this.pages.set(vpn, (entry & ~7) | prot)); // COW stays
    this.mmu.flush();
    return true;
  }

  /** Highest free range of `len` bytes in [floor, ceiling), or -1. */
  findFree(len: number, floor: number, ceiling: number): number {
    return this.vmas.findFreeTopDown(len, floor, ceiling);
  }

  /** The region containing `addr`. */
  vmaAt(addr: number): Vma | undefined {
    return this.vmas.find(addr);
  }

  /** Calls `f(hostOffset, count, done)` for each page-sized piece of [addr, addr+len), checking `need`. */
  private walk(addr: number, len: number, need: number, f: (off: number, n: number, done: number) => void, writing = false): void {
    let done = 0;
    while (done < len) {
      const a = addr + done;
      const e = this.entry(a, need, writing);
      if (e < 0) throw new GuestFault(a);
      const inPage = a % PAGE_SIZE;
      const n = Math.min(len - done, PAGE_SIZE - inPage);
      f((e & ~0xfff) + inPage, n, done);
      done += n;
    }
  }

  /** Copies `len` guest bytes at `addr` out (throws GuestFault). */
  read(addr: number, len: number): Uint8Array {
    // Check a large range is mapped before allocating a host buffer for it.
    if (len > 0x100000 && (len > this.ram.size || !this.vmas.covers(addr, addr + len))) throw new GuestFault(addr);
    const out = new Uint8Array(len);
    const u8 = this.ram.u8;
    this.walk(addr, len, Prot.Read, (off, n, done) => out.set(u8.subarray(off, off + n), done));
    return out;
  }

  /** Copies `data` into guest memory at `addr` (throws GuestFault), ignoring page protection if `force`. */
  write(addr: number, data: Uint8Array, force = false): void {
    const u8 = this.ram.u8;
    this.walk(addr, data.length, force ? Prot.None : Prot.Write, (off, n, done) => u8.set(data.subarray(done, done + n), off), true);
  }

  /**
   * Reads a NUL-terminated string at `addr`. Past `max` bytes without a NUL it
   * throws GuestFault, or with `truncate` returns the first `max` bytes.
   */
  readCString(addr: number, max = 4096, truncate = false): string {
    const bytes: number[] = [];
    const u8 = this.ram.u8;
    for (let a = addr; bytes.length < max; ) {
      const e = this.entry(a, Prot.Read);
      if (e < 0) throw new GuestFault(a);
      const base = e & ~0xfff;
      for (let i = a % PAGE_SIZE; i < PAGE_SIZE; i++, a++) {
        const b = u8[base + i];
        if (b === 0) return Buffer.from(bytes).toString("utf8");
        bytes.push(b);
        if (bytes.length >= max) break;
      }
    }
    if (truncate) return Buffer.from(bytes).toString("utf8");
    throw new GuestFault(addr);
  }

  /** Reads a little-endian u64 (as a number; exact below 2^53) at `addr`. */
  readU64(addr: number): number {
    const b = this.read(addr, 8);
    const v = new DataView(b.buffer);
    return v.getUint32(4, true) * TWO32 + v.getUint32(0, true);
  }

  /** Reads a little-endian 64-bit value as a BigInt at `addr`. */
  readBig(addr: number): bigint {
    return new DataView(this.read(addr, 8).buffer).getBigUint64(0, true);
  }

  /** Reads a little-endian u32 at `addr`. */
  readU32(addr: number): number {
    return new DataView(this.read(addr, 4).buffer).getUint32(0, true);
  }

  /** Writes a little-endian 64-bit value at `addr`. */
  writeU64(addr: number, v: number | bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
    this.write(addr, b);
  }

  /** Writes a little-endian u32 at `addr`. */
  writeU32(addr: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.write(addr, b);
  }
}
