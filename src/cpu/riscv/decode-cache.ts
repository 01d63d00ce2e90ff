/**
 * Decoded-instruction cache, in the manner of libriscv: for each host page of
 * guest code, an Int32Array with one two-word slot per 2-byte parcel. Word 0
 * packs the dispatch op and register numbers, word 1 the immediate. Slots are
 * decoded lazily (op 0 = not yet decoded). Two sentinel slots past the page end
 * hold Op.PAGE_END, so falling off the page needs no bounds test.
 *
 * Pages are keyed by host page (frame), so the cache survives remapping of the
 * same frame and is shared by all harts that share memory.
 *
 * fence.i does not drop anything at once: it starts a new epoch, and a page
 * (with its translations) is next used only after its bytes are found
 * unchanged since it was decoded; a page whose code changed is dropped then.
 * Boot code and JIT-generating guests run fence.i thousands of times while
 * almost all of their code stays as it was.
 */
import { Op, ROW_BY_OP } from "../../isa/riscv/table.js";
import { operandFiles } from "../../isa/riscv/operands.js";
import type { Decoded } from "../../isa/riscv/decode.js";
import type { TranslatedPage } from "./jit/code-cache.js";

/** Parcels (2-byte slots) in a page. */
export const SLOTS = 2048;
/** Int32 words of decoded slots in a page: two per slot, plus two sentinel slots. */
export const PAGE_WORDS = (SLOTS + 2) * 2;

/**
 * Where a decoded page keeps, after its slots, the bytes it was decoded from
 * (1024 words copied from RAM when the page is made), the fence.i epoch in
 * which that copy last matched RAM, and a flag set when a slot was decoded
 * from bytes that differ from the copy.
 */
export const enum PageTail {
  /** = PAGE_WORDS. */
  Snapshot = 4100,
  Epoch = Snapshot + 1024,
  Stale = Epoch + 1,
  Words = Stale + 1,
}

/** Word-0 field positions. */
export const enum Pack {
  OpMask = 0x1ff,
  RdShift = 9,
  Rs1Shift = 15,
  Rs2Shift = 20,
  /** Instruction length in slots (1 or 2). */
  LenShift = 25,
}

/** True for ops whose rd is an integer register (so rd = 0 is redirected to the sink). */
const RD_IS_X: boolean[] = (() => {
  const a = new Array<boolean>(Op.COUNT).fill(false);
  for (let op = 0; op < Op.COUNT; op++) {
    const r = ROW_BY_OP[op];
    if (r) a[op] = operandFiles(r).rd === "x";
  }
  return a;
})();

/** Packs a decoded instruction into slot word 0. */
export function packWord0(d: Decoded): number {
  const rd = d.rd === 0 && RD_IS_X[d.op] ? 32 : d.rd;
  return d.op | (rd << Pack.RdShift) | (d.rs1 << Pack.Rs1Shift) | (d.rs2 << Pack.Rs2Shift) | ((d.length >> 1) << Pack.LenShift);
}

/**
 * Decoded pages indexed by frame number. The array is never sparse: V8 turns an
 * array grown by sparse stores (a kernel at frame 512, its device tree at frame
 * 32767) into a dictionary, and every page entry of the run loop would become a
 * hash lookup. It starts small and is grown (filled) to cover a frame when one
 * beyond it is first decoded: a 4 GiB process VM that touches a few MiB then
 * does not allocate a million entries at start-up.
 */
export class DecodeCache {
  private pages: (Int32Array | undefined)[];
  /** Frames in the whole RAM. */
  private readonly frames: number;
  /**
   * Translated code (jit/) by frame number, dropped with the frame's decoded
   * instructions: a two-level table (frame >> 10, then frame & 1023) whose
   * second level is made on first use, so a run that translates nothing pays nothing.
   */
  private translated: ((TranslatedPage | undefined)[] | undefined)[];
  /** Translated pages dropped because their frame's code may have changed. */
  invalidations = 0;
  /** The fence.i epoch (see the class comment). */
  private epoch = 0;
  /** Pages found unchanged after a fence.i (for --stats). */
  verified = 0;
  /** Pages dropped after a fence.i because their code changed (for --stats). */
  changed = 0;

  /** A cache for the code in `ram` (the RAM's words). */
  constructor(private readonly ram: Int32Array) {
    const bytes = ram.length * 4;
    this.frames = Math.ceil(bytes / 4096);
    this.pages = new Array<Int32Array | undefined>(Math.min(this.frames, 4096)).fill(undefined);
    this.translated = new Array<(TranslatedPage | undefined)[] | undefined>(Math.ceil(bytes / 4096 / 1024)).fill(undefined);
  }

  /** The translated code of frame number `f`, if any. */
  translation(f: number): TranslatedPage | undefined {
    if (f < this.pages.length) {
      const p = this.pages[f];
      if (p !== undefined && p[PageTail.Epoch] !== this.epoch) this.verify(f, p);
    }
    const t = this.translated[f >>> 10];
    return t === undefined ? undefined : t[f & 1023];
  }

  /** Sets (or clears) the translated code of frame number `f`. */
  setTranslation(f: number, p: TranslatedPage | undefined): void {
    let t = this.translated[f >>> 10];
    if (t === undefined) {
      if (p === undefined) return;
      t = this.translated[f >>> 10] = new Array<TranslatedPage | undefined>(1024).fill(undefined);
    }
    if (p === undefined && t[f & 1023] !== undefined) this.invalidations++;
    t[f & 1023] = p;
  }

  /** Drops every translation (the code cache is full); not counted as invalidations. */
  dropTranslations(): void {
    this.translated.fill(undefined);
  }

  /** The decoded page for the frame at host offset `frameOffset`, created empty on first use. */
  page(frameOffset: number): Int32Array {
    const f = frameOffset >>> 12;
    if (f >= this.pages.length) this.grow(f);
    let p = this.pages[f];
    if (p !== undefined && p[PageTail.Epoch] !== this.epoch) p = this.verify(f, p);
    if (p === undefined) {
      p = new Int32Array(PageTail.Words);
      p[SLOTS * 2] = Op.PAGE_END | (1 << Pack.LenShift);
      p[SLOTS * 2 + 2] = Op.PAGE_END | (1 << Pack.LenShift);
      p.set(this.ram.subarray(f << 10, (f + 1) << 10), PageTail.Snapshot);
      p[PageTail.Epoch] = this.epoch;
      this.pages[f] = p;
    }
    return p;
  }

  /**
   * After a fence.i: keeps frame `f`'s page `p` (and its translations) for
   * this epoch if its code is as it was decoded, else drops them.
   */
  private verify(f: number, p: Int32Array): Int32Array | undefined {
    const ram = this.ram, base = f << 10;
    let same = p[PageTail.Stale] === 0;
    for (let i = 0; same && i < 1024; i++) same = p[PageTail.Snapshot + i] === ram[base + i];
    if (same) {
      p[PageTail.Epoch] = this.epoch;
      this.verified++;
      return p;
    }
    this.changed++;
    this.pages[f] = undefined;
    this.setTranslation(f, undefined);
    return undefined;
  }

  /** fence.i: code may have changed anywhere; each page is checked when next used. */
  fenceI(): void {
    this.epoch = (this.epoch + 1) | 0;
  }

  /** Makes the page array cover frame `f` (at least doubling it, so growth is rare). */
  private grow(f: number): void {
    const n = Math.min(this.frames, Math.max(f + 1, this.pages.length * 2));
    const a = new Array<Int32Array | undefined>(n).fill(undefined);
    for (let i = 0; i < this.pages.length; i++) a[i] = this.pages[i];
    this.pages = a;
  }

  /** Forgets the decoded instructions of one frame (its memory changed). */
  invalidateFrame(frameOffset: number): void {
    const f = frameOffset >>> 12;
    if (f < this.pages.length) this.pages[f] = undefined;
    this.setTranslation(f, undefined);
  }

  /** Forgets everything at once (a reset). */
  invalidateAll(): void {
    this.pages.fill(undefined);
    this.translated.forEach((t, hi) => {
      if (t !== undefined) for (let lo = 0; lo < 1024; lo++) this.setTranslation((hi << 10) | lo, undefined);
    });
  }
}
