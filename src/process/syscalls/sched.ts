/**
 * Scheduling policy calls: sched_setscheduler/getscheduler, setparam/
 * getparam, setattr/getattr, the priority ranges, sched_rr_get_interval,
 * the nice value (setpriority/getpriority), CPU affinity and getcpu. Every guest thread runs on the one host thread, so a policy is
 * only remembered (per thread, as Linux keeps it per task) and reported
 * back; the checks and errors are Linux's. A new thread or child starts
 * with SCHED_OTHER.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { Cap } from "../creds.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** Scheduling policies (linux/sched.h). */
const enum Policy {
  OTHER = 0, FIFO = 1, RR = 2, BATCH = 3, IDLE = 5, DEADLINE = 6,
  /** sched_ext (Linux 6.12); runs as SCHED_OTHER while no BPF scheduler is loaded. */
  EXT = 7,
}
/** Or'ed into a policy: children go back to SCHED_OTHER. */
const SCHED_RESET_ON_FORK = 0x40000000;

/** sched_attr.sched_flags (linux/sched.h). */
const enum SchedFlag {
  RESET_ON_FORK = 0x01,
  KEEP_POLICY = 0x08,
  KEEP_PARAMS = 0x10,
  UTIL_CLAMP_MIN = 0x20,
  UTIL_CLAMP_MAX = 0x40,
}
/** Every flag a caller may pass (SCHED_FLAG_ALL). */
const SCHED_FLAG_ALL = 0x7f;

/** struct sched_attr sizes: the first version, and the one with the utilization clamps. */
const SCHED_ATTR_SIZE_VER0 = 48, SCHED_ATTR_SIZE_VER1 = 56;
/** The largest struct a caller may pass (PAGE_SIZE). */
const PAGE_SIZE = 4096;
/** Real-time priorities run 1..MAX_RT_PRIO-1. */
const MAX_RT_PRIO = 100;
/** The utilization clamp scale (SCHED_CAPABILITY_SCALE). */
const UCLAMP_MAX = 1024;
/** SCHED_RR's time slice: RR_TIMESLICE, 100 ms. */
const RR_TIMESLICE_NS = 100_000_000;
/** CAP_SYS_NICE: may choose real-time policies and lower nice values. */
const CAP_SYS_NICE = 23 as Cap;

/** One thread's scheduling attributes. */
interface Sched {
  policy: number;
  priority: number;
  nice: number;
  resetOnFork: boolean;
  runtime: bigint; deadline: bigint; period: bigint;
  utilMin: number; utilMax: number;
}

const state = new WeakMap<Thread, Sched>();

function schedOf(t: Thread): Sched {
  let s = state.get(t);
  if (s === undefined) {
    s = { policy: Policy.OTHER, priority: 0, nice: 0, resetOnFork: false, runtime: 0n, deadline: 0n, period: 0n, utilMin: 0, utilMax: UCLAMP_MAX };
    state.set(t, s);
  }
  return s;
}

/**
 * The thread `pid` names (0: the caller), or -ESRCH. The first guest
 * process's parent is typevisor's own (getppid), outside the guest: it is
 * known, as SCHED_OTHER with nice 0 (OUTSIDE).
 */
function target(p: Process, t: Thread, pid: number): Thread | typeof OUTSIDE | number {
  if (pid === 0) return t;
  for (const q of p.kernel.processes) {
    const found = q.threads.find((th) => th.tid === pid);
    if (found !== undefined) return found;
  }
  return pid === process.ppid ? OUTSIDE : -Errno.ESRCH;
}

/** The scheduling attributes of a task outside the guest (typevisor's parent): read-only defaults. */
const OUTSIDE = "outside";

/** The attributes of `th`; a task outside the guest has the defaults, and changing them is EPERM. */
function schedOrDefault(th: Thread | typeof OUTSIDE): Sched {
  return th === OUTSIDE
    ? { policy: Policy.OTHER, priority: 0, nice: 0, resetOnFork: false, runtime: 0n, deadline: 0n, period: 0n, utilMin: 0, utilMax: UCLAMP_MAX }
    : schedOf(th);
}

const isRt = (policy: number) => policy === Policy.FIFO || policy === Policy.RR;
const validPolicy = (policy: number) => policy === Policy.OTHER || policy === Policy.BATCH || policy === Policy.IDLE || policy === Policy.EXT || isRt(policy) || policy === Policy.DEADLINE;

/** What sched_setattr or sched_setscheduler asks for; policy -1 keeps the thread's (SETPARAM_POLICY). */
interface Request {
  policy: number;
  flags: number;
  priority: number;
  nice: number;
  runtime: bigint; deadline: bigint; period: bigint;
  utilMin: number; utilMax: number;
}

/** Checks and applies `r` to `th` as __sched_setscheduler does; returns 0 or a negative errno. */
function setScheduler(p: Process, th: Thread, r: Request): number {
  const s = schedOf(th);
  const policy = r.policy < 0 ? s.policy : r.policy;
  if (!validPolicy(policy)) return -Errno.EINVAL;
  if ((r.flags & ~SCHED_FLAG_ALL) !== 0) return -Errno.EINVAL;
  if (r.priority > MAX_RT_PRIO - 1) return -Errno.EINVAL;
  if (policy === Policy.DEADLINE) {
    // __checkparam_dl: runtime at least 1 µs (2^10 ns), runtime <= deadline <= period (a zero period means the deadline).
    const period = r.period === 0n ? r.deadline : r.period;
    if (r.deadline === 0n || r.runtime < 1024n || r.runtime > r.deadline || r.deadline > period || (r.deadline >> 63n) !== 0n || (period >> 63n) !== 0n) return -Errno.EINVAL;
  } else if (isRt(policy) !== (r.priority !== 0)) {
    return -Errno.EINVAL;
  }
  if ((r.flags & (SchedFlag.UTIL_CLAMP_MIN | SchedFlag.UTIL_CLAMP_MAX)) !== 0) {
    const min = r.flags & SchedFlag.UTIL_CLAMP_MIN ? r.utilMin : s.utilMin;
    const max = r.flags & SchedFlag.UTIL_CLAMP_MAX ? r.utilMax : s.utilMax;
    if ((r.utilMin !== -1 && min > UCLAMP_MAX) || (r.utilMax !== -1 && max > UCLAMP_MAX) || min > max) return -Errno.EINVAL;
  }
  if (!p.creds.capable(CAP_SYS_NICE)) {
    // Without CAP_SYS_NICE (and an RLIMIT_RTPRIO of 0): no real-time or deadline policy, no lower nice value.
    if (isRt(policy) || policy === Policy.DEADLINE) return -Errno.EPERM;
    if (r.nice < s.nice && policy !== Policy.IDLE) return -Errno.EPERM;
    if (s.resetOnFork && (r.flags & SchedFlag.RESET_ON_FORK) === 0) return -Errno.EPERM;
  }
  s.resetOnFork = (r.flags & SchedFlag.RESET_ON_FORK) !== 0;
  if ((r.flags & SchedFlag.KEEP_PARAMS) !== 0 && r.policy < 0) return 0;
  s.policy = policy;
  s.priority = isRt(policy) ? r.priority : 0;
  if (!isRt(policy) && policy !== Policy.DEADLINE) s.nice = r.nice;
  if (policy === Policy.DEADLINE) {
    s.runtime = r.runtime; s.deadline = r.deadline; s.period = r.period === 0n ? r.deadline : r.period;
  }
  if (r.flags & SchedFlag.UTIL_CLAMP_MIN) s.utilMin = r.utilMin === -1 ? 0 : r.utilMin;
  if (r.flags & SchedFlag.UTIL_CLAMP_MAX) s.utilMax = r.utilMax === -1 ? UCLAMP_MAX : r.utilMax;
  return 0;
}

/** sched_setscheduler and sched_setparam (policy -1) with the struct sched_param at `paramAddr`. */
function setParam(p: Process, t: Thread, pid: number, policy: number, paramAddr: number): number {
  if (paramAddr === 0 || pid < 0) return -Errno.EINVAL;
  const priority = p.space.readU32(paramAddr);
  const th = target(p, t, pid);
  if (typeof th === "number") return th;
  if (th === OUTSIDE) return -Errno.EPERM;
  let flags = 0;
  if (policy >= 0 && (policy & SCHED_RESET_ON_FORK) !== 0) {
    flags |= SchedFlag.RESET_ON_FORK;
    policy &= ~SCHED_RESET_ON_FORK;
  }
  const s = schedOf(th);
  if (policy < 0 && s.resetOnFork) flags |= SchedFlag.RESET_ON_FORK;
  return setScheduler(p, th, { policy, flags, priority, nice: s.nice, runtime: 0n, deadline: 0n, period: 0n, utilMin: 0, utilMax: 0 });
}

define(119, "sched_setscheduler", "ddx", (p, t, a) => (a.int(1) < 0 ? -Errno.EINVAL : setParam(p, t, a.int(0), a.int(1), a.u64(2))));
define(118, "sched_setparam", "dx", (p, t, a) => setParam(p, t, a.int(0), -1, a.u64(1)));

define(120, "sched_getscheduler", "d", (p, t, a) => {
  if (a.int(0) < 0) return -Errno.EINVAL;
  const th = target(p, t, a.int(0));
  if (typeof th === "number") return th;
  const s = schedOrDefault(th);
  return s.policy | (s.resetOnFork ? SCHED_RESET_ON_FORK : 0);
});

define(121, "sched_getparam", "dx", (p, t, a) => {
  if (a.u64(1) === 0 || a.int(0) < 0) return -Errno.EINVAL;
  const th = target(p, t, a.int(0));
  if (typeof th === "number") return th;
  p.space.writeU32(a.u64(1), schedOrDefault(th).priority);
  return 0;
});

define(125, "sched_get_priority_max", "d", (_p, _t, a) => (isRt(a.int(0)) ? MAX_RT_PRIO - 1 : validPolicy(a.int(0)) ? 0 : -Errno.EINVAL));
define(126, "sched_get_priority_min", "d", (_p, _t, a) => (isRt(a.int(0)) ? 1 : validPolicy(a.int(0)) ? 0 : -Errno.EINVAL));

define(127, "sched_rr_get_interval", "dx", (p, t, a) => {
  if (a.int(0) < 0) return -Errno.EINVAL;
  const th = target(p, t, a.int(0));
  if (typeof th === "number") return th;
  // SCHED_RR threads get RR_TIMESLICE; FIFO threads none; the fair classes report 0 here too, as this host's Linux does.
  const ns = schedOrDefault(th).policy === Policy.RR ? RR_TIMESLICE_NS : 0;
  p.space.writeU64(a.u64(1), Math.floor(ns / 1e9));
  p.space.writeU64(a.u64(1) + 8, ns % 1e9);
  return 0;
});

define(274, "sched_setattr", "dxx", (p, t, a) => {
  const addr = a.u64(1), pid = a.int(0);
  if (addr === 0 || pid < 0 || a.u32(2) !== 0) return -Errno.EINVAL;
  let size = p.space.readU32(addr);
  if (size === 0) size = SCHED_ATTR_SIZE_VER0;
  const tooBig = () => { p.space.writeU32(addr, SCHED_ATTR_SIZE_VER1); return -Errno.E2BIG; };
  if (size > PAGE_SIZE || size < SCHED_ATTR_SIZE_VER0) return tooBig();
  const raw = p.space.read(addr, size);
  if (raw.subarray(Math.min(size, SCHED_ATTR_SIZE_VER1)).some((b) => b !== 0)) return tooBig();
  const bytes = new Uint8Array(SCHED_ATTR_SIZE_VER1);
  bytes.set(raw.subarray(0, Math.min(size, SCHED_ATTR_SIZE_VER1)));
  const v = new DataView(bytes.buffer);
  const flags64 = v.getBigUint64(8, true);
  const flags = flags64 > 0x7fffffffn ? -1 : Number(flags64); // -1: bits no flag has
  if ((flags & (SchedFlag.UTIL_CLAMP_MIN | SchedFlag.UTIL_CLAMP_MAX)) !== 0 && size < SCHED_ATTR_SIZE_VER1) return -Errno.EINVAL;
  let policy = v.getInt32(4, true);
  if (policy < 0) return -Errno.EINVAL;
  if ((flags & SchedFlag.KEEP_POLICY) !== 0) policy = -1;
  const th = target(p, t, pid);
  if (typeof th === "number") return th;
  if (th === OUTSIDE) return -Errno.EPERM;
  return setScheduler(p, th, {
    policy, flags,
    nice: Math.max(-20, Math.min(19, v.getInt32(16, true))),
    priority: v.getUint32(20, true),
    runtime: v.getBigUint64(24, true), deadline: v.getBigUint64(32, true), period: v.getBigUint64(40, true),
    utilMin: v.getInt32(48, true), utilMax: v.getInt32(52, true),
  });
});

define(275, "sched_getattr", "dxux", (p, t, a) => {
  const addr = a.u64(1), pid = a.int(0), usize = a.u32(2);
  if (addr === 0 || pid < 0 || usize > PAGE_SIZE || usize < SCHED_ATTR_SIZE_VER0 || a.u32(3) !== 0) return -Errno.EINVAL;
  const th = target(p, t, pid);
  if (typeof th === "number") return th;
  const s = schedOrDefault(th);
  const bytes = new Uint8Array(usize);
  const v = new DataView(bytes.buffer);
  const size = Math.min(usize, SCHED_ATTR_SIZE_VER1);
  v.setUint32(0, size, true);
  v.setUint32(4, s.policy, true);
  v.setBigUint64(8, s.resetOnFork ? BigInt(SchedFlag.RESET_ON_FORK) : 0n, true);
  if (s.policy === Policy.DEADLINE) {
    v.setBigUint64(24, s.runtime, true); v.setBigUint64(32, s.deadline, true); v.setBigUint64(40, s.period, true);
  } else if (isRt(s.policy)) {
    v.setUint32(20, s.priority, true);
  } else {
    v.setInt32(16, s.nice, true);
  }
  if (size >= SCHED_ATTR_SIZE_VER1) {
    v.setUint32(48, s.utilMin, true);
    v.setUint32(52, s.utilMax, true);
  }
  p.space.write(addr, bytes);
  return 0;
});

define(168, "getcpu", "xxx", (p, _t, a) => {
  // One hart (see sched_getaffinity): CPU 0 of node 0.
  if (a.u64(0) !== 0) p.space.writeU32(a.u64(0), 0);
  if (a.u64(1) !== 0) p.space.writeU32(a.u64(1), 0);
  return 0;
});

/** setpriority/getpriority's `which` (linux/resource.h). */
const enum Prio { PROCESS = 0, PGRP = 1, USER = 2 }

/**
 * The threads setpriority/getpriority act on: PRIO_PROCESS names a thread
 * (0: the caller), PRIO_PGRP a process group (0: the caller's), PRIO_USER
 * every guest task (they all run as one user here); -ESRCH when none.
 */
function prioTargets(p: Process, t: Thread, which: number, who: number): (Thread | typeof OUTSIDE)[] | number {
  if (who < 0) return -Errno.ESRCH;
  if (which === Prio.PROCESS) {
    const th = target(p, t, who);
    return typeof th === "number" ? th : [th];
  }
  if (which !== Prio.PGRP && which !== Prio.USER) return -Errno.EINVAL;
  const pgid = who === 0 ? p.pgid : who;
  const procs = p.kernel.processes.filter((q) => !q.exited && (which === Prio.USER || q.pgid === pgid));
  const threads = procs.flatMap((q) => q.threads);
  return threads.length === 0 ? -Errno.ESRCH : threads;
}

// The nice value is remembered per thread (as sched_setattr's), not enforced: every guest thread runs on one host thread.
define(140, "setpriority", "ddd", (p, t, a) => {
  const targets = prioTargets(p, t, a.int(0), a.int(1));
  if (typeof targets === "number") return targets;
  const nice = Math.max(-20, Math.min(19, a.int(2)));
  for (const th of targets) {
    if (th === OUTSIDE) return -Errno.EPERM;
    // Lowering the nice value needs CAP_SYS_NICE (can_nice), else EACCES.
    if (nice < schedOf(th).nice && !p.creds.capable(CAP_SYS_NICE)) return -Errno.EACCES;
  }
  for (const th of targets) if (th !== OUTSIDE) schedOf(th).nice = nice;
  return 0;
});

// The kernel returns 20 - nice (1..40), which the C library turns back into the nice value.
define(141, "getpriority", "dd", (p, t, a) => {
  const targets = prioTargets(p, t, a.int(0), a.int(1));
  if (typeof targets === "number") return targets;
  return Math.max(...targets.map((th) => 20 - schedOrDefault(th).nice));
});

/** Bytes of the CPU mask the kernel copies (enough for 64 CPUs; sched_getaffinity returns this size). */
const CPU_MASK_BYTES = 8;

// One hart: the affinity mask is CPU 0, and a mask without CPU 0 is EINVAL.
define(123, "sched_getaffinity", "dux", (p, t, a) => {
  const size = a.u64(1);
  if (size < CPU_MASK_BYTES || size % 8 !== 0) return -Errno.EINVAL;
  if (a.int(0) < 0) return -Errno.ESRCH;
  const th = target(p, t, a.int(0));
  if (typeof th === "number") return th;
  const mask = new Uint8Array(CPU_MASK_BYTES);
  mask[0] = 1;
  p.space.write(a.u64(2), mask);
  return CPU_MASK_BYTES;
});
define(122, "sched_setaffinity", "dux", (p, t, a) => {
  if (a.int(0) < 0) return -Errno.ESRCH;
  const th = target(p, t, a.int(0));
  if (typeof th === "number") return th;
  if (th === OUTSIDE) return -Errno.EPERM;
  const size = Math.min(a.u64(1), CPU_MASK_BYTES);
  const mask = size === 0 ? new Uint8Array(0) : p.space.read(a.u64(2), size);
  return size > 0 && (mask[0] & 1) !== 0 ? 0 : -Errno.EINVAL;
});
