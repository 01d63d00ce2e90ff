/**
 * Reads and writes of the H extension's CSRs (hcsr.ts), for PrivCsrs. The
 * caller has checked privilege and done VS-mode's substitution of s* CSRs,
 * so a VS-mode `csrr sstatus` arrives here as vsstatus.
 */
import type { CsrValue } from "../zicsr.js";
import { FsState, type Hart } from "../hart.js";
import { tvec, type PrivCsrs } from "./csr.js";
import {
  fromVsView, HCsr, HEDELEG_WRITABLE, HgatpMode, HSTATUS_HI, HSTATUS_WRITABLE, SGEI_IRQ, toVsView, VMID_BITS,
  VS_IRQS, VSSTATUS_MXR, VSSTATUS_SUM, VSSTATUS_WRITABLE,
} from "./hcsr.js";

/** hgatp high-word bits kept: MODE (63:60), VMID (57:44, VMID_BITS of them) and PPN (43:32). */
const HGATP_HI_MASK = (0xf << 28) | (((1 << VMID_BITS) - 1) << 12) | 0xfff;

/** Reads H-extension CSR `csr` into `out`; false when it is not one. */
export function readHypervisorCsr(c: PrivCsrs, h: Hart, csr: number, out: CsrValue): boolean {
  const y = c.hyp;
  let lo: number, hi = 0;
  switch (csr) {
    case HCsr.vsstatus:
      c.syncFs(h);
      lo = y.vsstatus; hi = 2 | (((y.vsstatus >>> 13) & 3) === FsState.Dirty ? 1 << 31 : 0);
      break;
    case HCsr.vsie: lo = toVsView(c.mie, y.hideleg); break;
    case HCsr.vsip: lo = toVsView(c.mip, y.hideleg); break;
    case HCsr.vstvec: lo = y.vstvecLo; hi = y.vstvecHi; break;
    case HCsr.vsscratch: lo = y.vsscratchLo; hi = y.vsscratchHi; break;
    case HCsr.vsepc: lo = y.vsepcLo; hi = y.vsepcHi; break;
    case HCsr.vscause: lo = y.vscauseLo; hi = y.vscauseHi; break;
    case HCsr.vstval: lo = y.vstvalLo; hi = y.vstvalHi; break;
    case HCsr.vsatp: lo = y.vsatpLo; hi = y.vsatpHi; break;
    case HCsr.hstatus: lo = y.hstatus; hi = HSTATUS_HI; break;
    case HCsr.hedeleg: lo = y.hedeleg; break;
    case HCsr.hideleg: lo = y.hideleg; break;
    case HCsr.hie: lo = c.mie & (VS_IRQS | SGEI_IRQ); break;
    case HCsr.hip: lo = c.mip & (VS_IRQS | SGEI_IRQ); break;
    case HCsr.hvip: lo = c.mipSw & VS_IRQS; break;
    case HCsr.hgeie: case HCsr.hgeip: lo = 0; break;
    case HCsr.htimedelta: lo = y.htimedeltaLo; hi = y.htimedeltaHi; break;
    case HCsr.hcounteren: lo = y.hcounteren; break;
    case HCsr.henvcfg: lo = y.henvcfg; break;
    case HCsr.htval: lo = y.htvalLo; hi = y.htvalHi; break;
    case HCsr.htinst: lo = y.htinst; break;
    case HCsr.hgatp: lo = y.hgatpLo; hi = y.hgatpHi; break;
    case HCsr.mtval2: lo = y.mtval2Lo; hi = y.mtval2Hi; break;
    case HCsr.mtinst: lo = y.mtinst; break;
    default: return false;
  }
  out.lo = lo; out.hi = hi;
  return true;
}

/** Writes H-extension CSR `csr` with its effects on translation and interrupts; false when it is not one. */
export function writeHypervisorCsr(c: PrivCsrs, h: Hart, csr: number, lo: number, hi: number): boolean {
  const y = c.hyp;
  switch (csr) {
    case HCsr.vsstatus: {
      c.syncFs(h);
      const changed = (lo ^ y.vsstatus) & VSSTATUS_WRITABLE;
      y.vsstatus = lo & VSSTATUS_WRITABLE;
      c.refreshFs(h);
      if ((changed & VSSTATUS_MXR) !== 0) c.flushGuest(false);
      if ((changed & VSSTATUS_SUM) !== 0) c.onContextChange();
      return true;
    }
    case HCsr.vsie: {
      const m = y.hideleg & VS_IRQS;
      c.mie = (c.mie & ~m) | fromVsView(lo, y.hideleg);
      return true;
    }
    case HCsr.vsip: {
      const m = y.hideleg & (1 << 2); // only VSSIP (sip.SSIP in VS-mode) is writable
      c.mipSw = (c.mipSw & ~m) | (fromVsView(lo, y.hideleg) & m);
      return true;
    }
    case HCsr.vstvec: y.vstvecLo = tvec(lo, y.vstvecLo); y.vstvecHi = hi; return true;
    case HCsr.vsscratch: y.vsscratchLo = lo; y.vsscratchHi = hi; return true;
    case HCsr.vsepc: y.vsepcLo = lo & ~1; y.vsepcHi = hi; return true;
    case HCsr.vscause: y.vscauseLo = lo; y.vscauseHi = hi; return true;
    case HCsr.vstval: y.vstvalLo = lo; y.vstvalHi = hi; return true;
    case HCsr.vsatp: {
      const mode = hi >>> 28;
      if (mode !== 0 && mode !== 8 && mode !== 9) return true; // WARL: an unsupported mode leaves vsatp unchanged
      const changed = lo !== y.vsatpLo || hi !== y.vsatpHi;
      y.vsatpLo = lo; y.vsatpHi = hi;
      if (changed) c.guestAddressSpaceChanged(h);
      return true;
    }
    case HCsr.hstatus: y.hstatus = lo & HSTATUS_WRITABLE; return true;
    case HCsr.hedeleg: y.hedeleg = lo & HEDELEG_WRITABLE; return true;
    case HCsr.hideleg: y.hideleg = lo & VS_IRQS; return true;
    case HCsr.hie: c.mie = (c.mie & ~(VS_IRQS | SGEI_IRQ)) | (lo & (VS_IRQS | SGEI_IRQ)); return true;
    case HCsr.hip: c.mipSw = (c.mipSw & ~(1 << 2)) | (lo & (1 << 2)); return true;
    case HCsr.hvip: c.mipSw = (c.mipSw & ~VS_IRQS) | (lo & VS_IRQS); return true;
    case HCsr.hgeie: return true; // no guest external interrupts (GEILEN = 0)
    case HCsr.htimedelta: y.htimedeltaLo = lo; y.htimedeltaHi = hi; return true;
    case HCsr.hcounteren: y.hcounteren = lo; return true;
    case HCsr.henvcfg: y.henvcfg = lo & 1; return true;
    case HCsr.htval: y.htvalLo = lo; y.htvalHi = hi; return true;
    case HCsr.htinst: y.htinst = lo; return true;
    case HCsr.hgatp: {
      const mode = hi >>> 28;
      if (mode !== HgatpMode.Bare && mode !== HgatpMode.Sv39x4 && mode !== HgatpMode.Sv48x4) return true; // WARL
      const nlo = lo & ~3, nhi = hi & HGATP_HI_MASK; // the root is 16 KiB aligned: PPN bits 1:0 read as zero
      const changed = nlo !== y.hgatpLo || nhi !== y.hgatpHi;
      y.hgatpLo = nlo; y.hgatpHi = nhi;
      if (changed) c.guestAddressSpaceChanged(h);
      return true;
    }
    case HCsr.mtval2: y.mtval2Lo = lo; y.mtval2Hi = hi; return true;
    case HCsr.mtinst: y.mtinst = lo; return true;
  }
  return false;
}
