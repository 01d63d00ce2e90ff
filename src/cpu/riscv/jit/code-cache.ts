/**
 * The code cache: translated regions per frame, as compiled WebAssembly
 * functions indexed by entry slot. A frame's translations belong to one guest
 * virtual page (the code has its pc values built in); running the frame at
 * another address replaces them. They are dropped with the frame's decoded
 * instructions (DecodeCache.invalidateFrame/invalidateAll: fence.i, munmap,
 * mprotect, a freed frame) and all at once when too many are live.
 */
import { SLOTS } from "../decode-cache.js";
import type { DecodeCache } from "../decode-cache.js";

/** A translated region: run(state block, TLB set, budget) -> TExit. */
export type RunFn = (state: number, tlb: number, budget: number) => number;

/** Entry slots whose region could not be translated (the interpreter runs them). */
export const UNTRANSLATABLE: RunFn = () => { throw new Error("jit: untranslatable entry called"); };

/** Most live translated regions before the cache is emptied (each is a module of a few KiB). */
export const MAX_LIVE_REGIONS = 6000;

/** The translations of one frame while it runs at one virtual page. */
export class TranslatedPage {
  /** Translated entry points by slot (UNTRANSLATABLE for a refused one). */
  readonly fns: (RunFn | undefined)[] = new Array<RunFn | undefined>(SLOTS).fill(undefined);
  /** Whether the region at a slot holds floating-point instructions (it then needs mstatus.FS Dirty). */
  readonly usesFp = new Uint8Array(SLOTS);
  /** Times each slot was entered untranslated (saturating). */
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
export const jitStats: JitStats = { compiled: 0, refused: 0, compileMs: 0, entries: 0, translatedInsns: 0, flushes: 0, wasmBytes: 0 };

/** Live regions per decode cache. */
const liveRegions = new WeakMap<DecodeCache, number>();

/** The translated page for frame number `f` at virtual page (vLo, vHi), created (or replaced) as needed. */
export function pageFor(cache: DecodeCache, f: number, vLo: number, vHi: number): TranslatedPage {
  let p = cache.translation(f);
  if (p === undefined || p.vLo !== vLo || p.vHi !== vHi) {
    p = new TranslatedPage(vLo, vHi);
    cache.setTranslation(f, p);
  }
  return p;
}

/** Counts a new region in `cache`, emptying the cache's translations first when it is full. */
export function countRegion(cache: DecodeCache): void {
  const n = (liveRegions.get(cache) ?? 0) + 1;
  if (n > MAX_LIVE_REGIONS) {
    cache.dropTranslations();
    jitStats.flushes++;
    liveRegions.set(cache, 1);
    return;
  }
  liveRegions.set(cache, n);
}
