/**
 * inotify(7): watches on files and directories, and the queue of events that
 * a read of the inotify descriptor returns as struct inotify_event records.
 *
 * The events are the guest's own: the system calls that change files report
 * them here (notifyPath, notifyFile), so they are queued before the call
 * returns, in Linux's order, as fsnotify does. Watches are kept by inode
 * (host device and inode number), so a file is watched whatever path reaches
 * it. Changes made by host processes are not seen.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, WaitQueue, blockOn, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";

/** Event and flag bits of linux/inotify.h. */
export const enum In {
  ACCESS = 0x1, MODIFY = 0x2, ATTRIB = 0x4, CLOSE_WRITE = 0x8, CLOSE_NOWRITE = 0x10, OPEN = 0x20,
  MOVED_FROM = 0x40, MOVED_TO = 0x80, CREATE = 0x100, DELETE = 0x200, DELETE_SELF = 0x400, MOVE_SELF = 0x800,
  /** Every event a watch can ask for. */
  ALL_EVENTS = 0xfff,
  Q_OVERFLOW = 0x4000, IGNORED = 0x8000,
  ONLYDIR = 0x0100_0000, DONT_FOLLOW = 0x0200_0000, EXCL_UNLINK = 0x0400_0000,
  MASK_CREATE = 0x1000_0000, MASK_ADD = 0x2000_0000, ISDIR = 0x4000_0000, ONESHOT = 0x8000_0000,
}

/** Events that concern a directory's entries: reported to the directory's watches only, with the entry's name. */
const ENTRY_EVENTS = In.CREATE | In.DELETE | In.MOVED_FROM | In.MOVED_TO;
/** sizeof(struct inotify_event): wd, mask, cookie, len. */
const EVENT_SIZE = 16;
/** Linux's default /proc/sys/fs/inotify/max_queued_events. */
const MAX_QUEUED = 16384;

interface Watch {
  owner: Inotify;
  wd: number;
  mask: number;
  key: string;
}

/** Watches by inode key ("dev:ino"). */
const watches = new Map<string, Watch[]>();
let nextCookie = 1;

/** The inode key of `st`. */
function keyOf(st: fs.BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/** An inotify instance (the open file behind the descriptor of inotify_init1). */
export class Inotify implements OpenFile {
  readonly kind = "inotify";
  flags: number;
  private readonly queue: Uint8Array[] = [];
  /** The last queued event's fields, to merge an identical event that follows it, as Linux does. */
  private last: { wd: number; mask: number; cookie: number; name: string } | undefined;
  private readonly byWd = new Map<number, Watch>();
  private nextWd = 1;
  private readonly wq = new WaitQueue();

  constructor(flags: number) {
    this.flags = OFlag.RDONLY | (flags & OFlag.NONBLOCK);
  }

  /** inotify_add_watch on the inode of `st`: the watch descriptor, or a negative errno. */
  addWatch(st: fs.BigIntStats, mask: number): number {
    const key = keyOf(st);
    const list = watches.get(key) ?? [];
    const existing = list.find((w) => w.owner === this);
    if (existing !== undefined) {
      if (mask & In.MASK_CREATE) return -Errno.EEXIST;
      existing.mask = mask & In.MASK_ADD ? existing.mask | mask : mask;
      return existing.wd;
    }
    const w: Watch = { owner: this, wd: this.nextWd++, mask, key };
    list.push(w);
    watches.set(key, list);
    this.byWd.set(w.wd, w);
    return w.wd;
  }

  /** inotify_rm_watch: removes watch `wd` and queues IN_IGNORED for it; 0 or -EINVAL. */
  rmWatch(wd: number): number {
    const w = this.byWd.get(wd);
    if (w === undefined) return -Errno.EINVAL;
    this.drop(w);
    return 0;
  }

  /** Forgets `w` and tells the reader (IN_IGNORED). */
  drop(w: Watch): void {
    this.byWd.delete(w.wd);
    const rest = (watches.get(w.key) ?? []).filter((x) => x !== w);
    if (rest.length > 0) watches.set(w.key, rest);
    else watches.delete(w.key);
    this.push(w.wd, In.IGNORED, 0, "");
  }

  /** Queues one event (merged with the previous one when identical; IN_Q_OVERFLOW when full). */
  push(wd: number, mask: number, cookie: number, name: string): void {
    const l = this.last;
    if (l !== undefined && this.queue.length > 0 && l.wd === wd && l.mask === mask && l.cookie === cookie && l.name === name) return;
    if (this.queue.length >= MAX_QUEUED) {
      if (this.last?.mask !== In.Q_OVERFLOW) this.enqueue(-1, In.Q_OVERFLOW, 0, "");
      return;
    }
    this.enqueue(wd, mask, cookie, name);
  }

  private enqueue(wd: number, mask: number, cookie: number, name: string): void {
    const bytes = Buffer.from(name, "utf8");
    // The name is NUL-terminated and padded to a multiple of the record header's size.
    const len = name === "" ? 0 : Math.ceil((bytes.length + 1) / EVENT_SIZE) * EVENT_SIZE;
    const rec = new Uint8Array(EVENT_SIZE + len);
    const v = new DataView(rec.buffer);
    v.setInt32(0, wd, true);
    v.setUint32(4, mask >>> 0, true);
    v.setUint32(8, cookie, true);
    v.setUint32(12, len, true);
    rec.set(bytes, EVENT_SIZE);
    this.queue.push(rec);
    this.last = { wd, mask, cookie, name };
    this.wq.wake(PollEv.IN);
  }

  read(buf: Uint8Array): IoResult {
    const attempt = (): number | undefined => {
      if (this.queue.length === 0) return (this.flags & OFlag.NONBLOCK) !== 0 ? -Errno.EAGAIN : undefined;
      let n = 0;
      while (this.queue.length > 0 && n + this.queue[0]!.length <= buf.length) {
        const rec = this.queue.shift()!;
        buf.set(rec, n);
        n += rec.length;
      }
      return n === 0 ? -Errno.EINVAL : n; // the first event does not fit
    };
    return blockOn((cb) => this.wq.add(cb), attempt, { interrupted: () => -Errno.EINTR });
  }

  write(): IoResult {
    return -Errno.EINVAL;
  }

  poll(events: number): number {
    return (this.queue.length > 0 ? PollEv.IN | PollEv.RDNORM : 0) & (events | PollEv.ERR | PollEv.HUP);
  }

  onReady(cb: ReadyCallback): () => void {
    return this.wq.add(cb);
  }

  /** FIONREAD: the bytes of every queued event. */
  readable(): number {
    return this.queue.reduce((n, r) => n + r.length, 0);
  }

  /** The last close removes every watch (no IN_IGNORED reaches anyone: the queue goes too). */
  release(): void {
    for (const w of [...this.byWd.values()]) this.drop(w);
    this.queue.length = 0;
  }
}

/** Delivers `mask` to the watches of inode `key`, with `name` (an entry of the watched directory) or "" (the inode itself). */
function deliver(key: string | undefined, mask: number, cookie: number, name: string, isDir: boolean): void {
  const list = key === undefined ? undefined : watches.get(key);
  if (list === undefined) return;
  for (const w of [...list]) {
    if ((w.mask & mask) === 0) continue;
    w.owner.push(w.wd, (mask & w.mask) | (isDir ? In.ISDIR : 0), cookie, name);
    if (w.mask & In.ONESHOT) w.owner.drop(w);
  }
}

/** Whether any watch exists (the hooks cost nothing otherwise). */
export function watching(): boolean {
  return watches.size > 0;
}

/** The inode key of host path `p` (not following a final symlink), or undefined when it is gone. */
export function inodeOf(p: string): { key: string; isDir: boolean; nlink: bigint } | undefined {
  try {
    const st = fs.lstatSync(p, { bigint: true });
    return { key: keyOf(st), isDir: st.isDirectory(), nlink: st.nlink };
  } catch {
    return undefined;
  }
}

/**
 * Reports `mask` about the object at host path `p`: to the watches of its
 * directory with its name, and (unless an entry event) to its own watches.
 * `self` is the object's inode when known (it may be gone already).
 */
export function notifyPath(p: string, mask: number, self?: { key: string; isDir: boolean }, cookie = 0): void {
  if (watches.size === 0) return;
  const obj = self ?? inodeOf(p);
  const dir = inodeOf(path.dirname(path.resolve(p)));
  const isDir = obj?.isDir ?? false;
  deliver(dir?.key, mask, cookie, path.basename(p), isDir);
  if ((mask & ENTRY_EVENTS) === 0) deliver(obj?.key, mask, cookie, "", isDir);
}

/** Reports `mask` about an open file (by its host descriptor, and its path for the directory's watches). */
export function notifyFile(f: OpenFile, mask: number): void {
  if (watches.size === 0 || f.hostFd === undefined) return;
  let self: { key: string; isDir: boolean };
  try {
    const st = fs.fstatSync(f.hostFd, { bigint: true });
    self = { key: keyOf(st), isDir: st.isDirectory() };
  } catch {
    return;
  }
  if (f.path !== undefined) notifyPath(f.path, mask, self);
  else deliver(self.key, mask, 0, "", self.isDir);
}

/** A rename of host path `from` to `to` (inode `moved`): IN_MOVED_FROM and IN_MOVED_TO with one cookie, then IN_MOVE_SELF. */
export function notifyRename(from: string, to: string, moved: { key: string; isDir: boolean }): void {
  if (watches.size === 0) return;
  const cookie = nextCookie++ >>> 0;
  notifyPath(from, In.MOVED_FROM, moved, cookie);
  notifyPath(to, In.MOVED_TO, moved, cookie);
  deliver(moved.key, In.MOVE_SELF, 0, "", moved.isDir);
}

/** Reports `mask` to the watches of the object at host path `p` only (a link count change: IN_ATTRIB). */
export function notifyInode(p: string, mask: number): void {
  if (watches.size === 0) return;
  const obj = inodeOf(p);
  deliver(obj?.key, mask, 0, "", obj?.isDir ?? false);
}

/**
 * An unlink or rmdir of host path `p` (inode `gone`, as it was). In Linux's
 * order: a file's own watches see IN_ATTRIB (one link less); when that was
 * its last link (or it is a directory), they see IN_DELETE_SELF and end
 * (IN_IGNORED); then its directory's watches see IN_DELETE.
 */
export function notifyRemoved(p: string, gone: { key: string; isDir: boolean; nlink: bigint }): void {
  if (watches.size === 0) return;
  if (!gone.isDir) deliver(gone.key, In.ATTRIB, 0, "", false);
  if (gone.isDir || gone.nlink <= 1n) {
    deliver(gone.key, In.DELETE_SELF, 0, "", gone.isDir);
    for (const w of [...(watches.get(gone.key) ?? [])]) w.owner.drop(w);
  }
  notifyPath(p, In.DELETE, gone);
}
