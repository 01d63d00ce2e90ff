/**
 * The signal frame Linux/riscv64 pushes on the user stack before it runs a
 * handler (struct rt_sigframe: a siginfo_t followed by a struct ucontext), and
 * the siginfo_t encoding. rt_sigreturn reads the same frame back, so a
 * handler that edits uc_mcontext or uc_sigmask changes what it returns to.
 *
 * Every offset below was checked with offsetof/sizeof against glibc's
 * ucontext_t and the kernel's uapi <asm/ucontext.h> and <asm/sigcontext.h>
 * (riscv64-linux-gnu-gcc, run under qemu-riscv64):
 *
 *   siginfo_t            0  (128 bytes)
 *   ucontext             128 (960 bytes, 16-byte aligned)
 *     uc_flags           +0    unsigned long, always 0 on riscv
 *     uc_link            +8    pointer, always NULL
 *     uc_stack           +16   stack_t: ss_sp +0, ss_flags (int) +8, ss_size +16
 *     uc_sigmask         +40   8 bytes, then padding up to 128 bytes of sigset
 *     uc_mcontext        +176  struct sigcontext (784 bytes):
 *       sc_regs          +0    32 x u64: pc in slot 0, then x1..x31
 *       sc_fpregs        +256  union __riscv_fp_state sized as its q variant (528):
 *                              f0..f31 as u64 at +0, fcsr (u32) at +256 (the d
 *                              layout the kernel writes), q.reserved[3] at +516
 *                              (must be zero for rt_sigreturn to accept the frame)
 *   sizeof(rt_sigframe)  1088
 */
import type { Hart } from "../cpu/riscv/hart.js";

/** Byte offsets in struct rt_sigframe. */
export const enum Frame {
  /** siginfo_t */
  Info = 0,
  InfoSize = 128,
  /** struct ucontext */
  Uc = 128,
  UcFlags = 128,
  UcLink = 136,
  /** uc_stack.ss_sp */
  StackSp = 144,
  /** uc_stack.ss_flags (int) */
  StackFlags = 152,
  /** uc_stack.ss_size */
  StackSize = 160,
  /** uc_sigmask (the kernel's 64-bit sigset_t) */
  Sigmask = 168,
  /** uc_mcontext (struct sigcontext), 16-byte aligned */
  Mcontext = 304,
  /** sc_regs: slot 0 is pc, slot n is x[n] */
  Gregs = 304,
  /** sc_fpregs.d.f[0..31] */
  Fpregs = 560,
  /** sc_fpregs.d.fcsr */
  Fcsr = 816,
  /** sc_fpregs.q.reserved[0..2] */
  FpReserved = 1076,
  /** sizeof(struct rt_sigframe) */
  Size = 1088,
}

/** stack_t, as saved in uc_stack. */
export interface StackT {
  sp: number;
  flags: number;
  size: number;
}

/** What the frame carries besides the registers. */
export interface FrameHeader {
  /** The 128-byte siginfo_t handed to the handler. */
  info: Uint8Array;
  /** The signal mask to restore on rt_sigreturn. */
  mask: bigint;
  /** The alternate stack as it was when the signal arrived. */
  stack: StackT;
}

/** Encodes the rt_sigframe for `h`'s current registers (pc is the resume address). */
export function encodeFrame(h: Hart, hdr: FrameHeader): Uint8Array {
  const out = new Uint8Array(Frame.Size);
  const v = new DataView(out.buffer);
  out.set(hdr.info.subarray(0, Frame.InfoSize), Frame.Info);
  // uc_flags and uc_link stay 0.
  v.setBigUint64(Frame.StackSp, BigInt(hdr.stack.sp), true);
  v.setInt32(Frame.StackFlags, hdr.stack.flags, true);
  v.setBigUint64(Frame.StackSize, BigInt(hdr.stack.size), true);
  v.setBigUint64(Frame.Sigmask, BigInt.asUintN(64, hdr.mask), true);
  v.setInt32(Frame.Gregs, h.pcLo, true);
  v.setInt32(Frame.Gregs + 4, h.pcHi, true);
  for (let i = 1; i < 32; i++) {
    v.setInt32(Frame.Gregs + 8 * i, h.xl[i], true);
    v.setInt32(Frame.Gregs + 8 * i + 4, h.xh[i], true);
  }
  for (let i = 0; i < 64; i++) v.setInt32(Frame.Fpregs + 4 * i, h.fi[i], true);
  v.setUint32(Frame.Fcsr, ((h.frm & 7) << 5) | (h.fflags & 0x1f), true);
  return out;
}

/** The parts of a frame rt_sigreturn restores, or undefined for a frame the kernel would reject. */
export interface DecodedFrame {
  mask: bigint;
  stack: StackT;
}

/**
 * Loads the registers saved in `frame` into `h` and returns the mask and
 * stack to restore; undefined (registers untouched) if the reserved FP words
 * are not zero, which Linux treats as a bad frame (SIGSEGV).
 */
export function restoreFrame(h: Hart, frame: Uint8Array): DecodedFrame | undefined {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let i = 0; i < 3; i++) if (v.getUint32(Frame.FpReserved + 4 * i, true) !== 0) return undefined;
  h.pcLo = v.getInt32(Frame.Gregs, true);
  h.pcHi = v.getInt32(Frame.Gregs + 4, true);
  for (let i = 1; i < 32; i++) {
    h.xl[i] = v.getInt32(Frame.Gregs + 8 * i, true);
    h.xh[i] = v.getInt32(Frame.Gregs + 8 * i + 4, true);
  }
  for (let i = 0; i < 64; i++) h.fi[i] = v.getInt32(Frame.Fpregs + 4 * i, true);
  const fcsr = v.getUint32(Frame.Fcsr, true);
  h.fflags = fcsr & 0x1f;
  h.frm = (fcsr >>> 5) & 7;
  return {
    mask: v.getBigUint64(Frame.Sigmask, true),
    stack: {
      sp: Number(v.getBigUint64(Frame.StackSp, true)),
      flags: v.getInt32(Frame.StackFlags, true),
      size: Number(v.getBigUint64(Frame.StackSize, true)),
    },
  };
}

/** siginfo_t field offsets (the kernel's union __sifields starts at 16). */
export const enum Siginfo {
  Signo = 0,
  Errno = 4,
  Code = 8,
  /** _kill/_rt/_sigchld: si_pid; _sigfault: si_addr (8 bytes) */
  Pid = 16,
  Addr = 16,
  /** si_uid */
  Uid = 20,
  /** _rt/_timer: si_value */
  Value = 24,
  Size = 128,
}

/** The siginfo fields a queued signal carries. */
export interface SiginfoFields {
  signo: number;
  code: number;
  addr: number;
  pid: number;
  uid: number;
  /** A complete siginfo_t supplied by the sender (rt_sigqueueinfo); wins over the fields above. */
  info?: Uint8Array;
}

/** Signals whose kernel-generated si_code values (1..0x7f) select the _sigfault layout. */
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);

/** Encodes a 128-byte siginfo_t as Linux lays it out for this signal and si_code. */
export function encodeSiginfo(s: SiginfoFields): Uint8Array {
  const out = new Uint8Array(Siginfo.Size);
  if (s.info !== undefined) out.set(s.info.subarray(0, Siginfo.Size));
  const v = new DataView(out.buffer);
  v.setInt32(Siginfo.Signo, s.signo, true);
  if (s.info !== undefined) return out;
  v.setInt32(Siginfo.Code, s.code, true);
  if (s.code > 0 && s.code < 0x80 && FAULT_SIGNALS.has(s.signo)) {
    v.setBigUint64(Siginfo.Addr, BigInt(s.addr), true);
  } else {
    v.setInt32(Siginfo.Pid, s.pid, true);
    v.setUint32(Siginfo.Uid, s.uid >>> 0, true);
  }
  return out;
}
