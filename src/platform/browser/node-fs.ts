/**
 * The part of Node's `node:fs` that the process VM calls, answered from an
 * in-memory file system (mem-fs.ts) for the browser: the worker bundle of the
 * play page maps `node:fs` here (scripts/bundle.mjs), so the process VM's
 * syscalls run unchanged on a file system that lives in the tab. Descriptors
 * 0, 1 and 2 are the terminal given to setStdio(). Open flags are Linux's
 * numbers, as Node passes them to open(2) on Linux. Errors carry Node's code
 * and Linux's negative errno.
 */
import { Buffer } from "buffer";
import { FileType, FsError, MemFs, nowNs, type Inode } from "../mem-fs.js";
import { TerminalDevice } from "./terminal.js";

/** The file system every call here works on (one per worker). */
export const memFs = new MemFs();

/** Linux open(2) flags and access(2) modes (asm-generic/fcntl.h, unistd.h). */
export const constants = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_ACCMODE: 3, O_CREAT: 0o100, O_EXCL: 0o200, O_NOCTTY: 0o400, O_TRUNC: 0o1000,
  O_APPEND: 0o2000, O_NONBLOCK: 0o4000, O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000, O_CLOEXEC: 0o2000000,
  O_PATH: 0o10000000, O_TMPFILE: 0o20200000,
  F_OK: 0, X_OK: 1, W_OK: 2, R_OK: 4,
  S_IFMT: FileType.Mask, S_IFREG: FileType.File, S_IFDIR: FileType.Dir, S_IFLNK: FileType.Symlink, S_IFCHR: FileType.CharDev,
};
const C = constants;

/** An open file description. */
interface Description {
  node: Inode;
  flags: number;
  /** Offset for reads and writes without a position. */
  pos: number;
  path: string;
}

const descriptions = new Map<number, Description>();

/** A character device whose reads may have to wait (the terminal): what read() does when none is there yet. */
export interface WaitingDevice {
  /** Calls `ready` once a read would not find the device empty. */
  whenReadable(ready: () => void): void;
}

/** The terminal device descriptor `fd` is open on, if it is one. */
export function terminalOf(fd: number): TerminalDevice | undefined {
  const dev = descriptions.get(fd)?.node.device;
  return dev instanceof TerminalDevice ? dev : undefined;
}

/** Makes descriptors 0, 1 and 2 the character device `tty` (made as /dev/tty). */
export function setStdio(tty: Inode): void {
  for (const fd of [0, 1, 2]) descriptions.set(fd, { node: tty, flags: fd === 0 ? C.O_RDONLY : C.O_WRONLY, pos: 0, path: "/dev/tty" });
}

/** File metadata as fs.statSync returns it (numbers, or bigints with nanosecond times). */
export class Stats {
  [key: string]: unknown;
  private readonly type: number;
  constructor(n: Inode, dev: number, bigint: boolean) {
    this.type = n.mode & FileType.Mask;
    const num = (v: number) => (bigint ? BigInt(v) : v);
    Object.assign(this, {
      dev: num(dev), ino: num(n.ino), mode: num(n.mode), nlink: num(n.nlink), uid: num(n.uid), gid: num(n.gid), rdev: num(n.rdev),
      size: num(n.size), blksize: num(4096), blocks: num(Math.ceil(n.data.length / 512)),
    });
    const times: [string, bigint][] = [["atime", n.atimeNs], ["mtime", n.mtimeNs], ["ctime", n.ctimeNs], ["birthtime", n.birthtimeNs]];
    for (const [k, ns] of times) {
      this[`${k}Ms`] = bigint ? ns / 1_000_000n : Number(ns) / 1e6;
      if (bigint) this[`${k}Ns`] = ns;
    }
  }
  isFile(): boolean { return this.type === FileType.File; }
  isDirectory(): boolean { return this.type === FileType.Dir; }
  isSymbolicLink(): boolean { return this.type === FileType.Symlink; }
  isCharacterDevice(): boolean { return this.type === FileType.CharDev; }
  isBlockDevice(): boolean { return false; }
  isFIFO(): boolean { return this.type === FileType.Fifo; }
  isSocket(): boolean { return this.type === FileType.Socket; }
}

/** A directory entry as fs.Dir.readSync returns it. */
export class Dirent {
  constructor(readonly name: string, private readonly node: Inode) {}
  private is(t: number): boolean { return (this.node.mode & FileType.Mask) === t; }
  isFile(): boolean { return this.is(FileType.File); }
  isDirectory(): boolean { return this.is(FileType.Dir); }
  isSymbolicLink(): boolean { return this.is(FileType.Symlink); }
  isCharacterDevice(): boolean { return this.is(FileType.CharDev); }
  isBlockDevice(): boolean { return false; }
  isFIFO(): boolean { return this.is(FileType.Fifo); }
  isSocket(): boolean { return this.is(FileType.Socket); }
}

function desc(fd: number, syscall: string): Description {
  const d = descriptions.get(fd);
  if (d === undefined) throw new FsError("EBADF", syscall);
  return d;
}

/** The path as a string (Node accepts strings, Buffers and URLs; the process VM passes strings). */
const str = (p: string | Uint8Array): string => (typeof p === "string" ? p : Buffer.from(p).toString("utf8"));

/** fs.openSync with Linux's numeric flags (or "r"). */
export function openSync(path: string, flags: number | string = C.O_RDONLY, mode = 0o666): number {
  const f = typeof flags === "string" ? (flags === "r" ? C.O_RDONLY : flags === "w" ? C.O_WRONLY | C.O_CREAT | C.O_TRUNC : C.O_RDWR) : flags;
  if ((f & C.O_TMPFILE) === C.O_TMPFILE) throw new FsError("EOPNOTSUPP", "open", path);
  const excl = (f & C.O_CREAT) !== 0 && (f & C.O_EXCL) !== 0;
  const l = memFs.lookup(path, (f & C.O_NOFOLLOW) === 0 && !excl, "open");
  let node = l.node;
  if (node === undefined) {
    if ((f & C.O_CREAT) === 0) throw new FsError("ENOENT", "open", path);
    node = memFs.createFile(`${memFs.pathOf(l.dir)}/${l.name}`, mode);
  } else {
    if (excl) throw new FsError("EEXIST", "open", path);
    if ((node.mode & FileType.Mask) === FileType.Symlink) throw new FsError("ELOOP", "open", path);
    const writes = (f & C.O_ACCMODE) !== C.O_RDONLY;
    if (node.entries !== undefined && (writes || (f & C.O_CREAT) !== 0)) throw new FsError("EISDIR", "open", path);
    if ((f & C.O_DIRECTORY) !== 0 && node.entries === undefined) throw new FsError("ENOTDIR", "open", path);
    if ((f & C.O_TRUNC) !== 0 && writes && (node.mode & FileType.Mask) === FileType.File) memFs.resize(node, 0);
  }
  let fd = 3;
  while (descriptions.has(fd)) fd++;
  descriptions.set(fd, { node, flags: f, pos: 0, path });
  return fd;
}

/** fs.open */
export function open(path: string, flags: number, mode: number, cb: (err: Error | null, fd: number) => void): void {
  let fd = -1, err: Error | null = null;
  try { fd = openSync(path, flags, mode); } catch (e) { err = e as Error; }
  setTimeout(() => cb(err, fd));
}

/** fs.closeSync (the terminal's descriptors stay usable: the process VM closes only what it opened) */
export function closeSync(fd: number): void {
  desc(fd, "close");
  descriptions.delete(fd);
}

/** fs.close */
export function close(fd: number, cb: (err: Error | null) => void): void {
  let err: Error | null = null;
  try { closeSync(fd); } catch (e) { err = e as Error; }
  setTimeout(() => cb(err));
}

/** fs.readSync; a device with nothing to read yet throws EAGAIN. */
export function readSync(fd: number, buf: Uint8Array, off = 0, len = buf.length - off, pos: number | bigint | null = null): number {
  const d = desc(fd, "read");
  if ((d.flags & C.O_ACCMODE) === C.O_WRONLY) throw new FsError("EBADF", "read");
  const at = pos === null || pos === undefined ? d.pos : Number(pos);
  const n = memFs.read(d.node, buf.subarray(off, off + len), at);
  if (n < 0) throw new FsError("EAGAIN", "read");
  if (pos === null || pos === undefined) d.pos += n;
  return n;
}

/** fs.read: waits for a device (the terminal) to have input. */
export function read(fd: number, buf: Uint8Array, off: number, len: number, pos: number | null, cb: (err: Error | null, n: number) => void): void {
  const attempt = () => {
    try {
      const n = readSync(fd, buf, off, len, pos);
      cb(null, n);
    } catch (e) {
      const dev = descriptions.get(fd)?.node.device as Partial<WaitingDevice> | undefined;
      if ((e as FsError).code === "EAGAIN" && dev?.whenReadable !== undefined) dev.whenReadable(attempt);
      else cb(e as Error, 0);
    }
  };
  setTimeout(attempt);
}

/** fs.writeSync (bytes only) */
export function writeSync(fd: number, data: Uint8Array, off = 0, len = data.length - off, pos: number | null = null): number {
  const d = desc(fd, "write");
  if ((d.flags & C.O_ACCMODE) === C.O_RDONLY) throw new FsError("EBADF", "write");
  const append = (d.flags & C.O_APPEND) !== 0 && (d.node.mode & FileType.Mask) === FileType.File;
  const at = pos === null || pos === undefined ? (append ? d.node.size : d.pos) : Number(pos);
  const n = memFs.write(d.node, data.subarray(off, off + len), at);
  if (pos === null || pos === undefined) d.pos = at + n;
  return n;
}

/** fs.fstatSync */
export function fstatSync(fd: number, opts?: { bigint?: boolean }): Stats {
  return new Stats(desc(fd, "fstat").node, memFs.dev, opts?.bigint === true);
}

/** fs.statSync */
export function statSync(path: string, opts?: { bigint?: boolean }): Stats {
  return new Stats(memFs.find(str(path), true, "stat"), memFs.dev, opts?.bigint === true);
}

/** fs.lstatSync */
export function lstatSync(path: string, opts?: { bigint?: boolean }): Stats {
  return new Stats(memFs.find(str(path), false, "lstat"), memFs.dev, opts?.bigint === true);
}

/** fs.existsSync */
export function existsSync(path: string): boolean {
  try { memFs.find(str(path), true, "access"); return true; } catch { return false; }
}

/** fs.accessSync for root: anything goes but executing a file without an execute bit. */
export function accessSync(path: string, mode = C.F_OK): void {
  const n = memFs.find(path, true, "access");
  if ((mode & C.X_OK) !== 0 && n.entries === undefined && (n.mode & 0o111) === 0) throw new FsError("EACCES", "access", path);
}

/** fs.readlinkSync; /proc/self/fd/N names what descriptor N was opened from. */
export function readlinkSync(path: string): string {
  const m = /^\/proc\/self\/fd\/(\d+)$/.exec(path);
  if (m !== null) return desc(Number(m[1]), "readlink").path;
  return memFs.readlink(path);
}

/** fs.readFileSync */
export function readFileSync(path: string, enc?: string | { encoding?: string }): Buffer | string {
  const bytes = Buffer.from(memFs.readFile(str(path)));
  const e = typeof enc === "string" ? enc : enc?.encoding;
  return e === undefined ? bytes : bytes.toString(e as BufferEncoding);
}

/** fs.mkdirSync */
export function mkdirSync(path: string, mode: number | { mode?: number } = 0o777): void {
  memFs.mkdir(path, typeof mode === "number" ? mode : mode.mode ?? 0o777);
}

/** fs.mkdtempSync */
export function mkdtempSync(prefix: string): string {
  for (;;) {
    const name = prefix + Math.random().toString(36).slice(2, 8);
    if (!existsSync(name)) { mkdirSync(name, 0o700); return name; }
  }
}

/** fs.rmdirSync */
export function rmdirSync(path: string): void { memFs.rmdir(path); }
/** fs.unlinkSync */
export function unlinkSync(path: string): void { memFs.unlink(path); }
/** fs.rmSync (a file or an empty directory) */
export function rmSync(path: string): void {
  if (memFs.find(path, false, "rm").entries !== undefined) memFs.rmdir(path);
  else memFs.unlink(path);
}
/** fs.renameSync */
export function renameSync(from: string, to: string): void { memFs.rename(from, to); }
/** fs.linkSync */
export function linkSync(from: string, to: string): void { memFs.hardLink(from, to); }
/** fs.symlinkSync */
export function symlinkSync(target: string, path: string): void { memFs.symlink(target, path); }

function chmod(n: Inode, mode: number): void {
  n.mode = (n.mode & FileType.Mask) | (mode & 0o7777);
  n.ctimeNs = nowNs();
}
/** fs.chmodSync */
export function chmodSync(path: string, mode: number): void { chmod(memFs.find(path, true, "chmod"), mode); }
/** fs.fchmodSync */
export function fchmodSync(fd: number, mode: number): void { chmod(desc(fd, "fchmod").node, mode); }
/** fs.truncateSync */
export function truncateSync(path: string, len = 0): void { memFs.resize(memFs.find(path, true, "truncate"), Number(len)); }
/** fs.ftruncateSync */
export function ftruncateSync(fd: number, len = 0): void {
  const d = desc(fd, "ftruncate");
  if ((d.flags & C.O_ACCMODE) === C.O_RDONLY) throw new FsError("EINVAL", "ftruncate");
  memFs.resize(d.node, Number(len));
}
/** fs.fsyncSync: memory is as durable as it gets */
export function fsyncSync(fd: number): void { desc(fd, "fsync"); }
/** fs.fdatasyncSync */
export function fdatasyncSync(fd: number): void { desc(fd, "fdatasync"); }

/** Seconds (a number or a Date) as nanoseconds. */
const ns = (t: number | Date): bigint => BigInt(Math.round((t instanceof Date ? t.getTime() / 1000 : t) * 1e9));
function utimes(n: Inode, at: number | Date, mt: number | Date): void {
  n.atimeNs = ns(at);
  n.mtimeNs = ns(mt);
  n.ctimeNs = nowNs();
}
/** fs.utimesSync */
export function utimesSync(path: string, at: number | Date, mt: number | Date): void { utimes(memFs.find(path, true, "utimes"), at, mt); }
/** fs.lutimesSync */
export function lutimesSync(path: string, at: number | Date, mt: number | Date): void { utimes(memFs.find(path, false, "lutimes"), at, mt); }
/** fs.futimesSync */
export function futimesSync(fd: number, at: number | Date, mt: number | Date): void { utimes(desc(fd, "futimes").node, at, mt); }

/** fs.statfsSync: a tmpfs-like file system of 256 MiB. */
export function statfsSync(path: string, opts?: { bigint?: boolean }): Record<string, number | bigint> {
  memFs.find(path, true, "statfs");
  const n = (v: number) => (opts?.bigint ? BigInt(v) : v);
  return { type: n(0x01021994), bsize: n(4096), blocks: n(65536), bfree: n(65536), bavail: n(65536), files: n(65536), ffree: n(65536) };
}

/** fs.opendirSync: the entries as they are now, in the order they were made. */
export function opendirSync(path: string): { readSync(): Dirent | null; closeSync(): void } {
  const n = memFs.find(path, true, "opendir");
  if (n.entries === undefined) throw new FsError("ENOTDIR", "opendir", path);
  const list = [...n.entries].map(([name, node]) => new Dirent(name, node));
  return { readSync: () => list.shift() ?? null, closeSync: () => undefined };
}
