/**
 * Waiting for child processes: wait4 and waitid. A child that has ended stays
 * a zombie (Process.finish) until one of these reaps it; a waiting thread
 * blocks until a child ends, and a signal interrupts the wait with EINTR.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { OFlag, blockOn } from "../fd-table.js";
import { interruptible } from "./io.js";
import { Sig, SiCode } from "../signals.js";
import { Siginfo } from "../signal-frame.js";
import { PidFd } from "./pidfd.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** wait4/waitid option bits. */
const enum W {
  NOHANG = 1, UNTRACED = 2, EXITED = 4, CONTINUED = 8, NOWAIT = 0x01000000,
}

/** waitid's idtype. */
const enum P {
  ALL = 0, PID = 1, PGID = 2, PIDFD = 3,
}

/** sizeof(struct rusage) on riscv64. */
const RUSAGE_SIZE = 144;

/**
 * Waits for an ended child that `match` selects and hands it to `report`
 * (which reaps it unless told not to); -ECHILD when no child matches, 0 with
 * WNOHANG while none has ended.
 */
function waitChild(p: Process, t: Thread, match: (c: Process) => boolean, options: number,
  report: (c: Process) => number): number | Promise<number> {
  return interruptible(t, blockOn((cb) => p.childEvents.add(cb), () => {
    const kids = p.children.filter(match);
    if (kids.length === 0) return -Errno.ECHILD;
    const done = kids.find((c) => c.finished);
    if (done !== undefined) return report(done);
    return (options & W.NOHANG) !== 0 ? 0 : undefined;
  }, { interrupted: () => -Errno.EINTR }));
}

/** Removes the zombie `c` from `p`'s children and from the process table. */
function reap(p: Process, c: Process): void {
  p.children.splice(p.children.indexOf(c), 1);
  p.kernel.remove(c);
}

define(260, "wait4", "dxdx", (p, t, a) => {
  const pid = a.int(0), statusAddr = a.u64(1), options = a.int(2), rusage = a.u64(3);
  if ((options & ~(W.NOHANG | W.UNTRACED | W.CONTINUED | 0xe0000000)) !== 0) return -Errno.EINVAL;
  const match = (c: Process) => pid > 0 ? c.pid === pid : pid === 0 ? c.pgid === p.pgid : pid < -1 ? c.pgid === -pid : true;
  return waitChild(p, t, match, options, (c) => {
    if (statusAddr !== 0) p.space.writeU32(statusAddr, c.waitStatus);
    if (rusage !== 0) p.space.write(rusage, new Uint8Array(RUSAGE_SIZE));
    reap(p, c);
    return c.pid;
  });
});

define(95, "waitid", "ddxdx", (p, t, a) => {
  const idtype = a.int(0), id = a.int(1), infop = a.u64(2), rusage = a.u64(4);
  let options = a.int(3), eagain = false;
  if ((options & W.EXITED) === 0 || (options & ~(W.NOHANG | W.EXITED | W.UNTRACED | W.CONTINUED | W.NOWAIT | 0xe0000000)) !== 0) {
    return -Errno.EINVAL;
  }
  let match: (c: Process) => boolean;
  if (idtype === P.ALL) match = () => true;
  else if (idtype === P.PID) match = (c) => c.pid === id;
  else if (idtype === P.PGID) match = (c) => c.pgid === (id === 0 ? p.pgid : id);
  else if (idtype === P.PIDFD) {
    if (id < 0) return -Errno.EINVAL;
    const f = p.fds.get(id);
    if (!(f instanceof PidFd)) return -Errno.EBADF;
    match = (c) => c === f.target;
    // A PIDFD_NONBLOCK descriptor: no ended child is EAGAIN rather than a wait.
    if ((f.flags & OFlag.NONBLOCK) !== 0 && (options & W.NOHANG) === 0) { options |= W.NOHANG; eagain = true; }
  } else return -Errno.EINVAL;
  let reported = false;
  const r = waitChild(p, t, match, options, (c) => {
    reported = true;
    if (infop !== 0) {
      const info = new Uint8Array(Siginfo.Size);
      const v = new DataView(info.buffer);
      v.setInt32(Siginfo.Signo, Sig.CHLD, true);
      v.setInt32(Siginfo.Code, c.killedBy !== 0 ? SiCode.CLD_KILLED : SiCode.CLD_EXITED, true);
      v.setInt32(Siginfo.Pid, c.pid, true);
      v.setUint32(Siginfo.Uid, process.getuid?.() ?? 0, true);
      v.setInt32(Siginfo.Value, c.killedBy !== 0 ? c.killedBy : c.exitStatus, true); // si_status
      p.space.write(infop, info);
    }
    if (rusage !== 0) p.space.write(rusage, new Uint8Array(RUSAGE_SIZE));
    if ((options & W.NOWAIT) === 0) reap(p, c);
    return 0;
  });
  if (r === 0 && !reported && eagain) return -Errno.EAGAIN;
  // WNOHANG with no ended child: waitid returns 0 with si_pid zeroed.
  if (r === 0 && !reported && infop !== 0) {
    p.space.write(infop, new Uint8Array(Siginfo.Size));
  }
  return r;
});
