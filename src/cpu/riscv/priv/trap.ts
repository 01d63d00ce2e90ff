/**
 * Trap entry, xRET and interrupt selection (privileged spec 1.12, sections
 * 3.1.6-3.1.9, 3.3.2 and 4.1). These change pc and privilege, so they run
 * outside the interpreter loop, from the system VM.
 */
import { Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import { Irq, Mstatus, PrivCsrs } from "./csr.js";

/**
 * Order in which pending-and-enabled interrupts are taken: machine-level
 * before supervisor-level; within a level external, software, timer.
 */
const PRIORITY: readonly Irq[] = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI];

/** The interrupt hart `h` takes now (PrivCsrs.readyInterrupts, by PRIORITY), or -1. */
export function pendingInterrupt(h: Hart, c: PrivCsrs): number {
  const ready = c.readyInterrupts(h.priv);
  if (ready === 0) return -1;
  for (const irq of PRIORITY) if ((ready & (1 << irq)) !== 0) return irq;
  return -1;
}

/**
 * Takes a trap on hart `h` at its current pc: an exception `cause` with
 * `tval`, or (interrupt = true) interrupt number `cause`. Chooses M or S mode
 * by medeleg/mideleg (only traps from S or U can be delegated), saves pc,
 * cause, tval and the interrupt-enable stack, and jumps to xtvec (plus
 * 4 x cause for interrupts in vectored mode).
 */
export function takeTrap(h: Hart, c: PrivCsrs, cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
  const deleg = interrupt ? c.mideleg : c.medeleg;
  const from = h.priv;
  const causeHi = interrupt ? 1 << 31 : 0;
  let st = c.mstatus;
  let baseLo: number, baseHi: number;
  if (from <= Priv.Supervisor && (deleg & (1 << cause)) !== 0) {
    c.sepcLo = h.pcLo; c.sepcHi = h.pcHi;
    c.scauseLo = cause; c.scauseHi = causeHi;
    c.stvalLo = tvalLo; c.stvalHi = tvalHi;
    st = (st & ~(Mstatus.SPP | Mstatus.SPIE | Mstatus.SIE)) |
      (from === Priv.Supervisor ? Mstatus.SPP : 0) | ((st & Mstatus.SIE) !== 0 ? Mstatus.SPIE : 0);
    h.priv = Priv.Supervisor;
    baseLo = c.stvecLo; baseHi = c.stvecHi;
  } else {
    c.mepcLo = h.pcLo; c.mepcHi = h.pcHi;
    c.mcauseLo = cause; c.mcauseHi = causeHi;
    c.mtvalLo = tvalLo; c.mtvalHi = tvalHi;
    st = (st & ~(Mstatus.MPP | Mstatus.MPIE | Mstatus.MIE)) |
      (from << Mstatus.MPP_SHIFT) | ((st & Mstatus.MIE) !== 0 ? Mstatus.MPIE : 0);
    h.priv = Priv.Machine;
    baseLo = c.mtvecLo; baseHi = c.mtvecHi;
    c.triggers.trapToMachine();
  }
  c.setMstatus(st);
  c.onContextChange();
  const vectored = (baseLo & 3) === 1 && interrupt;
  const lo = (baseLo & ~3) + (vectored ? 4 * cause : 0);
  h.pcLo = lo | 0;
  h.pcHi = (lo >>> 0) < ((baseLo & ~3) >>> 0) ? (baseHi + 1) | 0 : baseHi;
  h.resValid = false;
}

/** mret: returns to mstatus.MPP at mepc. Illegal outside M-mode. */
export function mret(h: Hart, c: PrivCsrs): void {
  if (h.priv !== Priv.Machine) throw new Trap(Cause.IllegalInsn, 0, 0);
  let st = c.mstatus;
  const to = ((st & Mstatus.MPP) >>> Mstatus.MPP_SHIFT) as Priv;
  st = (st & ~(Mstatus.MIE | Mstatus.MPP)) | ((st & Mstatus.MPIE) !== 0 ? Mstatus.MIE : 0) | Mstatus.MPIE;
  if (to !== Priv.Machine) st &= ~Mstatus.MPRV;
  c.triggers.mret();
  h.priv = to;
  c.setMstatus(st);
  c.onContextChange();
  h.pcLo = c.mepcLo; h.pcHi = c.mepcHi;
}

/** sret: returns to sstatus.SPP at sepc. Illegal in U-mode, and in S-mode when mstatus.TSR is set. */
export function sret(h: Hart, c: PrivCsrs): void {
  if (h.priv === Priv.User || (h.priv === Priv.Supervisor && (c.mstatus & Mstatus.TSR) !== 0)) {
    throw new Trap(Cause.IllegalInsn, 0, 0);
  }
  let st = c.mstatus;
  const to = (st & Mstatus.SPP) !== 0 ? Priv.Supervisor : Priv.User;
  st = (st & ~(Mstatus.SIE | Mstatus.SPP)) | ((st & Mstatus.SPIE) !== 0 ? Mstatus.SIE : 0) | Mstatus.SPIE;
  st &= ~Mstatus.MPRV; // returning to S or U always clears MPRV
  h.priv = to;
  c.setMstatus(st);
  c.onContextChange();
  h.pcLo = c.sepcLo; h.pcHi = c.sepcHi;
}
