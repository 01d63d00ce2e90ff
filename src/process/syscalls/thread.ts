/** Thread creation: clone (and clone3) with CLONE_VM | CLONE_THREAD, as pthread_create issues it. */
import { define, type SyscallArgs } from "./table.js";
import { Errno } from "./errno.js";
import { Hart } from "../../cpu/riscv/hart.js";
import { Thread } from "../thread.js";
import type { Process } from "../process.js";

/** clone(2) flags. */
const enum Clone {
  VM = 0x100, FS = 0x200, FILES = 0x400, SIGHAND = 0x800, PIDFD = 0x1000, VFORK = 0x4000, THREAD = 0x10000,
  SYSVSEM = 0x40000, SETTLS = 0x80000, PARENT_SETTID = 0x100000, CHILD_CLEARTID = 0x200000,
  CHILD_SETTID = 0x1000000,
}

/** What a new thread needs, from clone's registers or clone3's struct clone_args. */
interface CloneRequest {
  flags: number;
  stack: number;
  parentTid: number;
  tls: bigint;
  childTid: number;
}

/** Creates a thread that shares everything with `parent`'s process and resumes after the syscall with a0 = 0. */
function spawnThread(p: Process, parent: Thread, req: CloneRequest): number {
  const need = Clone.VM | Clone.THREAD | Clone.SIGHAND;
  if ((req.flags & need) !== need) return -Errno.ENOSYS; // fork-style clones are not supported yet
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
define(220, "clone", "xxxxx", (p, t, a: SyscallArgs) => spawnThread(p, t, {
  flags: a.u32(0), stack: a.u64(1), parentTid: a.u64(2), tls: a.big(3), childTid: a.u64(4),
}));

define(435, "clone3", "xu", (p, t, a) => {
  const at = a.u64(0), size = a.u64(1);
  if (size < 64) return -Errno.EINVAL;
  const field = (i: number) => p.space.readBig(at + i * 8);
  const stack = Number(field(5)), stackSize = Number(field(6));
  return spawnThread(p, t, {
    flags: Number(field(0) & 0xffffffffn), parentTid: Number(field(3)), childTid: Number(field(2)),
    stack: stack === 0 ? 0 : stack + stackSize, tls: field(7),
  });
});
