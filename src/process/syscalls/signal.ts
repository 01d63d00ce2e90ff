/**
 * Signal system calls: dispositions and masks (rt_sigaction, rt_sigprocmask,
 * rt_sigpending), waiting (rt_sigsuspend, rt_sigtimedwait), sending (kill,
 * tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo), the alternate stack
 * (sigaltstack), the return from a handler (rt_sigreturn) and the interval
 * timers that raise SIGALRM (setitimer, getitimer).
 */
import { define, NO_RETURN } from "./table.js";
import { Errno } from "./errno.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";
import { encodeSiginfo, Siginfo } from "../signal-frame.js";
import { afterNs, type HostTimer } from "../host-timer.js";
import {
  KNOWN_SA_FLAGS, NSIG, SIG_IGN, SiCode, Sig, UNBLOCKABLE, dequeue, ensureTrampoline, flushSignal, hasDeliverable,
  isIgnored, pendingSet, postSignal, restoreMaskAfterDelivery, sasFlags, setAltStack, setRealBlocked, sigreturn,
  SsFlag, type QueuedSignal,
} from "../signals.js";

/** The kernel's sigset_t is 64 bits; every call that takes a sigsetsize wants exactly 8. */
const SIGSET_SIZE = 8;

/** rt_sigprocmask `how`. */
const enum How {
  BLOCK = 0,
  UNBLOCK = 1,
  SETMASK = 2,
}

/**
 * Whether `p` may signal `q` (check_kill_permission): itself, with CAP_KILL,
 * when its real or effective uid is the target's real or saved uid, or
 * SIGCONT (every guest process is in one session).
 */
export function maySignal(p: Process, q: Process, sig: number): boolean {
  const CAP_KILL = 5, SIGCONT = 18;
  const c = p.creds, d = q.creds;
  return q === p || sig === SIGCONT || ((c.capEff >> BigInt(CAP_KILL)) & 1n) !== 0n
    || [c.euid, c.ruid].some((u) => u === d.ruid || u === d.suid);
}

/** x2 (sp) of `t` as a number. */
function sp(t: Thread): number {
  return (t.hart.xh[2] >>> 0) * 4294967296 + (t.hart.xl[2] >>> 0);
}

define(134, "rt_sigaction", "dxxu", (p, _t, a) => {
  const sig = a.int(0), act = a.u64(1), oact = a.u64(2);
  if (a.u64(3) !== SIGSET_SIZE) return -Errno.EINVAL;
  if (sig < 1 || sig > NSIG || (act !== 0 && (sig === Sig.KILL || sig === Sig.STOP))) return -Errno.EINVAL;
  // struct sigaction on riscv (no sa_restorer): handler +0, flags +8, mask +16; 24 bytes.
  const next = act !== 0 ? p.space.read(act, 24) : undefined;
  const cur = p.signals.actions[sig];
  const old = { ...cur };
  if (next !== undefined) {
    const v = new DataView(next.buffer);
    cur.handler = Number(v.getBigUint64(0, true));
    cur.flags = Number(v.getBigUint64(8, true) & BigInt(KNOWN_SA_FLAGS));
    cur.mask = v.getBigUint64(16, true) & ~UNBLOCKABLE;
    if (isIgnored(p, sig)) flushSignal(p, sig);
    if (cur.handler > SIG_IGN) ensureTrampoline(p);
  }
  if (oact !== 0) {
    const out = new Uint8Array(24);
    const v = new DataView(out.buffer);
    v.setBigUint64(0, BigInt(old.handler), true);
    v.setBigUint64(8, BigInt(old.flags >>> 0), true);
    v.setBigUint64(16, old.mask, true);
    p.space.write(oact, out);
  }
  return 0;
});

define(135, "rt_sigprocmask", "dxxu", (p, t, a) => {
  const how = a.int(0), set = a.u64(1), oset = a.u64(2);
  if (a.u64(3) !== SIGSET_SIZE) return -Errno.EINVAL;
  const old = t.sigmask;
  if (set !== 0) {
    const m = p.space.readBig(set) & ~UNBLOCKABLE;
    switch (how) {
      case How.BLOCK: t.sigmask = old | m; break;
      case How.UNBLOCK: t.sigmask = old & ~m; break;
      case How.SETMASK: t.sigmask = m; break;
      default: return -Errno.EINVAL;
    }
  }
  if (oset !== 0) p.space.writeU64(oset, old);
  return 0;
});

define(136, "rt_sigpending", "xu", (p, t, a) => {
  const size = a.u64(1);
  if (size > SIGSET_SIZE) return -Errno.EINVAL;
  const set = pendingSet(p, t) & t.sigmask;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, set, true);
  p.space.write(a.u64(0), out.subarray(0, size));
  return 0;
});

define(133, "rt_sigsuspend", "xu", (p, t, a) => {
  if (a.u64(1) !== SIGSET_SIZE) return -Errno.EINVAL;
  const mask = p.space.readBig(a.u64(0)) & ~UNBLOCKABLE;
  restoreMaskAfterDelivery(p, t, t.sigmask);
  t.sigmask = mask;
  if (hasDeliverable(p, t)) return -Errno.EINTR;
  return new Promise<number>((resolve) => {
    t.interrupt = () => resolve(-Errno.EINTR);
  });
});

/** Nanoseconds of the timespec at `addr`, or undefined if it is malformed. */
function readTimespec(p: Process, addr: number): bigint | undefined {
  const sec = BigInt.asIntN(64, p.space.readBig(addr)), nsec = BigInt.asIntN(64, p.space.readBig(addr + 8));
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return undefined;
  return sec * 1_000_000_000n + nsec;
}

define(137, "rt_sigtimedwait", "xxxu", (p, t, a) => {
  if (a.u64(3) !== SIGSET_SIZE) return -Errno.EINVAL;
  const set = p.space.readBig(a.u64(0)) & ~UNBLOCKABLE;
  let timeout: bigint | undefined;
  if (a.u64(2) !== 0) {
    timeout = readTimespec(p, a.u64(2));
    if (timeout === undefined) return -Errno.EINVAL;
  }
  const infoAddr = a.u64(1);
  const take = (): number | undefined => {
    const s = dequeue(p, t, set);
    if (s === undefined) return undefined;
    if (infoAddr !== 0) p.space.write(infoAddr, encodeSiginfo(s));
    return s.signo;
  };
  const now = take();
  if (now !== undefined) return now;
  if (timeout === 0n) return -Errno.EAGAIN;
  // Wait with the awaited signals unblocked, so sending one wakes this thread.
  const real = t.sigmask;
  setRealBlocked(p, t, real);
  t.sigmask = real & ~set;
  return new Promise<number>((resolve) => {
    let timer: HostTimer | undefined;
    const finish = (timedOut: boolean) => {
      timer?.clear();
      t.interrupt = undefined;
      t.sigmask = real;
      setRealBlocked(p, t, undefined);
      try {
        resolve(take() ?? (timedOut ? -Errno.EAGAIN : -Errno.EINTR));
      } catch {
        resolve(-Errno.EFAULT);
      }
    };
    if (timeout !== undefined) timer = afterNs(timeout, () => finish(true));
    t.interrupt = () => finish(false);
  });
});

/** A signal number for kill-like calls: 0 (probe only) to NSIG. */
export function validSignal(sig: number): boolean {
  return sig >= 0 && sig <= NSIG;
}

/**
 * The guest processes kill(pid) reaches: pid > 0 that process, 0 the caller's
 * process group, -1 every other process, < -1 process group -pid; a zombie
 * counts as found (signals to it are dropped). Otherwise -ESRCH, or -EPERM
 * for a host process with that pid: host processes are never signalled.
 */
function targets(p: Process, pid: number): Process[] | number {
  const all = p.kernel.processes;
  const found = pid > 0 ? all.filter((q) => q.pid === pid)
    : pid === 0 ? all.filter((q) => q.pgid === p.pgid)
    : pid === -1 ? all.filter((q) => q !== p)
    : all.filter((q) => q.pgid === -pid);
  if (found.length > 0) return found;
  if (pid <= 0) return -Errno.ESRCH;
  try {
    process.kill(pid, 0);
    return -Errno.EPERM;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? -Errno.EPERM : -Errno.ESRCH;
  }
}

define(129, "kill", "dd", (p, _t, a) => {
  const sig = a.int(1);
  if (!validSignal(sig)) return -Errno.EINVAL;
  const to = targets(p, a.int(0));
  if (typeof to === "number") return to;
  const allowed = to.filter((q) => maySignal(p, q, sig));
  if (allowed.length === 0) return -Errno.EPERM;
  if (sig !== 0) for (const q of allowed) postSignal(q, undefined, { signo: sig, code: SiCode.SI_USER, addr: 0, pid: p.pid, uid: p.creds.ruid });
  return 0;
});

/** tkill/tgkill: sends `sig` from `p` to thread `tid` of process `q` (any process for tkill). */
function threadKill(p: Process, q: Process | undefined, tid: number, sig: number): number {
  if (tid <= 0 || !validSignal(sig)) return -Errno.EINVAL;
  const owner = q ?? p.kernel.processes.find((x) => x.threads.some((y) => y.tid === tid));
  const t = owner?.threads.find((x) => x.tid === tid);
  if (owner === undefined || t === undefined) return -Errno.ESRCH;
  if (!maySignal(p, owner, sig)) return -Errno.EPERM;
  if (sig !== 0) postSignal(owner, t, { signo: sig, code: SiCode.SI_TKILL, addr: 0, pid: p.pid, uid: p.creds.ruid });
  return 0;
}

define(130, "tkill", "dd", (p, _t, a) => threadKill(p, undefined, a.int(0), a.int(1)));

define(131, "tgkill", "ddd", (p, _t, a) => {
  if (a.int(0) <= 0) return -Errno.EINVAL;
  const q = p.kernel.find(a.int(0));
  if (q === undefined) return a.int(1) <= 0 ? -Errno.EINVAL : -Errno.ESRCH;
  return threadKill(p, q, a.int(1), a.int(2));
});

/** The siginfo_t a sigqueue caller supplied, with si_signo forced to `sig`. */
function userSiginfo(p: Process, addr: number, sig: number): QueuedSignal {
  const info = p.space.read(addr, Siginfo.Size);
  const v = new DataView(info.buffer);
  v.setInt32(Siginfo.Signo, sig, true);
  return { signo: sig, code: v.getInt32(Siginfo.Code, true), addr: 0, pid: v.getInt32(Siginfo.Pid, true), uid: v.getUint32(Siginfo.Uid, true), info };
}

define(138, "rt_sigqueueinfo", "ddx", (p, _t, a) => {
  const sig = a.int(1);
  if (!validSignal(sig)) return -Errno.EINVAL;
  const info = userSiginfo(p, a.u64(2), sig);
  const to = targets(p, a.int(0));
  if (typeof to === "number") return to;
  if (sig !== 0) for (const q of to) postSignal(q, undefined, info);
  return 0;
});

define(240, "rt_tgsigqueueinfo", "dddx", (p, _t, a) => {
  const tgid = a.int(0), tid = a.int(1), sig = a.int(2);
  if (tgid <= 0 || tid <= 0 || !validSignal(sig)) return -Errno.EINVAL;
  const info = userSiginfo(p, a.u64(3), sig);
  if (tgid !== p.pid) return -Errno.ESRCH;
  const t = p.threads.find((x) => x.tid === tid);
  if (t === undefined) return -Errno.ESRCH;
  if (sig !== 0) postSignal(p, t, info);
  return 0;
});

define(132, "sigaltstack", "xx", (p, t, a) => {
  const ss = a.u64(0), oss = a.u64(1);
  const here = sp(t);
  const old = t.altstack;
  const oldFlags = sasFlags(t, here) | (old.flags & SsFlag.AUTODISARM);
  if (ss !== 0) {
    // stack_t: ss_sp +0, ss_flags (int) +8, ss_size +16
    const v = new DataView(p.space.read(ss, 24).buffer);
    const r = setAltStack(t, {
      sp: Number(v.getBigUint64(0, true)), flags: v.getInt32(8, true), size: Number(v.getBigUint64(16, true)),
    }, here);
    if (r !== 0) return r;
  }
  if (oss !== 0) {
    const out = new Uint8Array(24);
    const v = new DataView(out.buffer);
    v.setBigUint64(0, BigInt(old.sp), true);
    v.setInt32(8, oldFlags, true);
    v.setBigUint64(16, BigInt(old.size), true);
    p.space.write(oss, out);
  }
  return 0;
});

define(139, "rt_sigreturn", "", (p, t) => {
  sigreturn(p, t);
  return NO_RETURN;
});

// ---------------------------------------------------------------------------
// Interval timers

/** setitimer `which`. */
const enum Itimer {
  REAL = 0,
  VIRTUAL = 1,
  PROF = 2,
}

/** One scheduler tick (TICK_NSEC) of Debian's kernels, which are built with HZ=250. */
const TICK_NS = 4_000_000n;

/** Reads a struct timeval as nanoseconds, or undefined if tv_usec is out of range. */
function readTimeval(v: DataView, at: number): bigint | undefined {
  const sec = v.getBigInt64(at, true), usec = v.getBigInt64(at + 8, true);
  if (sec < 0n || usec < 0n || usec >= 1_000_000n) return undefined;
  return sec * 1_000_000_000n + usec * 1000n;
}

function writeTimeval(v: DataView, at: number, ns: bigint): void {
  v.setBigInt64(at, ns / 1_000_000_000n, true);
  v.setBigInt64(at + 8, (ns % 1_000_000_000n) / 1000n, true);
}

/** struct itimerval {it_interval, it_value} for timer `which` as it stands now. */
function currentItimer(p: Process, which: number): Uint8Array {
  const tm = p.signals.itimers[which];
  const out = new Uint8Array(32);
  const v = new DataView(out.buffer);
  let left = 0n;
  if (tm.deadline !== 0n) {
    left = which === Itimer.REAL ? tm.deadline - process.hrtime.bigint() : tm.deadline;
    if (left <= 0n) left = 1000n; // still armed: Linux reports at least 1 µs
  }
  writeTimeval(v, 0, tm.interval);
  writeTimeval(v, 16, left);
  return out;
}

/** Arms ITIMER_REAL to raise SIGALRM after `ns`, then every `interval` if that is not zero. */
function armRealTimer(p: Process, ns: bigint, interval: bigint): void {
  const tm = p.signals.itimers[Itimer.REAL];
  tm.handle?.clear();
  tm.handle = undefined;
  tm.interval = interval;
  if (ns === 0n) { tm.deadline = 0n; return; }
  tm.deadline = process.hrtime.bigint() + ns;
  tm.handle = afterNs(ns, () => {
    tm.handle = undefined;
    if (p.exited) return;
    postSignal(p, undefined, { signo: Sig.ALRM, code: SiCode.SI_KERNEL, addr: 0, pid: 0, uid: 0 });
    if (tm.interval !== 0n) armRealTimer(p, tm.interval, tm.interval);
    else tm.deadline = 0n;
  });
}

define(102, "getitimer", "dx", (p, _t, a) => {
  const which = a.int(0);
  if (which < Itimer.REAL || which > Itimer.PROF) return -Errno.EINVAL;
  p.space.write(a.u64(1), currentItimer(p, which));
  return 0;
});

/**
 * setitimer: ITIMER_REAL raises SIGALRM on a host timer; ITIMER_VIRTUAL and
 * ITIMER_PROF count down the CPU time the process uses (the scheduler charges
 * it: chargeCpuTimers) and raise SIGVTALRM and SIGPROF.
 */
define(103, "setitimer", "dxx", (p, _t, a) => {
  const which = a.int(0);
  if (which < Itimer.REAL || which > Itimer.PROF) return -Errno.EINVAL;
  let interval = 0n, value = 0n;
  if (a.u64(1) !== 0) {
    const v = new DataView(p.space.read(a.u64(1), 32).buffer);
    const i = readTimeval(v, 0), n = readTimeval(v, 16);
    if (i === undefined || n === undefined) return -Errno.EINVAL;
    interval = i; value = n;
  }
  const old = currentItimer(p, which);
  if (which === Itimer.REAL) armRealTimer(p, value, interval);
  else {
    // Linux adds a tick to a CPU-time timer's first expiry, so it never fires early (set_cpu_itimer).
    const tm = p.signals.itimers[which];
    tm.deadline = value === 0n ? 0n : value + TICK_NS;
    tm.interval = interval;
  }
  if (a.u64(2) !== 0) p.space.write(a.u64(2), old);
  return 0;
});

