/**
 * Process descriptors: pidfd_open, pidfd_send_signal and pidfd_getfd. A pidfd
 * refers to one guest process; poll/epoll report it readable once the process
 * has ended (and hung up once it has been reaped), and waitid(P_PIDFD) waits
 * for it (wait.ts). Host processes (not guests of this run) have no pidfd:
 * pidfd_open answers ESRCH for them.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { OFlag, PollEv, type IoResult, type OpenFile, type ReadyCallback } from "../fd-table.js";
import { SiCode, postSignal, type QueuedSignal } from "../signals.js";
import { Siginfo } from "../signal-frame.js";
import { maySignal, validSignal } from "./signal.js";
import type { Process } from "../process.js";
import { HostFile } from "../host-file.js";

/** pidfd_open flags (include/uapi/linux/pidfd.h). */
const enum PidfdFlag {
  /** O_NONBLOCK: waitid(P_PIDFD) answers EAGAIN instead of waiting. */
  NONBLOCK = 0x800,
  /** O_EXCL: a descriptor for one thread rather than the thread group. */
  THREAD = 0x80,
}

/** pidfd_send_signal flags: which of the process's scopes the signal goes to. */
const enum SendFlag {
  THREAD = 1, THREAD_GROUP = 2, PROCESS_GROUP = 4,
}

/** CAP_SYS_PTRACE, which lets pidfd_getfd take a descriptor of any process. */
const CAP_SYS_PTRACE = 19n;

/** A descriptor for guest process `target`. */
export class PidFd implements OpenFile {
  readonly kind = "pidfd";
  flags: number;

  constructor(readonly target: Process, flags: number) {
    this.flags = OFlag.RDWR | (flags & (PidfdFlag.NONBLOCK | PidfdFlag.THREAD));
  }

  /** Whether the process has been reaped (left the process table). */
  get reaped(): boolean {
    return !this.target.kernel.processes.includes(this.target);
  }

  read(): IoResult {
    return -Errno.EINVAL;
  }

  write(): IoResult {
    return -Errno.EINVAL;
  }

  poll(events: number): number {
    if (this.reaped) return (events | PollEv.HUP) & (PollEv.IN | PollEv.RDNORM | PollEv.HUP);
    return this.target.finished ? events & (PollEv.IN | PollEv.RDNORM) : 0;
  }

  onReady(cb: ReadyCallback): () => void {
    return this.target.exitEvents.add(cb);
  }

  release(): void {}
}

define(434, "pidfd_open", "dx", (p, _t, a) => {
  const pid = a.int(0), flags = a.u32(1);
  if ((flags & ~(PidfdFlag.NONBLOCK | PidfdFlag.THREAD)) !== 0 || pid <= 0) return -Errno.EINVAL;
  const q = p.kernel.find(pid);
  if (q === undefined) {
    // A thread that is not its group's leader: a pid, but not of a process.
    const thread = p.kernel.processes.some((x) => x.threads.some((y) => y.tid === pid));
    return thread ? -Errno.EINVAL : -Errno.ESRCH;
  }
  return p.fds.add(new PidFd(q, flags), true);
});

/**
 * The process descriptor at `fd`: a pidfd, or (as Linux also takes for
 * pidfd_send_signal) a directory descriptor of /proc/PID for a guest process.
 */
function pidFdAt(p: Process, fd: number): PidFd | undefined {
  const f = p.fds.get(fd);
  if (f instanceof PidFd) return f;
  const m = f instanceof HostFile && f.kind === "dir" ? /^\/proc\/(\d+)\/?$/.exec(f.path ?? "") : null;
  const q = m ? p.kernel.find(Number(m[1])) : undefined;
  return q === undefined ? undefined : new PidFd(q, 0);
}

define(424, "pidfd_send_signal", "ddxx", (p, _t, a) => {
  const fd = a.int(0), sig = a.int(1), infoAddr = a.u64(2), flags = a.u32(3);
  const scope = flags & (SendFlag.THREAD | SendFlag.THREAD_GROUP | SendFlag.PROCESS_GROUP);
  if (flags !== scope || (scope & (scope - 1)) !== 0) return -Errno.EINVAL;
  const f = pidFdAt(p, fd);
  if (f === undefined) return -Errno.EBADF;
  const q = f.target;
  const toThread = scope === SendFlag.THREAD || (scope === 0 && (f.flags & PidfdFlag.THREAD) !== 0);
  let info: QueuedSignal;
  if (infoAddr !== 0) {
    const raw = p.space.read(infoAddr, Siginfo.Size);
    const v = new DataView(raw.buffer);
    const code = v.getInt32(Siginfo.Code, true);
    if (v.getInt32(Siginfo.Signo, true) !== sig) return -Errno.EINVAL;
    // Only to itself may a process send a siginfo that claims to come from the kernel or kill().
    if ((q !== p || toThread) && (code >= 0 || code === SiCode.SI_TKILL)) return -Errno.EPERM;
    info = { signo: sig, code, addr: 0, pid: v.getInt32(Siginfo.Pid, true), uid: v.getUint32(Siginfo.Uid, true), info: raw };
  } else {
    info = { signo: sig, code: toThread ? SiCode.SI_TKILL : SiCode.SI_USER, addr: 0, pid: p.pid, uid: p.creds.ruid };
  }
  if (f.reaped) return -Errno.ESRCH;
  if (!validSignal(sig)) return -Errno.EINVAL;
  const targets = scope === SendFlag.PROCESS_GROUP ? p.kernel.processes.filter((x) => x.pgid === q.pgid) : [q];
  const allowed = targets.filter((x) => maySignal(p, x, sig));
  if (allowed.length === 0) return -Errno.EPERM;
  if (sig === 0) return 0;
  for (const x of allowed) {
    if (x.finished) continue; // a zombie takes no signals
    postSignal(x, toThread ? x.threads.find((t) => t.tid === x.pid) : undefined, info);
  }
  return 0;
});

/**
 * Whether `p` may take descriptors of `q` (ptrace_may_access with
 * PTRACE_MODE_ATTACH_REALCREDS): the same process, CAP_SYS_PTRACE, or the
 * caller's real uid and gid equal to all three of the target's.
 */
function mayAttach(p: Process, q: Process): boolean {
  const c = p.creds, d = q.creds;
  if (p === q || ((c.capEff >> CAP_SYS_PTRACE) & 1n) !== 0n) return true;
  return [d.ruid, d.euid, d.suid].every((u) => u === c.ruid) && [d.rgid, d.egid, d.sgid].every((g) => g === c.rgid);
}

define(438, "pidfd_getfd", "ddx", (p, _t, a) => {
  const fd = a.int(0), targetFd = a.int(1), flags = a.u32(2);
  if (flags !== 0) return -Errno.EINVAL;
  const f = p.fds.get(fd);
  if (!(f instanceof PidFd)) return -Errno.EBADF;
  if (f.reaped) return -Errno.ESRCH;
  if (!mayAttach(p, f.target)) return -Errno.EPERM;
  const file = f.target.finished ? undefined : f.target.fds.get(targetFd);
  if (file === undefined) return -Errno.EBADF;
  return p.fds.add(file, true);
});
