/**
 * The code cache: translated regions per frame, as entries of one WebAssembly
 * function table per RAM, indexed by entry slot. A frame's translations belong
 * to one guest virtual page (the code has its pc values built in); running the
 * frame at another address replaces them. They are dropped with the frame's
 * decoded instructions (DecodeCache.invalidateFrame/invalidateAll: fence.i,
 * munmap, mprotect, a freed frame), and all at once when the table is full.
 */
import { SLOTS } from "../decode-cache.js";
import type { DecodeCache } from "../decode-cache.js";

/** What TranslatedPage.entry holds for a slot besides a table index (> 0). */
export const enum Entry {
  /** Not translated (yet). */
  None = 0,
  /** Its region could not be translated: the interpreter runs it. */
  Refused = -1,
  /** Translated, waiting in the current batch to be compiled. */
  Pending = -2,
}

/** The translations of one frame while it runs at one virtual page. */
export class TranslatedPage {
  /** Function table index of the region entered at each slot, or an Entry code. */
  readonly entry = new Int32Array(SLOTS);
  /** Whether the region at a slot holds floating-point instructions (it then needs mstatus.FS Dirty and frm RNE). */
  readonly usesFp = new Uint8Array(SLOTS);
  /** Times each slot was entered untranslated (saturating at 255). */
  readonly hits = new Uint8Array(SLOTS);

  constructor(
    /** The guest virtual page, low and high words. */
    readonly vLo: number,
    readonly vHi: number,
  ) {}
}

/** Counters of the tier, shown by --stats. */
export interface JitStats {
  /** Regions compiled. */
  compiled: number;
  /** Modules compiled (each holds a batch of regions). */
  modules: number;
  /** Entry points refused (their first instruction is left to the interpreter). */
  refused: number;
  /** Host milliseconds spent translating and compiling. */
  compileMs: number;
  /** Calls into translated code. */
  entries: number;
  /** Instructions retired in translated code. */
  translatedInsns: number;
  /** Times the whole cache was emptied for being full. */
  flushes: number;
  /** Bytes of WebAssembly generated. */
  wasmBytes: number;
}

/** The tier's counters for this host thread. */
export const jitStats: JitStats = { compiled: 0, modules: 0, refused: 0, compileMs: 0, entries: 0, translatedInsns: 0, flushes: 0, wasmBytes: 0 };

/** The translated page for frame number `f` at virtual page (vLo, vHi), created (or replaced) as needed. */
export function pageFor(cache: DecodeCache, f: number, vLo: number, vHi: number): TranslatedPage {
  let p = cache.translation(f);
  if (p === undefined || p.vLo !== vLo || p.vHi !== vHi) {
    p = new TranslatedPage(vLo, vHi);
    cache.setTranslation(f, p);
  }
  return p;
}
