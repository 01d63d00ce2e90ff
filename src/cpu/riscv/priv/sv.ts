/**
 * Sv39 and Sv48 address translation (privileged spec 1.12, section 4.3.2 "Virtual
 * Address Translation Process", and 4.4/4.5 for the address layouts), as the
 * PageTranslator behind the hart's software TLB.
 *
 * Choices the spec leaves open:
 * - A and D bits are set by the walker, in memory, when an access finds them
 *   clear (the hardware-update scheme Linux expects under QEMU), rather than
 *   raising a page fault (Svade).
 * - There are no ASIDs and no global-mapping optimisation. The MMU keeps one
 *   TLB set per translation context (U, S, S with SUM, M: csr.ts tlbSet) and
 *   a trap, xRET or SUM change switches sets; sfence.vma, satp writes and
 *   changes of MXR, MPRV (and MPP under MPRV) flush them all. So a cached
 *   translation was always made for the current privilege and permissions.
 * - PMP registers are accepted but not enforced.
 */
import { Access, type PageTranslator } from "../../../mem/mmu.js";
import type { Ram } from "../../../mem/ram.js";
import { Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import { Mstatus, PrivCsrs, SatpMode } from "./csr.js";

/** Physical memory as the walker sees it. */
export interface PhysicalMemory {
  readonly ram: Ram;
  /**
   * The host offset in `ram` of the page at physical address `pa` (page-aligned,
   * below 2^53), or ioPage(pa) when that page is not RAM.
   */
  resolve(pa: number): number;
}

/** Page-table entry flag bits (low word). */
export const enum Pte {
  /** Valid */
  V = 1 << 0,
  /** Readable */
  R = 1 << 1,
  /** Writable */
  W = 1 << 2,
  /** Executable */
  X = 1 << 3,
  /** Accessible to U-mode */
  U = 1 << 4,
  /** Global mapping */
  G = 1 << 5,
  /** Accessed */
  A = 1 << 6,
  /** Dirty */
  D = 1 << 7,
}

const PAGE_FAULT = [Cause.LoadPageFault, Cause.StorePageFault, Cause.InsnPageFault];
const ACCESS_FAULT = [Cause.LoadAccessFault, Cause.StoreAccessFault, Cause.InsnAccessFault];
const TWO32 = 4294967296;

/** Translates hart addresses through satp's page tables (or none: Bare mode, M-mode). */
export class SvTranslator implements PageTranslator {
  /** Page-table walks started (TLB misses under Sv39/Sv48; Bare mode and M-mode do not walk). */
  walks = 0;

  constructor(
    private readonly hart: Hart,
    private readonly csrs: PrivCsrs,
    private readonly phys: PhysicalMemory,
  ) {}

  /**
   * PageTranslator.translate; with `peek` (a debugger's access) the walk is
   * neither counted nor allowed to set A and D bits.
   */
  translate(lo: number, hi: number, access: Access, peek = false): number {
    const c = this.csrs;
    let priv = this.hart.priv;
    if (access !== Access.Execute && (c.mstatus & Mstatus.MPRV) !== 0) {
      priv = ((c.mstatus & Mstatus.MPP) >>> Mstatus.MPP_SHIFT) as Priv;
    }
    const mode = c.satpHi >>> 28;
    if (priv === Priv.Machine || mode === SatpMode.Bare) {
      // Physical addresses: anything above the 56-bit physical space reaches no device.
      const pa = (hi >>> 0) < 0x1000000 ? (hi >>> 0) * TWO32 + ((lo & ~0xfff) >>> 0) : 2 ** 56;
      return this.phys.resolve(pa);
    }
    if (!peek) this.walks++;
    const levels = mode === SatpMode.Sv39 ? 3 : 4;
    // Canonical: bits 63..(VA bits) must all equal the top VA bit (38 or 47).
    const canonical = levels === 3 ? (hi << 25) >> 25 === hi : (hi << 16) >> 16 === hi;
    if (!canonical) throw new Trap(PAGE_FAULT[access], lo, hi);
    const va = (hi & 0xffff) * TWO32 + (lo >>> 0); // the low 48 bits
    const ram = this.phys.ram;
    let table = ((c.satpHi & 0xfff) * TWO32 + (c.satpLo >>> 0)) * 4096; // satp.PPN (bits 43:0) * 4 KiB
    for (let level = levels - 1; level >= 0; level--) {
      const vpn = Math.floor(va / 2 ** (12 + 9 * level)) % 512;
      const pteAddr = table + vpn * 8;
      const page = this.phys.resolve(pteAddr - (pteAddr % 4096));
      if (page < 0) throw new Trap(ACCESS_FAULT[access], lo, hi);
      const o = (page + (pteAddr % 4096)) >> 2;
      const pteLo = ram.i32[o], pteHi = ram.i32[o + 1];
      // Invalid, W without R, or reserved/PBMT/N bits (63:54) set.
      if ((pteLo & Pte.V) === 0 || (pteLo & (Pte.R | Pte.W)) === Pte.W || (pteHi >>> 22) !== 0) {
        throw new Trap(PAGE_FAULT[access], lo, hi);
      }
      const ppn = (pteLo >>> 10) + (pteHi & 0x3fffff) * 2 ** 22;
      if ((pteLo & (Pte.R | Pte.X)) === 0) {
        // A pointer to the next level.
        if (level === 0) throw new Trap(PAGE_FAULT[access], lo, hi);
        table = ppn * 4096;
        continue;
      }
      // A leaf: check privilege, then permission, then superpage alignment.
      if (priv === Priv.User) {
        if ((pteLo & Pte.U) === 0) throw new Trap(PAGE_FAULT[access], lo, hi);
      } else if ((pteLo & Pte.U) !== 0 && (access === Access.Execute || (c.mstatus & Mstatus.SUM) === 0)) {
        throw new Trap(PAGE_FAULT[access], lo, hi);
      }
      const ok = access === Access.Read ? (pteLo & Pte.R) !== 0 || ((c.mstatus & Mstatus.MXR) !== 0 && (pteLo & Pte.X) !== 0)
        : access === Access.Write ? (pteLo & Pte.W) !== 0
          : (pteLo & Pte.X) !== 0;
      if (!ok) throw new Trap(PAGE_FAULT[access], lo, hi);
      const span = 2 ** (9 * level); // 4 KiB pages in this leaf's region
      if (ppn % span !== 0) throw new Trap(PAGE_FAULT[access], lo, hi);
      const need = Pte.A | (access === Access.Write ? Pte.D : 0);
      if ((pteLo & need) !== need && !peek) ram.i32[o] = pteLo | need;
      const pagePa = (ppn + (Math.floor(va / 4096) % span)) * 4096;
      return this.phys.resolve(pagePa);
    }
    throw new Trap(PAGE_FAULT[access], lo, hi); // not reached
  }
}

