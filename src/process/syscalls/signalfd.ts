/** signalfd4 (riscv64 has no plain signalfd): create a signalfd, or change the mask of one. */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { OFlag } from "../fd-table.js";
import { SignalFd } from "../signalfd.js";
import { UNBLOCKABLE } from "../signals.js";

/** The kernel's sigset_t: 64 bits. */
const SIGSET_SIZE = 8;

define(74, "signalfd4", "dxux", (p, _t, a) => {
  const fd = a.int(0), flags = a.int(3);
  if (a.u64(2) !== SIGSET_SIZE) return -Errno.EINVAL;
  if (flags & ~(OFlag.CLOEXEC | OFlag.NONBLOCK)) return -Errno.EINVAL;
  const mask = p.space.readBig(a.u64(1)) & ~UNBLOCKABLE;
  if (fd === -1) return p.fds.add(new SignalFd(p, mask, flags), (flags & OFlag.CLOEXEC) !== 0);
  const f = p.fds.get(fd);
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof SignalFd)) return -Errno.EINVAL;
  f.setMask(mask);
  return fd;
});
