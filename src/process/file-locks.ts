/**
 * Advisory file locks between the guest processes of one run, as Linux's
 * fs/locks.c keeps them per inode:
 *
 * - flock(2) locks belong to the open file description: shared by dup and
 *   fork, dropped when its last reference closes.
 * - POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK) lock byte ranges,
 *   belong to the process (its descriptor table, as Linux's fl_owner is the
 *   files_struct), and are dropped when that process closes any descriptor
 *   of the file, or exits.
 * - OFD locks (F_OFD_*) lock byte ranges like POSIX ones but belong to the
 *   open file description; the two kinds conflict with each other.
 *
 * Files are identified by host device and inode (so two opens of one path
 * meet), or by the open file itself when there is no host file. Locks are
 * only seen by guests of this run; they are not taken on the host.
 */
import * as fs from "node:fs";
import { WaitQueue, fileCloseHooks, type FdTable, type OpenFile } from "./fd-table.js";

/** fcntl lock types (asm-generic/fcntl.h). */
export const enum LockType { RDLCK = 0, WRLCK = 1, UNLCK = 2 }

/** Who holds a lock: a descriptor table (POSIX) or an open file description (OFD, flock). */
type Owner = FdTable | OpenFile;

/** One record lock over [start, end) (end = Infinity: to end of file and beyond). */
export interface RecordLock {
  owner: Owner;
  /** The pid F_GETLK reports: the owning process, or -1 for an OFD lock. */
  pid: number;
  type: LockType.RDLCK | LockType.WRLCK;
  start: number;
  end: number;
}

/** One flock lock. */
interface FlockLock {
  owner: OpenFile;
  exclusive: boolean;
}

/** Record locks and flock locks by file identity. */
const records = new Map<string | OpenFile, RecordLock[]>();
const flocks = new Map<string | OpenFile, FlockLock[]>();
/** Woken whenever a lock goes away: blocked F_SETLKW/flock calls retry. */
export const lockReleased = new WaitQueue();
/** Which owner each blocked POSIX F_SETLKW waits for (deadlock detection). */
const waitsFor = new Map<Owner, Owner>();

const keys = new WeakMap<OpenFile, string | OpenFile>();

/** The identity of the file behind `f`: "dev:ino" of its host file, else `f` itself. */
export function fileKey(f: OpenFile): string | OpenFile {
  let k = keys.get(f);
  if (k === undefined) {
    k = f;
    if (f.hostFd !== undefined) {
      try {
        const st = fs.fstatSync(f.hostFd, { bigint: true });
        k = `${st.dev}:${st.ino}`;
      } catch { /* keep the object */ }
    }
    keys.set(f, k);
  }
  return k;
}

function conflicts(a: RecordLock, type: LockType, start: number, end: number): boolean {
  return a.start < end && start < a.end && (a.type === LockType.WRLCK || type === LockType.WRLCK);
}

/** The first lock of another owner that a lock of `type` over [start, end) would conflict with. */
export function findConflict(key: string | OpenFile, owner: Owner, type: LockType, start: number, end: number): RecordLock | undefined {
  return records.get(key)?.find((l) => l.owner !== owner && conflicts(l, type, start, end));
}

/**
 * Sets (or, with UNLCK, clears) `owner`'s lock over [start, end) when no
 * other owner's lock conflicts; returns the conflicting lock otherwise.
 * Overlapping and adjacent locks of one owner and type merge, and a
 * different type replaces the overlapped part, as in posix_lock_inode.
 */
export function setRecordLock(key: string | OpenFile, owner: Owner, pid: number, type: LockType, start: number, end: number): RecordLock | undefined {
  if (type !== LockType.UNLCK) {
    const c = findConflict(key, owner, type, start, end);
    if (c !== undefined) return c;
  }
  const list = records.get(key) ?? [];
  const next: RecordLock[] = [];
  let removed = false;
  for (const l of list) {
    if (l.owner !== owner) { next.push(l); continue; }
    if (type !== LockType.UNLCK && l.type === type && l.start <= end && start <= l.end) {
      // Same type, overlapping or adjacent: absorb it into the new lock.
      start = Math.min(start, l.start); end = Math.max(end, l.end);
      continue;
    }
    if (l.end <= start || end <= l.start) { next.push(l); continue; }
    removed = true;
    if (l.start < start) next.push({ ...l, end: start });
    if (end < l.end) next.push({ ...l, start: end });
  }
  if (type !== LockType.UNLCK) next.push({ owner, pid, type, start, end });
  next.sort((x, y) => x.start - y.start);
  if (next.length > 0) records.set(key, next); else records.delete(key);
  if (removed || type === LockType.RDLCK) lockReleased.wake(); // a write lock turned read lets readers in
  return undefined;
}

/** Drops every record lock of `owner` on the file `key` (or on every file, without a key). */
export function dropRecordLocks(owner: Owner, key?: string | OpenFile): void {
  let dropped = false;
  for (const [k, list] of records) {
    if (key !== undefined && k !== key) continue;
    const kept = list.filter((l) => l.owner !== owner);
    if (kept.length === list.length) continue;
    dropped = true;
    if (kept.length > 0) records.set(k, kept); else records.delete(k);
  }
  if (dropped) lockReleased.wake();
}

/**
 * Whether `owner` blocking on `blocker` would close a cycle of POSIX
 * waiters (posix_locks_deadlock): the blocker waits, directly or through
 * others, for `owner`.
 */
export function wouldDeadlock(owner: Owner, blocker: Owner): boolean {
  let o: Owner | undefined = blocker;
  for (let i = 0; o !== undefined && i < 10; i++) {
    if (o === owner) return true;
    o = waitsFor.get(o);
  }
  return false;
}

/** Records that `owner` waits for `blocker` (undefined: no longer waits). */
export function setWaiting(owner: Owner, blocker: Owner | undefined): void {
  if (blocker === undefined) waitsFor.delete(owner); else waitsFor.set(owner, blocker);
}

/**
 * Takes (or converts) a flock lock for the open file `f`; returns false
 * when another open file's lock conflicts. As in flock_lock_inode, a
 * conversion drops the old lock first, so it is not atomic.
 */
export function setFlock(f: OpenFile, exclusive: boolean): boolean {
  const key = fileKey(f);
  const list = flocks.get(key) ?? [];
  const mine = list.find((l) => l.owner === f);
  if (mine?.exclusive === exclusive) return true;
  if (mine !== undefined) dropFlock(f);
  const now = flocks.get(key) ?? [];
  if (now.some((l) => l.owner !== f && (l.exclusive || exclusive))) return false;
  now.push({ owner: f, exclusive });
  flocks.set(key, now);
  return true;
}

/** Drops the flock lock of the open file `f`, if any. */
export function dropFlock(f: OpenFile): void {
  const key = keys.get(f) ?? (f.hostFd === undefined ? f : undefined);
  for (const [k, list] of flocks) {
    if (key !== undefined && k !== key) continue;
    const kept = list.filter((l) => l.owner !== f);
    if (kept.length === list.length) continue;
    if (kept.length > 0) flocks.set(k, kept); else flocks.delete(k);
    lockReleased.wake();
  }
}

// A process closing any descriptor of a file drops its POSIX locks on that file;
// the last close of an open file drops its flock and OFD locks.
fileCloseHooks.closed.push((table, file) => {
  if (records.size > 0) dropRecordLocks(table, fileKey(file));
});
fileCloseHooks.released.push((file) => {
  if (flocks.size > 0) dropFlock(file);
  if (records.size > 0) dropRecordLocks(file, fileKey(file));
});
