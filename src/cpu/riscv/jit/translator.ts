/**
 * Turning hot regions into running code. Regions are emitted (compile.ts) as
 * they become hot and compiled in batches, many functions to a module: V8
 * spends about a millisecond on every new module whatever its size, so one
 * module per region would cost more than the code saves. Compiled functions
 * go into one function table per RAM, and host code calls them through a
 * trampoline (wasm.ts trampolineBytes) so one JS-to-WebAssembly call site
 * serves every region.
 *
 * The helpers translated code imports run on the hart in `current` (one host
 * thread runs one hart at a time) and report an exception by recording it on
 * the hart and returning 1, which makes the code leave with TExit.Trap.
 */
import type { Ram } from "../../../mem/ram.js";
import type { Hart } from "../hart.js";
import { fill } from "../run.js";
import { Trap } from "../trap.js";
import { HANDLERS } from "../handlers.js";
import { Pack, type DecodeCache } from "../decode-cache.js";
import { FP_USE } from "../fs.js";
import { Op } from "../../../isa/riscv/table.js";
import { Scratch } from "./abi.js";
import { findRegion } from "./region.js";
import { emitRegion, IMPORTS, LOCALS, RUN_TYPE } from "./compile.js";
import { batchModuleBytes, trampolineBytes } from "./wasm.js";
import { Entry, jitStats, pageFor, type TranslatedPage } from "./code-cache.js";

/** Most function table entries; when they are used up every translation is dropped and numbering restarts. */
export const TABLE_MAX = 16384;
/** Most live modules (each holds its code and V8's bookkeeping; "always" makes one per region) before everything is dropped. */
export const MAX_MODULES = 2048;
/** Regions per batch in "auto" mode: enough to spread a module's fixed cost thin. */
export const BATCH_REGIONS = 24;
/** Untranslated block runs after which a smaller batch is compiled anyway (so a program with a few hot loops gets them). */
export const BATCH_PATIENCE = 3000;

/**
 * The compile budget of "auto": translation may take this many milliseconds
 * plus COMPILE_SHARE of the time since the translator was made. A program
 * whose time goes to a few hot loops stays far below it; one with a flat
 * profile (CPython starting up: 38 M instructions spread over 4000 regions)
 * would otherwise spend more time compiling than the translations save, and
 * runs on the interpreter instead once the budget is spent (docs/jit.md).
 */
export const COMPILE_ALLOWANCE_MS = 40;
/** The share of elapsed time "auto" may spend translating, beyond COMPILE_ALLOWANCE_MS. */
export const COMPILE_SHARE = 0.1;

/** The hart the helpers act on. */
let current: Hart;

/** Makes `h` the hart the helpers act on (before calling translated code). */
export function setCurrent(h: Hart): void {
  current = h;
}

function recordTrap(e: unknown): number {
  if (!(e instanceof Trap)) throw e;
  current.trapCause = e.cause; current.trapTvalLo = e.tvalLo; current.trapTvalHi = e.tvalHi;
  return 1;
}

/** Loads `size` bytes at (lo, hi) into the scratch value, zero-extended; 1 on an exception. */
function ld(lo: number, hi: number, size: number): number {
  const h = current, sc = h.scratch;
  try {
    const v = Scratch.Value >> 2;
    if (size === 8) { sc[v] = h.mmu.load64(lo, hi); sc[v + 1] = h.mmu.hi; }
    else { sc[v] = h.mmu.loadSlow(lo, hi, size); sc[v + 1] = 0; }
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

/** Runs one instruction's handler, with fflags passed through the scratch word; 1 on an exception. */
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

/** Calls table entry `index` with (state, tlb, budget). */
export type CallFn = (index: number, state: number, tlb: number, budget: number) => number;

interface PendingRegion {
  page: TranslatedPage;
  slot: number;
  body: Uint8Array;
  fp: number;
}

/** The function table, trampoline and pending batch of one RAM's translated code. */
export class Translator {
  readonly call: CallFn;
  private readonly table: WebAssembly.Table;
  private readonly imports: WebAssembly.Imports;
  private readonly pages: number;
  private next = 1;
  private modules = 0;
  private pending: PendingRegion[] = [];
  /** Untranslated block runs since the oldest pending region was queued. */
  private age = 0;
  /** When this translator was made, and the milliseconds it has spent translating since (performance.now()). */
  private readonly born = performance.now();
  private spentMs = 0;

  constructor(ram: Ram, private readonly cache: DecodeCache) {
    // Made at full size: growing a table V8 has handed to an instance is slow.
    this.table = new WebAssembly.Table({ element: "anyfunc", initial: TABLE_MAX });
    this.imports = { e: { mem: ram.memory, ld, st, op } };
    this.pages = ram.memory.buffer.byteLength / 65536;
    const tramp = new WebAssembly.Instance(new WebAssembly.Module(trampolineBytes(RUN_TYPE)), { e: { tbl: this.table } });
    this.call = tramp.exports.call as CallFn;
  }

  /**
   * Translates the region entered at `slot` of the frame at host offset
   * `frame` (virtual page vLo/vHi) and queues it; with `now`, compiles the
   * queue at once. Returns the slot's entry afterwards.
   */
  translate(h: Hart, frame: number, slot: number, vLo: number, vHi: number, now: boolean): number {
    const t0 = performance.now();
    const cache = this.cache;
    const page = pageFor(cache, frame >>> 12, vLo, vHi);
    const ops = cache.page(frame);
    const region = findRegion(ops, slot, (s) => fill(h, ops, frame, s, vLo, vHi));
    if (region === undefined) {
      jitStats.refused++;
      page.entry[slot] = Entry.Refused;
    } else {
      const base = (BigInt(vHi >>> 0) << 32n) | BigInt(vLo >>> 0);
      let fp = 0;
      for (const b of region.blocks) {
        for (const s of b.slots) {
          const o = ops[s * 2] & Pack.OpMask;
          if (FP_USE[o] !== 0 || (o >= Op.CSRRW && o <= Op.CSRRCI)) fp = 1;
        }
      }
      this.pending.push({ page, slot, body: emitRegion(region, ops, base), fp });
      page.entry[slot] = Entry.Pending;
    }
    this.spend(t0);
    if (now || this.pending.length >= BATCH_REGIONS) this.flush();
    return page.entry[slot];
  }

  /** Whether translating one more region keeps within the compile budget (COMPILE_ALLOWANCE_MS, COMPILE_SHARE). */
  affordable(): boolean {
    return this.spentMs <= COMPILE_ALLOWANCE_MS + COMPILE_SHARE * (performance.now() - this.born);
  }

  /** Adds the time since `t0` to the translation time. */
  private spend(t0: number): void {
    const ms = performance.now() - t0;
    this.spentMs += ms;
    jitStats.compileMs += ms;
  }

  /** Notes one untranslated block run; compiles a waiting batch that has waited long enough. */
  tick(): void {
    if (this.pending.length !== 0 && ++this.age >= BATCH_PATIENCE) this.flush();
  }

  /** Compiles the pending regions as one module and enters them in their pages. */
  flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.age = 0;
    if (batch.length === 0) return;
    const t0 = performance.now();
    if (this.next + batch.length > TABLE_MAX || this.modules >= MAX_MODULES) {
      // Full: drop every translation (the pending ones' pages go too), let the
      // modules be collected, and number from the start.
      this.cache.dropTranslations();
      for (let i = 1; i < this.next; i++) this.table.set(i, null);
      this.next = 1;
      this.modules = 0;
      jitStats.flushes++;
      return;
    }
    this.modules++;
    const base = this.next;
    this.next += batch.length;
    const bytes = batchModuleBytes(RUN_TYPE, IMPORTS, LOCALS, batch.map((r) => r.body), this.pages);
    const fns = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.imports).exports;
    batch.forEach((r, i) => {
      this.table.set(base + i, fns[String(i)] as (...args: number[]) => number);
      r.page.entry[r.slot] = base + i;
      r.page.usesFp[r.slot] = r.fp;
    });
    jitStats.compiled += batch.length;
    jitStats.modules++;
    jitStats.wasmBytes += bytes.length;
    this.spend(t0);
  }
}

const translators = new WeakMap<DecodeCache, Translator>();

/** The translator of the code in `cache` (whose frames are in `ram`). */
export function translatorFor(cache: DecodeCache, ram: Ram): Translator {
  let t = translators.get(cache);
  if (t === undefined) {
    t = new Translator(ram, cache);
    translators.set(cache, t);
  }
  return t;
}
