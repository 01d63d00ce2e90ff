/**
 * Sv39 and Sv48 address translation (privileged spec 1.12, section 4.3.2 "Virtual
 * Address Translation Process", and 4.4/4.5 for the address layouts), as the
 * PageTranslator behind the hart's software TLB; with the H extension (V=1,
 * section 8.5) two stages: VS-stage (vsatp: Sv39/Sv48 or Bare) from guest
 * virtual to guest physical addresses, whose page-table reads are themselves
 * translated by the G-stage (hgatp: Sv39x4/Sv48x4 or Bare) from guest
 * physical to physical addresses.
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
 * - With V=1 the TLB keeps the two stages' result (guest virtual page to host
 *   page) in the guest's own sets, flushed by vsatp, hgatp, hfence.vvma,
 *   hfence.gvma and VS-mode's sfence.vma; there are no VMIDs either.
 * - PMP registers are accepted but not enforced.
 */
import { Access, type PageTranslator } from "../../../mem/mmu.js";
import type { Ram } from "../../../mem/ram.js";
import { Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import { Mstatus, PrivCsrs, SatpMode } from "./csr.js";
import { HgatpMode, MstatusH, TINST_PTE_READ, VSSTATUS_MXR, VSSTATUS_SUM } from "./hcsr.js";

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
const GUEST_PAGE_FAULT = [Cause.LoadGuestPageFault, Cause.StoreGuestPageFault, Cause.InsnGuestPageFault];
const TWO32 = 4294967296;
/** Where an address above the 56-bit physical space goes: nothing answers there. */
const NOWHERE = 2 ** 56;

/** Translates hart addresses through satp's page tables (or none: Bare mode, M-mode), or vsatp's and hgatp's. */
export class SvTranslator implements PageTranslator {
  /** Page-table walks started (TLB misses under Sv39/Sv48 or with V=1; Bare mode and M-mode do not walk). */
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
    let priv = this.hart.priv, virt = this.hart.virt;
    if (access !== Access.Execute && (c.mstatus & Mstatus.MPRV) !== 0) {
      priv = ((c.mstatus & Mstatus.MPP) >>> Mstatus.MPP_SHIFT) as Priv;
      virt = priv !== Priv.Machine && (c.mstatusH & MstatusH.MPV) !== 0;
    }
    return this.translateAs(lo, hi, access, priv, virt, false, peek);
  }

  /**
   * The host offset of the page holding (lo, hi) for an `access` made at
   * `priv` and `virt` (as translate(); HLV/HSV call it with V=1 from HS-,
   * M- or U-mode). `hlvx` (HLVX) reads need execute rather than read
   * permission at both stages.
   */
  translateAs(lo: number, hi: number, access: Access, priv: Priv, virt: boolean, hlvx: boolean, peek: boolean): number {
    const c = this.csrs;
    if (priv === Priv.Machine) return this.phys.resolve(physicalPage(lo, hi));
    if (!virt) {
      const mode = c.satpHi >>> 28;
      if (mode === SatpMode.Bare) return this.phys.resolve(physicalPage(lo, hi));
      const st = c.mstatus;
      return this.phys.resolve(this.stage1(lo, hi, access, priv, c.satpLo, c.satpHi, false, (st & Mstatus.SUM) !== 0,
        (st & Mstatus.MXR) !== 0, hlvx, peek));
    }
    const y = c.hyp;
    let gpaPage: number;
    if (y.vsatpHi >>> 28 === SatpMode.Bare) {
      gpaPage = (hi >>> 0) < 0x200000 ? (hi >>> 0) * TWO32 + ((lo & ~0xfff) >>> 0) : NOWHERE;
    } else {
      gpaPage = this.stage1(lo, hi, access, priv, y.vsatpLo, y.vsatpHi, true, (y.vsstatus & VSSTATUS_SUM) !== 0,
        ((y.vsstatus & VSSTATUS_MXR) | (c.mstatus & Mstatus.MXR)) !== 0, hlvx, peek);
    }
    const pa = this.gstage(gpaPage + (lo & 0xfff), access, lo, hi, hlvx, false, peek);
    return this.phys.resolve(pa - (pa % 4096));
  }

  /**
   * The single stage of translation (satp) or the VS-stage (vsatp, `virt`,
   * whose page-table addresses are guest physical and go through the
   * G-stage): the (guest) physical page address of (lo, hi), or a page fault.
   */
  private stage1(lo: number, hi: number, access: Access, priv: Priv, atpLo: number, atpHi: number, virt: boolean,
    sum: boolean, mxr: boolean, hlvx: boolean, peek: boolean): number {
    if (!peek) this.walks++;
    const levels = atpHi >>> 28 === SatpMode.Sv39 ? 3 : 4;
    // Canonical: bits 63..(VA bits) must all equal the top VA bit (38 or 47).
    const canonical = levels === 3 ? (hi << 25) >> 25 === hi : (hi << 16) >> 16 === hi;
    if (!canonical) throw new Trap(PAGE_FAULT[access], lo, hi);
    const va = (hi & 0xffff) * TWO32 + (lo >>> 0); // the low 48 bits
    const ram = this.phys.ram;
    let table = ((atpHi & 0xfff) * TWO32 + (atpLo >>> 0)) * 4096; // xatp.PPN (bits 43:0) * 4 KiB
    for (let level = levels - 1; level >= 0; level--) {
      const vpn = Math.floor(va / 2 ** (12 + 9 * level)) % 512;
      let pteAddr = table + vpn * 8;
      if (virt) pteAddr = this.gstage(pteAddr, access, lo, hi, false, true, peek);
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
      } else if ((pteLo & Pte.U) !== 0 && (access === Access.Execute || !sum)) {
        throw new Trap(PAGE_FAULT[access], lo, hi);
      }
      if (!permits(pteLo, access, mxr, hlvx)) throw new Trap(PAGE_FAULT[access], lo, hi);
      const span = 2 ** (9 * level); // 4 KiB pages in this leaf's region
      if (ppn % span !== 0) throw new Trap(PAGE_FAULT[access], lo, hi);
      const need = Pte.A | (access === Access.Write ? Pte.D : 0);
      if ((pteLo & need) !== need && !peek) ram.i32[o] = pteLo | need;
      return (ppn + (Math.floor(va / 4096) % span)) * 4096;
    }
    throw new Trap(PAGE_FAULT[access], lo, hi); // not reached
  }

  /**
   * The G-stage (hgatp): the physical address of guest physical address
   * `gpa`, for an `access` to guest virtual address (gvaLo, gvaHi), or a
   * guest-page fault of that access's kind with the guest physical address
   * for htval/mtval2. An `implicit` access (a read of a VS-stage page-table
   * entry) needs read permission, and reports htinst's pseudoinstruction.
   */
  private gstage(gpa: number, access: Access, gvaLo: number, gvaHi: number, hlvx: boolean, implicit: boolean, peek: boolean): number {
    const c = this.csrs, y = c.hyp;
    const mode = y.hgatpHi >>> 28;
    if (mode === HgatpMode.Bare) return gpa;
    const levels = mode === HgatpMode.Sv39x4 ? 3 : 4;
    if (!(gpa < 2 ** (14 + 9 * levels))) throw this.guestFault(gpa, access, gvaLo, gvaHi, implicit); // 41 or 50 bits
    const ram = this.phys.ram;
    const perm = implicit ? Access.Read : access;
    let table = ((y.hgatpHi & 0xfff) * TWO32 + (y.hgatpLo >>> 0)) * 4096; // a 16 KiB root: 2048 entries
    for (let level = levels - 1; level >= 0; level--) {
      const vpn = Math.floor(gpa / 2 ** (12 + 9 * level)) % (level === levels - 1 ? 2048 : 512);
      const pteAddr = table + vpn * 8;
      const page = this.phys.resolve(pteAddr - (pteAddr % 4096));
      if (page < 0) throw new Trap(ACCESS_FAULT[access], gvaLo, gvaHi);
      const o = (page + (pteAddr % 4096)) >> 2;
      const pteLo = ram.i32[o], pteHi = ram.i32[o + 1];
      if ((pteLo & Pte.V) === 0 || (pteLo & (Pte.R | Pte.W)) === Pte.W || (pteHi >>> 22) !== 0) {
        throw this.guestFault(gpa, access, gvaLo, gvaHi, implicit);
      }
      const ppn = (pteLo >>> 10) + (pteHi & 0x3fffff) * 2 ** 22;
      if ((pteLo & (Pte.R | Pte.X)) === 0) {
        if (level === 0) throw this.guestFault(gpa, access, gvaLo, gvaHi, implicit);
        table = ppn * 4096;
        continue;
      }
      // A G-stage leaf is always accessed as by U-mode: it must have U set.
      if ((pteLo & Pte.U) === 0 || !permits(pteLo, perm, (c.mstatus & Mstatus.MXR) !== 0, hlvx)) {
        throw this.guestFault(gpa, access, gvaLo, gvaHi, implicit);
      }
      const span = 2 ** (9 * level);
      if (ppn % span !== 0) throw this.guestFault(gpa, access, gvaLo, gvaHi, implicit);
      const need = Pte.A | (perm === Access.Write ? Pte.D : 0);
      if ((pteLo & need) !== need && !peek) ram.i32[o] = pteLo | need;
      return (ppn + (Math.floor(gpa / 4096) % span)) * 4096 + (gpa % 4096);
    }
    throw this.guestFault(gpa, access, gvaLo, gvaHi, implicit); // not reached
  }

  /** A guest-page fault, with its guest physical address and htinst value left for trap entry (HypervisorCsrs.faultGpa4). */
  private guestFault(gpa: number, access: Access, gvaLo: number, gvaHi: number, implicit: boolean): Trap {
    const y = this.csrs.hyp;
    y.faultGpa4 = Math.floor(gpa / 4);
    y.faultTinst = implicit ? TINST_PTE_READ : 0;
    return new Trap(GUEST_PAGE_FAULT[access], gvaLo, gvaHi);
  }
}

/** Whether a leaf PTE allows `access`: MXR makes executable pages readable; an HLVX read needs execute permission. */
function permits(pteLo: number, access: Access, mxr: boolean, hlvx: boolean): boolean {
  if (access === Access.Write) return (pteLo & Pte.W) !== 0;
  if (access === Access.Execute || hlvx) return (pteLo & Pte.X) !== 0;
  return (pteLo & Pte.R) !== 0 || (mxr && (pteLo & Pte.X) !== 0);
}

/** The page address of physical address (lo, hi): anything above the 56-bit physical space reaches no device. */
function physicalPage(lo: number, hi: number): number {
  return (hi >>> 0) < 0x1000000 ? (hi >>> 0) * TWO32 + ((lo & ~0xfff) >>> 0) : NOWHERE;
}
