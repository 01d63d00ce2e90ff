/**
 * Less common file calls: memfd_create, fallocate, utimensat (to the
 * nanosecond) and mknodat (FIFOs and regular files).
 *
 * A memfd is an unlinked host file (O_TMPFILE in the host's temporary
 * directory), so read/write/lseek/ftruncate/fstat/mmap all work through the
 * ordinary HostFile paths; its guest-visible path is "/memfd:NAME (deleted)",
 * as Linux names it in /proc/self/maps and /proc/self/fd. Sealing is not
 * modelled (F_ADD_SEALS/F_GET_SEALS still answer EINVAL).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { define, type SyscallArgs } from "./table.js";
import { resolvePath, PathError } from "./paths.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";
import { interruptible } from "./io.js";
import { Errno, hostErrno } from "./errno.js";
import { keepGuestMode } from "./host-umask.js";
import { HostFile } from "../host-file.js";
import { afterWrite } from "../page-cache.js";
import { OFlag, type Blocking } from "../fd-table.js";
import { PipeEnd } from "../pipe.js";

/** memfd_create flags (linux/memfd.h). */
const enum Mfd {
  CLOEXEC = 0x1, ALLOW_SEALING = 0x2, HUGETLB = 0x4, NOEXEC_SEAL = 0x8, EXEC = 0x10,
}

/** The longest name: NAME_MAX less the "memfd:" prefix (MFD_NAME_MAX_LEN). */
const MFD_NAME_MAX_LEN = 255 - 6;

/** O_TMPFILE as the host's open(2) takes it (same value on every Linux architecture Node runs on). */
const HOST_O_TMPFILE = 0o20200000;

let memfdSerial = 0;

/** An unlinked host file to back a memfd: O_TMPFILE where the host has it, else create-and-unlink. */
function anonymousHostFile(): number {
  const dir = os.tmpdir();
  try {
    return fs.openSync(dir, HOST_O_TMPFILE | fs.constants.O_RDWR, 0o600);
  } catch {
    const name = path.join(dir, `typevisor-memfd-${process.pid}-${memfdSerial++}`);
    const fd = fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    fs.unlinkSync(name);
    return fd;
  }
}

define(279, "memfd_create", "sx", (p, _t, a) => {
  const flags = a.u32(1);
  if (flags & ~(Mfd.CLOEXEC | Mfd.ALLOW_SEALING | Mfd.HUGETLB | Mfd.NOEXEC_SEAL | Mfd.EXEC)) return -Errno.EINVAL;
  // HUGETLB carries a page-size field in bits 26..31; there are no huge pages here, as on a host without hugetlbfs.
  if (flags & Mfd.HUGETLB) return -Errno.EINVAL;
  if ((flags & Mfd.NOEXEC_SEAL) && (flags & Mfd.EXEC)) return -Errno.EINVAL;
  const name = Buffer.from(p.space.readCString(a.u64(0)), "utf8");
  if (name.length > MFD_NAME_MAX_LEN) return -Errno.EINVAL;
  let hostFd: number;
  try {
    hostFd = anonymousHostFile();
    fs.fchmodSync(hostFd, 0o777); // shmem files are created rwx for everyone, umask aside
  } catch (e) {
    return hostErrno(e);
  }
  const fd = p.fds.add(new HostFile(hostFd, OFlag.RDWR, `/memfd:${name.toString("utf8")} (deleted)`), (flags & Mfd.CLOEXEC) !== 0);
  return fd;
});

/** fallocate modes (linux/falloc.h). */
const enum Falloc {
  KEEP_SIZE = 0x01, PUNCH_HOLE = 0x02, NO_HIDE_STALE = 0x04, COLLAPSE_RANGE = 0x08, ZERO_RANGE = 0x10,
  INSERT_RANGE = 0x20, UNSHARE_RANGE = 0x40,
}

/**
 * The largest file size: Linux's limit is the file system's s_maxbytes (2^63-1
 * on tmpfs, 16 TiB on ext4); here it is where offsets stop being exact numbers.
 */
const MAX_FILE_SIZE = BigInt(Number.MAX_SAFE_INTEGER);

/** Writes zeros over [from, to) of a host file, a chunk at a time. */
function zeroRange(hostFd: number, from: number, to: number): void {
  const zeros = new Uint8Array(Math.min(to - from, 1 << 20));
  for (let at = from; at < to;) at += fs.writeSync(hostFd, zeros, 0, Math.min(zeros.length, to - at), at);
}

/**
 * fallocate, with the checks of vfs_fallocate in its order. Allocation itself
 * is not visible to a guest except through st_blocks, so mode 0 only extends
 * the size and KEEP_SIZE does nothing; PUNCH_HOLE and ZERO_RANGE write zeros
 * (the blocks stay allocated). COLLAPSE_RANGE, INSERT_RANGE and UNSHARE_RANGE
 * answer EOPNOTSUPP, as on a file system that lacks them (tmpfs).
 */
define(47, "fallocate", "ddii", (p, _t, a) => {
  const mode = a.int(1), offset = a.i64(2), len = a.i64(3);
  const f = p.fds.get(a.int(0));
  if (offset < 0 || len <= 0) return -Errno.EINVAL;
  const known = Falloc.KEEP_SIZE | Falloc.PUNCH_HOLE | Falloc.NO_HIDE_STALE | Falloc.COLLAPSE_RANGE | Falloc.ZERO_RANGE | Falloc.INSERT_RANGE | Falloc.UNSHARE_RANGE;
  if (mode & ~known) return -Errno.EOPNOTSUPP;
  const op = mode & ~Falloc.KEEP_SIZE;
  if (op !== 0 && op !== Falloc.PUNCH_HOLE && op !== Falloc.ZERO_RANGE && op !== Falloc.COLLAPSE_RANGE && op !== Falloc.INSERT_RANGE && op !== Falloc.UNSHARE_RANGE) return -Errno.EINVAL;
  if (op === Falloc.PUNCH_HOLE && !(mode & Falloc.KEEP_SIZE)) return -Errno.EOPNOTSUPP;
  if ((op === Falloc.COLLAPSE_RANGE || op === Falloc.INSERT_RANGE) && (mode & Falloc.KEEP_SIZE)) return -Errno.EINVAL;
  if (f === undefined || (f.flags & OFlag.ACCMODE) === OFlag.RDONLY) return -Errno.EBADF;
  // (Linux's EPERM for these on an append-only inode is chattr +a, not O_APPEND: no such inodes here.)
  if (f instanceof PipeEnd || f.kind === "pipe") return -Errno.ESPIPE;
  if (f.kind === "dir") return -Errno.EISDIR;
  if (f.kind !== "file" || f.hostFd === undefined) return -Errno.ENODEV;
  const end64 = BigInt.asIntN(64, a.big(2)) + BigInt.asIntN(64, a.big(3));
  if (end64 > MAX_FILE_SIZE || end64 < 0n) return -Errno.EFBIG;
  if (op === Falloc.COLLAPSE_RANGE || op === Falloc.INSERT_RANGE || op === Falloc.UNSHARE_RANGE) return -Errno.EOPNOTSUPP;
  try {
    const size = fs.fstatSync(f.hostFd).size;
    const end = offset + len;
    if (op !== 0) zeroRange(f.hostFd, offset, mode & Falloc.KEEP_SIZE ? Math.min(end, size) : end);
    if (!(mode & Falloc.KEEP_SIZE) && end > size) fs.ftruncateSync(f.hostFd, end);
  } catch (e) {
    return hostErrno(e);
  }
  if (op !== 0) afterWrite(f, offset, len); // mapped pages of the file see the zeros
  return 0;
});

// ---------------------------------------------------------------------------
// utimensat

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
const NS = 1_000_000_000n;

/** One requested time: nanoseconds since the epoch, or "keep" (UTIME_OMIT). */
type WantTime = bigint | "omit";

/** The host path for a (dirfd, guest path) pair, or a negative errno. */
function hostPathOf(p: Process, dirfd: number, guestPath: string): string | number {
  try {
    return resolvePath(p, dirfd, guestPath);
  } catch (e) {
    if (e instanceof PathError) return e.errno;
    throw e;
  }
}

/** `ns` as `touch -d` takes it: @SECONDS.NANOSECONDS. */
function touchDate(ns: bigint): string {
  let sec = ns / NS, frac = ns % NS;
  if (frac < 0n) { frac += NS; sec -= 1n; }
  return `@${sec}.${frac.toString().padStart(9, "0")}`;
}

/**
 * utimensat. Node's utimes goes through a double and libuv keeps only
 * microseconds, so the times are set with Node first (which also gives the
 * errors: EPERM, EACCES, ENOENT...), and when the file does not then show the
 * exact nanoseconds asked for, the host's touch(1) sets them (it calls
 * utimensat itself). A guest path of NULL is futimens on dirfd.
 */
define(88, "utimensat", "dsxx", (p, _t, a) => {
  const dirfd = a.int(0), pathAddr = a.u64(1), timesAddr = a.u64(2), flags = a.int(3);
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  let want: [WantTime, WantTime] = [nowNs, nowNs];
  let validNsec = true;
  if (timesAddr !== 0) {
    const one = (off: number): WantTime => {
      const sec = BigInt.asIntN(64, p.space.readBig(timesAddr + off)), nsec = BigInt.asIntN(64, p.space.readBig(timesAddr + off + 8));
      if (nsec === BigInt(UTIME_NOW)) return nowNs;
      if (nsec === BigInt(UTIME_OMIT)) return "omit";
      if (nsec < 0n || nsec >= NS) validNsec = false;
      return sec * NS + nsec;
    };
    want = [one(0), one(16)];
    if (want[0] === "omit" && want[1] === "omit") return 0; // nothing to do: not even the path is looked at
  }
  // Which file: a descriptor (NULL path, or "" with AT_EMPTY_PATH) or a path.
  let target: { fd: number } | { path: string };
  const guestPath = pathAddr === 0 ? undefined : p.space.readCString(pathAddr);
  if (guestPath === undefined && dirfd !== -100) {
    if (flags !== 0) return -Errno.EINVAL;
    const f = p.fds.get(dirfd);
    if (f === undefined) return -Errno.EBADF;
    if (f.hostFd === undefined) return -Errno.EPERM; // a pipe or socket: its inode's times are not the guest's to set
    target = { fd: f.hostFd };
  } else {
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
    if (guestPath === undefined) return -Errno.EFAULT;
    if (guestPath === "" && (flags & AT_EMPTY_PATH)) {
      const f = p.fds.get(dirfd);
      if (f === undefined) return -Errno.EBADF;
      if (f.hostFd === undefined) return -Errno.EPERM;
      target = { fd: f.hostFd };
    } else {
      const host = hostPathOf(p, dirfd, guestPath);
      if (typeof host === "number") return host;
      target = { path: host };
    }
  }
  const nofollow = (flags & AT_SYMLINK_NOFOLLOW) !== 0;
  const stat = () => ("fd" in target ? fs.fstatSync(target.fd, { bigint: true }) : nofollow ? fs.lstatSync(target.path, { bigint: true }) : fs.statSync(target.path, { bigint: true }));
  try {
    const before = stat();
    if (!validNsec) return -Errno.EINVAL;
    const at = want[0] === "omit" ? before.atimeNs : want[0], mt = want[1] === "omit" ? before.mtimeNs : want[1];
    const secs = (ns: bigint) => Number(ns) / 1e9;
    if ("fd" in target) fs.futimesSync(target.fd, secs(at), secs(mt));
    else if (nofollow) fs.lutimesSync(target.path, secs(at), secs(mt));
    else fs.utimesSync(target.path, secs(at), secs(mt));
    const after = stat();
    if (after.atimeNs !== at || after.mtimeNs !== mt) {
      const where = "fd" in target ? `/proc/${process.pid}/fd/${target.fd}` : target.path;
      const h = nofollow ? ["-h"] : [];
      execFileSync("touch", ["-c", ...h, "-a", "-d", touchDate(at), "--", where], { stdio: "ignore" });
      execFileSync("touch", ["-c", ...h, "-m", "-d", touchDate(mt), "--", where], { stdio: "ignore" });
    }
  } catch (e) {
    if ((e as { status?: unknown }).status !== undefined) return -Errno.EIO; // touch failed where Node had succeeded
    return hostErrno(e);
  }
  return 0;
});

// ---------------------------------------------------------------------------
// mknodat

/** File type bits of a mode. */
const enum Ifmt {
  MASK = 0o170000, SOCK = 0o140000, LNK = 0o120000, REG = 0o100000, BLK = 0o060000, DIR = 0o040000, CHR = 0o020000, FIFO = 0o010000,
}

/**
 * Checks that a new name can be made at `host` (what the kernel finds before
 * it creates anything): EEXIST, ENOENT or ENOTDIR for the parent, EACCES.
 */
function checkNewName(host: string): number {
  try {
    fs.lstatSync(host);
    return -Errno.EEXIST;
  } catch (e) {
    const r = hostErrno(e);
    if (r !== -Errno.ENOENT) return r;
  }
  const parent = path.dirname(host);
  try {
    if (!fs.statSync(parent).isDirectory()) return -Errno.ENOTDIR;
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    return hostErrno(e);
  }
  return 0;
}

/**
 * mknodat: FIFOs (made with the host's mkfifo(1), Node having no mkfifo) and
 * regular files; device nodes need CAP_MKNOD, which the guest never has here
 * (EPERM). Sockets are not made (EPERM too): a socket node is only useful to
 * bind(2), which makes its own.
 */
function mknod(p: Process, a: SyscallArgs, dirArg: number, pathArg: number, modeArg: number): number {
  const mode = a.u32(modeArg);
  const type = mode & Ifmt.MASK;
  const perm = mode & 0o7777 & ~p.umask;
  const host = hostPathOf(p, dirArg < 0 ? -100 : a.int(dirArg), p.space.readCString(a.u64(pathArg)));
  if (typeof host === "number") return host;
  switch (type) {
    case 0: case Ifmt.REG: case Ifmt.FIFO: case Ifmt.CHR: case Ifmt.BLK: case Ifmt.SOCK: break;
    case Ifmt.DIR: return -Errno.EPERM;
    default: return -Errno.EINVAL;
  }
  const bad = checkNewName(host);
  if (bad < 0) return bad;
  try {
    switch (type) {
      case 0: case Ifmt.REG:
        fs.closeSync(fs.openSync(host, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, perm));
        keepGuestMode(host, perm);
        return 0;
      case Ifmt.FIFO:
        execFileSync("mkfifo", ["-m", perm.toString(8), "--", host], { stdio: "ignore" });
        return 0;
      default:
        return -Errno.EPERM;
    }
  } catch (e) {
    if ((e as { status?: unknown }).status !== undefined) return fs.existsSync(host) ? -Errno.EEXIST : -Errno.EIO;
    return hostErrno(e);
  }
}

define(33, "mknodat", "dsox", (p, _t, a) => mknod(p, a, 0, 1, 2));

// ---------------------------------------------------------------------------
// Opening FIFOs

/**
 * openat of a FIFO, or undefined when `host` is not one (the caller opens it
 * as usual). Linux makes a blocking open of one end wait for the other end;
 * a host open(2) would do that waiting on Node's main thread and stop every
 * guest thread, one of which may be the peer. So a blocking O_RDONLY or
 * O_WRONLY open runs in Node's thread pool and only the calling guest thread
 * waits (a signal ends the wait with EINTR; the host descriptor, when the open
 * completes after all, is closed). O_NONBLOCK and O_RDWR opens never wait and
 * are made at once, O_NONBLOCK kept on the host descriptor (so a writer with
 * no reader gets ENXIO from the host, as on Linux).
 */
export function openFifo(p: Process, host: string, flags: number, mode: number): number | Blocking<number> | undefined {
  if ((flags & (OFlag.CREAT | OFlag.EXCL)) === (OFlag.CREAT | OFlag.EXCL) || (flags & OFlag.PATH) === OFlag.PATH) return undefined;
  try {
    const st = flags & OFlag.NOFOLLOW ? fs.lstatSync(host) : fs.statSync(host);
    if (!st.isFIFO()) return undefined;
  } catch {
    return undefined; // the ordinary open reports it
  }
  const cloexec = (flags & OFlag.CLOEXEC) !== 0;
  const hostFlags = flags & ~(OFlag.CLOEXEC | OFlag.CREAT | OFlag.EXCL | OFlag.TRUNC);
  const install = (hostFd: number, nonblocking: boolean) => {
    const f = new HostFile(hostFd, flags, host);
    f.hostNonblocking = nonblocking;
    return p.fds.add(f, cloexec);
  };
  const access = flags & OFlag.ACCMODE;
  if ((flags & OFlag.NONBLOCK) || access === OFlag.RDWR) {
    try {
      return install(fs.openSync(host, hostFlags | fs.constants.O_NONBLOCK, mode), true);
    } catch (e) {
      return hostErrno(e);
    }
  }
  /**
   * Once a blocking open for writing has its reader, the descriptor is
   * reopened non-blocking (through /proc/self/fd, the reader being there), so
   * that a write to a full FIFO waits for room without stopping the run. A
   * reader stays blocking: its reads already wait in the thread pool.
   */
  const settleOpen = (hostFd: number): number => {
    if (access !== OFlag.WRONLY) return install(hostFd, false);
    try {
      const nb = fs.openSync(`/proc/self/fd/${hostFd}`, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      fs.closeSync(hostFd);
      return install(nb, true);
    } catch {
      return install(hostFd, false);
    }
  };
  let settle!: (v: number) => void;
  let done = false;
  const promise = new Promise<number>((resolve) => { settle = resolve; }) as Blocking<number>;
  fs.open(host, hostFlags, mode, (err, hostFd) => {
    if (done) {
      if (!err) fs.close(hostFd, () => {});
      return;
    }
    done = true;
    if (err) {
      let r: number;
      try { r = hostErrno(err); } catch { r = -Errno.EIO; }
      settle(r);
    } else settle(settleOpen(hostFd));
  });
  promise.interrupt = () => {
    if (done) return;
    done = true;
    settle(-Errno.EINTR);
  };
  return promise;
}

/** openat's FIFO case: the result when (dirfd, path) names a FIFO, else undefined. */
export function openFifoAt(p: Process, t: Thread, a: SyscallArgs): number | Promise<number> | undefined {
  const host = hostPathOf(p, a.int(0), p.space.readCString(a.u64(1)));
  if (typeof host === "number") return undefined;
  const r = openFifo(p, host, a.int(2), a.u32(3) & 0o7777 & ~p.umask);
  return r === undefined ? undefined : interruptible(t, r);
}

// ---------------------------------------------------------------------------
// fadvise64, readahead: checks, then nothing to do (the host's page cache decides)

/** posix_fadvise advice values: NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED, NOREUSE. */
const POSIX_FADV_NOREUSE = 5;

/** Whether `f` is a pipe or a host FIFO. */
function isFifo(f: { kind: string; hostFd?: number }): boolean {
  if (f.kind === "pipe") return true;
  if (f.kind !== "stream" || f.hostFd === undefined) return false;
  try { return fs.fstatSync(f.hostFd).isFIFO(); } catch { return false; }
}

define(223, "fadvise64", "diid", (p, _t, a) => {
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (isFifo(f)) return -Errno.ESPIPE;
  const advice = a.int(3);
  if (a.i64(2) < 0 || advice < 0 || advice > POSIX_FADV_NOREUSE) return -Errno.EINVAL;
  return 0;
});

define(213, "readahead", "diu", (p, _t, a) => {
  const f = p.fds.get(a.int(0));
  if (f === undefined || (f.flags & OFlag.ACCMODE) === OFlag.WRONLY) return -Errno.EBADF;
  return f.kind === "file" ? 0 : -Errno.EINVAL;
});
