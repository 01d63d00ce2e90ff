/**
 * Architectural state of one hart (hardware thread): plain typed arrays, so the
 * run loop can keep them in locals. 64-bit integer registers are held as two
 * 32-bit halves (xl = low, xh = high); index 32 is a sink that absorbs writes
 * to x0, so handlers never test rd against zero. Floating-point registers are
 * raw 64-bit patterns (fi) with double (fd) and single (fs) views of the same
 * bytes; singles are NaN-boxed in the upper half as the F extension requires.
 */
import { Mmu } from "../../mem/mmu.js";
import { DecodeCache } from "./decode-cache.js";
import type { CsrFile } from "./zicsr.js";

/** Privilege levels (the encoding of mstatus.MPP). */
export const enum Priv {
  User = 0,
  Supervisor = 1,
  Machine = 3,
}

/** Floating-point exception flags (fflags bits). */
export const enum FFlag {
  /** Inexact */
  NX = 1,
  /** Underflow */
  UF = 2,
  /** Overflow */
  OF = 4,
  /** Divide by zero */
  DZ = 8,
  /** Invalid operation */
  NV = 16,
}

/** mstatus.FS: the state of the floating-point unit (privileged spec 3.1.6.6). */
export const enum FsState {
  /** FP instructions and FP CSR accesses raise illegal-instruction exceptions */
  Off = 0,
  /** FP state is at its initial value */
  Initial = 1,
  /** FP state may differ from initial but matches the last save */
  Clean = 2,
  /** FP state has changed since the last save */
  Dirty = 3,
}

/**
 * A hart's architectural state as a snapshot keeps it (plain JSON). The LR/SC
 * reservation is not kept (an SC after a restore fails and its loop retries),
 * nor are the TLB and decoded instructions (rebuilt on demand).
 */
export interface HartState {
  /** x0..x31, low and high 32-bit halves. */
  xl: number[];
  xh: number[];
  /** f0..f31 as 32-bit words, low word first. */
  f: number[];
  pcLo: number;
  pcHi: number;
  fflags: number;
  frm: number;
  /** mstatus.FS (FsState). */
  mstatusFs: number;
  /** Instructions retired. */
  instret: number;
  priv: Priv;
  /** The H extension's virtualization mode V (absent in snapshots older than it: false). */
  virt?: boolean;
}

/**
 * Byte offsets within a hart's state block in the arena (mem/arena.ts), where
 * translated code finds what the interpreter sees as xl, xh and fi.
 */
export const enum StateLayout {
  /** x0..x31 low words, then the sink */
  Xl = 0,
  /** x0..x31 high words, then the sink */
  Xh = 256,
  /** f0..f31, 8 bytes each */
  F = 512,
  /** Scratch words translated code shares with its helpers (jit/). */
  Scratch = 768,
  /** Bytes in a state block. */
  Bytes = 1024,
}

/** Where harts nobody watches count their CSR instructions (shared by them, never read). */
const UNWATCHED_CSR_COUNTS = new Float64Array(4096);

/** One RISC-V hart's registers and the memory it sees. */
export class Hart {
  /** Arena offset of this hart's state block (StateLayout), or -1 when its registers live elsewhere (no translated code then). */
  readonly stateBase: number;
  /** Low 32 bits of x0..x31, plus the x0 write sink at index 32. */
  readonly xl: Int32Array;
  /** High 32 bits of x0..x31, plus the sink. */
  readonly xh: Int32Array;
  /** f0..f31 as 32-bit words: f[n] low word at 2n, high word at 2n+1. */
  readonly fi: Int32Array;
  /** f0..f31 as doubles. */
  readonly fd: Float64Array;
  /** f0..f31 as singles: f[n]'s low word at index 2n. */
  readonly fs: Float32Array;
  /** The scratch words of the state block (StateLayout.Scratch), for translated code's helpers. */
  readonly scratch: Int32Array;
  /** Program counter, low and high words. */
  pcLo = 0;
  pcHi = 0;
  /** Accrued floating-point exception flags (fcsr[4:0]). */
  fflags = 0;
  /** Dynamic rounding mode (fcsr[7:5]). */
  frm = 0;
  /**
   * mstatus.FS (FsState). A process VM hart keeps it Dirty, so its FP
   * instructions never look further; a system VM hart starts Off.
   */
  mstatusFs: number = FsState.Dirty;
  /** Instructions retired before the current run() call. */
  instret = 0;
  /** Instructions retired so far in the current run() call (updated before slow handlers run). */
  runCount = 0;
  /** LR/SC reservation: valid flag and reserved address. */
  resValid = false;
  resLo = 0;
  resHi = 0;
  /** Current privilege level (with virt: VS- or VU-mode). */
  priv: Priv = Priv.User;
  /**
   * The H extension's virtualization mode V: the hart runs a guest (VS- or
   * VU-mode) under a hypervisor in HS-mode. Changed only by trap entry and
   * xRET (PrivCsrs.enterVirt, leaveVirt), outside run().
   */
  virt = false;
  /** The last trap's cause and tval, set when run() returns Exit.Trap. */
  trapCause = 0;
  trapTvalLo = 0;
  trapTvalHi = 0;
  /** Privileged CSRs (system VM only); undefined for a user-mode process. */
  csrFile: CsrFile | undefined = undefined;
  /** CSR instructions completed in the run loop, by CSR number (the system VM's trap accounting gives each hart its own). */
  csrCounts: Float64Array = UNWATCHED_CSR_COUNTS;

  constructor(
    /** Memory as this hart sees it. */
    public mmu: Mmu,
    /** Decoded instructions, shared by harts that share memory. */
    readonly cache: DecodeCache,
  ) {
    const ram = mmu?.ram;
    const base = ram?.arena.alloc(StateLayout.Bytes, this) ?? -1;
    const buf = base < 0 ? new ArrayBuffer(StateLayout.Bytes) : ram!.buffer;
    const at = base < 0 ? 0 : base;
    this.stateBase = base;
    this.xl = new Int32Array(buf, at + StateLayout.Xl, 33);
    this.xh = new Int32Array(buf, at + StateLayout.Xh, 33);
    this.fi = new Int32Array(buf, at + StateLayout.F, 64);
    this.fd = new Float64Array(buf, at + StateLayout.F, 32);
    this.fs = new Float32Array(buf, at + StateLayout.F, 64);
    this.scratch = new Int32Array(buf, at + StateLayout.Scratch, (StateLayout.Bytes - StateLayout.Scratch) >> 2);
  }

  /** Reads x[n] as an unsigned BigInt (for tests, tracing and syscall arguments that need all 64 bits). */
  getX(n: number): bigint {
    return (BigInt(this.xh[n] >>> 0) << 32n) | BigInt(this.xl[n] >>> 0);
  }

  /** Writes x[n] from a BigInt (taken modulo 2^64); writes to x0 are ignored. */
  setX(n: number, v: bigint): void {
    if (n === 0) return;
    this.xl[n] = Number(BigInt.asIntN(32, v));
    this.xh[n] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Program counter as an unsigned BigInt. */
  get pc(): bigint {
    return (BigInt(this.pcHi >>> 0) << 32n) | BigInt(this.pcLo >>> 0);
  }

  set pc(v: bigint) {
    this.pcLo = Number(BigInt.asIntN(32, v));
    this.pcHi = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Instructions retired, including those of a run() in progress. */
  get retired(): number {
    return this.instret + this.runCount;
  }

  /** The architectural state, between run() calls. */
  save(): HartState {
    return {
      xl: Array.from(this.xl.subarray(0, 32)), xh: Array.from(this.xh.subarray(0, 32)), f: Array.from(this.fi),
      pcLo: this.pcLo, pcHi: this.pcHi, fflags: this.fflags, frm: this.frm, mstatusFs: this.mstatusFs,
      instret: this.retired, priv: this.priv, virt: this.virt,
    };
  }

  /**
   * Takes the state `s` (from save()): registers, pc, FP status, privilege and
   * the retired count. Drops the reservation, this hart's TLB and the decoded
   * instructions, which may describe other memory.
   */
  restore(s: HartState): void {
    if (s.xl.length !== 32 || s.xh.length !== 32 || s.f.length !== 64) {
      throw new RangeError(`hart state has ${s.xl.length}/${s.xh.length} integer and ${s.f.length / 2} FP registers, not 32/32 and 32`);
    }
    this.xl.set(s.xl); this.xh.set(s.xh); this.fi.set(s.f);
    this.xl[0] = this.xh[0] = 0;
    this.pcLo = s.pcLo | 0; this.pcHi = s.pcHi | 0;
    this.fflags = s.fflags; this.frm = s.frm; this.mstatusFs = s.mstatusFs;
    this.instret = s.instret; this.runCount = 0;
    this.priv = s.priv;
    this.virt = s.virt ?? false;
    this.resValid = false;
    this.trapCause = this.trapTvalLo = this.trapTvalHi = 0;
    this.mmu.flush();
    this.cache.invalidateAll();
  }
}
