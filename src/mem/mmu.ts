/**
 * The guest's view of memory through a software TLB, in the manner of TinyEMU:
 * three direct-mapped tables (read, write, execute) whose hit costs one masked
 * compare of the address's low word, one compare of its high word and one add.
 * The tag keeps the page address with its low 12 bits clear, so an access that
 * is not naturally aligned never hits and takes the slow path here, which also
 * handles accesses that straddle pages.
 *
 * What fills the TLB is a PageTranslator: the process VM's address-space map,
 * or (in the system VM) a page-table walker.
 */
import { Ram, PAGE_SIZE } from "./ram.js";

/** Kind of memory access, as the privileged spec distinguishes them for faults. */
export const enum Access {
  Read = 0,
  Write = 1,
  Execute = 2,
}

/** Fills TLB misses: maps a guest virtual page to a host offset in Ram, or throws a Trap. */
export interface PageTranslator {
  /**
   * Returns the host offset of the start of the page holding guest address
   * (lo, hi), checking `access` is allowed; throws a Trap (with the address
   * in tval) when it is not. A page that is not RAM (device registers, in the
   * system VM) is returned as ioPage(physical page address): a negative number,
   * never cached in the TLB, whose accesses go to Mmu.io.
   */
  translate(lo: number, hi: number, access: Access): number;
}

/** The translator's answer for a physical page that is not RAM (`pa` page-aligned, below 2^53). */
export function ioPage(pa: number): number {
  return -1 - pa;
}

/**
 * Where accesses to non-RAM pages go (the system VM's bus). Addresses are
 * physical, as numbers; (lo, hi) is the guest's address for the fault's tval.
 * Sizes are 1, 2 or 4; an 8-byte access is two 4-byte ones.
 */
export interface IoBus {
  /** Loads `size` bytes at physical address `pa`, zero-extended; throws the guest's access fault when nothing answers. */
  load(pa: number, size: number, lo: number, hi: number): number;
  /** Stores the low `size` bytes of v at `pa`; throws the guest's access fault when nothing answers. */
  store(pa: number, size: number, v: number, lo: number, hi: number): void;
  /** Throws the access fault for an access that cannot reach a device (instruction fetch, atomics, page-crossing). */
  fault(access: Access, lo: number, hi: number): never;
  /**
   * Called once a store instruction's device writes are all done; may throw
   * (the system VM's bus throws a Yield trap after a write that sent an IPI).
   */
  storeDone(): void;
}

/** Number of entries in each TLB (a power of two). */
export const TLB_SIZE = 1024;
/** Mask selecting a TLB index from a virtual page number. */
export const TLB_MASK = TLB_SIZE - 1;
/** A tag that no masked address equals (bit 11 is always clear in a tag probe). */
const INVALID = 0x800;

/**
 * Byte offsets of the nine arrays within a TLB set in the arena, in the order
 * translated code reads them (each TLB_SIZE int32 entries).
 */
export const enum TlbLayout {
  RTag = 0, RTagHi = 4096, ROff = 8192,
  WTag = 12288, WTagHi = 16384, WOff = 20480,
  XTag = 24576, XTagHi = 28672, XOff = 32768,
  /** Bytes in one set. */
  Bytes = 36864,
}

/** One set of the three TLBs (see Mmu); `base` is its arena offset, or -1 when it has none. */
interface TlbSet {
  base: number;
  rTag: Int32Array; rTagHi: Int32Array; rOff: Int32Array;
  wTag: Int32Array; wTagHi: Int32Array; wOff: Int32Array;
  xTag: Int32Array; xTagHi: Int32Array; xOff: Int32Array;
}

/** A TLB set in `ram`'s arena (or in plain arrays, base -1, when the arena is full), owned by `owner`. */
function newTlbSet(ram: Ram, owner: object): TlbSet {
  const base = ram.arena.alloc(TlbLayout.Bytes, owner) ?? -1;
  const a = (k: number) => base < 0 ? new Int32Array(TLB_SIZE) : new Int32Array(ram.buffer, base + k, TLB_SIZE);
  return {
    base,
    rTag: a(TlbLayout.RTag).fill(INVALID), rTagHi: a(TlbLayout.RTagHi), rOff: a(TlbLayout.ROff),
    wTag: a(TlbLayout.WTag).fill(INVALID), wTagHi: a(TlbLayout.WTagHi), wOff: a(TlbLayout.WOff),
    xTag: a(TlbLayout.XTag).fill(INVALID), xTagHi: a(TlbLayout.XTagHi), xOff: a(TlbLayout.XOff),
  };
}

/**
 * Memory accessed with guest virtual addresses given as (low, high) 32-bit
 * halves. The system VM keeps one TLB set per translation context (U-mode,
 * S-mode, S-mode with SUM, M-mode) and switches sets on a trap or xRET
 * instead of flushing: select() makes a set current. The run loop copies the
 * current set's arrays into locals when it starts, so a set may only change
 * between run() calls.
 */
export class Mmu {
  /** Read TLB of the current set: page address (low word, low 12 bits clear), high word, host offset of the page. */
  rTag!: Int32Array;
  rTagHi!: Int32Array;
  rOff!: Int32Array;
  /** Write TLB, laid out as the read TLB. */
  wTag!: Int32Array;
  wTagHi!: Int32Array;
  wOff!: Int32Array;
  /** Execute TLB, laid out as the read TLB. */
  xTag!: Int32Array;
  xTagHi!: Int32Array;
  xOff!: Int32Array;
  /** Arena offset of the current set (TlbLayout), or -1 when it is not in the arena (no translated code then). */
  tlbBase = -1;
  /** High word of the last 64-bit load. */
  hi = 0;
  /** Devices, for pages the translator returns as ioPage() (system VM only). */
  io: IoBus | undefined = undefined;
  /** Times flush() emptied the TLBs (trap accounting). */
  flushes = 0;
  /** Physical address of the byte whose access last resolved to I/O (set when offsetOrIo returns -1). */
  private ioPa = 0;
  private readonly sets: TlbSet[];

  constructor(readonly ram: Ram, public translator: PageTranslator, sets = 1) {
    this.sets = Array.from({ length: sets }, () => newTlbSet(ram, this));
    this.select(0);
  }

  /** Makes TLB set `k` current (between run() calls only). */
  select(k: number): void {
    const s = this.sets[k];
    this.tlbBase = s.base;
    this.rTag = s.rTag; this.rTagHi = s.rTagHi; this.rOff = s.rOff;
    this.wTag = s.wTag; this.wTagHi = s.wTagHi; this.wOff = s.wOff;
    this.xTag = s.xTag; this.xTagHi = s.xTagHi; this.xOff = s.xOff;
  }

  /**
   * Forgets every translation in sets [first, end), all by default (after the
   * map or page tables change: munmap, mprotect, sfence.vma; a system VM
   * flushes the host's or a guest's sets alone).
   */
  flush(first = 0, end = this.sets.length): void {
    this.flushes++;
    for (let k = first; k < end; k++) {
      const s = this.sets[k];
      s.rTag.fill(INVALID);
      s.wTag.fill(INVALID);
      s.xTag.fill(INVALID);
    }
  }

  /** Host offset of the byte at guest address (lo, hi) for `access`, filling the TLB on a miss; an I/O page is an access fault. */
  hostOffset(lo: number, hi: number, access: Access): number {
    // The probe is written out here and in offsetOrIo: this one is on the process VM's miss path.
    const page = lo & ~0xfff;
    const i = (lo >>> 12) & TLB_MASK;
    let tag: Int32Array, tagHi: Int32Array, off: Int32Array;
    if (access === Access.Read) { tag = this.rTag; tagHi = this.rTagHi; off = this.rOff; }
    else if (access === Access.Write) { tag = this.wTag; tagHi = this.wTagHi; off = this.wOff; }
    else { tag = this.xTag; tagHi = this.xTagHi; off = this.xOff; }
    if (tag[i] !== page || tagHi[i] !== hi) {
      const base = this.translator.translate(lo, hi, access);
      if (base < 0) this.io!.fault(access, lo, hi);
      tag[i] = page;
      tagHi[i] = hi;
      off[i] = base;
    }
    return off[i] + (lo & 0xfff);
  }

  /** As hostOffset, but an I/O page returns -1 and leaves the byte's physical address in ioPa. */
  private offsetOrIo(lo: number, hi: number, access: Access): number {
    const page = lo & ~0xfff;
    const i = (lo >>> 12) & TLB_MASK;
    let tag: Int32Array, tagHi: Int32Array, off: Int32Array;
    if (access === Access.Read) { tag = this.rTag; tagHi = this.rTagHi; off = this.rOff; }
    else if (access === Access.Write) { tag = this.wTag; tagHi = this.wTagHi; off = this.wOff; }
    else { tag = this.xTag; tagHi = this.xTagHi; off = this.xOff; }
    if (tag[i] !== page || tagHi[i] !== hi) {
      const base = this.translator.translate(lo, hi, access);
      if (base < 0) {
        this.ioPa = -1 - base + (lo & 0xfff);
        return -1;
      }
      tag[i] = page;
      tagHi[i] = hi;
      off[i] = base;
    }
    return off[i] + (lo & 0xfff);
  }

  /** Loads `size` (1, 2 or 4) bytes at (lo, hi), zero-extended (as an unsigned 32-bit number for size 4). */
  loadSlow(lo: number, hi: number, size: number): number {
    if ((lo & 0xfff) <= PAGE_SIZE - size) {
      const o = this.offsetOrIo(lo, hi, Access.Read);
      if (o < 0) return this.io!.load(this.ioPa, size, lo, hi);
      const v = this.ram.view;
      return size === 1 ? this.ram.u8[o] : size === 2 ? v.getUint16(o, true) : v.getUint32(o, true);
    }
    let r = 0;
    for (let k = 0; k < size; k++) {
      const a = (lo + k) | 0;
      const h = (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
      r += this.ram.u8[this.hostOffset(a, h, Access.Read)] * 2 ** (8 * k);
    }
    return r;
  }

  /** Loads 8 bytes at (lo, hi): returns the low word, leaves the high word in this.hi. */
  load64(lo: number, hi: number): number {
    const l = this.loadSlow(lo, hi, 4) | 0;
    const a = (lo + 4) | 0;
    this.hi = this.loadSlow(a, (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi, 4) | 0;
    return l;
  }

  /** Stores the low `size` (1, 2 or 4) bytes of v at (lo, hi). */
  storeSlow(lo: number, hi: number, size: number, v: number): void {
    if ((lo & 0xfff) <= PAGE_SIZE - size) {
      const o = this.offsetOrIo(lo, hi, Access.Write);
      if (o < 0) {
        this.io!.store(this.ioPa, size, v, lo, hi);
        this.io!.storeDone();
        return;
      }
      const dv = this.ram.view;
      if (size === 1) dv.setUint8(o, v & 0xff);
      else if (size === 2) dv.setUint16(o, v & 0xffff, true);
      else dv.setInt32(o, v | 0, true);
      return;
    }
    // Check every byte is writable before changing any, so a faulting store writes nothing.
    const offs = [0, 0, 0, 0];
    for (let k = 0; k < size; k++) {
      const a = (lo + k) | 0;
      offs[k] = this.hostOffset(a, (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi, Access.Write);
    }
    for (let k = 0; k < size; k++) this.ram.u8[offs[k]] = (v >>> (8 * k)) & 0xff;
  }

  /** Stores 8 bytes (vlo, vhi) at (lo, hi). */
  store64(lo: number, hi: number, vlo: number, vhi: number): void {
    const a = (lo + 4) | 0;
    const h2 = (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    if ((lo & 7) === 0 && this.offsetOrIo(lo, hi, Access.Write) < 0) {
      // A device register: the high word first, so a device that acts on its low word sees the whole value.
      const pa = this.ioPa;
      this.io!.store(pa + 4, 4, vhi, lo, hi);
      this.io!.store(pa, 4, vlo, lo, hi);
      this.io!.storeDone();
      return;
    }
    // Probe both halves first so a fault leaves memory unchanged.
    this.hostOffset(lo, hi, Access.Write);
    this.hostOffset((lo + 7) | 0, ((lo + 7) >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi, Access.Write);
    this.storeSlow(lo, hi, 4, vlo);
    this.storeSlow(a, h2, 4, vhi);
  }

  /** Fetches the 16-bit parcel at (lo, hi) for execution. */
  fetch16(lo: number, hi: number): number {
    return this.ram.u16[this.hostOffset(lo, hi, Access.Execute) >>> 1];
  }
}
