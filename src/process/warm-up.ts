/**
 * Warms the interpreter up for the process VM (cpu/riscv/warm-up.ts) on a
 * throwaway address space, so the hart and MMU have the same shapes as a
 * real process's. Call it once per host process before running a guest.
 */
import { warmUp, WARM_UP_DATA_PAGES } from "../cpu/riscv/warm-up.js";
import { Hart } from "../cpu/riscv/hart.js";
import { Ram } from "../mem/ram.js";
import { AddressSpace } from "./address-space.js";
import { Prot } from "./vmas.js";

let done = false;

/** Runs the interpreter warm-up once per host process (a few milliseconds). */
export function warmUpProcessVm(): void {
  if (done) return;
  done = true;
  const space = new AddressSpace(new Ram(1 << 20));
  const at = 0x10000;
  space.map(at, (2 + WARM_UP_DATA_PAGES) * 4096, Prot.Read | Prot.Write | Prot.Exec, "[warm-up]");
  warmUp(new Hart(space.mmu, space.cache), at);
}
