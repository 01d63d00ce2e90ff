/** File-system calls: open/close/read/write and vectors, seeking, metadata, directories, links. */
import { ifreqIoctl } from "./ifreq.js";
import { getTermios, setTermios, TERMIOS_SIZE, windowSize } from "../tty-mode.js";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tty from "node:tty";
import { define, type SyscallArgs } from "./table.js";
import { Errno, hostErrno } from "./errno.js";
import { resolvePath, PathError } from "./paths.js";
import { encodeStat, encodeStatx } from "./stat.js";
import { HostFile } from "../host-file.js";
import { MemFile } from "../mem-file.js";
import { procFile } from "../procfs.js";
import { OFlag, mapResult, type IoResult, type OpenFile } from "../fd-table.js";
import { PipeEnd } from "../pipe.js";
import { interruptible, raiseSigpipe } from "./io.js";
import { openFifoAt } from "./fileops.js";
import type { Process } from "../process.js";
import { fcntlLock, LockCmd } from "./locks.js";
import { readIovecs, scatter } from "./iovec.js";
import { In, inodeOf, notifyFile, notifyInode, notifyPath, notifyRemoved, notifyRename, watching } from "../inotify.js";
import { hostUmask, keepGuestMode } from "./host-umask.js";
import { Ioctl, openTtyPath, ptsPathStat, ptyFstat, ttyIoctl } from "./tty.js";

const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

/** The host path for a (dirfd, guest path pointer) pair, or the negative errno of a bad dirfd. */
function hostPath(p: Process, dirfd: number, pathAddr: number): string | number {
  try {
    return resolvePath(p, dirfd, p.space.readCString(pathAddr));
  } catch (e) {
    if (e instanceof PathError) return e.errno;
    throw e;
  }
}

/** Runs `f` with the host path for (dirfd, path argument), turning path errors into errnos. */
function withPath(p: Process, a: SyscallArgs, dirArg: number, pathArg: number, f: (hostPath: string) => number): number {
  const host = hostPath(p, dirArg < 0 ? -100 : a.int(dirArg), a.u64(pathArg));
  if (typeof host === "number") return host;
  try {
    return f(host);
  } catch (e) {
    return hostErrno(e);
  }
}

/** Copies the result of an I/O call into guest memory once it is known. */
function finishRead(p: Process, addr: number, buf: Uint8Array, r: IoResult): IoResult {
  return mapResult(r, (n) => {
    if (n > 0) p.space.write(addr, buf.subarray(0, n));
    return n;
  });
}

function file(p: Process, fd: number): OpenFile | undefined {
  return p.fds.get(fd);
}

define(56, "openat", "dsxo", (p, t, a) => openFifoAt(p, t, a) ?? withPath(p, a, 0, 1, (host) => openHostPath(p, host, a.int(2), a.u32(3))));

/**
 * Opens host path `host` (not a FIFO) for the guest: a terminal device of
 * the VM's (syscalls/tty.ts), a generated /proc file or a host file; `mode`
 * is the guest's, before the umask. Throws host errors.
 */
export function openHostPath(p: Process, host: string, flags: number, guestMode: number): number {
  const device = openTtyPath(p, host, flags);
  if (device !== undefined) return device;
  const generated = procFile(p, host);
  if (generated !== undefined) return p.fds.add(new MemFile(generated, host), (flags & OFlag.CLOEXEC) !== 0);
  const mode = guestMode & 0o7777 & ~p.umask; // the kernel keeps only the permission bits
  const create = (flags & OFlag.CREAT) !== 0;
  const existed = create && (watching() || (mode & hostUmask()) !== 0) ? fs.existsSync(host) : true;
  const hostFd = fs.openSync(host, flags & ~OFlag.NONBLOCK, mode);
  if (!existed && (mode & hostUmask()) !== 0) fs.fchmodSync(hostFd, mode);
  const f = new HostFile(hostFd, flags, host);
  if (!existed) notifyPath(host, In.CREATE);
  else if ((flags & OFlag.TRUNC) !== 0 && f.kind === "file" && (flags & OFlag.ACCMODE) !== OFlag.RDONLY) notifyFile(f, In.MODIFY);
  notifyFile(f, In.OPEN);
  return p.fds.add(f, (flags & OFlag.CLOEXEC) !== 0);
}

define(57, "close", "d", (p, _t, a) => (p.fds.close(a.int(0)) ? 0 : -Errno.EBADF));

/** close_range flags (linux/close_range.h). */
const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

// The descriptor table is never shared between processes here, so UNSHARE has nothing to do.
define(436, "close_range", "uux", (p, _t, a) => {
  const first = a.u32(0), last = a.u32(1), flags = a.u32(2);
  if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) !== 0 || first > last) return -Errno.EINVAL;
  for (const fd of p.fds.list()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) p.fds.setCloexec(fd, true);
    else p.fds.close(fd);
  }
  return 0;
});

define(63, "read", "dxu", (p, t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if ((f.flags & OFlag.ACCMODE) === OFlag.WRONLY) return -Errno.EBADF;
  const buf = new Uint8Array(Math.min(a.u64(2), 1 << 24));
  return interruptible(t, finishRead(p, a.u64(1), buf, f.read(buf)));
});

define(64, "write", "dxu", (p, t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if ((f.flags & OFlag.ACCMODE) === OFlag.RDONLY && f.kind !== "stream") return -Errno.EBADF;
  return interruptible(t, raiseSigpipe(p, t, f.write(p.space.read(a.u64(1), Math.min(a.u64(2), 1 << 24)))));
});

define(67, "pread64", "dxui", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (f.kind !== "file") return -Errno.ESPIPE;
  const buf = new Uint8Array(Math.min(a.u64(2), 1 << 24));
  return finishRead(p, a.u64(1), buf, f.read(buf, a.i64(3)));
});

define(68, "pwrite64", "dxui", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (f.kind !== "file") return -Errno.ESPIPE;
  return f.write(p.space.read(a.u64(1), Math.min(a.u64(2), 1 << 24)), a.i64(3));
});

define(65, "readv", "dxd", (p, t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  const iov = readIovecs(p, a.u64(1), a.int(2));
  if (typeof iov === "number") return iov;
  const total = iov.reduce((n, [, len]) => n + len, 0);
  const buf = new Uint8Array(Math.min(total, 1 << 24));
  return interruptible(t, mapResult(f.read(buf), (n) => (n > 0 ? scatter(p, iov, buf, n) : n)));
});

define(66, "writev", "dxd", (p, t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  const iov = readIovecs(p, a.u64(1), a.int(2));
  if (typeof iov === "number") return iov;
  const parts = iov.map(([base, len]) => p.space.read(base, len));
  return interruptible(t, raiseSigpipe(p, t, f.write(Buffer.concat(parts))));
});

define(62, "lseek", "did", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof HostFile) && !(f instanceof MemFile)) return -Errno.ESPIPE;
  return f.seek(a.i64(1), a.int(2));
});

/** Inode numbers of files that live only in this process (both ends of a pipe share one). */
const anonInodes = new WeakMap<object, bigint>();
let nextAnonInode = 1000n;

/**
 * What fstat reports for a pipe, socket, eventfd or epoll instance, which
 * have no host file: the type bits (S_IFIFO, S_IFSOCK, none for anonymous
 * inodes), mode 0600, an inode number of their own and a 4 KiB block size.
 * Only the fields encodeStat/encodeStatx read are filled in.
 */
function anonStat(f: OpenFile): fs.BigIntStats | undefined {
  const type = f.kind === "pipe" ? 0o010000 : f.kind === "socket" ? 0o140000 : f.kind === "eventfd" || f.kind === "epoll" ? 0 : undefined;
  if (type === undefined) return undefined;
  const key = f instanceof PipeEnd ? f.pipe : f;
  let ino = anonInodes.get(key);
  if (ino === undefined) anonInodes.set(key, (ino = nextAnonInode++));
  const now = BigInt(Date.now()) * 1_000_000n;
  const uid = BigInt(process.getuid?.() ?? 0), gid = BigInt(process.getgid?.() ?? 0);
  const fields = {
    dev: 0xdn, ino, mode: BigInt(type | 0o600), nlink: 1n, uid, gid, rdev: 0n, size: 0n, blksize: 4096n, blocks: 0n,
    atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now,
  };
  return fields as unknown as fs.BigIntStats;
}

/** Host stat of a descriptor, for fstat and AT_EMPTY_PATH. */
function fstatOf(f: OpenFile): fs.BigIntStats | number {
  if (f.hostFd === undefined) return ptyFstat(f) ?? anonStat(f) ?? -Errno.EBADF;
  try {
    return fs.fstatSync(f.hostFd, { bigint: true });
  } catch (e) {
    return hostErrno(e);
  }
}

define(80, "fstat", "dx", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  const st = fstatOf(f);
  if (typeof st === "number") return st;
  p.space.write(a.u64(1), encodeStat(st));
  return 0;
});

/** Stat for the *at family: follows AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW. */
function statAt(p: Process, a: SyscallArgs, flagsArg: number): fs.BigIntStats | number {
  const flags = a.int(flagsArg);
  const path = p.space.readCString(a.u64(1));
  if (path === "" && (flags & AT_EMPTY_PATH)) {
    const f = file(p, a.int(0));
    return f === undefined ? -Errno.EBADF : fstatOf(f);
  }
  let st: fs.BigIntStats | number = -Errno.ENOENT;
  const r = withPath(p, a, 0, 1, (host) => {
    const pts = ptsPathStat(host);
    if (typeof pts === "number") return pts;
    st = pts ?? (flags & AT_SYMLINK_NOFOLLOW ? fs.lstatSync(host, { bigint: true }) : fs.statSync(host, { bigint: true }));
    return 0;
  });
  return r < 0 ? r : st;
}

define(79, "newfstatat", "dsxx", (p, _t, a) => {
  const st = statAt(p, a, 3);
  if (typeof st === "number") return st;
  p.space.write(a.u64(2), encodeStat(st));
  return 0;
});

define(291, "statx", "dsxxx", (p, _t, a) => {
  const st = statAt(p, a, 2);
  if (typeof st === "number") return st;
  p.space.write(a.u64(4), encodeStatx(st));
  return 0;
});

/** faccessat/faccessat2: mode is F_OK or a mix of R_OK, W_OK, X_OK. */
function access(p: Process, a: SyscallArgs): number {
  const mode = a.int(2);
  if (mode & ~7) return -Errno.EINVAL;
  return withPath(p, a, 0, 1, (host) => { fs.accessSync(host, mode); return 0; });
}
define(48, "faccessat", "dsd", (p, _t, a) => access(p, a));
define(439, "faccessat2", "dsdx", (p, _t, a) => access(p, a));

/** Anonymous inode names in /proc/self/fd, by OpenFile kind. */
const ANON_LINK: Record<string, string> = { eventfd: "[eventfd]", epoll: "[eventpoll]", timerfd: "[timerfd]", signalfd: "[signalfd]" };

/**
 * readlink of /proc/self/fd/N (or /proc/PID/fd/N): what the guest's
 * descriptor N refers to, as Linux names it (a path, "pipe:[INO]",
 * "socket:[INO]", "anon_inode:[eventfd]"...), or -ENOENT when N is not open;
 * undefined for any other path.
 */
function procFdLink(p: Process, guest: string): string | number | undefined {
  const m = /^\/proc\/(?:self|(\d+))\/fd\/(\d+)$/.exec(guest);
  if (m === null || (m[1] !== undefined && Number(m[1]) !== p.pid)) return undefined;
  const f = file(p, Number(m[2]));
  if (f === undefined) return -Errno.ENOENT;
  if (f.path !== undefined) return f.path.startsWith("/") ? f.path : path.resolve(f.path);
  if (f.hostFd !== undefined) return fs.readlinkSync(`/proc/self/fd/${f.hostFd}`); // inherited: the host's own description
  if (f.kind === "pipe" || f.kind === "socket") {
    const st = anonStat(f);
    return `${f.kind}:[${st?.ino ?? 0n}]`;
  }
  return `anon_inode:${ANON_LINK[f.kind] ?? `[${f.kind}]`}`;
}

define(78, "readlinkat", "dsxu", (p, _t, a) => withPath(p, a, 0, 1, (host) => {
  const guest = p.space.readCString(a.u64(1));
  if (a.int(3) <= 0) return -Errno.EINVAL;
  const fdLink = procFdLink(p, guest);
  if (typeof fdLink === "number") return fdLink;
  const target = fdLink ?? (guest === "/proc/self/exe" ? host : fs.readlinkSync(host));
  const bytes = Buffer.from(target, "utf8").subarray(0, a.u64(3));
  p.space.write(a.u64(2), bytes);
  return bytes.length;
}));

define(34, "mkdirat", "dso", (p, _t, a) => withPath(p, a, 0, 1, (host) => {
  const mode = a.u32(2) & 0o7777 & ~p.umask;
  fs.mkdirSync(host, mode);
  keepGuestMode(host, mode);
  notifyPath(host, In.CREATE);
  return 0;
}));

define(35, "unlinkat", "dsx", (p, _t, a) => withPath(p, a, 0, 1, (host) => {
  const gone = watching() ? inodeOf(host) : undefined;
  if (a.int(2) & AT_REMOVEDIR) fs.rmdirSync(host);
  else fs.unlinkSync(host);
  if (gone !== undefined) notifyRemoved(host, gone);
  return 0;
}));

/** Host paths of the two (dirfd, path) pairs of renameat/linkat. */
function twoPaths(p: Process, a: SyscallArgs, f: (from: string, to: string) => number): number {
  return withPath(p, a, 0, 1, (from) => {
    const to = hostPath(p, a.int(2), a.u64(3));
    return typeof to === "number" ? to : f(from, to);
  });
}

define(276, "renameat2", "dsdsx", (p, _t, a) => twoPaths(p, a, (from, to) => {
  const RENAME_NOREPLACE = 1;
  if (a.int(4) & RENAME_NOREPLACE && fs.existsSync(to)) return -Errno.EEXIST;
  if (a.int(4) & ~RENAME_NOREPLACE) return -Errno.EINVAL;
  const moved = watching() ? inodeOf(from) : undefined;
  fs.renameSync(from, to);
  if (moved !== undefined) notifyRename(from, to, moved);
  return 0;
}));
define(37, "linkat", "dsdsx", (p, _t, a) => twoPaths(p, a, (from, to) => {
  fs.linkSync(from, to);
  notifyInode(from, In.ATTRIB); // its link count changed
  notifyPath(to, In.CREATE);
  return 0;
}));
define(36, "symlinkat", "sds", (p, _t, a) => {
  const target = p.space.readCString(a.u64(0));
  const link = hostPath(p, a.int(1), a.u64(2));
  if (typeof link === "number") return link;
  try { fs.symlinkSync(target, link); } catch (e) { return hostErrno(e); }
  notifyPath(link, In.CREATE);
  return 0;
});

define(53, "fchmodat", "dso", (p, _t, a) => withPath(p, a, 0, 1, (host) => {
  fs.chmodSync(host, a.u32(2) & 0o7777);
  notifyPath(host, In.ATTRIB);
  return 0;
}));
define(52, "fchmod", "do", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f?.hostFd === undefined) return -Errno.EBADF;
  try { fs.fchmodSync(f.hostFd, a.u32(1) & 0o7777); } catch (e) { return hostErrno(e); }
  notifyFile(f, In.ATTRIB);
  return 0;
});
// Ownership changes go to the host, which allows them as it would to typevisor's own user (root may give a
// file away; others get EPERM); -1 leaves the owner or group as it is.
/** A uid_t/gid_t argument as Node takes it: 0..2^32-2, or -1 (the all-ones value: no change). */
const ownerId = (v: number): number => (v === 0xffffffff ? -1 : v);

define(54, "fchownat", "dsddx", (p, _t, a) => {
  const uid = ownerId(a.u32(2)), gid = ownerId(a.u32(3)), flags = a.int(4);
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -Errno.EINVAL;
  if ((flags & AT_EMPTY_PATH) !== 0 && p.space.readCString(a.u64(1)) === "") return fchown(p, a.int(0), uid, gid);
  return withPath(p, a, 0, 1, (host) => {
    if ((flags & AT_SYMLINK_NOFOLLOW) !== 0) fs.lchownSync(host, uid, gid);
    else fs.chownSync(host, uid, gid);
    notifyPath(host, In.ATTRIB);
    return 0;
  });
});
define(55, "fchown", "ddd", (p, _t, a) => fchown(p, a.int(0), ownerId(a.u32(1)), ownerId(a.u32(2))));

/** fchown of guest descriptor `fd`. */
function fchown(p: Process, fd: number, uid: number, gid: number): number {
  const f = file(p, fd);
  if (f === undefined) return -Errno.EBADF;
  if (f.hostFd === undefined) return -Errno.EPERM;
  try { fs.fchownSync(f.hostFd, uid, gid); } catch (e) { return hostErrno(e); }
  notifyFile(f, In.ATTRIB);
  return 0;
}

define(46, "ftruncate", "di", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f?.hostFd === undefined) return -Errno.EBADF;
  try { fs.ftruncateSync(f.hostFd, a.i64(1)); } catch (e) { return hostErrno(e); }
  notifyFile(f, In.MODIFY);
  return 0;
});
define(45, "truncate", "si", (p, _t, a) => withPath(p, a, -1, 0, (host) => {
  fs.truncateSync(host, a.i64(1));
  notifyPath(host, In.MODIFY);
  return 0;
}));

const syncFd = (p: Process, _t: unknown, a: SyscallArgs) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (f.hostFd !== undefined && f.kind === "file") {
    try { fs.fsyncSync(f.hostFd); } catch (e) { return hostErrno(e); }
  }
  return 0;
};
define(82, "fsync", "d", syncFd);
define(83, "fdatasync", "d", syncFd);
define(81, "sync", "", () => 0);
define(267, "syncfs", "d", (p, _t, a) => (file(p, a.int(0)) === undefined ? -Errno.EBADF : 0));

/** sync_file_range flags: WAIT_BEFORE, WRITE, WAIT_AFTER. */
const SYNC_FILE_RANGE_WRITE = 2, SYNC_FILE_RANGE_ALL = 7;

define(84, "sync_file_range", "diix", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  const offset = a.i64(1), nbytes = a.i64(2), flags = a.u32(3);
  if ((flags & ~SYNC_FILE_RANGE_ALL) !== 0 || offset < 0 || nbytes < 0 || offset + nbytes > 2 ** 63) return -Errno.EINVAL;
  // Regular files, directories and links only (block devices are not passed through).
  if (f.kind !== "file" && f.kind !== "dir") return -Errno.ESPIPE;
  if ((flags & SYNC_FILE_RANGE_WRITE) !== 0 && f.kind === "file" && f.hostFd !== undefined) {
    try { fs.fdatasyncSync(f.hostFd); } catch (e) { return hostErrno(e); }
  }
  return 0;
});

// utimensat and mknodat: fileops.ts.

define(17, "getcwd", "xu", (p, _t, a) => {
  const cwd = Buffer.from(process.cwd() + "\0", "utf8");
  if (cwd.length > a.u64(1)) return -Errno.ERANGE;
  p.space.write(a.u64(0), cwd);
  return cwd.length;
});

define(49, "chdir", "s", (p, _t, a) => withPath(p, a, -1, 0, (host) => { process.chdir(host); return 0; }));
define(50, "fchdir", "d", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (f.path === undefined || f.kind !== "dir") return -Errno.ENOTDIR;
  try { process.chdir(f.path); } catch (e) { return hostErrno(e); }
  return 0;
});

/** d_type values. */
function direntType(d: fs.Dirent): number {
  if (d.isFIFO()) return 1;
  if (d.isCharacterDevice()) return 2;
  if (d.isDirectory()) return 4;
  if (d.isBlockDevice()) return 6;
  if (d.isFile()) return 8;
  if (d.isSymbolicLink()) return 10;
  if (d.isSocket()) return 12;
  return 0;
}

define(61, "getdents64", "dxu", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof HostFile) || f.kind !== "dir" || f.path === undefined) return -Errno.ENOTDIR;
  if (f.dirents === undefined) {
    const ino = (name: string) => {
      try { return fs.lstatSync(`${f.path}/${name}`, { bigint: true }).ino; } catch { return 1n; }
    };
    f.dirents = [{ name: ".", type: 4, ino: ino(".") }, { name: "..", type: 4, ino: ino("..") }];
    // opendir/readSync keep the host file system's order (readdirSync sorts), as getdents64 on the host would.
    const dir = fs.opendirSync(f.path, { bufferSize: 256 });
    try {
      for (let d = dir.readSync(); d !== null; d = dir.readSync()) f.dirents.push({ name: d.name, type: direntType(d), ino: ino(d.name) });
    } finally {
      dir.closeSync();
    }
  }
  // A huge count only means "room for everything": the host buffer stays bounded.
  const cap = Math.min(a.u64(2), 1 << 20);
  const out = new Uint8Array(cap);
  const v = new DataView(out.buffer);
  let used = 0;
  while (f.dirents.length > 0) {
    const d = f.dirents[0];
    const name = Buffer.from(d.name, "utf8");
    const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
    if (used + reclen > cap) {
      if (used === 0) return -Errno.EINVAL;
      break;
    }
    v.setBigUint64(used, d.ino, true);
    v.setBigInt64(used + 8, BigInt(used + reclen), true);
    v.setUint16(used + 16, reclen, true);
    v.setUint8(used + 18, d.type);
    out.set(name, used + 19);
    used += reclen;
    f.dirents.shift();
  }
  p.space.write(a.u64(1), out.subarray(0, used));
  return used;
});

define(23, "dup", "d", (p, _t, a) => {
  const f = file(p, a.int(0));
  return f === undefined ? -Errno.EBADF : p.fds.add(f);
});

define(24, "dup3", "ddx", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (a.int(0) === a.int(1)) return -Errno.EINVAL;
  if (a.int(1) < 0 || a.int(1) >= p.fds.limit) return -Errno.EBADF;
  p.fds.place(a.int(1), f, (a.int(2) & OFlag.CLOEXEC) !== 0);
  return a.int(1);
});

define(25, "fcntl", "ddx", (p, _t, a) => {
  const fd = a.int(0), cmd = a.int(1), arg = a.int(2);
  const f = file(p, fd);
  if (f === undefined) return -Errno.EBADF;
  const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
  const F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032, F_SETPIPE_SZ = 1031, F_ADD_SEALS = 1033, F_GET_SEALS = 1034, F_NOTIFY = 1026;
  switch (cmd) {
    case F_DUPFD: return p.fds.add(f, false, arg);
    case F_DUPFD_CLOEXEC: return p.fds.add(f, true, arg);
    case F_GETFD: return p.fds.cloexec(fd) ? 1 : 0;
    case F_SETFD: p.fds.setCloexec(fd, (arg & 1) !== 0); return 0;
    case F_GETFL: return f.flags;
    case F_SETFL: {
      const O_DIRECT = 0o40000, O_NOATIME = 0o1000000;
      const changeable = OFlag.APPEND | OFlag.NONBLOCK | O_DIRECT | O_NOATIME;
      f.flags = (f.flags & ~changeable) | (arg & changeable);
      return 0;
    }
    case F_GETLK: case F_SETLK: case F_SETLKW: case LockCmd.OFD_GETLK: case LockCmd.OFD_SETLK: case LockCmd.OFD_SETLKW:
      return fcntlLock(p, f, cmd, a.u64(2));
    case F_GETPIPE_SZ: return f instanceof PipeEnd ? f.pipe.capacity : -Errno.EBADF;
    case F_SETPIPE_SZ: return f instanceof PipeEnd ? f.pipe.resize(arg, process.getuid?.() === 0) : -Errno.EBADF;
    case F_ADD_SEALS: case F_GET_SEALS: return -Errno.EINVAL;
    // dnotify: accepted on a directory, as by a kernel whose events never come (inotify is the one that reports).
    case F_NOTIFY: return f instanceof HostFile && f.kind === "dir" ? 0 : -Errno.ENOTDIR;
  }
  return -Errno.EINVAL;
});

define(29, "ioctl", "dxx", (p, _t, a) => {
  const fd = a.int(0), req = a.u32(1), arg = a.u64(2);
  const f = file(p, fd);
  if (f === undefined) return -Errno.EBADF;
  // A pseudo-terminal's requests, and a socket's about network interfaces.
  const answered = ttyIoctl(p, f, req, arg) ?? ifreqIoctl(p, f, req, arg);
  if (answered !== undefined) return answered;
  const isTty = f.hostFd !== undefined && tty.isatty(f.hostFd);
  switch (req) {
    case Ioctl.FIOCLEX: p.fds.setCloexec(fd, true); return 0;
    case Ioctl.FIONCLEX: p.fds.setCloexec(fd, false); return 0;
    case Ioctl.FIONBIO:
      f.flags = p.space.readU32(arg) ? f.flags | OFlag.NONBLOCK : f.flags & ~OFlag.NONBLOCK;
      return 0;
    case Ioctl.TCGETS:
      if (!isTty) return -Errno.ENOTTY;
      p.space.write(arg, getTermios(f.hostFd!));
      return 0;
    case Ioctl.TCSETS: case Ioctl.TCSETSW: case Ioctl.TCSETSF:
      if (!isTty) return -Errno.ENOTTY;
      setTermios(f.hostFd!, p.space.read(arg, TERMIOS_SIZE));
      return 0;
    case Ioctl.TIOCGWINSZ: {
      if (!isTty) return -Errno.ENOTTY;
      const w = new DataView(new ArrayBuffer(8));
      const { rows, cols } = windowSize(f.hostFd!);
      w.setUint16(0, rows, true);
      w.setUint16(2, cols, true);
      p.space.write(arg, new Uint8Array(w.buffer));
      return 0;
    }
    case Ioctl.TIOCGPGRP:
      if (!isTty) return -Errno.ENOTTY;
      p.space.writeU32(arg, p.pid);
      return 0;
    case Ioctl.TIOCSPGRP:
      return isTty ? 0 : -Errno.ENOTTY;
    case Ioctl.FIONREAD: {
      if (f.kind === "dir") return -Errno.EINVAL;
      if (f.kind === "eventfd" || f.kind === "epoll") return -Errno.ENOTTY;
      p.space.writeU32(arg, f.readable?.() ?? 0);
      return 0;
    }
  }
  return -Errno.ENOTTY;
});

define(43, "statfs", "sx", (p, _t, a) => withPath(p, a, -1, 0, (host) => writeStatfs(p, a.u64(1), fs.statfsSync(host, { bigint: true }))));
define(44, "fstatfs", "dx", (p, _t, a) => {
  const f = file(p, a.int(0));
  if (f?.path === undefined) return -Errno.EBADF;
  return writeStatfs(p, a.u64(1), fs.statfsSync(f.path, { bigint: true }));
});

function writeStatfs(p: Process, addr: number, s: fs.BigIntStatsFs): number {
  const b = new DataView(new ArrayBuffer(120));
  b.setBigInt64(0, s.type, true);
  b.setBigInt64(8, s.bsize, true);
  b.setBigUint64(16, s.blocks, true);
  b.setBigUint64(24, s.bfree, true);
  b.setBigUint64(32, s.bavail, true);
  b.setBigUint64(40, s.files, true);
  b.setBigUint64(48, s.ffree, true);
  b.setBigInt64(64, 255n, true); // f_namelen
  b.setBigInt64(72, s.bsize, true); // f_frsize
  p.space.write(addr, new Uint8Array(b.buffer));
  return 0;
}
