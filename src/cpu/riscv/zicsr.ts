/**
 * Zicsr: the CSR instructions and the unprivileged CSRs (fflags, frm, fcsr and
 * the cycle/time/instret counters). A privileged CSR file (system VM) plugs in
 * through Hart.csrFile; without one, any other CSR number is illegal, as it is
 * for a U-mode program under Linux.
 */
import { Op } from "../../isa/riscv/table.js";
import type { HandlerTable } from "./handler.js";
import { FsState, type Hart } from "./hart.js";
import { Cause, Trap } from "./trap.js";
import { monotonicNs } from "../../platform/host.js";

/** CSR numbers of the unprivileged CSRs. */
export const enum Csr {
  /** Floating-point accrued exceptions */
  fflags = 0x001,
  /** Floating-point dynamic rounding mode */
  frm = 0x002,
  /** Floating-point control and status register (frm + fflags) */
  fcsr = 0x003,
  /** Cycle counter (reads as instructions retired here) */
  cycle = 0xc00,
  /** Real-time counter, at TIMEBASE_HZ */
  time = 0xc01,
  /** Instructions retired */
  instret = 0xc02,
}

/** Frequency of the `time` CSR, as on QEMU's virt board (10 MHz). */
export const TIMEBASE_HZ = 10_000_000;

/** A CSR value as two 32-bit halves. */
export interface CsrValue {
  lo: number;
  hi: number;
}

/** The privileged CSRs of a system VM hart; reads and writes throw a Trap when not allowed. */
export interface CsrFile {
  /** Reads CSR `csr` into `out`; returns false when this file does not hold it. */
  read(h: Hart, csr: number, out: CsrValue): boolean;
  /** Writes CSR `csr`; returns false when this file does not hold it. */
  write(h: Hart, csr: number, lo: number, hi: number): boolean;
}

const illegal = (h: Hart): Trap => new Trap(Cause.IllegalInsn, 0, 0);

/** The `time` CSR from the host's monotonic clock. */
function readTime(out: CsrValue): void {
  const ticks = monotonicNs() / BigInt(1e9 / TIMEBASE_HZ);
  out.lo = Number(BigInt.asIntN(32, ticks));
  out.hi = Number(BigInt.asIntN(32, ticks >> 32n));
}

/** Reads CSR `csr` of hart `h` into `out`, or throws an illegal-instruction Trap. */
export function csrRead(h: Hart, csr: number, out: CsrValue): void {
  // A privileged CSR file answers first: it checks counter access (counteren) and owns `time`.
  if (h.csrFile !== undefined && h.csrFile.read(h, csr, out)) return;
  if (csr <= Csr.fcsr && h.mstatusFs === FsState.Off) throw illegal(h);
  switch (csr) {
    case Csr.fflags: out.lo = h.fflags; out.hi = 0; return;
    case Csr.frm: out.lo = h.frm; out.hi = 0; return;
    case Csr.fcsr: out.lo = (h.frm << 5) | h.fflags; out.hi = 0; return;
    case Csr.cycle: case Csr.instret: {
      const n = h.retired;
      out.lo = n | 0; out.hi = Math.floor(n / 4294967296) | 0;
      return;
    }
    case Csr.time: readTime(out); return;
  }
  throw illegal(h);
}

/** Writes CSR `csr` of hart `h`, or throws an illegal-instruction Trap (read-only or unknown CSR). */
export function csrWrite(h: Hart, csr: number, lo: number, hi: number): void {
  if (csr <= Csr.fcsr && csr !== 0) {
    if (h.mstatusFs === FsState.Off) throw illegal(h);
    h.mstatusFs = FsState.Dirty;
  }
  switch (csr) {
    case Csr.fflags: h.fflags = lo & 0x1f; return;
    case Csr.frm: h.frm = lo & 7; return;
    case Csr.fcsr: h.fflags = lo & 0x1f; h.frm = (lo >>> 5) & 7; return;
  }
  if ((csr >>> 10) === 3 || h.csrFile === undefined || !h.csrFile.write(h, csr, lo, hi)) throw illegal(h);
}

const old: CsrValue = { lo: 0, hi: 0 };

/** Installs the CSR instructions' handlers into `t`. */
export function installZicsr(t: HandlerTable): void {
  // imm is the CSR number; for the immediate forms rs1 is the 5-bit uimm. rd 32 means x0.
  const op = (kind: 0 | 1 | 2, immediate: boolean) => (h: Hart, rd: number, rs1: number, _rs2: number, csr: number) => {
    const sl = immediate ? rs1 : h.xl[rs1], sh = immediate ? 0 : h.xh[rs1];
    const writes = kind === 0 || rs1 !== 0;
    if (kind !== 0 || rd !== 32) csrRead(h, csr, old);
    else if ((csr >>> 10) === 3) throw illegal(h);
    if (writes) {
      if (kind === 0) csrWrite(h, csr, sl, sh);
      else if (kind === 1) csrWrite(h, csr, old.lo | sl, old.hi | sh);
      else csrWrite(h, csr, old.lo & ~sl, old.hi & ~sh);
    }
    if (kind !== 0 || rd !== 32) { h.xl[rd] = old.lo; h.xh[rd] = old.hi; }
    h.csrCounts[csr]++;
  };
  t[Op.CSRRW] = op(0, false);
  t[Op.CSRRS] = op(1, false);
  t[Op.CSRRC] = op(2, false);
  t[Op.CSRRWI] = op(0, true);
  t[Op.CSRRSI] = op(1, true);
  t[Op.CSRRCI] = op(2, true);
}
