/**
 * clone and clone3: threads (CLONE_VM | CLONE_THREAD, as pthread_create issues
 * it), and processes: fork (no CLONE_VM) and vfork / posix_spawn (CLONE_VM |
 * CLONE_VFORK: the child runs in the parent's memory and the parent waits
 * until the child calls execve or exits).
 */
import { define, type SyscallArgs } from "./table.js";
import { Errno } from "./errno.js";
import { Hart } from "../../cpu/riscv/hart.js";
import { Thread, ThreadState } from "../thread.js";
import { Process } from "../process.js";
import { MAX_PROCESSES } from "../kernel.js";
import { Cap } from "../creds.js";

/** clone(2) flags. */
const enum Clone {
  VM = 0x100, FS = 0x200, FILES = 0x400, SIGHAND = 0x800, PIDFD = 0x1000, VFORK = 0x4000, THREAD = 0x10000,
  SYSVSEM = 0x40000, SETTLS = 0x80000, PARENT_SETTID = 0x100000, CHILD_CLEARTID = 0x200000,
  CHILD_SETTID = 0x1000000, NEWUTS = 0x4000000,
  /** The namespaces other than UTS (mount, cgroup, IPC, user, PID, network, time). */
  OTHER_NEWNS = 0x20000 | 0x2000000 | 0x8000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80,
}

/** What a new thread needs, from clone's registers or clone3's struct clone_args. */
interface CloneRequest {
  flags: number;
  stack: number;
  parentTid: number;
  tls: bigint;
  childTid: number;
}

/** Dispatches a clone request to a new thread or a new process. */
function clone(p: Process, parent: Thread, req: CloneRequest): number | Promise<number> {
  if ((req.flags & Clone.THREAD) !== 0) return spawnThread(p, parent, req);
  if ((req.flags & (Clone.SIGHAND | Clone.FILES | Clone.FS)) !== 0 && (req.flags & Clone.VM) === 0) return -Errno.EINVAL;
  return forkProcess(p, parent, req);
}

/**
 * fork, vfork: a child process copying `parent`'s (or, with CLONE_VM, sharing
 * its memory), resuming after the syscall with a0 = 0. With CLONE_VFORK the
 * calling thread waits until the child execs or exits.
 */
function forkProcess(p: Process, parent: Thread, req: CloneRequest): number | Promise<number> {
  if (p.kernel.processes.length >= MAX_PROCESSES) return -Errno.EAGAIN;
  if ((req.flags & Clone.NEWUTS) !== 0 && !p.creds.capable(Cap.SYS_ADMIN)) return -Errno.EPERM;
  const child = new Process(p.options, { parent: p, thread: parent, shareSpace: (req.flags & Clone.VM) !== 0 });
  const t = child.threads[0];
  if (req.stack !== 0) t.hart.setX(2, BigInt(req.stack));
  if (req.flags & Clone.SETTLS) t.hart.setX(4, req.tls);
  if (req.flags & Clone.PARENT_SETTID) p.space.writeU32(req.parentTid, child.pid);
  if (req.flags & Clone.CHILD_SETTID) child.space.writeU32(req.childTid, child.pid);
  if (req.flags & Clone.CHILD_CLEARTID) t.clearChildTid = req.childTid;
  if (req.flags & Clone.NEWUTS) child.uts = { ...p.uts };
  if ((req.flags & Clone.VFORK) === 0) return child.pid;
  return new Promise<number>((resolve) => { child.vforkDone = () => resolve(child.pid); });
}

/** Creates a thread that shares everything with `parent`'s process and resumes after the syscall with a0 = 0. */
function spawnThread(p: Process, parent: Thread, req: CloneRequest): number {
  const need = Clone.VM | Clone.THREAD | Clone.SIGHAND;
  if ((req.flags & need) !== need) return -Errno.EINVAL;
  const ph = parent.hart;
  const h = new Hart(ph.mmu, ph.cache);
  h.xl.set(ph.xl); h.xh.set(ph.xh); h.fi.set(ph.fi);
  h.fflags = ph.fflags; h.frm = ph.frm;
  h.pcLo = ph.pcLo; h.pcHi = ph.pcHi;
  h.xl[10] = 0; h.xh[10] = 0;
  if (req.stack !== 0) h.setX(2, BigInt(req.stack));
  if (req.flags & Clone.SETTLS) h.setX(4, req.tls);
  const t = new Thread(p.allocTid(), h);
  t.sigmask = parent.sigmask;
  if (req.flags & Clone.PARENT_SETTID) p.space.writeU32(req.parentTid, t.tid);
  if (req.flags & Clone.CHILD_SETTID) p.space.writeU32(req.childTid, t.tid);
  if (req.flags & Clone.CHILD_CLEARTID) t.clearChildTid = req.childTid;
  p.threads.push(t);
  return t.tid;
}

// RISC-V uses the generic argument order: clone(flags, stack, parent_tid, tls, child_tid).
define(220, "clone", "xxxxx", (p, t, a: SyscallArgs) => clone(p, t, {
  flags: a.u32(0), stack: a.u64(1), parentTid: a.u64(2), tls: a.big(3), childTid: a.u64(4),
}));

define(435, "clone3", "xu", (p, t, a) => {
  const at = a.u64(0), size = a.u64(1);
  if (size < 64) return -Errno.EINVAL;
  const field = (i: number) => p.space.readBig(at + i * 8);
  const stack = Number(field(5)), stackSize = Number(field(6));
  return clone(p, t, {
    flags: Number(field(0) & 0xffffffffn), parentTid: Number(field(3)), childTid: Number(field(2)),
    stack: stack === 0 ? 0 : stack + stackSize, tls: field(7),
  });
});

/**
 * unshare: a UTS namespace of the caller's own (CAP_SYS_ADMIN), copying its
 * names. CLONE_FILES, CLONE_FS and CLONE_SYSVSEM change nothing for a process
 * with one thread, which is when they are accepted; the other namespaces are
 * EINVAL, as from a kernel built without them.
 */
define(97, "unshare", "x", (p, _t, a) => {
  const flags = a.u32(0);
  const known = Clone.NEWUTS | Clone.OTHER_NEWNS | Clone.FILES | Clone.FS | Clone.SYSVSEM | Clone.VM | Clone.SIGHAND | Clone.THREAD;
  if ((flags & ~known) !== 0 || (flags & Clone.OTHER_NEWNS) !== 0) return -Errno.EINVAL;
  const live = p.threads.filter((t) => t.state !== ThreadState.Exited).length;
  if ((flags & (Clone.VM | Clone.SIGHAND | Clone.THREAD | Clone.FILES | Clone.FS)) !== 0 && live > 1) return -Errno.EINVAL;
  if ((flags & Clone.NEWUTS) !== 0) {
    if (!p.creds.capable(Cap.SYS_ADMIN)) return -Errno.EPERM;
    p.uts = { ...p.uts };
  }
  return 0;
});
