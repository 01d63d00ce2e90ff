/**
 * Decoded-instruction cache, in the manner of libriscv: for each host page of
 * guest code, an Int32Array with one two-word slot per 2-byte parcel. Word 0
 * packs the dispatch op and register numbers, word 1 the immediate. Slots are
 * decoded lazily (op 0 = not yet decoded). Two sentinel slots past the page end
 * hold Op.PAGE_END, so falling off the page needs no bounds test.
 *
 * Pages are keyed by host page (frame), so the cache survives remapping of the
 * same frame and is shared by all harts that share memory.
 */
import { Op, ROW_BY_OP } from "../../isa/riscv/table.js";
import { operandFiles } from "../../isa/riscv/operands.js";
import type { Decoded } from "../../isa/riscv/decode.js";
import type { TranslatedPage } from "./jit/code-cache.js";

/** Parcels (2-byte slots) in a page. */
export const SLOTS = 2048;
/** Int32 words per decoded page: two per slot, plus two sentinel slots. */
export const PAGE_WORDS = (SLOTS + 2) * 2;

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
  /** Frames that have had a decoded page since the last invalidateAll (may repeat). */
  private live: number[] = [];

  /** A cache for `bytes` of memory (the RAM size). */
  constructor(bytes: number) {
    this.frames = Math.ceil(bytes / 4096);
    this.pages = new Array<Int32Array | undefined>(Math.min(this.frames, 4096)).fill(undefined);
    this.translated = new Array<(TranslatedPage | undefined)[] | undefined>(Math.ceil(bytes / 4096 / 1024)).fill(undefined);
  }

  /** The translated code of frame number `f`, if any. */
  translation(f: number): TranslatedPage | undefined {
    const t = this.translated[f >>> 10];
    return t === undefined ? undefined : t[f & 1023];
  }

  /** Sets (or clears) the translated code of frame number `f`; a new one is noted for invalidateAll. */
  setTranslation(f: number, p: TranslatedPage | undefined): void {
    let t = this.translated[f >>> 10];
    if (t === undefined) {
      if (p === undefined) return;
      t = this.translated[f >>> 10] = new Array<TranslatedPage | undefined>(1024).fill(undefined);
    }
    if (p !== undefined) this.live.push(f);
    else if (t[f & 1023] !== undefined) this.invalidations++;
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
    if (p === undefined) {
      p = new Int32Array(PAGE_WORDS);
      p[SLOTS * 2] = Op.PAGE_END | (1 << Pack.LenShift);
      p[SLOTS * 2 + 2] = Op.PAGE_END | (1 << Pack.LenShift);
      this.pages[f] = p;
      this.live.push(f);
    }
    return p;
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

  /** Forgets everything (fence.i, or a change of mappings). */
  invalidateAll(): void {
    for (const f of this.live) {
      this.pages[f] = undefined;
      this.setTranslation(f, undefined);
    }
    this.live = [];
  }
}
