/**
 * File locks: flock(2), and fcntl's record-lock commands (POSIX
 * F_GETLK/F_SETLK/F_SETLKW and OFD F_OFD_*), over file-locks.ts. A call
 * that must wait returns a Promise: only the calling guest thread blocks.
 */
import * as fs from "node:fs";
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { blockOn, OFlag, type OpenFile } from "../fd-table.js";
import {
  LockType, dropFlock, fileKey, findConflict, lockReleased, setFlock, setRecordLock, setWaiting, wouldDeadlock,
  type RecordLock,
} from "../file-locks.js";
import type { Process } from "../process.js";

/** flock(2) operations. */
const enum LockOp { SH = 1, EX = 2, NB = 4, UN = 8 }

define(32, "flock", "dx", (p, _t, a) => {
  const f = p.fds.get(a.int(0));
  if (f === undefined || (f.flags & OFlag.PATH) === OFlag.PATH) return -Errno.EBADF;
  const op = a.int(1), kind = op & ~LockOp.NB;
  if (kind === LockOp.UN) { dropFlock(f); return 0; }
  if (kind !== LockOp.SH && kind !== LockOp.EX) return -Errno.EINVAL;
  const exclusive = kind === LockOp.EX;
  if ((op & LockOp.NB) !== 0) return setFlock(f, exclusive) ? 0 : -Errno.EAGAIN;
  // A process that ended while waiting must not take the lock (nothing would ever drop it).
  return blockOn((cb) => lockReleased.add(cb), () => (p.exited ? -Errno.EINTR : setFlock(f, exclusive) ? 0 : undefined), { interrupted: () => -Errno.EINTR });
});

/** fcntl commands handled here. */
export const enum LockCmd { GETLK = 5, SETLK = 6, SETLKW = 7, OFD_GETLK = 36, OFD_SETLK = 37, OFD_SETLKW = 38 }

/** struct flock (generic 64-bit layout): type, whence, start, len, pid. */
const enum Flock { Type = 0, Whence = 2, Start = 8, Len = 16, Pid = 24, Size = 32 }

/** The byte range [start, end) a struct flock names, or a negative errno. */
function lockRange(f: OpenFile, whence: number, start: number, len: number): [number, number] | number {
  let base: number;
  if (whence === 0) base = 0;
  else if (whence === 1) base = (f as { pos?: number }).pos ?? 0;
  else if (whence === 2) {
    try { base = f.hostFd !== undefined ? fs.fstatSync(f.hostFd).size : ((f as { size?: number }).size ?? 0); } catch { base = 0; }
  } else return -Errno.EINVAL;
  let from = base + start, to: number;
  if (len > 0) to = from + len;
  else if (len === 0) to = Infinity;
  else { to = from; from += len; }
  if (from < 0) return -Errno.EINVAL;
  return [from, to];
}

/** fcntl(fd, F_GETLK/F_SETLK/F_SETLKW/F_OFD_*, struct flock *). */
export function fcntlLock(p: Process, f: OpenFile, cmd: LockCmd, ptr: number): number | Promise<number> {
  const b = p.space.read(ptr, Flock.Size), v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = v.getInt16(Flock.Type, true), whence = v.getInt16(Flock.Whence, true);
  const ofd = cmd === LockCmd.OFD_GETLK || cmd === LockCmd.OFD_SETLK || cmd === LockCmd.OFD_SETLKW;
  if (ofd && v.getInt32(Flock.Pid, true) !== 0) return -Errno.EINVAL;
  if (type !== LockType.RDLCK && type !== LockType.WRLCK && type !== LockType.UNLCK) return -Errno.EINVAL;
  const range = lockRange(f, whence, Number(v.getBigInt64(Flock.Start, true)), Number(v.getBigInt64(Flock.Len, true)));
  if (typeof range === "number") return range;
  const [start, end] = range;
  const owner = ofd ? f : p.fds, pid = ofd ? -1 : p.pid, key = fileKey(f);

  if (cmd === LockCmd.GETLK || cmd === LockCmd.OFD_GETLK) {
    if (type === LockType.UNLCK) return -Errno.EINVAL;
    const c = findConflict(key, owner, type, start, end);
    if (c === undefined) v.setInt16(Flock.Type, LockType.UNLCK, true);
    else {
      v.setInt16(Flock.Type, c.type, true);
      v.setInt16(Flock.Whence, 0, true);
      v.setBigInt64(Flock.Start, BigInt(c.start), true);
      v.setBigInt64(Flock.Len, c.end === Infinity ? 0n : BigInt(c.end - c.start), true);
      v.setInt32(Flock.Pid, c.pid, true);
    }
    p.space.write(ptr, b);
    return 0;
  }

  const mode = f.flags & OFlag.ACCMODE;
  if ((type === LockType.RDLCK && mode === OFlag.WRONLY) || (type === LockType.WRLCK && mode === OFlag.RDONLY)) return -Errno.EBADF;
  const attempt = (): RecordLock | undefined => setRecordLock(key, owner, pid, type, start, end);
  const first = attempt();
  if (first === undefined) return 0;
  if (cmd === LockCmd.SETLK || cmd === LockCmd.OFD_SETLK) return -Errno.EAGAIN;
  // F_SETLKW: wait, unless the holder (through its own wait) waits for us.
  const retry = (blocker: RecordLock): number | undefined => {
    if (!ofd && wouldDeadlock(owner, blocker.owner)) { setWaiting(owner, undefined); return -Errno.EDEADLK; }
    setWaiting(owner, blocker.owner);
    return undefined;
  };
  const r0 = retry(first);
  if (r0 !== undefined) return r0;
  return blockOn((cb) => lockReleased.add(cb), () => {
    if (p.exited) { setWaiting(owner, undefined); return -Errno.EINTR; }
    const c = attempt();
    if (c === undefined) { setWaiting(owner, undefined); return 0; }
    return retry(c);
  }, { interrupted: () => { setWaiting(owner, undefined); return -Errno.EINTR; } });
}
