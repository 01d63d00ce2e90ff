/**
 * I/O multiplexing and in-process channels: pipe2, eventfd2, ppoll,
 * pselect6 and the epoll family. Also the helpers every blocking I/O call
 * uses: handing a wait's interrupt to its thread, and SIGPIPE on EPIPE.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { O_DIRECT, PipeEnd } from "../pipe.js";
import { EventFd, EfdFlag } from "../eventfd.js";
import { Epoll, type EpollEvent } from "../epoll.js";
import { OFlag, PollEv, blockOn, isBlocking, mapResult, subscribeAll, type IoResult, type OpenFile } from "../fd-table.js";
import { hasDeliverable, postSignal, restoreMaskAfterDelivery, Sig, SiCode } from "../signals.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** Lets a signal cut short the wait `r` of thread `t`, if it is one; returns `r`. */
export function interruptible<T>(t: Thread, r: T | Promise<T>): T | Promise<T> {
  if (isBlocking(r)) t.interrupt = () => r.interrupt();
  return r;
}

/** Sends SIGPIPE to thread `t` when a write-like result `r` is -EPIPE (as Linux does for pipes and sockets). */
export function raiseSigpipe(p: Process, t: Thread, r: IoResult): IoResult {
  const check = (n: number) => {
    if (n === -Errno.EPIPE) postSignal(p, t, { signo: Sig.PIPE, code: SiCode.SI_USER, addr: 0, pid: p.pid, uid: process.getuid?.() ?? 0 });
    return n;
  };
  return mapResult(r, check);
}

/** Nanoseconds of a struct timespec, or undefined if it is invalid. */
function readTimespec(p: Process, addr: number): bigint | undefined {
  const sec = BigInt.asIntN(64, p.space.readBig(addr)), nsec = BigInt.asIntN(64, p.space.readBig(addr + 8));
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return undefined;
  return sec * 1_000_000_000n + nsec;
}

/** Milliseconds to wait for a timeout of `ns` nanoseconds (rounded up: never return early). */
function nsToMs(ns: bigint): number {
  const ms = (ns + 999_999n) / 1_000_000n;
  return ms > 2n ** 31n - 1n ? 2 ** 31 - 1 : Number(ms);
}

/**
 * A timeout argument of ppoll/pselect6/epoll_pwait2 and, for the first two,
 * how to write back the time left (Linux updates the caller's timespec).
 */
class Deadline {
  private readonly start = process.hrtime.bigint();

  constructor(private readonly p: Process, private readonly addr: number, readonly ns: bigint | undefined) {}

  /** Milliseconds to wait, undefined for no limit. */
  get ms(): number | undefined {
    return this.ns === undefined ? undefined : nsToMs(this.ns);
  }

  /** Writes the time left into the caller's timespec. */
  writeBack(): void {
    if (this.ns === undefined || this.addr === 0) return;
    const spent = process.hrtime.bigint() - this.start;
    const left = this.ns > spent ? this.ns - spent : 0n;
    try {
      this.p.space.writeU64(this.addr, left / 1_000_000_000n);
      this.p.space.writeU64(this.addr + 8, left % 1_000_000_000n);
    } catch { /* a read-only timespec is not an error */ }
  }
}

/** Reads a timespec timeout argument: undefined for a null pointer (wait forever), or the Deadline; -EINVAL if malformed. */
function timeoutArg(p: Process, addr: number): Deadline | number {
  if (addr === 0) return new Deadline(p, 0, undefined);
  const ns = readTimespec(p, addr);
  return ns === undefined ? -Errno.EINVAL : new Deadline(p, addr, ns);
}

/** SIGKILL and SIGSTOP can never be blocked. */
const UNBLOCKABLE = (1n << 8n) | (1n << 18n);

/**
 * Runs a waiting call with the signal mask at `maskAddr` (if not null) in
 * place for the duration of the wait, as ppoll, pselect6 and epoll_pwait do.
 * When a signal ends the wait, the temporary mask stays until the handler
 * has been entered, and the caller's comes back after it (as Linux's
 * saved_sigmask does); otherwise the caller's mask comes back at once.
 */
function withSigmask(p: Process, t: Thread, maskAddr: number, size: number, wait: () => number | Promise<number>): number | Promise<number> {
  if (maskAddr === 0) return interruptible(t, wait());
  if (size !== 8) return -Errno.EINVAL;
  const old = t.sigmask;
  t.sigmask = p.space.readBig(maskAddr) & ~UNBLOCKABLE;
  const r = hasDeliverable(p, t) ? -Errno.EINTR : interruptible(t, wait());
  return mapResult(r, (v) => {
    if (v === -Errno.EINTR) restoreMaskAfterDelivery(p, t, old);
    else t.sigmask = old;
    return v;
  });
}

// ---------------------------------------------------------------------------
// pipe2, eventfd2

define(59, "pipe2", "xx", (p, _t, a) => {
  const flags = a.int(1);
  if (flags & ~(OFlag.CLOEXEC | OFlag.NONBLOCK | O_DIRECT)) return -Errno.EINVAL;
  const [r, w] = PipeEnd.create(flags);
  const cloexec = (flags & OFlag.CLOEXEC) !== 0;
  const rfd = p.fds.add(r, cloexec);
  if (rfd < 0) return rfd;
  const wfd = p.fds.add(w, cloexec);
  if (wfd < 0) {
    p.fds.close(rfd);
    return wfd;
  }
  const fds = new Uint8Array(8);
  const v = new DataView(fds.buffer);
  v.setInt32(0, rfd, true);
  v.setInt32(4, wfd, true);
  try {
    p.space.write(a.u64(0), fds);
  } catch (e) {
    p.fds.close(rfd);
    p.fds.close(wfd);
    throw e;
  }
  return 0;
});

define(19, "eventfd2", "ux", (p, _t, a) => {
  const flags = a.int(1);
  if (flags & ~(EfdFlag.SEMAPHORE | EfdFlag.CLOEXEC | EfdFlag.NONBLOCK)) return -Errno.EINVAL;
  return p.fds.add(new EventFd(BigInt(a.u32(0)), flags), (flags & EfdFlag.CLOEXEC) !== 0);
});

// ---------------------------------------------------------------------------
// ppoll

/** What poll reports for `f` given the requested `events` (ERR and HUP are always reported). */
export function pollRevents(f: OpenFile | undefined, events: number): number {
  if (f === undefined) return PollEv.NVAL;
  const want = events | PollEv.ERR | PollEv.HUP;
  let ready = f.poll(want | (events & PollEv.RDNORM ? PollEv.IN : 0) | (events & PollEv.WRNORM ? PollEv.OUT : 0));
  // Files that only speak IN/OUT also satisfy the "normal data" variants.
  if (ready & PollEv.IN) ready |= PollEv.RDNORM;
  if (ready & PollEv.OUT) ready |= PollEv.WRNORM;
  return ready & want;
}

define(73, "ppoll", "xuxxu", (p, t, a) => {
  const addr = a.u64(0), n = a.u64(1);
  if (n > p.fds.limit) return -Errno.EINVAL;
  const deadline = timeoutArg(p, a.u64(2));
  if (typeof deadline === "number") return deadline;
  const raw = n > 0 ? new DataView(p.space.read(addr, n * 8).buffer) : new DataView(new ArrayBuffer(0));
  const entries = Array.from({ length: n }, (_, i) => {
    const fd = raw.getInt32(i * 8, true);
    return { fd, events: raw.getUint16(i * 8 + 4, true), file: fd >= 0 ? p.fds.get(fd) : undefined };
  });
  const revents = new Uint16Array(n);
  const scan = () => {
    let count = 0;
    entries.forEach((e, i) => {
      revents[i] = e.fd < 0 ? 0 : pollRevents(e.file, e.events);
      if (revents[i] !== 0) count++;
    });
    return count;
  };
  const files = entries.flatMap((e) => (e.file ? [e.file] : []));
  const finish = (r: number) => {
    if (r >= 0) {
      for (let i = 0; i < n; i++) raw.setUint16(i * 8 + 6, revents[i], true);
      if (n > 0) p.space.write(addr, new Uint8Array(raw.buffer));
    }
    deadline.writeBack();
    return r;
  };
  return withSigmask(p, t, a.u64(3), a.u64(4), () => mapResult(blockOn(subscribeAll(files), () => {
    const count = scan();
    return count > 0 || deadline.ns === 0n ? count : undefined;
  }, { interrupted: () => -Errno.EINTR, timedOut: () => 0, ...(deadline.ms !== undefined && { timeoutMs: deadline.ms }) }), finish));
});

// ---------------------------------------------------------------------------
// pselect6

/** Conditions select counts as "readable", "writable" and "exceptional" (POLLIN_SET and friends). */
const SELECT_IN = PollEv.IN | PollEv.RDNORM | PollEv.RDBAND | PollEv.HUP | PollEv.ERR;
const SELECT_OUT = PollEv.OUT | PollEv.WRNORM | PollEv.WRBAND | PollEv.ERR;
const SELECT_EX = PollEv.PRI;

define(72, "pselect6", "dxxxxx", (p, t, a) => {
  const nfds = a.int(0);
  if (nfds < 0) return -Errno.EINVAL;
  const n = Math.min(nfds, p.fds.limit);
  const bytes = Math.ceil(n / 64) * 8;
  const setAddrs = [a.u64(1), a.u64(2), a.u64(3)];
  const sets = setAddrs.map((at) => (at !== 0 && bytes > 0 ? p.space.read(at, bytes) : undefined));
  const deadline = timeoutArg(p, a.u64(4));
  if (typeof deadline === "number") return deadline;
  const isSet = (set: Uint8Array | undefined, fd: number) => set !== undefined && (set[fd >> 3] & (1 << (fd & 7))) !== 0;
  const watched: { fd: number; file: OpenFile; want: number }[] = [];
  for (let fd = 0; fd < n; fd++) {
    const want = (isSet(sets[0], fd) ? SELECT_IN : 0) | (isSet(sets[1], fd) ? SELECT_OUT : 0) | (isSet(sets[2], fd) ? SELECT_EX : 0);
    if (want === 0) continue;
    const file = p.fds.get(fd);
    if (file === undefined) return -Errno.EBADF;
    watched.push({ fd, file, want });
  }
  const out = sets.map((s) => (s === undefined ? undefined : new Uint8Array(s.length)));
  const scan = () => {
    for (const s of out) s?.fill(0);
    let count = 0;
    for (const w of watched) {
      const ready = pollRevents(w.file, w.want & ~(PollEv.ERR | PollEv.HUP)) & w.want;
      const bit = 1 << (w.fd & 7), byte = w.fd >> 3;
      [SELECT_IN, SELECT_OUT, SELECT_EX].forEach((mask, k) => {
        const o = out[k];
        if (o !== undefined && isSet(sets[k], w.fd) && (ready & mask) !== 0) {
          o[byte] |= bit;
          count++;
        }
      });
    }
    return count;
  };
  const finish = (r: number) => {
    if (r >= 0) out.forEach((o, k) => { if (o !== undefined) p.space.write(setAddrs[k], o); });
    deadline.writeBack();
    return r;
  };
  // The sixth argument points to { const sigset_t *ss; size_t ss_len; }.
  let maskAddr = 0, maskSize = 8;
  if (a.u64(5) !== 0) {
    maskAddr = p.space.readU64(a.u64(5));
    maskSize = p.space.readU64(a.u64(5) + 8);
  }
  return withSigmask(p, t, maskAddr, maskSize, () => mapResult(blockOn(subscribeAll(watched.map((w) => w.file)), () => {
    const count = scan();
    return count > 0 || deadline.ns === 0n ? count : undefined;
  }, { interrupted: () => -Errno.EINTR, timedOut: () => 0, ...(deadline.ms !== undefined && { timeoutMs: deadline.ms }) }), finish));
});

// ---------------------------------------------------------------------------
// epoll

/** struct epoll_event on RISC-V (not packed): u32 events, 4 bytes of padding, u64 data. */
const EPOLL_EVENT_SIZE = 16;
/** The most events one epoll_wait may ask for (INT_MAX / sizeof(struct epoll_event)). */
const EP_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT_SIZE);

define(20, "epoll_create1", "x", (p, _t, a) => {
  const flags = a.int(0);
  if (flags & ~OFlag.CLOEXEC) return -Errno.EINVAL;
  return p.fds.add(new Epoll((f) => p.fds.isOpen(f)), (flags & OFlag.CLOEXEC) !== 0);
});

define(21, "epoll_ctl", "dddx", (p, _t, a) => {
  const ep = p.fds.get(a.int(0)), file = p.fds.get(a.int(2));
  if (ep === undefined || file === undefined) return -Errno.EBADF;
  if (!(ep instanceof Epoll)) return -Errno.EINVAL;
  const op = a.int(1);
  let events = 0, data = 0n;
  if (op !== 2 /* DEL ignores the event */) {
    const ev = p.space.read(a.u64(3), EPOLL_EVENT_SIZE);
    const v = new DataView(ev.buffer);
    events = v.getUint32(0, true) | 0;
    data = v.getBigUint64(8, true);
  }
  return ep.ctl(op, a.int(2), file, events, data);
});

/** epoll_pwait and epoll_pwait2 once the timeout is known (undefined: forever). */
function epollWait(p: Process, t: Thread, epfd: number, addr: number, max: number, timeoutMs: number | undefined, maskAddr: number, maskSize: number) {
  const ep = p.fds.get(epfd);
  if (ep === undefined) return -Errno.EBADF;
  if (!(ep instanceof Epoll) || max <= 0 || max > EP_MAX_EVENTS) return -Errno.EINVAL;
  const deliver = (r: EpollEvent[] | number) => {
    if (typeof r === "number") return r;
    const buf = new Uint8Array(r.length * EPOLL_EVENT_SIZE);
    const v = new DataView(buf.buffer);
    r.forEach((e, i) => {
      v.setUint32(i * EPOLL_EVENT_SIZE, e.events >>> 0, true);
      v.setBigUint64(i * EPOLL_EVENT_SIZE + 8, e.data, true);
    });
    p.space.write(addr, buf);
    return r.length;
  };
  return withSigmask(p, t, maskAddr, maskSize, () => mapResult(ep.wait(max, timeoutMs), deliver));
}

define(22, "epoll_pwait", "dxddxu", (p, t, a) => {
  const ms = a.int(3);
  return epollWait(p, t, a.int(0), a.u64(1), a.int(2), ms < 0 ? undefined : ms, a.u64(4), a.u64(5));
});

define(441, "epoll_pwait2", "dxdxxu", (p, t, a) => {
  const deadline = timeoutArg(p, a.u64(3));
  if (typeof deadline === "number") return deadline;
  return epollWait(p, t, a.int(0), a.u64(1), a.int(2), deadline.ms, a.u64(4), a.u64(5));
});
