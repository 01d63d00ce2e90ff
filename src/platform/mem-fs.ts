/**
 * A POSIX file system held in memory: a tree of directories, regular files,
 * symbolic links and character devices, each an inode with a number, a mode,
 * owners, a link count and nanosecond timestamps. Paths are resolved as
 * Linux's namei does (symbolic links followed, at most 40 of them, "." and
 * ".." taken literally), and each operation fails with the error Linux gives
 * in the same case (ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, ELOOP,
 * EINVAL...), as an FsError that carries the errno. The process VM's files
 * live here when it runs in a browser tab (platform/browser/node-fs.ts).
 */

/** File type bits of st_mode (S_IFMT and its members, linux/stat.h). */
export const enum FileType {
  /** Mask of the type bits. */
  Mask = 0o170000,
  Socket = 0o140000,
  Symlink = 0o120000,
  File = 0o100000,
  Dir = 0o040000,
  CharDev = 0o020000,
  Fifo = 0o010000,
}

/** What a character device does when read or written (/dev/null, a terminal). */
export interface CharDevice {
  /** Fills `buf` and returns how many bytes it holds (0: end of file; -1: nothing there yet, EAGAIN). */
  read(buf: Uint8Array): number;
  /** Takes `data` and returns how many bytes were taken. */
  write(data: Uint8Array): number;
}

/** One file of the tree. */
export interface Inode {
  readonly ino: number;
  /** Type and permission bits. */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  readonly birthtimeNs: bigint;
  /** Device number of a character device. */
  rdev: number;
  /** Bytes of a regular file: data[0, size). */
  data: Uint8Array;
  size: number;
  /** Entries of a directory, by name (without "." and ".."). */
  entries: Map<string, Inode> | undefined;
  /** The directory a directory sits in (the root's is itself). */
  parent: Inode | undefined;
  /** Target of a symbolic link. */
  target: string;
  /** Behaviour of a character device. */
  device: CharDevice | undefined;
}

/** Errno values of the errors this file system reports (asm-generic/errno-base.h). */
const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EBADF: 9, EACCES: 13, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21, EINVAL: 22,
  ENOSPC: 28, ESPIPE: 29, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, EOPNOTSUPP: 95,
};

/** A failed file-system operation, shaped as Node's errors are (code, negative errno, syscall, path). */
export class FsError extends Error {
  readonly errno: number;
  constructor(readonly code: string, readonly syscall: string, readonly path?: string) {
    super(`${code}: ${syscall}${path === undefined ? "" : ` '${path}'`}`);
    this.errno = -(ERRNO[code] ?? 5);
  }
}

/** Symbolic links one lookup may follow before ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;
/** Longest name of one path component (NAME_MAX). */
const NAME_MAX = 255;

/** The now of file timestamps, in nanoseconds since the epoch. */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/** Where a path leads: the directory holding its last component, that name, and the inode if it exists. */
export interface Lookup {
  dir: Inode;
  name: string;
  node: Inode | undefined;
}

/** An in-memory file system. */
export class MemFs {
  readonly root: Inode;
  /** The directory relative paths start from. */
  cwd: Inode;
  private nextIno = 1;
  /** The device number stat reports for every file. */
  readonly dev = 0x2a;

  constructor() {
    this.root = this.inode(FileType.Dir | 0o755);
    this.root.parent = this.root;
    this.root.nlink = 2;
    this.cwd = this.root;
  }

  /** A new inode of `mode`, owned by root, not yet linked anywhere. */
  private inode(mode: number): Inode {
    const t = nowNs();
    const isDir = (mode & FileType.Mask) === FileType.Dir;
    return {
      ino: this.nextIno++, mode, uid: 0, gid: 0, nlink: isDir ? 2 : 1, atimeNs: t, mtimeNs: t, ctimeNs: t, birthtimeNs: t,
      rdev: 0, data: new Uint8Array(0), size: 0, entries: isDir ? new Map() : undefined, parent: undefined, target: "", device: undefined,
    };
  }

  /**
   * Resolves `path` up to its last component: that component's directory and
   * name, and its inode if it exists (a symbolic link there followed when
   * `follow`). A path ending in "/" must name a directory.
   */
  lookup(path: string, follow: boolean, syscall: string, depth = 0): Lookup {
    if (path === "") throw new FsError("ENOENT", syscall, path);
    const parts = path.split("/").filter((c) => c !== "");
    const mustBeDir = path.endsWith("/");
    let dir = path.startsWith("/") ? this.root : this.cwd;
    if (parts.length === 0) return { dir: dir.parent!, name: ".", node: dir };
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i], last = i === parts.length - 1;
      if (name.length > NAME_MAX) throw new FsError("ENAMETOOLONG", syscall, path);
      if (dir.entries === undefined) throw new FsError("ENOTDIR", syscall, path);
      let node = name === "." ? dir : name === ".." ? dir.parent! : dir.entries.get(name);
      if (node !== undefined && (node.mode & FileType.Mask) === FileType.Symlink && (!last || follow || mustBeDir)) {
        if (depth >= MAX_SYMLINKS) throw new FsError("ELOOP", syscall, path);
        const rest = parts.slice(i + 1).join("/");
        const base = node.target.startsWith("/") ? node.target : `${this.pathOf(dir)}/${node.target}`;
        return this.lookup(rest === "" ? base + (mustBeDir ? "/" : "") : `${base}/${rest}${mustBeDir ? "/" : ""}`, follow, syscall, depth + 1);
      }
      if (last) {
        if (mustBeDir && node !== undefined && node.entries === undefined) throw new FsError("ENOTDIR", syscall, path);
        return { dir, name, node };
      }
      if (node === undefined) throw new FsError("ENOENT", syscall, path);
      dir = node;
    }
    throw new FsError("ENOENT", syscall, path); // not reached
  }

  /** The inode `path` names (following a final symbolic link when `follow`); ENOENT if there is none. */
  find(path: string, follow: boolean, syscall: string): Inode {
    const l = this.lookup(path, follow, syscall);
    if (l.node === undefined) throw new FsError("ENOENT", syscall, path);
    return l.node;
  }

  /** The absolute path of directory `dir`. */
  pathOf(dir: Inode): string {
    const names: string[] = [];
    for (let d = dir; d !== this.root; d = d.parent!) {
      const p = d.parent!;
      for (const [n, child] of p.entries!) if (child === d) { names.unshift(n); break; }
    }
    return "/" + names.join("/");
  }

  /** Makes a name for a new inode in a directory that exists; EEXIST if the name is taken. */
  private create(path: string, mode: number, syscall: string): Inode {
    const l = this.lookup(path, false, syscall);
    if (l.node !== undefined) throw new FsError("EEXIST", syscall, path);
    if (l.name === "." || l.name === "..") throw new FsError("EEXIST", syscall, path);
    const n = this.inode(mode);
    this.link(l.dir, l.name, n);
    return n;
  }

  /** Enters `node` in `dir` as `name`. */
  private link(dir: Inode, name: string, node: Inode): void {
    dir.entries!.set(name, node);
    if (node.entries !== undefined) { node.parent = dir; dir.nlink++; }
    this.touch(dir);
  }

  /** Takes `name` out of `dir`. */
  private unlinkEntry(dir: Inode, name: string): void {
    const node = dir.entries!.get(name)!;
    dir.entries!.delete(name);
    if (node.entries !== undefined) { dir.nlink--; node.nlink = 0; }
    else node.nlink--;
    node.ctimeNs = nowNs();
    this.touch(dir);
  }

  /** Sets a changed inode's mtime and ctime to now. */
  touch(node: Inode): void {
    node.mtimeNs = node.ctimeNs = nowNs();
  }

  /** mkdir(2) */
  mkdir(path: string, perm: number): Inode {
    return this.create(path.replace(/\/+$/, "") || "/", FileType.Dir | (perm & 0o7777), "mkdir");
  }

  /** Creates a regular file (open with O_CREAT|O_EXCL, mknod). */
  createFile(path: string, perm: number): Inode {
    if (path.endsWith("/")) throw new FsError("EISDIR", "open", path);
    return this.create(path, FileType.File | (perm & 0o7777), "open");
  }

  /** Creates a character device node with the behaviour `device`. */
  mknodChar(path: string, perm: number, rdev: number, device: CharDevice): Inode {
    const n = this.create(path, FileType.CharDev | (perm & 0o7777), "mknod");
    n.rdev = rdev;
    n.device = device;
    return n;
  }

  /** symlink(2): a link at `path` that points at `target`. */
  symlink(target: string, path: string): void {
    if (target === "") throw new FsError("ENOENT", "symlink", path);
    this.create(path, FileType.Symlink | 0o777, "symlink").target = target;
    const n = this.find(path, false, "symlink");
    n.size = new TextEncoder().encode(target).length;
  }

  /** readlink(2) */
  readlink(path: string): string {
    const n = this.find(path, false, "readlink");
    if ((n.mode & FileType.Mask) !== FileType.Symlink) throw new FsError("EINVAL", "readlink", path);
    return n.target;
  }

  /** link(2): a second name `to` for the file `from`. */
  hardLink(from: string, to: string): void {
    const n = this.find(from, false, "link");
    if (n.entries !== undefined) throw new FsError("EPERM", "link", from);
    const l = this.lookup(to, false, "link");
    if (l.node !== undefined) throw new FsError("EEXIST", "link", to);
    this.link(l.dir, l.name, n);
    n.nlink++;
    n.ctimeNs = nowNs();
  }

  /** unlink(2) */
  unlink(path: string): void {
    const l = this.lookup(path, false, "unlink");
    if (l.node === undefined) throw new FsError("ENOENT", "unlink", path);
    if (l.node.entries !== undefined) throw new FsError("EISDIR", "unlink", path);
    this.unlinkEntry(l.dir, l.name);
  }

  /** rmdir(2) */
  rmdir(path: string): void {
    const l = this.lookup(path, false, "rmdir");
    if (l.node === undefined) throw new FsError("ENOENT", "rmdir", path);
    if (l.node.entries === undefined) throw new FsError("ENOTDIR", "rmdir", path);
    if (l.name === ".") throw new FsError("EINVAL", "rmdir", path);
    if (l.node === this.root || l.name === "..") throw new FsError("EBUSY", "rmdir", path);
    if (l.node.entries.size > 0) throw new FsError("ENOTEMPTY", "rmdir", path);
    this.unlinkEntry(l.dir, l.name);
  }

  /** rename(2), replacing what `to` names as Linux allows. */
  rename(from: string, to: string): void {
    const a = this.lookup(from, false, "rename");
    if (a.node === undefined) throw new FsError("ENOENT", "rename", from);
    const b = this.lookup(to, false, "rename");
    if (a.node === b.node) return;
    if (a.node.entries !== undefined) {
      for (let d: Inode = b.dir; ; d = d.parent!) {
        if (d === a.node) throw new FsError("EINVAL", "rename", to); // into itself
        if (d === this.root) break;
      }
    }
    if (b.node !== undefined) {
      if (a.node.entries !== undefined && b.node.entries === undefined) throw new FsError("ENOTDIR", "rename", to);
      if (a.node.entries === undefined && b.node.entries !== undefined) throw new FsError("EISDIR", "rename", to);
      if (b.node.entries !== undefined && b.node.entries.size > 0) throw new FsError("ENOTEMPTY", "rename", to);
      this.unlinkEntry(b.dir, b.name);
    }
    const node = a.node;
    a.dir.entries!.delete(a.name);
    if (node.entries !== undefined) a.dir.nlink--;
    this.touch(a.dir);
    this.link(b.dir, b.name, node);
    node.ctimeNs = nowNs();
  }

  /** Sets the length of regular file `n` (truncate, ftruncate, O_TRUNC). */
  resize(n: Inode, size: number): void {
    if (n.entries !== undefined) throw new FsError("EISDIR", "truncate");
    if ((n.mode & FileType.Mask) !== FileType.File) throw new FsError("EINVAL", "truncate");
    if (size > n.data.length) this.reserve(n, size);
    else n.data.fill(0, size, n.size);
    n.size = size;
    this.touch(n);
  }

  /** Grows file `n`'s buffer to hold at least `bytes` (doubling, so that appends stay linear). */
  private reserve(n: Inode, bytes: number): void {
    if (bytes <= n.data.length) return;
    const grown = new Uint8Array(Math.max(bytes, n.data.length * 2, 4096));
    grown.set(n.data.subarray(0, n.size));
    n.data = grown;
  }

  /** Reads from file or device `n` at `pos` into `buf`; returns the bytes read. */
  read(n: Inode, buf: Uint8Array, pos: number): number {
    if (n.device !== undefined) return n.device.read(buf);
    if (n.entries !== undefined) throw new FsError("EISDIR", "read");
    const end = Math.min(n.size, pos + buf.length);
    if (end <= pos) return 0;
    buf.set(n.data.subarray(pos, end));
    n.atimeNs = nowNs();
    return end - pos;
  }

  /** Writes `data` to file or device `n` at `pos`; returns the bytes written. */
  write(n: Inode, data: Uint8Array, pos: number): number {
    if (n.device !== undefined) return n.device.write(data);
    if (n.entries !== undefined) throw new FsError("EISDIR", "write");
    this.reserve(n, pos + data.length);
    n.data.set(data, pos);
    n.size = Math.max(n.size, pos + data.length);
    this.touch(n);
    return data.length;
  }

  /** Writes a whole file at `path` (made, with its missing directories, if need be): for preloading programs and data. */
  writeFile(path: string, bytes: Uint8Array, perm = 0o644): Inode {
    const parts = path.split("/").filter((c) => c !== "");
    let at = "";
    for (const dir of parts.slice(0, -1)) {
      at += "/" + dir;
      const l = this.lookup(at, true, "mkdir");
      if (l.node === undefined) this.mkdir(at, 0o755);
    }
    const l = this.lookup(path, true, "open");
    const n = l.node ?? this.createFile(path, perm);
    this.resize(n, 0);
    this.write(n, bytes, 0);
    n.mode = (n.mode & FileType.Mask) | (perm & 0o7777);
    return n;
  }

  /** The bytes of regular file `path`. */
  readFile(path: string): Uint8Array {
    const n = this.find(path, true, "open");
    if (n.entries !== undefined) throw new FsError("EISDIR", "read", path);
    return n.data.slice(0, n.size);
  }
}
