/**
 * Single-stepping: run exactly one instruction with the interpreter. run()
 * checks its budget only at jumps and page changes, so step() fences the
 * instruction in: it writes a PAGE_END sentinel into the decoded slot that
 * follows it, runs with a budget of one (the loop leaves the page at the
 * sentinel, or at a taken branch, and then stops), and marks that slot
 * undecoded again. Harts share the decoded cache but run on one thread, so
 * no other hart sees the sentinel. The fast path is untouched; debugging
 * (triggers, a debugger's single-step) pays about a microsecond a step.
 */
import { Op } from "../../isa/riscv/table.js";
import { Access } from "../../mem/mmu.js";
import { Pack, SLOTS } from "./decode-cache.js";
import type { Hart } from "./hart.js";
import { Exit, run } from "./run.js";
import { Trap } from "./trap.js";

/** Executes the instruction at hart h's pc and returns as run() does (Exit.Budget when it simply completed). */
export function step(h: Hart): Exit {
  let ops: Int32Array | undefined, next = SLOTS;
  try {
    const frame = h.mmu.hostOffset(h.pcLo, h.pcHi, Access.Execute) - (h.pcLo & 0xfff);
    const slot = (h.pcLo & 0xfff) >>> 1;
    const len = (h.mmu.ram.u16[(frame >>> 1) + slot] & 3) === 3 ? 2 : 1;
    ops = h.cache.page(frame);
    next = slot + len;
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    return run(h, 1); // the fetch faults: run() raises the exception without executing anything
  }
  if (next >= SLOTS) return run(h, 1); // the page's own end sentinel follows
  ops[next * 2] = Op.PAGE_END | (1 << Pack.LenShift);
  try {
    return run(h, 1);
  } finally {
    // Undecoded, not restored: the instruction may have rewritten that code or dropped the page.
    ops[next * 2] = Op.DECODE;
  }
}
