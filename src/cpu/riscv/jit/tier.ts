/**
 * The translating tier behind run()'s Exit contract. runTiered() looks up the
 * translation of the region at pc (through the execute TLB and the code
 * cache) and calls it; code with no translation yet runs on the interpreter
 * one basic block at a time (run(h, 1)), and an entry point seen `threshold`
 * times is translated. Translated code returns to this loop whenever it leaves
 * its region, so pc, instret and the budget are exact at every return.
 */
import { Access, TLB_MASK } from "../../../mem/mmu.js";
import { Trap } from "../trap.js";
import { FsState, Hart } from "../hart.js";
import { Exit, run } from "../run.js";
import type { DecodeCache } from "../decode-cache.js";
import { TExit, Scratch } from "./abi.js";
import { Entry, jitStats, pageFor } from "./code-cache.js";
import { setCurrent, translatorFor } from "./translator.js";

/** When to translate: never, when an entry point is hot, or on first execution (the test mode). */
export type JitMode = "off" | "auto" | "always";

/** Entries into an untranslated region before it is translated ("auto"). */
export const HOT_THRESHOLD = 24;

/**
 * The tier's settings for this host thread, per VM kind. The system VM's
 * default is off: measured on a Linux boot (docs/jit.md), where most code
 * runs a few times, compiling and entering regions cost more than they save
 * until regions chain to each other inside WebAssembly.
 */
export const jitOptions: { process: JitMode; system: JitMode } = { process: "auto", system: "off" };

/** Parses a --jit value; undefined when it is not one of the modes. */
export function parseJitMode(s: string): JitMode | undefined {
  return s === "off" || s === "auto" || s === "always" ? s : undefined;
}

/**
 * Runs hart `h` for about `budget` instructions as run() does, with hot code
 * translated (`mode`). Falls back to run() when the tier is off or the hart's
 * state is not in the arena.
 */
export function runTiered(h: Hart, budget: number, mode: JitMode): Exit {
  if (mode === "off" || h.stateBase < 0 || h.mmu.tlbBase < 0) return run(h, budget);
  const threshold = mode === "always" ? 1 : HOT_THRESHOLD;
  const mmu = h.mmu, cache = h.cache, sc = h.scratch;
  const tr = translatorFor(cache, mmu.ram);
  const call = tr.call;
  const start = h.instret;
  for (;;) {
    const done = h.instret - start;
    if (done >= budget) return Exit.Budget;
    const pcLo = h.pcLo, pcHi = h.pcHi;
    const xi = (pcLo >>> 12) & TLB_MASK;
    const vLo = pcLo & ~0xfff;
    let k = 0;
    if ((pcLo & 1) === 0 && (mmu.xTag[xi] !== vLo || mmu.xTagHi[xi] !== pcHi)) fillExecuteTlb(h, pcLo, pcHi);
    if ((pcLo & 1) === 0 && mmu.xTag[xi] === vLo && mmu.xTagHi[xi] === pcHi) {
      const frame = mmu.xOff[xi];
      const slot = (pcLo & 0xfff) >>> 1;
      let page = pageFor(cache, frame >>> 12, vLo, pcHi);
      k = page.entry[slot];
      if (k === Entry.None && page.hits[slot]++ + 1 >= threshold) {
        if (mode === "always" || tr.affordable()) {
          k = tr.translate(h, frame, slot, vLo, pcHi, mode === "always");
          page = cache.translation(frame >>> 12) ?? page; // a full table drops every page
        } else page.hits[slot] = 0; // hot, but over the compile budget: asked again once it is as hot again
      }
      // Translated FP code assumes an enabled FPU in round-to-nearest-even (fp.ts).
      if (k > 0 && page.usesFp[slot] !== 0 && (h.mstatusFs !== FsState.Dirty || h.frm !== 0)) k = 0;
    }
    if (k > 0) {
      setCurrent(h);
      sc[Scratch.Flags >> 2] = h.fflags;
      const code = call(k, h.stateBase, mmu.tlbBase, budget - done);
      const n = sc[Scratch.Count >> 2];
      h.instret += n;
      jitStats.entries++;
      jitStats.translatedInsns += n;
      h.pcLo = sc[Scratch.Pc >> 2]; h.pcHi = sc[(Scratch.Pc >> 2) + 1];
      h.fflags = sc[Scratch.Flags >> 2];
      if (code === TExit.Jump) continue;
      if (code === TExit.Budget) return Exit.Budget;
      return Exit.Trap;
    }
    tr.tick();
    const e = run(h, 1);
    if (e !== Exit.Budget) return e;
  }
}

/** Fills the execute TLB for pc (lo, hi); a fault is left for the interpreter to raise when it fetches. */
function fillExecuteTlb(h: Hart, lo: number, hi: number): void {
  try {
    h.mmu.hostOffset(lo, hi, Access.Execute);
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
  }
}

/** The tier's counters as one line for --stats (invalidations and fence.i's page checks are `cache`'s). */
export function jitStatsLine(cache: DecodeCache, mode: JitMode): string {
  const s = jitStats;
  return `jit=${mode} regions_compiled=${s.compiled} modules=${s.modules} regions_refused=${s.refused} compile_ms=${s.compileMs.toFixed(1)} ` +
    `wasm_bytes=${s.wasmBytes} entries=${s.entries} translated_insns=${s.translatedInsns} invalidations=${cache.invalidations} flushes=${s.flushes} ` +
    `code_pages_rechecked=${cache.verified} code_pages_changed=${cache.changed}`;
}
