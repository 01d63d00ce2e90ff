/** Helpers for the walker's tests: a small RAM at 0x80000000 with page tables written by hand. */
import { Access, ioPage } from "../../../mem/mmu.js";
import { Ram } from "../../../mem/ram.js";
import { Trap } from "../trap.js";
import type { PhysicalMemory, SvTranslator } from "./sv.js";

/** Where the test RAM starts. */
export const TEST_RAM_BASE = 0x8000_0000;

/** 1 MiB of RAM at TEST_RAM_BASE; anything else is a device page. */
export class TestPhys implements PhysicalMemory {
  readonly ram = new Ram(1 << 20);
  resolve(pa: number): number {
    const o = pa - TEST_RAM_BASE;
    return o >= 0 && o < this.ram.size ? o : ioPage(pa);
  }
  /** Writes entry `index` of the table at `tablePa`: a PTE for physical address `pa` with `flags`. */
  pte(tablePa: number, index: number, pa: number, flags: number): void {
    this.ram.view.setBigUint64(tablePa - TEST_RAM_BASE + index * 8, (BigInt(pa / 4096) << 10n) | BigInt(flags), true);
  }
  /** Entry `index` of the table at `tablePa`. */
  readPte(tablePa: number, index: number): bigint {
    return this.ram.view.getBigUint64(tablePa - TEST_RAM_BASE + index * 8, true);
  }
}

/** Translates the 64-bit address `va`; returns the host offset or the Trap's cause and tval. */
export function translateOrTrap(sv: SvTranslator, va: bigint, access: Access): number | { cause: number; tval: bigint } {
  const lo = Number(BigInt.asIntN(32, va)), hi = Number(BigInt.asIntN(32, va >> 32n));
  try {
    return sv.translate(lo, hi, access);
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    return { cause: e.cause, tval: (BigInt(e.tvalHi >>> 0) << 32n) | BigInt(e.tvalLo >>> 0) };
  }
}
