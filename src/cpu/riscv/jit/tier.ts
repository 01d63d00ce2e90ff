/**
 * The translating tier behind run()'s Exit contract. runTiered() looks up the
 * translation of the region at pc (through the execute TLB and the code
 * cache) and calls it; code with no translation yet runs on the interpreter
 * one basic block at a time (run(h, 1)), and an entry point seen `threshold`
 * times is translated. Translated code returns to this loop whenever it leaves
 * its region, so pc, instret and the budget are exact at every return.
 *
 * The helpers translated code imports run on the hart in `current` (one host
 * thread runs one hart at a time) and report an exception by recording it on
 * the hart and returning 1, which makes the code leave with TExit.Trap.
 */
import { TLB_MASK } from "../../../mem/mmu.js";
import type { Ram } from "../../../mem/ram.js";
import { FsState, Hart } from "../hart.js";
import { Exit, fill, run } from "../run.js";
import { Trap } from "../trap.js";
import { HANDLERS } from "../handlers.js";
import type { DecodeCache } from "../decode-cache.js";
import { TExit, Scratch } from "./abi.js";
import { findRegion } from "./region.js";
import { emitRegion, IMPORTS, LOCALS, RUN_TYPE } from "./compile.js";
import { moduleBytes } from "./wasm.js";
import { countRegion, jitStats, pageFor, UNTRANSLATABLE, type RunFn } from "./code-cache.js";
import { FP_USE } from "../fs.js";
import { Pack } from "../decode-cache.js";
import { Op } from "../../../isa/riscv/table.js";

/** When to translate: never, when an entry point is hot, or on first execution (the test mode). */
export type JitMode = "off" | "auto" | "always";

/** Entries into an untranslated region before it is translated ("auto"). */
export const HOT_THRESHOLD = 24;

/** The tier's settings for this host thread. */
export const jitOptions: { mode: JitMode } = { mode: "auto" };

/** Parses a --jit value; undefined when it is not one of the modes. */
export function parseJitMode(s: string): JitMode | undefined {
  return s === "off" || s === "auto" || s === "always" ? s : undefined;
}

/** The hart the helpers act on. */
let current: Hart;

function recordTrap(e: unknown): number {
  if (!(e instanceof Trap)) throw e;
  current.trapCause = e.cause; current.trapTvalLo = e.tvalLo; current.trapTvalHi = e.tvalHi;
  return 1;
}

/** Loads `size` bytes at (lo, hi) into the scratch value, zero-extended; 1 on an exception. */
function ld(lo: number, hi: number, size: number): number {
  const h = current, sc = h.scratch;
  try {
    if (size === 8) { sc[0] = h.mmu.load64(lo, hi); sc[1] = h.mmu.hi; }
    else { sc[0] = h.mmu.loadSlow(lo, hi, size); sc[1] = 0; }
    return 0;
  } catch (e) {
    return recordTrap(e);
  }
}

/** Stores (vlo, vhi) at (lo, hi), `size` bytes; 1 on an exception. */
function st(lo: number, hi: number, size: number, vlo: number, vhi: number): number {
  const h = current;
  try {
    if (size === 8) h.mmu.store64(lo, hi, vlo, vhi);
    else h.mmu.storeSlow(lo, hi, size, vlo);
    return 0;
  } catch (e) {
    return recordTrap(e);
  }
}

/** Runs one instruction's handler; 1 on an exception. */
function op(o: number, rd: number, rs1: number, rs2: number, imm: number): number {
  const h = current, sc = h.scratch;
  h.fflags = sc[Scratch.Flags >> 2];
  try {
    HANDLERS[o](h, rd, rs1, rs2, imm);
    sc[Scratch.Flags >> 2] = h.fflags;
    return 0;
  } catch (e) {
    return recordTrap(e);
  }
}

/** Import objects, one per RAM (its memory). */
const importsByRam = new WeakMap<Ram, WebAssembly.Imports>();

function importsFor(ram: Ram): WebAssembly.Imports {
  let im = importsByRam.get(ram);
  if (im === undefined) {
    im = { e: { mem: ram.memory, ld, st, op } };
    importsByRam.set(ram, im);
  }
  return im;
}

/** Translates the region entered at `slot` of the frame at `frame` (virtual page base vLo/vHi). */
function translate(h: Hart, cache: DecodeCache, frame: number, slot: number, vLo: number, vHi: number): RunFn {
  const t0 = performance.now();
  const ops = cache.page(frame);
  const region = findRegion(ops, slot, (s) => fill(h, ops, frame, s, vLo, vHi));
  let fn: RunFn = UNTRANSLATABLE;
  let fp = 0;
  if (region === undefined) jitStats.refused++;
  else {
    const base = (BigInt(vHi >>> 0) << 32n) | BigInt(vLo >>> 0);
    const body = emitRegion(region, ops, base);
    const ram = h.mmu.ram;
    const bytes = moduleBytes(RUN_TYPE, IMPORTS, LOCALS, body, ram.memory.buffer.byteLength / 65536);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), importsFor(ram));
    fn = inst.exports.run as RunFn;
    for (const b of region.blocks) {
      for (const s of b.slots) {
        const o = ops[s * 2] & Pack.OpMask;
        if (FP_USE[o] !== 0 || (o >= Op.CSRRW && o <= Op.CSRRCI)) fp = 1;
      }
    }
    jitStats.compiled++;
    jitStats.wasmBytes += bytes.length;
    countRegion(cache);
  }
  const page = pageFor(cache, frame >>> 12, vLo, vHi); // a flush in countRegion may have dropped the caller's
  page.fns[slot] = fn;
  page.usesFp[slot] = fp;
  jitStats.compileMs += performance.now() - t0;
  return fn;
}

/**
 * Runs hart `h` for about `budget` instructions as run() does, with hot code
 * translated. Falls back to run() when the tier is off or the hart's state is
 * not in the arena.
 */
export function runTiered(h: Hart, budget: number): Exit {
  const mode = jitOptions.mode;
  if (mode === "off" || h.stateBase < 0) return run(h, budget);
  const threshold = mode === "always" ? 1 : HOT_THRESHOLD;
  const mmu = h.mmu, cache = h.cache, sc = h.scratch;
  const start = h.instret;
  for (;;) {
    const done = h.instret - start;
    if (done >= budget) return Exit.Budget;
    const pcLo = h.pcLo, pcHi = h.pcHi;
    const xi = (pcLo >>> 12) & TLB_MASK;
    const vLo = pcLo & ~0xfff;
    let fn: RunFn | undefined;
    if (mmu.tlbBase >= 0 && mmu.xTag[xi] === vLo && mmu.xTagHi[xi] === pcHi && (pcLo & 1) === 0) {
      const frame = mmu.xOff[xi];
      const slot = (pcLo & 0xfff) >>> 1;
      let page = cache.translation(frame >>> 12);
      if (page === undefined || page.vLo !== vLo || page.vHi !== pcHi) page = pageFor(cache, frame >>> 12, vLo, pcHi);
      fn = page.fns[slot];
      if (fn === undefined && page.hits[slot]++ + 1 >= threshold) fn = translate(h, cache, frame, slot, vLo, pcHi);
      // Translated FP code assumes an enabled FPU in round-to-nearest-even (fp.ts).
      if (fn !== undefined && page.usesFp[slot] !== 0 && (h.mstatusFs !== FsState.Dirty || h.frm !== 0)) fn = undefined;
    }
    if (fn !== undefined && fn !== UNTRANSLATABLE) {
      current = h;
      sc[Scratch.Flags >> 2] = h.fflags;
      const code = fn(h.stateBase, mmu.tlbBase, budget - done);
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
    const e = run(h, 1);
    if (e !== Exit.Budget) return e;
  }
}

/** The tier's counters as one line for --stats (invalidations are `cache`'s). */
export function jitStatsLine(cache: DecodeCache): string {
  const s = jitStats;
  return `jit=${jitOptions.mode} regions_compiled=${s.compiled} regions_refused=${s.refused} compile_ms=${s.compileMs.toFixed(1)} ` +
    `wasm_bytes=${s.wasmBytes} entries=${s.entries} translated_insns=${s.translatedInsns} invalidations=${cache.invalidations} flushes=${s.flushes}`;
}
