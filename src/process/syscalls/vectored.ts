/**
 * Vectored I/O at an offset and between address spaces: preadv, pwritev,
 * preadv2 and pwritev2 (with the RWF_* flags), process_vm_readv and
 * process_vm_writev.
 */
import * as fs from "node:fs";
import { define, type SyscallArgs } from "./table.js";
import { Errno, hostErrno } from "./errno.js";
import { mapResult, PollEv, type IoResult, type OpenFile } from "../fd-table.js";
import { GuestFault, type AddressSpace } from "../address-space.js";
import { interruptible, raiseSigpipe } from "./io.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";
import { readIovecs, scatter, UIO_MAXIOV } from "./iovec.js";

/** The most bytes one call moves, as the other read/write calls of this VM. */
const MAX_IO = 1 << 24;

/** preadv2/pwritev2 flags (linux/fs.h). */
const enum Rwf {
  /** High-priority (polled) request: a hint. */
  HIPRI = 0x01,
  /** Per-call O_DSYNC. */
  DSYNC = 0x02,
  /** Per-call O_SYNC. */
  SYNC = 0x04,
  /** Fail with EAGAIN rather than wait for data. */
  NOWAIT = 0x08,
  /** Per-call O_APPEND (writes only). */
  APPEND = 0x10,
  /** Per-call clearing of O_APPEND (writes only). */
  NOAPPEND = 0x20,
  /** Untorn write; needs O_DIRECT on a supporting file system. */
  ATOMIC = 0x40,
  /** Buffered I/O that drops its page cache afterwards: a hint. */
  DONTCACHE = 0x80,
}
/** Every flag Linux knows (RWF_SUPPORTED); others are EOPNOTSUPP. */
const RWF_SUPPORTED = 0xff;

/** The sum of the segment lengths. */
const totalLength = (iov: [number, number][]) => iov.reduce((n, [, len]) => n + len, 0);

/** What the RWF flags `flags` say for a read (write = false) or write of `f`: a negative errno when Linux refuses them, else 0. */
function checkRwf(f: OpenFile, flags: number, write: boolean): number {
  if ((flags & ~RWF_SUPPORTED) !== 0) return -Errno.EOPNOTSUPP;
  if ((flags & Rwf.ATOMIC) !== 0) return -Errno.EOPNOTSUPP; // no O_DIRECT atomic writes here
  if ((flags & Rwf.DONTCACHE) !== 0 && f.kind !== "file") return -Errno.EOPNOTSUPP;
  if ((flags & Rwf.NOWAIT) !== 0 && f.kind !== "file" && (f.poll(write ? PollEv.OUT : PollEv.IN) & (write ? PollEv.OUT : PollEv.IN | PollEv.HUP)) === 0) return -Errno.EAGAIN;
  return 0;
}

/**
 * The file and iovecs of a p*v call, or its error in Linux's order: a negative
 * offset (unless at the file position), a bad descriptor, an unseekable file, a bad vector.
 */
function vectorTarget(p: Process, a: SyscallArgs, pos: number, current: boolean): { f: OpenFile; iov: [number, number][] } | number {
  if (!current && pos < 0) return -Errno.EINVAL;
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!current && f.kind !== "file") return -Errno.ESPIPE;
  const iov = readIovecs(p, a.u64(1), a.int(2));
  if (typeof iov === "number") return iov;
  return { f, iov };
}

/** preadv and preadv2 with `flags` (pos -1 on preadv2: at and moving the file position, as readv). */
function preadv(p: Process, t: Thread, a: SyscallArgs, pos: number, flags: number, current: boolean): IoResult {
  const target = vectorTarget(p, a, pos, current);
  if (typeof target === "number") return target;
  const { f, iov } = target;
  const total = totalLength(iov);
  if (total === 0) return 0;
  const bad = checkRwf(f, flags, false);
  if (bad < 0) return bad;
  const buf = new Uint8Array(Math.min(total, MAX_IO));
  const r = current ? interruptible(t, f.read(buf)) : f.read(buf, pos);
  return mapResult(r, (n) => (n > 0 ? scatter(p, iov, buf, n) : n));
}

/** pwritev and pwritev2 with `flags` (pos -1 on pwritev2: at and moving the file position, as writev). */
function pwritev(p: Process, t: Thread, a: SyscallArgs, pos: number, flags: number, current: boolean): IoResult {
  const target = vectorTarget(p, a, pos, current);
  if (typeof target === "number") return target;
  const { f, iov } = target;
  const data = Buffer.concat(iov.map(([base, len]) => p.space.read(base, Math.min(len, MAX_IO))));
  if (data.length === 0) return 0;
  const bad = checkRwf(f, flags, true);
  if (bad < 0) return bad;
  const chunk = data.subarray(0, MAX_IO);
  let r: IoResult;
  if ((flags & Rwf.APPEND) !== 0 && f.kind === "file" && f.hostFd !== undefined) {
    // The write goes to the end of the file; only a write at the file position moves it.
    let end: number;
    try { end = fs.fstatSync(f.hostFd).size; } catch (e) { return hostErrno(e); }
    r = current ? writeMoving(f, chunk, end) : f.write(chunk, end);
  } else {
    r = current ? interruptible(t, raiseSigpipe(p, t, f.write(chunk))) : f.write(chunk, pos);
  }
  return mapResult(r, (n) => {
    if (n > 0 && f.kind === "file") {
      if ((flags & (Rwf.DSYNC | Rwf.SYNC)) !== 0 && f.hostFd !== undefined) {
        try { fs.fdatasyncSync(f.hostFd); } catch (e) { return hostErrno(e); }
      }
    }
    return n;
  });
}

/** Writes `data` at `end` and leaves the file position after it (RWF_APPEND on a write at the file position). */
function writeMoving(f: OpenFile, data: Uint8Array, end: number): IoResult {
  const seekable = f as OpenFile & { seek?(offset: number, whence: number): number };
  if (seekable.seek === undefined) return f.write(data, end);
  const at = seekable.seek(end, 0);
  return at < 0 ? at : f.write(data);
}

// riscv64 passes the offset whole in the fourth register (pos_l); pos_h is unused.
define(69, "preadv", "dxdi", (p, t, a) => preadv(p, t, a, a.i64(3), 0, false));
define(70, "pwritev", "dxdi", (p, t, a) => pwritev(p, t, a, a.i64(3), 0, false));
define(286, "preadv2", "dxdixx", (p, t, a) => {
  const pos = a.i64(3);
  return preadv(p, t, a, pos, a.int(5), pos === -1);
});
define(287, "pwritev2", "dxdixx", (p, t, a) => {
  const pos = a.i64(3);
  return pwritev(p, t, a, pos, a.int(5), pos === -1);
});

// ---------------------------------------------------------------------------
// process_vm_readv, process_vm_writev

/** The address space of process `pid` as seen from `p` (any guest process: the tests run as root), or -ESRCH. */
function spaceOf(p: Process, pid: number): AddressSpace | number {
  if (pid === p.pid || p.threads.some((t) => t.tid === pid)) return p.space;
  if (pid <= 0) return -Errno.ESRCH;
  const other = p.kernel.processes.find((q) => q.pid === pid || q.threads.some((t) => t.tid === pid));
  return other === undefined || other.threads.length === 0 ? -Errno.ESRCH : other.space;
}

/**
 * Copies between the local vector (in `p`) and the remote one (in process
 * `pid`), one remote segment at a time; a fault ends the copy, which returns
 * what was moved before it, or EFAULT if nothing was.
 */
function processVm(p: Process, a: SyscallArgs, write: boolean): number {
  if (a.u64(5) !== 0) return -Errno.EINVAL;
  const local = readIovecs(p, a.u64(1), a.u64(2) > UIO_MAXIOV ? -1 : a.int(2));
  if (typeof local === "number") return local;
  const remote = readIovecs(p, a.u64(3), a.u64(4) > UIO_MAXIOV ? -1 : a.int(4));
  if (typeof remote === "number") return remote;
  const space = spaceOf(p, a.int(0));
  if (typeof space === "number") return space;
  const limit = Math.min(totalLength(local), MAX_IO);
  let done = 0, li = 0, loff = 0;
  try {
    for (const [rbase, rlen] of remote) {
      let roff = 0;
      while (roff < rlen && done < limit) {
        while (li < local.length && loff >= local[li][1]) { li++; loff = 0; }
        if (li >= local.length) return done;
        const k = Math.min(rlen - roff, local[li][1] - loff, limit - done);
        if (write) space.write(rbase + roff, p.space.read(local[li][0] + loff, k));
        else p.space.write(local[li][0] + loff, space.read(rbase + roff, k));
        roff += k; loff += k; done += k;
      }
    }
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    return done > 0 ? done : -Errno.EFAULT;
  }
  return done;
}

define(270, "process_vm_readv", "dxuxux", (p, _t, a) => processVm(p, a, false));
define(271, "process_vm_writev", "dxuxux", (p, _t, a) => processVm(p, a, true));
