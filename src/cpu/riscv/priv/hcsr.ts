/**
 * The hypervisor extension's CSRs (privileged spec 1.12, chapter 8 "Hypervisor
 * Extension, Version 1.0"): the HS-level h* registers, the VS-level vs*
 * registers that replace the s* registers while V=1, and mtval2/mtinst.
 *
 * The VS-level interrupt bits live where the rest of mip and mie live
 * (PrivCsrs.mipSw and PrivCsrs.mie, bits 2, 6 and 10): hvip is the software
 * part of mip's VS bits, hie the VS bits of mie. There are no guest external
 * interrupt files (GEILEN = 0): hgeip and hgeie read as zero and hstatus.VGEIN
 * is read-only zero.
 */

/** CSR numbers of the hypervisor extension. */
export const enum HCsr {
  vsstatus = 0x200, vsie = 0x204, vstvec = 0x205, vsscratch = 0x240, vsepc = 0x241, vscause = 0x242,
  vstval = 0x243, vsip = 0x244, vsatp = 0x280,
  hstatus = 0x600, hedeleg = 0x602, hideleg = 0x603, hie = 0x604, htimedelta = 0x605, hcounteren = 0x606,
  hgeie = 0x607, henvcfg = 0x60a, htval = 0x643, hip = 0x644, hvip = 0x645, htinst = 0x64a, hgatp = 0x680,
  hgeip = 0xe12,
  mtinst = 0x34a, mtval2 = 0x34b,
}

/** hstatus fields (low word; VSXL in the high word reads as 2 = 64-bit). */
export const enum Hstatus {
  /** Guest virtual address: the last trap into HS-mode wrote one to stval */
  GVA = 1 << 6,
  /** Previous virtualization mode: V before the last trap into HS-mode */
  SPV = 1 << 7,
  /** Previous virtual privilege: VS (1) or VU (0) at the last trap from V=1, and what HLV/HSV use */
  SPVP = 1 << 8,
  /** HLV/HSV are allowed in U-mode */
  HU = 1 << 9,
  /** Trap virtual memory: sfence.vma and satp are virtual instructions in VS-mode */
  VTVM = 1 << 20,
  /** Timeout wait: wfi is a virtual instruction in VS-mode */
  VTW = 1 << 21,
  /** Trap sret: sret is a virtual instruction in VS-mode */
  VTSR = 1 << 22,
}

/** mstatus high-word fields the hypervisor extension adds. */
export const enum MstatusH {
  /** Guest virtual address: the last trap into M-mode wrote one to mtval (bit 38) */
  GVA = 1 << 6,
  /** Previous virtualization mode: V before the last trap into M-mode (bit 39) */
  MPV = 1 << 7,
}

/** Writable hstatus bits. */
export const HSTATUS_WRITABLE = Hstatus.GVA | Hstatus.SPV | Hstatus.SPVP | Hstatus.HU | Hstatus.VTVM | Hstatus.VTW | Hstatus.VTSR;
/** hstatus high word: VSXL = 2. */
export const HSTATUS_HI = 2;
/** Exceptions HS-mode may delegate to VS-mode (not the ecalls from HS, VS or M, guest-page faults or virtual instructions). */
export const HEDELEG_WRITABLE = 0xb1ff;

/** VS-level interrupts: VSSIP (2), VSTIP (6) and VSEIP (10) in mip/mie/hip/hie/hvip/hideleg. */
export const VS_IRQS = (1 << 2) | (1 << 6) | (1 << 10);
/** Supervisor guest external interrupt (mip bit 12): never pending here (GEILEN = 0). */
export const SGEI_IRQ = 1 << 12;

/** hgatp / vsatp MODE values (bits 63:60). */
export const enum HgatpMode {
  Bare = 0,
  Sv39x4 = 8,
  Sv48x4 = 9,
}

/** Most VMID bits (hgatp bits 57:44); the rest read as zero. */
export const VMID_BITS = 14;

/** Implicit-access pseudoinstructions written to htinst/mtinst (privileged spec 8.6.3): a 64-bit read of a VS-stage PTE. */
export const TINST_PTE_READ = 0x3000;

/** The plain-number registers of HypervisorCsrs, saved and restored by name. */
export const HYP_SCALARS = [
  "hstatus", "hedeleg", "hideleg", "hcounteren", "henvcfg", "htimedeltaLo", "htimedeltaHi",
  "htvalLo", "htvalHi", "htinst", "hgatpLo", "hgatpHi",
  "vsstatus", "vstvecLo", "vstvecHi", "vsscratchLo", "vsscratchHi", "vsepcLo", "vsepcHi",
  "vscauseLo", "vscauseHi", "vstvalLo", "vstvalHi", "vsatpLo", "vsatpHi",
  "mtval2Lo", "mtval2Hi", "mtinst", "fsHs",
] as const;

/** The hypervisor extension's registers as a snapshot keeps them. */
export type HypervisorCsrsState = Record<(typeof HYP_SCALARS)[number], number>;

/** The H-extension registers of one hart, as 32-bit halves where they are 64-bit. */
export class HypervisorCsrs {
  /** hstatus low word (HSTATUS_WRITABLE bits). */
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  hcounteren = 0;
  /** henvcfg: only FIOM (bit 0). */
  henvcfg = 0;
  htimedeltaLo = 0; htimedeltaHi = 0;
  htvalLo = 0; htvalHi = 0;
  htinst = 0;
  hgatpLo = 0; hgatpHi = 0;
  /** vsstatus low word, FS included (SIE, SPIE, SPP, FS, SUM, MXR). */
  vsstatus = 0;
  vstvecLo = 0; vstvecHi = 0;
  vsscratchLo = 0; vsscratchHi = 0;
  vsepcLo = 0; vsepcHi = 0;
  vscauseLo = 0; vscauseHi = 0;
  vstvalLo = 0; vstvalHi = 0;
  vsatpLo = 0; vsatpHi = 0;
  mtval2Lo = 0; mtval2Hi = 0;
  mtinst = 0;
  /** mstatus.FS while V=1 (Hart.mstatusFs then holds the effective state of both: PrivCsrs.enterVirt). */
  fsHs = 0;
  /**
   * The guest physical address (shifted right by 2, as htval/mtval2 hold it)
   * and the htinst value of the guest-page fault being raised: the walker sets
   * them before it throws, trap entry reads them for causes 20, 21 and 23.
   */
  faultGpa4 = 0;
  faultTinst = 0;

  /** The registers, for a snapshot. */
  save(): HypervisorCsrsState {
    const s = {} as HypervisorCsrsState;
    for (const k of HYP_SCALARS) s[k] = this[k];
    return s;
  }

  /** Takes the registers of save(). */
  restore(s: HypervisorCsrsState): void {
    for (const k of HYP_SCALARS) this[k] = s[k] ?? 0;
  }
}

/** mstatus/vsstatus FS field (bits 14:13). */
const FS_BITS = 3 << 13;
/** vsstatus bits VS-mode software may write (the sstatus bits: SIE, SPIE, SPP, FS, SUM, MXR). */
export const VSSTATUS_WRITABLE = (1 << 1) | (1 << 5) | (1 << 8) | FS_BITS | (1 << 18) | (1 << 19);
/** vsstatus.SUM and vsstatus.MXR. */
export const VSSTATUS_SUM = 1 << 18, VSSTATUS_MXR = 1 << 19;

/** The VS-level interrupt bits (2, 6, 10) of `v` that hideleg delegates, as VS-mode sees them in sip/sie (1, 5, 9). */
export function toVsView(v: number, hideleg: number): number {
  return (v & hideleg & VS_IRQS) >>> 1;
}

/** The VS-mode view `v` of sip/sie (bits 1, 5, 9) as mip/mie bits (2, 6, 10), for those hideleg delegates. */
export function fromVsView(v: number, hideleg: number): number {
  return (v << 1) & hideleg & VS_IRQS;
}

/** Whether `csr` is one of the H extension's CSRs (the hypervisor and VS CSRs, mtval2 and mtinst). */
export function isHypervisorCsr(csr: number): boolean {
  switch (csr) {
    case HCsr.vsstatus: case HCsr.vsie: case HCsr.vstvec: case HCsr.vsscratch: case HCsr.vsepc: case HCsr.vscause:
    case HCsr.vstval: case HCsr.vsip: case HCsr.vsatp: case HCsr.hstatus: case HCsr.hedeleg: case HCsr.hideleg:
    case HCsr.hie: case HCsr.htimedelta: case HCsr.hcounteren: case HCsr.hgeie: case HCsr.henvcfg: case HCsr.htval:
    case HCsr.hip: case HCsr.hvip: case HCsr.htinst: case HCsr.hgatp: case HCsr.hgeip: case HCsr.mtinst: case HCsr.mtval2:
      return true;
  }
  return false;
}

/**
 * The supervisor CSRs VS-mode reaches in place of their VS counterparts
 * (sstatus -> vsstatus ... satp -> vsatp: 0x1xx -> 0x2xx); scounteren and
 * senvcfg are not substituted.
 */
export function vsSubstitute(csr: number): number {
  switch (csr) {
    case 0x100: case 0x104: case 0x105: case 0x140: case 0x141: case 0x142: case 0x143: case 0x144: case 0x180:
      return csr + 0x100;
  }
  return csr;
}
