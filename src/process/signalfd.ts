/**
 * signalfd(2): a descriptor that reads, as struct signalfd_siginfo records,
 * the pending signals of its mask (which the program blocks, so they are
 * never delivered to a handler). Reading dequeues them; poll reports it
 * readable while one is pending. The descriptor belongs to the process that
 * created it and reads that process's signals.
 */
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, blockOn, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";
import type { Process } from "./process.js";
import { SiCode, Sig, dequeueAny, pendingAny, type QueuedSignal } from "./signals.js";
import { Siginfo, encodeSiginfo } from "./signal-frame.js";

/** struct signalfd_siginfo field offsets (include/uapi/linux/signalfd.h); 128 bytes in all. */
export const enum Ssi {
  Signo = 0, Errno = 4, Code = 8, Pid = 12, Uid = 16, Fd = 20, Tid = 24, Band = 28, Overrun = 32, Trapno = 36,
  Status = 40, Int = 44, Ptr = 48, Utime = 56, Stime = 64, Addr = 72, AddrLsb = 80, Syscall = 84, CallAddr = 88,
  Arch = 96, Size = 128,
}

/** Signals whose si_code values 1..0x7f select the fault layout (si_addr). */
const FAULTS = new Set<number>([Sig.ILL, Sig.FPE, Sig.SEGV, Sig.BUS, Sig.TRAP]);

/** Fills `out` (128 bytes) from queued signal `s`, as signalfd_copyinfo does for each siginfo layout. */
export function encodeSignalfdSiginfo(s: QueuedSignal, out: DataView): void {
  const info = new DataView(encodeSiginfo(s).buffer);
  const signo = info.getInt32(Siginfo.Signo, true), code = info.getInt32(Siginfo.Code, true);
  out.setUint32(Ssi.Signo, signo, true);
  out.setInt32(Ssi.Errno, info.getInt32(Siginfo.Errno, true), true);
  out.setInt32(Ssi.Code, code, true);
  const i32 = (at: number) => info.getInt32(at, true);
  if (code > SiCode.SI_USER && code < SiCode.SI_KERNEL) {
    if (FAULTS.has(signo)) {
      out.setBigUint64(Ssi.Addr, info.getBigUint64(Siginfo.Addr, true), true);
    } else if (signo === Sig.CHLD) {
      out.setUint32(Ssi.Pid, i32(16), true);
      out.setUint32(Ssi.Uid, i32(20), true);
      out.setInt32(Ssi.Status, i32(24), true);
      out.setBigUint64(Ssi.Utime, info.getBigUint64(32, true), true);
      out.setBigUint64(Ssi.Stime, info.getBigUint64(40, true), true);
    } else if (signo === Sig.IO) {
      out.setUint32(Ssi.Band, Number(info.getBigInt64(16, true) & 0xffffffffn), true);
      out.setInt32(Ssi.Fd, i32(24), true);
    } else {
      out.setUint32(Ssi.Pid, i32(16), true);
      out.setUint32(Ssi.Uid, i32(20), true);
    }
  } else if (code === SiCode.SI_TIMER) {
    out.setUint32(Ssi.Tid, i32(16), true);
    out.setUint32(Ssi.Overrun, i32(20), true);
    out.setInt32(Ssi.Int, i32(24), true);
    out.setBigUint64(Ssi.Ptr, info.getBigUint64(24, true), true);
  } else if (code === SiCode.SI_SIGIO) {
    out.setUint32(Ssi.Band, Number(info.getBigInt64(16, true) & 0xffffffffn), true);
    out.setInt32(Ssi.Fd, i32(24), true);
  } else {
    out.setUint32(Ssi.Pid, i32(16), true);
    out.setUint32(Ssi.Uid, i32(20), true);
    if (code < 0) {
      out.setInt32(Ssi.Int, i32(24), true);
      out.setBigUint64(Ssi.Ptr, info.getBigUint64(24, true), true);
    }
  }
}

/** A signalfd of process `owner`. */
export class SignalFd implements OpenFile {
  readonly kind = "signalfd";
  flags: number;

  /** `mask` is the sigset to read (SIGKILL and SIGSTOP already removed). */
  constructor(private readonly owner: Process, public mask: bigint, flags: number) {
    this.flags = OFlag.RDWR | (flags & OFlag.NONBLOCK);
  }

  /** Changes the mask (signalfd4 on an existing descriptor); waiters look again. */
  setMask(mask: bigint): void {
    this.mask = mask;
    this.owner.signals.queued.wake(PollEv.IN);
  }

  read(buf: Uint8Array): IoResult {
    const max = Math.floor(buf.length / Ssi.Size);
    if (max === 0) return -Errno.EINVAL;
    const attempt = () => {
      let n = 0;
      for (; n < max; n++) {
        const s = dequeueAny(this.owner, this.mask);
        if (s === undefined) break;
        const rec = new Uint8Array(Ssi.Size);
        encodeSignalfdSiginfo(s, new DataView(rec.buffer));
        buf.set(rec, n * Ssi.Size);
      }
      if (n > 0) return n * Ssi.Size;
      return (this.flags & OFlag.NONBLOCK) !== 0 ? -Errno.EAGAIN : undefined;
    };
    return blockOn((cb) => this.owner.signals.queued.add(cb), attempt, { interrupted: () => -Errno.EINTR });
  }

  write(): IoResult {
    return -Errno.EINVAL;
  }

  poll(events: number): number {
    return (pendingAny(this.owner) & this.mask) !== 0n ? events & (PollEv.IN | PollEv.RDNORM) : 0;
  }

  onReady(cb: ReadyCallback): () => void {
    return this.owner.signals.queued.add(cb);
  }

  release(): void {}
}
