/**
 * openat2: openat with a struct open_how (flags, mode, resolve), checked as
 * Linux checks it (every unknown bit is EINVAL, not ignored), and the
 * resolve restrictions applied by walking the path one component at a time
 * on the host: RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_XDEV
 * (by st_dev), RESOLVE_BENEATH and RESOLVE_IN_ROOT (the directory as the
 * root: "..", absolute paths and absolute symlinks stay inside it). The
 * walk and the open are two host steps, so a concurrent rename between them
 * is not caught as Linux's single lookup would be. RESOLVE_CACHED always
 * answers EAGAIN ("not in the cache: retry without it"), which Linux allows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { define } from "./table.js";
import { Errno, hostErrno } from "./errno.js";
import { AT_FDCWD, PathError, resolvePath } from "./paths.js";
import { openHostPath } from "./fs.js";
import { openFifo } from "./fileops.js";
import { interruptible } from "./io.js";
import type { Process } from "../process.js";

/** sizeof(struct open_how) in its first version: flags, mode, resolve (u64 each). */
const OPEN_HOW_SIZE_VER0 = 24;
/** Larger structs are E2BIG outright (copy_struct_from_user's limit). */
const PAGE_SIZE = 4096;

/** open flags (asm-generic/fcntl.h) that openat2 looks at. */
const enum O {
  ACCMODE = 3, CREAT = 0x40, EXCL = 0x80, TRUNC = 0x200, DIRECTORY = 0x10000, NOFOLLOW = 0x20000,
  LARGEFILE = 0x8000, CLOEXEC = 0x80000, PATH = 0x200000, TMPFILE_BIT = 0x400000,
  /** VALID_OPEN_FLAGS: O_ACCMODE and bits 6..22 (O_CREAT through __O_TMPFILE). */
  VALID = 0x7fffc3,
  /** O_PATH_FLAGS: what O_PATH may come with. */
  PATH_FLAGS = DIRECTORY | NOFOLLOW | PATH | CLOEXEC,
}

/** RESOLVE_* (include/uapi/linux/openat2.h). */
const enum Resolve {
  NO_XDEV = 0x01, NO_MAGICLINKS = 0x02, NO_SYMLINKS = 0x04, BENEATH = 0x08, IN_ROOT = 0x10, CACHED = 0x20,
  VALID = 0x3f,
}

/** Symlinks followed in one lookup before ELOOP (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

/** /proc entries that are magic links: they jump to an object rather than name a path. */
const MAGIC_LINK = /^\/proc\/[^/]+(\/task\/[^/]+)?\/(fd\/[^/]+|exe|cwd|root|map_files\/[^/]+|ns\/[^/]+)$/;

/** build_open_flags's checks of an open_how, with the O_LARGEFILE openat2 adds; an errno or undefined. */
function checkHow(flags: bigint, mode: bigint, resolve: bigint): number | undefined {
  if ((flags & ~BigInt(O.VALID)) !== 0n) return -Errno.EINVAL;
  if ((resolve & ~BigInt(Resolve.VALID)) !== 0n) return -Errno.EINVAL;
  const f = Number(flags), r = Number(resolve);
  if ((r & Resolve.BENEATH) !== 0 && (r & Resolve.IN_ROOT) !== 0) return -Errno.EINVAL;
  if ((f & (O.CREAT | O.TMPFILE_BIT)) !== 0) {
    if ((mode & ~0o7777n) !== 0n) return -Errno.EINVAL;
  } else if (mode !== 0n) return -Errno.EINVAL;
  if ((f & O.DIRECTORY) !== 0 && (f & O.CREAT) !== 0) return -Errno.EINVAL;
  if ((f & O.TMPFILE_BIT) !== 0) {
    if ((f & (O.TMPFILE_BIT | O.DIRECTORY | O.CREAT)) !== (O.TMPFILE_BIT | O.DIRECTORY)) return -Errno.EINVAL;
    if ((f & O.ACCMODE) === 0) return -Errno.EINVAL; // must be opened for writing
  }
  if ((f & O.PATH) !== 0 && (f & ~O.PATH_FLAGS) !== 0) return -Errno.EINVAL;
  if ((r & Resolve.CACHED) !== 0) return -Errno.EAGAIN;
  return undefined;
}

/** The host device of `p`, or of its target when it is a symlink. */
function devOf(p: string): number {
  return fs.statSync(p).dev;
}

/**
 * Walks `guestPath` from the dirfd under the resolve restrictions; the host
 * path to open (its last component unresolved when it is not to be followed,
 * or the rest of the path when the walk reaches /proc, whose entries describe
 * the guest, not the host) or a negative errno.
 */
function walk(p: Process, dirfd: number, guestPath: string, resolve: number, followLast: boolean): string | number {
  if (guestPath === "") return -Errno.ENOENT;
  const scoped = (resolve & (Resolve.BENEATH | Resolve.IN_ROOT)) !== 0;
  const absolute = guestPath.startsWith("/");
  let start = "/";
  if (!absolute || scoped) {
    if (dirfd === AT_FDCWD) start = process.cwd();
    else {
      const f = p.fds.get(dirfd);
      if (f === undefined) return -Errno.EBADF;
      if (f.kind !== "dir" || f.path === undefined) return -Errno.ENOTDIR;
      start = path.resolve(f.path);
    }
  }
  if (absolute && (resolve & Resolve.BENEATH) !== 0) return -Errno.EXDEV;
  const root = scoped ? start : "/";
  const xdev = (resolve & Resolve.NO_XDEV) !== 0;
  // The components resolved so far below `root`, never containing a symlink or "..".
  let parts: string[] = scoped || absolute ? [] : start.split("/").filter((c) => c !== "");
  let dev = xdev ? devOf(absolute && !scoped ? root : start) : 0;
  const queue = guestPath.split("/").filter((c) => c !== "" && c !== ".");
  const trailing = guestPath.endsWith("/") ? "/" : "";
  const here = () => path.join(root, ...parts);
  let links = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (here().startsWith("/proc/") || (here() === "/proc")) {
      const rest = path.join(here(), c, ...queue);
      const symlinked = /^\/proc\/(self|thread-self)(\/|$)/.test(rest) || MAGIC_LINK.test(rest);
      if ((resolve & Resolve.NO_SYMLINKS) !== 0 && symlinked) return -Errno.ELOOP;
      if ((resolve & Resolve.NO_MAGICLINKS) !== 0 && MAGIC_LINK.test(rest)) return -Errno.ELOOP;
      if (scoped && MAGIC_LINK.test(rest)) return -Errno.EXDEV;
      return rest + trailing;
    }
    if (c === "..") {
      if (parts.length === 0) {
        if ((resolve & Resolve.BENEATH) !== 0) return -Errno.EXDEV;
        continue;
      }
      parts.pop();
      if (xdev) {
        const d = devOf(here());
        if (d !== dev) return -Errno.EXDEV;
      }
      continue;
    }
    const next = path.join(here(), c);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(next);
    } catch {
      return path.join(next, ...queue) + trailing; // the open reports what is missing or wrong
    }
    const last = queue.length === 0 && trailing === "";
    if (st.isSymbolicLink() && (!last || followLast)) {
      if ((resolve & Resolve.NO_SYMLINKS) !== 0) return -Errno.ELOOP;
      if (++links > MAX_SYMLINKS) return -Errno.ELOOP;
      const target = fs.readlinkSync(next);
      if (target.startsWith("/")) {
        if ((resolve & Resolve.BENEATH) !== 0) return -Errno.EXDEV;
        parts = [];
        if (xdev && devOf(root) !== dev) return -Errno.EXDEV;
      }
      queue.unshift(...target.split("/").filter((x) => x !== "" && x !== "."));
      continue;
    }
    if (xdev && st.dev !== dev) return -Errno.EXDEV;
    parts.push(c);
  }
  return here() + trailing;
}

/** openat's resolution of (dirfd, path): a host path or a negative errno. */
function plainPath(p: Process, dirfd: number, guestPath: string): string | number {
  if (guestPath === "") return -Errno.ENOENT;
  try {
    return resolvePath(p, dirfd, guestPath);
  } catch (e) {
    if (e instanceof PathError) return e.errno;
    throw e;
  }
}

define(437, "openat2", "dsxu", (p, t, a) => {
  const dirfd = a.int(0), pathAddr = a.u64(1), howAddr = a.u64(2), size = a.u64(3);
  if (size < OPEN_HOW_SIZE_VER0) return -Errno.EINVAL;
  if (size > PAGE_SIZE) return -Errno.E2BIG;
  const raw = p.space.read(howAddr, size);
  if (raw.subarray(OPEN_HOW_SIZE_VER0).some((b) => b !== 0)) return -Errno.E2BIG;
  const v = new DataView(raw.buffer, raw.byteOffset);
  let flags = v.getBigUint64(0, true);
  const mode = v.getBigUint64(8, true), resolve = v.getBigUint64(16, true);
  if ((flags & BigInt(O.PATH)) === 0n) flags |= BigInt(O.LARGEFILE);
  const bad = checkHow(flags, mode, resolve);
  if (bad !== undefined) return bad;
  const f = Number(flags), r = Number(resolve);
  const guestPath = p.space.readCString(pathAddr);
  const followLast = (f & O.NOFOLLOW) === 0 && (f & (O.CREAT | O.EXCL)) !== (O.CREAT | O.EXCL);
  try {
    // Without restrictions the path resolves as openat's does (sysroot overlay included).
    const host = r === 0 ? plainPath(p, dirfd, guestPath) : walk(p, dirfd, guestPath, r, followLast);
    if (typeof host === "number") return host;
    const fdLink = /^\/proc\/(self|thread-self|\d+)\/fd\/(\d+)$/.exec(host);
    if (fdLink !== null && ["self", "thread-self", String(p.pid)].includes(fdLink[1])) {
      // The magic link to one of the guest's descriptors (not the host process's): reopen its file.
      const file = p.fds.get(Number(fdLink[2]));
      if (file === undefined) return -Errno.ENOENT;
      if (file.path === undefined) return -Errno.ENXIO;
      return openHostPath(p, file.path, f, Number(mode));
    }
    const fifo = openFifo(p, host, f, Number(mode) & 0o7777 & ~p.umask);
    if (fifo !== undefined) return interruptible(t, fifo);
    return openHostPath(p, host, f, Number(mode));
  } catch (e) {
    return hostErrno(e);
  }
});
