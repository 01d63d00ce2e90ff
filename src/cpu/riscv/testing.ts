/**
 * A bare hart for unit tests: 1 MiB of RAM mapped at guest address 0 with all
 * permissions, a program assembled from encoded words, run until ebreak.
 */
import { Ram } from "../../mem/ram.js";
import { Access, Mmu, type PageTranslator } from "../../mem/mmu.js";
import { Cause, Trap } from "./trap.js";
import { Hart } from "./hart.js";
import { DecodeCache } from "./decode-cache.js";
import { run, Exit } from "./run.js";

/** Guest addresses [0, RAM_SIZE) map to the same host offsets. */
export const TEST_RAM_SIZE = 1 << 20;

class Identity implements PageTranslator {
  translate(lo: number, hi: number, access: Access): number {
    if (hi !== 0 || lo < 0 || lo >= TEST_RAM_SIZE) {
      throw new Trap([Cause.LoadPageFault, Cause.StorePageFault, Cause.InsnPageFault][access], lo, hi);
    }
    return lo & ~0xfff;
  }
}

/** Makes a hart whose memory is a fresh 1 MiB block at address 0. */
export function testHart(): Hart {
  const ram = new Ram(TEST_RAM_SIZE);
  return new Hart(new Mmu(ram, new Identity()), new DecodeCache(ram.i32));
}

/** The ebreak instruction, which ends a test program. */
export const EBREAK = 0x00100073;

/**
 * Writes `words` (32-bit instructions) at `at` followed by ebreak, runs from
 * there with `step` (run() by default; a test of another tier passes its own),
 * and returns the cause of the trap that ended the run (Cause.Breakpoint when
 * the program completed).
 */
export function runProgram(h: Hart, words: number[], at = 0x1000, step: (h: Hart) => Exit = (h) => run(h, 1_000_000)): number {
  const v = h.mmu.ram.view;
  [...words, EBREAK].forEach((w, i) => v.setInt32(at + i * 4, w, true));
  h.cache.invalidateAll();
  h.pc = BigInt(at);
  for (;;) {
    const e = step(h);
    if (e === Exit.Trap) return h.trapCause;
    if (e === Exit.Ecall) throw new Error("unexpected ecall in a test program");
  }
}
