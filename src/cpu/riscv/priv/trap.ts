/**
 * Trap entry, xRET and interrupt selection (privileged spec 1.12, sections
 * 3.1.6-3.1.9, 3.3.2 and 4.1, and for the H extension 8.5-8.6). These change
 * pc, privilege and V, so they run outside the interpreter loop, from the
 * system VM.
 */
import { Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import { Irq, Mstatus, PrivCsrs } from "./csr.js";
import { Hstatus, MstatusH } from "./hcsr.js";

/**
 * Order in which pending-and-enabled interrupts are taken: machine-level,
 * then supervisor-level, then (H extension) the guest external and VS-level
 * ones; within a level external, software, timer.
 */
const PRIORITY: readonly number[] = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI, 12, 10, 2, 6];

/** Exceptions whose tval is an address (or 0): with V=1 it is a guest virtual address (hstatus.GVA, mstatus.GVA). */
const ADDRESS_CAUSES = (1 << Cause.InsnMisaligned) | (1 << Cause.InsnAccessFault) | (1 << Cause.Breakpoint) |
  (1 << Cause.LoadMisaligned) | (1 << Cause.LoadAccessFault) | (1 << Cause.StoreMisaligned) | (1 << Cause.StoreAccessFault) |
  (1 << Cause.InsnPageFault) | (1 << Cause.LoadPageFault) | (1 << Cause.StorePageFault) |
  (1 << Cause.InsnGuestPageFault) | (1 << Cause.LoadGuestPageFault) | (1 << Cause.StoreGuestPageFault);
/** The guest-page faults, which also report a guest physical address (htval, mtval2) and htinst/mtinst. */
const GUEST_PAGE_FAULTS = (1 << Cause.InsnGuestPageFault) | (1 << Cause.LoadGuestPageFault) | (1 << Cause.StoreGuestPageFault);

/** The interrupt hart `h` takes now (PrivCsrs.readyInterrupts, by PRIORITY), or -1. */
export function pendingInterrupt(h: Hart, c: PrivCsrs): number {
  const ready = c.readyInterrupts(h);
  if (ready === 0) return -1;
  for (const irq of PRIORITY) if ((ready & (1 << irq)) !== 0) return irq;
  return -1;
}

/** Whether an exception `cause` with `tvalLo`/`tvalHi` taken by a hart with V=1 writes a guest virtual address to xtval. */
export function isGuestVirtualTval(cause: number, tvalLo: number, tvalHi: number): boolean {
  return cause < 32 && (ADDRESS_CAUSES & (1 << cause)) !== 0 && (cause !== Cause.Breakpoint || (tvalLo | tvalHi) !== 0);
}

/**
 * Takes a trap on hart `h` at its current pc: an exception `cause` with
 * `tval`, or (interrupt = true) interrupt number `cause`. Only traps from S or
 * U can be delegated: by medeleg/mideleg to (H)S-mode, and from V=1 further
 * by hedeleg/hideleg to VS-mode. Saves pc, cause, tval and the
 * interrupt-enable stack at the target level (with the previous V, the guest
 * physical address of a guest-page fault and whether tval is a guest virtual
 * address, `gva`), and jumps to its xtvec (plus 4 x cause for interrupts in
 * vectored mode).
 */
export function takeTrap(h: Hart, c: PrivCsrs, cause: number, interrupt: boolean, tvalLo: number, tvalHi: number,
  gva = h.virt && !interrupt && isGuestVirtualTval(cause, tvalLo, tvalHi)): void {
  const from = h.priv, virt = h.virt, y = c.hyp;
  const bit = cause < 32 ? 1 << cause : 0;
  const deleg = interrupt ? c.midelegEffective : c.medeleg;
  const causeHi = interrupt ? 1 << 31 : 0;
  const guestFault = !interrupt && (GUEST_PAGE_FAULTS & bit) !== 0;
  let st = c.mstatus;
  let baseLo: number, baseHi: number, code = cause;
  if (from <= Priv.Supervisor && (deleg & bit) !== 0 && virt && ((interrupt ? y.hideleg : y.hedeleg) & bit) !== 0) {
    // To VS-mode: V stays 1; a VS-level interrupt is seen there as its S-level twin (VSSI 2 -> SSI 1...).
    if (interrupt) code = cause - 1;
    y.vsepcLo = h.pcLo; y.vsepcHi = h.pcHi;
    y.vscauseLo = code; y.vscauseHi = causeHi;
    y.vstvalLo = tvalLo; y.vstvalHi = tvalHi;
    c.syncFs(h);
    const vs = y.vsstatus;
    y.vsstatus = (vs & ~(Mstatus.SPP | Mstatus.SPIE | Mstatus.SIE)) |
      (from === Priv.Supervisor ? Mstatus.SPP : 0) | ((vs & Mstatus.SIE) !== 0 ? Mstatus.SPIE : 0);
    h.priv = Priv.Supervisor;
    baseLo = y.vstvecLo; baseHi = y.vstvecHi;
  } else if (from <= Priv.Supervisor && (deleg & bit) !== 0) {
    c.sepcLo = h.pcLo; c.sepcHi = h.pcHi;
    c.scauseLo = cause; c.scauseHi = causeHi;
    c.stvalLo = tvalLo; c.stvalHi = tvalHi;
    if (c.hExtension) {
      y.htvalLo = guestFault ? y.faultGpa4 | 0 : 0; y.htvalHi = guestFault ? Math.floor(y.faultGpa4 / 4294967296) | 0 : 0;
      y.htinst = guestFault ? y.faultTinst : 0;
      let hs = y.hstatus & ~(Hstatus.SPV | Hstatus.GVA);
      if (virt) hs = (hs & ~Hstatus.SPVP) | Hstatus.SPV | (from === Priv.Supervisor ? Hstatus.SPVP : 0);
      y.hstatus = hs | (gva ? Hstatus.GVA : 0);
    }
    st = (st & ~(Mstatus.SPP | Mstatus.SPIE | Mstatus.SIE)) |
      (from === Priv.Supervisor ? Mstatus.SPP : 0) | ((st & Mstatus.SIE) !== 0 ? Mstatus.SPIE : 0);
    c.leaveVirt(h);
    h.priv = Priv.Supervisor;
    baseLo = c.stvecLo; baseHi = c.stvecHi;
  } else {
    c.mepcLo = h.pcLo; c.mepcHi = h.pcHi;
    c.mcauseLo = cause; c.mcauseHi = causeHi;
    c.mtvalLo = tvalLo; c.mtvalHi = tvalHi;
    if (c.hExtension) {
      y.mtval2Lo = guestFault ? y.faultGpa4 | 0 : 0; y.mtval2Hi = guestFault ? Math.floor(y.faultGpa4 / 4294967296) | 0 : 0;
      y.mtinst = guestFault ? y.faultTinst : 0;
      c.setMstatusH((virt ? MstatusH.MPV : 0) | (gva ? MstatusH.GVA : 0));
    }
    st = (st & ~(Mstatus.MPP | Mstatus.MPIE | Mstatus.MIE)) |
      (from << Mstatus.MPP_SHIFT) | ((st & Mstatus.MIE) !== 0 ? Mstatus.MPIE : 0);
    c.leaveVirt(h);
    h.priv = Priv.Machine;
    baseLo = c.mtvecLo; baseHi = c.mtvecHi;
    c.triggers.trapToMachine();
  }
  c.setMstatus(st);
  c.onContextChange();
  const vectored = (baseLo & 3) === 1 && interrupt;
  const lo = (baseLo & ~3) + (vectored ? 4 * code : 0);
  h.pcLo = lo | 0;
  h.pcHi = (lo >>> 0) < ((baseLo & ~3) >>> 0) ? (baseHi + 1) | 0 : baseHi;
  h.resValid = false;
}

/** mret: returns to mstatus.MPP (and V = MPV below M-mode) at mepc. Illegal outside M-mode. */
export function mret(h: Hart, c: PrivCsrs): void {
  if (h.priv !== Priv.Machine) throw new Trap(Cause.IllegalInsn, 0, 0);
  let st = c.mstatus;
  const to = ((st & Mstatus.MPP) >>> Mstatus.MPP_SHIFT) as Priv;
  const toVirt = to !== Priv.Machine && (c.mstatusH & MstatusH.MPV) !== 0;
  st = (st & ~(Mstatus.MIE | Mstatus.MPP)) | ((st & Mstatus.MPIE) !== 0 ? Mstatus.MIE : 0) | Mstatus.MPIE;
  if (to !== Priv.Machine) st &= ~Mstatus.MPRV;
  c.triggers.mret();
  if (c.hExtension) c.setMstatusH(c.mstatusH & ~MstatusH.MPV);
  h.priv = to;
  c.setMstatus(st);
  if (toVirt) c.enterVirt(h);
  c.onContextChange();
  h.pcLo = c.mepcLo; h.pcHi = c.mepcHi;
}

/**
 * sret: in HS-mode (or S-mode) returns to sstatus.SPP, with V = hstatus.SPV,
 * at sepc; in VS-mode returns to vsstatus.SPP at vsepc. Illegal in U-mode and
 * in S-mode under mstatus.TSR; a virtual instruction in VU-mode and in VS-mode
 * under hstatus.VTSR.
 */
export function sret(h: Hart, c: PrivCsrs): void {
  if (h.virt) {
    if (h.priv === Priv.User || (c.hyp.hstatus & Hstatus.VTSR) !== 0) throw new Trap(Cause.VirtualInsn, 0, 0);
    const y = c.hyp;
    c.syncFs(h);
    const vs = y.vsstatus;
    y.vsstatus = (vs & ~(Mstatus.SIE | Mstatus.SPP)) | ((vs & Mstatus.SPIE) !== 0 ? Mstatus.SIE : 0) | Mstatus.SPIE;
    h.priv = (vs & Mstatus.SPP) !== 0 ? Priv.Supervisor : Priv.User;
    c.onContextChange();
    h.pcLo = y.vsepcLo; h.pcHi = y.vsepcHi;
    return;
  }
  if (h.priv === Priv.User || (h.priv === Priv.Supervisor && (c.mstatus & Mstatus.TSR) !== 0)) {
    throw new Trap(Cause.IllegalInsn, 0, 0);
  }
  let st = c.mstatus;
  const to = (st & Mstatus.SPP) !== 0 ? Priv.Supervisor : Priv.User;
  const toVirt = c.hExtension && (c.hyp.hstatus & Hstatus.SPV) !== 0;
  st = (st & ~(Mstatus.SIE | Mstatus.SPP)) | ((st & Mstatus.SPIE) !== 0 ? Mstatus.SIE : 0) | Mstatus.SPIE;
  st &= ~Mstatus.MPRV; // returning to S or U always clears MPRV
  if (c.hExtension) c.hyp.hstatus &= ~Hstatus.SPV;
  h.priv = to;
  c.setMstatus(st);
  if (toVirt) c.enterVirt(h);
  c.onContextChange();
  h.pcLo = c.sepcLo; h.pcHi = c.sepcHi;
}
