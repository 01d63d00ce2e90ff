/** inotify_init1, inotify_add_watch and inotify_rm_watch (the instances and events are in ../inotify.ts). */
import * as fs from "node:fs";
import { define } from "./table.js";
import { Errno, hostErrno } from "./errno.js";
import { resolvePath, PathError } from "./paths.js";
import { OFlag } from "../fd-table.js";
import { In, Inotify } from "../inotify.js";

define(26, "inotify_init1", "x", (p, _t, a) => {
  const flags = a.int(0);
  if (flags & ~(OFlag.NONBLOCK | OFlag.CLOEXEC)) return -Errno.EINVAL;
  return p.fds.add(new Inotify(flags), (flags & OFlag.CLOEXEC) !== 0);
});

define(27, "inotify_add_watch", "dsx", (p, _t, a) => {
  const mask = a.u32(2);
  // In Linux's order: no event asked for, or MASK_ADD with MASK_CREATE, is EINVAL; then a bad descriptor, then one that is no inotify.
  if ((mask & In.ALL_EVENTS) === 0 || ((mask & In.MASK_ADD) && (mask & In.MASK_CREATE))) return -Errno.EINVAL;
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof Inotify)) return -Errno.EINVAL;
  let st: fs.BigIntStats;
  try {
    const host = resolvePath(p, -100, p.space.readCString(a.u64(1)));
    st = mask & In.DONT_FOLLOW ? fs.lstatSync(host, { bigint: true }) : fs.statSync(host, { bigint: true });
  } catch (e) {
    return e instanceof PathError ? e.errno : hostErrno(e);
  }
  if ((mask & In.ONLYDIR) && !st.isDirectory()) return -Errno.ENOTDIR;
  return f.addWatch(st, mask & (In.ALL_EVENTS | In.EXCL_UNLINK | In.ONESHOT | In.MASK_ADD | In.MASK_CREATE));
});

define(28, "inotify_rm_watch", "dd", (p, _t, a) => {
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof Inotify)) return -Errno.EINVAL;
  return f.rmWatch(a.int(1));
});
