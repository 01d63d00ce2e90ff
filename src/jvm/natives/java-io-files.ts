/**
 * java.io on the host's files: UnixFileSystem (what java.io.File asks: stat,
 * canonical paths, listing, creating, deleting, renaming) and the open,
 * read, write, seek and close natives of FileInputStream, FileOutputStream
 * and RandomAccessFile. Descriptors are the host's; the VM keeps the file
 * position of each file it opened (Node reads and writes at explicit
 * positions), while inherited descriptors (0, 1, 2) use the host's position.
 */

import type { Jvm, JvmFiles } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";
import { errnoText } from "./errno.js";

/** UnixFileSystem's attribute bits (java.io.FileSystem.BA_*). */
const BA_EXISTS = 0x01, BA_REGULAR = 0x02, BA_DIRECTORY = 0x04, BA_HIDDEN = 0x08;

/** File positions of the descriptors the VM opened (java.io and java.nio share them). */
const positions = new Map<number, number>();

/** Starts keeping the position of descriptor `fd` (at `at`). */
export function trackFd(fd: number, at = 0): void {
  positions.set(fd, at);
}

/** Forgets descriptor `fd`'s position (it is closed). */
export function untrackFd(fd: number): void {
  positions.delete(fd);
}

/** The position of descriptor `fd`, undefined for one the VM did not open (stdin, a pipe). */
export function positionOf(fd: number): number | undefined {
  return positions.get(fd);
}

/**
 * Reads into `buffer` from `fd` at `at` (default: its position, which then
 * advances); the host's own position for descriptors the VM did not open.
 */
export function readFd(vm: Jvm, t: JThread, fd: number, buffer: Uint8Array, at?: number): number {
  const pos = at ?? positions.get(fd);
  if (pos === undefined) return vm.host.read(fd, buffer);
  const n = files(vm, t).readSync(fd, buffer, 0, buffer.length, pos);
  if (at === undefined) positions.set(fd, pos + n);
  return n;
}

/** Writes `bytes` to `fd` at `at` (default: its position, which then advances), or appends when `append`. */
export function writeFd(vm: Jvm, t: JThread, fd: number, bytes: Uint8Array, append: boolean, at?: number): void {
  const pos = at ?? positions.get(fd);
  if (pos === undefined) {
    vm.host.write(fd, bytes);
    return;
  }
  let done = 0;
  while (done < bytes.length) done += files(vm, t).writeSync(fd, bytes, done, bytes.length - done, append ? null : pos + done);
  if (at === undefined) positions.set(fd, append ? files(vm, t).fstatSync(fd).size : pos + bytes.length);
}

/** The host's files, or IOException when the host has none. */
export function files(vm: Jvm, t: JThread): JvmFiles {
  const f = vm.host.files;
  if (f === undefined) vm.throwNew(t, "java/io/IOException", "no file system in this host");
  return f;
}

function pathOf(vm: Jvm, file: JObject): string {
  return vm.strings.js(vm.getField(file, "path") as JObject);
}

function fdField(vm: Jvm, stream: JObject): JObject {
  return vm.getField(stream, "fd") as JObject;
}

/** Opens `path` for a stream and stores the descriptor in its FileDescriptor; FileNotFoundException as java.io words it. */
function open(vm: Jvm, t: JThread, stream: JObject, path: string, flags: string, append: boolean): void {
  const fs = files(vm, t);
  let fd: number;
  try {
    fd = fs.openSync(path, flags);
    if (fs.fstatSync(fd).isDirectory() && flags === "r") {
      fs.closeSync(fd);
      throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
    }
  } catch (e) {
    return vm.throwNew(t, "java/io/FileNotFoundException", `${path} (${errnoText(e)})`);
  }
  positions.set(fd, append ? fs.fstatSync(fd).size : 0);
  vm.setField(fdField(vm, stream), "fd", fd);
  if (append) vm.setField(fdField(vm, stream), "append", 1);
}

/** Reads into a byte[] slice at the descriptor's position; -1 at end of file. */
function readInto(vm: Jvm, t: JThread, stream: JObject, b: JObject, off: number, len: number): number {
  const data = b.data as Int8Array;
  if (off < 0 || len < 0 || off + len > data.length) vm.throwNew(t, "java/lang/IndexOutOfBoundsException");
  if (len === 0) return 0;
  const fd = vm.getField(fdField(vm, stream), "fd") as number;
  if (fd < 0) vm.throwNew(t, "java/io/IOException", "Stream Closed");
  let n: number;
  try {
    n = readFd(vm, t, fd, new Uint8Array(data.buffer, data.byteOffset + off, len));
  } catch (e) {
    return vm.throwNew(t, "java/io/IOException", errnoText(e));
  }
  return n === 0 ? -1 : n;
}

/** Writes a byte[] slice at the descriptor's position (appending streams write at the end). */
function writeFrom(vm: Jvm, t: JThread, stream: JObject, b: JObject, off: number, len: number): void {
  const data = b.data as Int8Array;
  if (off < 0 || len < 0 || off + len > data.length) vm.throwNew(t, "java/lang/IndexOutOfBoundsException");
  const fd = vm.getField(fdField(vm, stream), "fd") as number;
  if (fd < 0) vm.throwNew(t, "java/io/IOException", "Stream Closed");
  try {
    writeFd(vm, t, fd, new Uint8Array(data.buffer, data.byteOffset + off, len), vm.getField(fdField(vm, stream), "append") === 1);
  } catch (e) {
    vm.throwNew(t, "java/io/IOException", errnoText(e));
  }
}

function closeFd(vm: Jvm, t: JThread, fdObject: JObject): void {
  const fd = vm.getField(fdObject, "fd") as number;
  if (fd < 0) return;
  vm.setField(fdObject, "fd", -1);
  if (fd <= 2 && !positions.has(fd)) return; // the launcher's standard streams stay open
  positions.delete(fd);
  try {
    files(vm, t).closeSync(fd);
  } catch (e) {
    vm.throwNew(t, "java/io/IOException", errnoText(e));
  }
}

/** The canonical form of `path`: symbolic links, "." and ".." resolved where the path exists, as realpath does. */
function canonicalize(fs: JvmFiles, path: string): string {
  try {
    return fs.realpathSync(path);
  } catch {
    const slash = path.lastIndexOf("/");
    if (slash <= 0) return path;
    const parent = canonicalize(fs, path.slice(0, slash));
    const name = path.slice(slash + 1);
    if (name === "." ) return parent;
    if (name === "..") return parent.slice(0, Math.max(1, parent.lastIndexOf("/")));
    return (parent === "/" ? "" : parent) + "/" + name;
  }
}

function attempt(fn: () => void): number {
  try {
    fn();
    return 1;
  } catch {
    return 0;
  }
}

/** Registers the natives of java.io's file classes. */
export function registerJavaIoFiles(n: Natives): void {
  n.register("java/io/UnixFileSystem", {
    "canonicalize0(Ljava/lang/String;)Ljava/lang/String;": (vm, t, [, p]) => vm.strings.str(canonicalize(files(vm, t), vm.strings.js(p as JObject))),
    "getBooleanAttributes0(Ljava/io/File;)I": (vm, t, [, f]) => {
      const path = pathOf(vm, f as JObject);
      try {
        const st = files(vm, t).statSync(path);
        const name = path.slice(path.lastIndexOf("/") + 1);
        return BA_EXISTS | (st.isFile() ? BA_REGULAR : 0) | (st.isDirectory() ? BA_DIRECTORY : 0) | (name.startsWith(".") ? BA_HIDDEN : 0);
      } catch {
        return 0;
      }
    },
    "checkAccess(Ljava/io/File;I)Z": (vm, t, [, f, mode]) => attempt(() => files(vm, t).accessSync(pathOf(vm, f as JObject), mode as number)),
    "getLastModifiedTime(Ljava/io/File;)J": (vm, t, [, f]) => {
      try {
        return BigInt(Math.floor(files(vm, t).statSync(pathOf(vm, f as JObject)).mtimeMs));
      } catch {
        return 0n;
      }
    },
    "getLength(Ljava/io/File;)J": (vm, t, [, f]) => {
      try {
        return BigInt(files(vm, t).statSync(pathOf(vm, f as JObject)).size);
      } catch {
        return 0n;
      }
    },
    "setPermission(Ljava/io/File;IZZ)Z": (vm, t, [, f, access, enable, ownerOnly]) => attempt(() => {
      const fs = files(vm, t);
      const path = pathOf(vm, f as JObject);
      const bits = ((access as number) << 6) | (ownerOnly === 1 ? 0 : ((access as number) << 3) | (access as number));
      const mode = fs.statSync(path).mode & 0o7777;
      fs.chmodSync(path, enable === 1 ? mode | bits : mode & ~bits);
    }),
    "createFileExclusively(Ljava/lang/String;)Z": (vm, t, [, p]) => {
      const fs = files(vm, t);
      const path = vm.strings.js(p as JObject);
      try {
        fs.closeSync(fs.openSync(path, "wx"));
        return 1;
      } catch (e) {
        if ((e as { code?: string }).code === "EEXIST") return 0;
        return vm.throwNew(t, "java/io/IOException", errnoText(e));
      }
    },
    "delete0(Ljava/io/File;)Z": (vm, t, [, f]) => {
      const fs = files(vm, t);
      const path = pathOf(vm, f as JObject);
      return attempt(() => (fs.statSync(path).isDirectory() ? fs.rmdirSync(path) : fs.unlinkSync(path)));
    },
    "list(Ljava/io/File;)[Ljava/lang/String;": (vm, t, [, f]) => {
      try {
        return vm.refArray("java/lang/String", files(vm, t).readdirSync(pathOf(vm, f as JObject)).map((s) => vm.strings.str(s)));
      } catch {
        return null;
      }
    },
    "createDirectory(Ljava/io/File;)Z": (vm, t, [, f]) => attempt(() => files(vm, t).mkdirSync(pathOf(vm, f as JObject))),
    "rename0(Ljava/io/File;Ljava/io/File;)Z": (vm, t, [, a, b]) => attempt(() => files(vm, t).renameSync(pathOf(vm, a as JObject), pathOf(vm, b as JObject))),
    "setLastModifiedTime(Ljava/io/File;J)Z": (vm, t, [, f, ms]) => attempt(() => {
      const s = Number(ms as bigint) / 1000;
      files(vm, t).utimesSync(pathOf(vm, f as JObject), s, s);
    }),
    "setReadOnly(Ljava/io/File;)Z": (vm, t, [, f]) => attempt(() => {
      const fs = files(vm, t);
      const path = pathOf(vm, f as JObject);
      fs.chmodSync(path, fs.statSync(path).mode & 0o7555);
    }),
    "getSpace(Ljava/io/File;I)J": () => 0n,
    "getNameMax0(Ljava/lang/String;)J": () => 255n,
  });
  n.register("java/io/FileDescriptor", {
    "close0()V": (vm, t, [fd]) => closeFd(vm, t, fd as JObject),
  });
  n.register("java/io/FileInputStream", {
    "open0(Ljava/lang/String;)V": (vm, t, [s, p]) => open(vm, t, s as JObject, vm.strings.js(p as JObject), "r", false),
    "readBytes([BII)I": (vm, t, [s, b, off, len]) => readInto(vm, t, s as JObject, b as JObject, off as number, len as number),
    "read0()I": (vm, t, [s]) => {
      const one = vm.newArray(vm.registry.primitive("B")!, 1);
      const n = readInto(vm, t, s as JObject, one, 0, 1);
      return n <= 0 ? -1 : ((one.data as Int8Array)[0]! & 0xff);
    },
    "available0()I": (vm, t, [s]) => {
      const fd = vm.getField(fdField(vm, s as JObject), "fd") as number;
      const pos = positions.get(fd);
      if (pos === undefined) return 0;
      return Math.max(0, Math.min(0x7fffffff, files(vm, t).fstatSync(fd).size - pos));
    },
    "skip0(J)J": (vm, t, [s, n]) => {
      const fd = vm.getField(fdField(vm, s as JObject), "fd") as number;
      const pos = positions.get(fd);
      if (pos === undefined) return vm.throwNew(t, "java/io/IOException", "Illegal seek");
      positions.set(fd, pos + Number(n as bigint));
      return n;
    },
    "length0()J": (vm, t, [s]) => BigInt(files(vm, t).fstatSync(vm.getField(fdField(vm, s as JObject), "fd") as number).size),
    "position0()J": (vm, _t, [s]) => BigInt(positions.get(vm.getField(fdField(vm, s as JObject), "fd") as number) ?? 0),
  });
  n.register("java/io/FileOutputStream", {
    "open0(Ljava/lang/String;Z)V": (vm, t, [s, p, append]) => open(vm, t, s as JObject, vm.strings.js(p as JObject), append === 1 ? "a" : "w", append === 1),
    "writeBytes([BIIZ)V": (vm, t, [s, b, off, len]) => writeFrom(vm, t, s as JObject, b as JObject, off as number, len as number),
    "write(IZ)V": (vm, t, [s, v]) => {
      const one = vm.byteArray(Uint8Array.of(v as number));
      writeFrom(vm, t, s as JObject, one, 0, 1);
    },
  });
  n.register("java/io/RandomAccessFile", {
    "open0(Ljava/lang/String;I)V": (vm, t, [s, p, mode]) => {
      const RW = 2;
      const path = vm.strings.js(p as JObject);
      const writable = ((mode as number) & RW) !== 0;
      let flags = "r";
      if (writable) flags = files(vm, t).statSync !== undefined && exists(files(vm, t), path) ? "r+" : "w+";
      open(vm, t, s as JObject, path, flags, false);
    },
    "readBytes([BII)I": (vm, t, [s, b, off, len]) => readInto(vm, t, s as JObject, b as JObject, off as number, len as number),
    "read0()I": (vm, t, [s]) => {
      const one = vm.newArray(vm.registry.primitive("B")!, 1);
      return readInto(vm, t, s as JObject, one, 0, 1) <= 0 ? -1 : ((one.data as Int8Array)[0]! & 0xff);
    },
    "writeBytes([BII)V": (vm, t, [s, b, off, len]) => writeFrom(vm, t, s as JObject, b as JObject, off as number, len as number),
    "write0(I)V": (vm, t, [s, v]) => {
      const one = vm.byteArray(Uint8Array.of(v as number));
      writeFrom(vm, t, s as JObject, one, 0, 1);
    },
    "getFilePointer()J": (vm, _t, [s]) => BigInt(positions.get(vm.getField(fdField(vm, s as JObject), "fd") as number) ?? 0),
    "seek0(J)V": (vm, _t, [s, p]) => {
      positions.set(vm.getField(fdField(vm, s as JObject), "fd") as number, Number(p as bigint));
    },
    "length()J": (vm, t, [s]) => BigInt(files(vm, t).fstatSync(vm.getField(fdField(vm, s as JObject), "fd") as number).size),
    "setLength(J)V": (vm, t, [s, len]) => files(vm, t).ftruncateSync(vm.getField(fdField(vm, s as JObject), "fd") as number, Number(len as bigint)),
  });
}

function exists(fs: JvmFiles, path: string): boolean {
  try {
    fs.statSync(path);
    return true;
  } catch {
    return false;
  }
}
