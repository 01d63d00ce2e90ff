/**
 * The natives behind java.nio.file and FileChannel on Linux:
 * sun.nio.fs.UnixNativeDispatcher (paths arrive as NUL-terminated bytes in
 * native memory; failures are UnixException with Linux's errno) and
 * sun.nio.ch's FileDispatcherImpl, IOUtil and NativeThread. Descriptors are
 * the host's, with positions kept as java.io keeps them.
 */

import type { Jvm, JvmFiles } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject, Value } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";
import { files, positionOf, readFd, trackFd, untrackFd, writeFd } from "./java-io-files.js";
import { ERRNO, STRERROR } from "./errno.js";
import { JavaThrow } from "../runtime/objects.js";

/** Big-integer stat results as node:fs gives them with { bigint: true }. */
interface BigStats {
  dev: bigint; ino: bigint; mode: bigint; nlink: bigint; uid: bigint; gid: bigint; rdev: bigint; size: bigint;
  atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint; birthtimeNs: bigint;
}

type NioFiles = JvmFiles & {
  statSync(path: string, options: { bigint: true }): BigStats;
  lstatSync(path: string, options: { bigint: true }): BigStats;
  fstatSync(fd: number, options: { bigint: true }): BigStats;
  readlinkSync(path: string): string;
  symlinkSync(target: string, path: string): void;
  linkSync(existing: string, path: string): void;
  openSync(path: string, flags: number, mode?: number): number;
};

const nio = (vm: Jvm, t: JThread) => files(vm, t) as NioFiles;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The NUL-terminated path at `address` in native memory. */
function pathAt(vm: Jvm, address: Value): string {
  const mem = vm.nativeMemory.bytes();
  let end = Number(address as bigint);
  while (mem[end] !== 0) end++;
  return decoder.decode(mem.subarray(Number(address as bigint), end));
}

function bytes(vm: Jvm, s: string): JObject {
  return vm.byteArray(encoder.encode(s));
}

/** Runs `fn`, turning a host error into sun.nio.fs.UnixException(errno). */
function unix<T>(vm: Jvm, t: JThread, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === undefined) throw e;
    throw new JavaThrow(vm.construct(t, "sun/nio/fs/UnixException", "(I)V", [ERRNO[code] ?? 5]));
  }
}

function fillAttributes(vm: Jvm, attrs: JObject, st: BigStats): void {
  const set = (name: string, v: Value) => vm.setField(attrs, name, v);
  const sec = (ns: bigint) => ns / 1_000_000_000n;
  const nsec = (ns: bigint) => ns % 1_000_000_000n;
  set("st_mode", Number(st.mode));
  set("st_ino", st.ino);
  set("st_dev", st.dev);
  set("st_rdev", st.rdev);
  set("st_nlink", Number(st.nlink));
  set("st_uid", Number(st.uid));
  set("st_gid", Number(st.gid));
  set("st_size", st.size);
  set("st_atime_sec", sec(st.atimeNs));
  set("st_atime_nsec", nsec(st.atimeNs));
  set("st_mtime_sec", sec(st.mtimeNs));
  set("st_mtime_nsec", nsec(st.mtimeNs));
  set("st_ctime_sec", sec(st.ctimeNs));
  set("st_ctime_nsec", nsec(st.ctimeNs));
}

/** Open directory streams (opendir handles). */
const directories = new Map<number, { names: string[]; next: number }>();
let nextDirectory = 1;

/** A user or group name from /etc/passwd or /etc/group, as getpwuid/getgrgid read it. */
function lookupId(vm: Jvm, t: JThread, file: string, id: number): string | undefined {
  try {
    const buf = new Uint8Array(nio(vm, t).statSync(file).size);
    const fd = nio(vm, t).openSync(file, "r");
    nio(vm, t).readSync(fd, buf, 0, buf.length, 0);
    nio(vm, t).closeSync(fd);
    for (const line of decoder.decode(buf).split("\n")) {
      const f = line.split(":");
      if (f.length > 2 && Number(f[2]) === id) return f[0];
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function fdOf(vm: Jvm, fdObject: Value): number {
  return vm.getField(fdObject as JObject, "fd") as number;
}

function memory(vm: Jvm, address: Value, len: number): Uint8Array {
  return vm.nativeMemory.bytes().subarray(Number(address as bigint), Number(address as bigint) + len);
}

/** Native-memory copies of files mapped whole (the runtime image for the jrt file system), by path. */
const mapped = new Map<string, { address: number; size: number }>();

/**
 * NativeImageBuffer.getNativeMap: the JDK's jimage reader asks the VM for its
 * own mapping of lib/modules; here the file is read once into native memory
 * and handed out as a direct ByteBuffer over it.
 */
function imageMap(vm: Jvm, t: JThread, path: string): Value {
  let m = mapped.get(path);
  if (m === undefined) {
    const fs = nio(vm, t);
    let fd: number;
    try {
      fd = fs.openSync(path, "r");
    } catch {
      return null;
    }
    const size = fs.fstatSync(fd).size;
    const address = vm.nativeMemory.allocate(size);
    const chunk = 16 << 20;
    for (let done = 0; done < size; ) {
      const n = fs.readSync(fd, vm.nativeMemory.bytes().subarray(address + done, address + Math.min(size, done + chunk)), 0, Math.min(chunk, size - done), done);
      if (n <= 0) break;
      done += n;
    }
    fs.closeSync(fd);
    m = { address, size };
    mapped.set(path, m);
  }
  return vm.construct(t, "java/nio/DirectByteBuffer", "(JI)V", [BigInt(m.address), m.size]);
}

/** Registers the java.nio natives. */
export function registerNioNatives(n: Natives): void {
  n.register("sun/nio/fs/UnixNativeDispatcher", {
    "init()I": () => 0, // no openat, futimes, birth time...: the JDK uses the plain calls
    "getcwd()[B": (vm) => bytes(vm, vm.host.cwd?.() ?? "/"),
    "strerror(I)[B": (vm, _t, [e]) => bytes(vm, STRERROR[e as number] ?? `Unknown error ${e as number}`),
    "open0(JII)I": (vm, t, [p, flags, mode]) => unix(vm, t, () => {
      const fd = nio(vm, t).openSync(pathAt(vm, p), flags as number, mode as number);
      trackFd(fd, 0);
      return fd;
    }),
    "close0(I)V": (vm, t, [fd]) => {
      untrackFd(fd as number);
      try {
        nio(vm, t).closeSync(fd as number);
      } catch {
        // close errors are ignored, as the JDK ignores them here
      }
    },
    "stat0(JLsun/nio/fs/UnixFileAttributes;)V": (vm, t, [p, a]) => unix(vm, t, () => fillAttributes(vm, a as JObject, nio(vm, t).statSync(pathAt(vm, p), { bigint: true }))),
    "lstat0(JLsun/nio/fs/UnixFileAttributes;)V": (vm, t, [p, a]) => unix(vm, t, () => fillAttributes(vm, a as JObject, nio(vm, t).lstatSync(pathAt(vm, p), { bigint: true }))),
    "fstat(ILsun/nio/fs/UnixFileAttributes;)V": (vm, t, [fd, a]) => unix(vm, t, () => fillAttributes(vm, a as JObject, nio(vm, t).fstatSync(fd as number, { bigint: true }))),
    "stat1(J)I": (vm, t, [p]) => {
      try {
        return Number(nio(vm, t).statSync(pathAt(vm, p), { bigint: true }).mode);
      } catch {
        return 0;
      }
    },
    "exists0(J)Z": (vm, t, [p]) => {
      try {
        nio(vm, t).statSync(pathAt(vm, p));
        return 1;
      } catch {
        return 0;
      }
    },
    "access0(JI)V": (vm, t, [p, mode]) => unix(vm, t, () => nio(vm, t).accessSync(pathAt(vm, p), mode as number)),
    "mkdir0(JI)V": (vm, t, [p]) => unix(vm, t, () => nio(vm, t).mkdirSync(pathAt(vm, p))),
    "rmdir0(J)V": (vm, t, [p]) => unix(vm, t, () => nio(vm, t).rmdirSync(pathAt(vm, p))),
    "unlink0(J)V": (vm, t, [p]) => unix(vm, t, () => nio(vm, t).unlinkSync(pathAt(vm, p))),
    "rename0(JJ)V": (vm, t, [a, b]) => unix(vm, t, () => nio(vm, t).renameSync(pathAt(vm, a), pathAt(vm, b))),
    "link0(JJ)V": (vm, t, [a, b]) => unix(vm, t, () => nio(vm, t).linkSync(pathAt(vm, a), pathAt(vm, b))),
    "symlink0(JJ)V": (vm, t, [a, b]) => unix(vm, t, () => nio(vm, t).symlinkSync(pathAt(vm, a), pathAt(vm, b))),
    "readlink0(J)[B": (vm, t, [p]) => unix(vm, t, () => bytes(vm, nio(vm, t).readlinkSync(pathAt(vm, p)))),
    "realpath0(J)[B": (vm, t, [p]) => unix(vm, t, () => bytes(vm, nio(vm, t).realpathSync(pathAt(vm, p)))),
    "chmod0(JI)V": (vm, t, [p, mode]) => unix(vm, t, () => nio(vm, t).chmodSync(pathAt(vm, p), mode as number)),
    "utimes0(JJJ)V": (vm, t, [p, a, m]) => unix(vm, t, () => nio(vm, t).utimesSync(pathAt(vm, p), Number(a as bigint) / 1e6, Number(m as bigint) / 1e6)),
    "opendir0(J)J": (vm, t, [p]) => unix(vm, t, () => {
      const id = nextDirectory++;
      directories.set(id, { names: nio(vm, t).readdirSync(pathAt(vm, p)), next: 0 });
      return BigInt(id);
    }),
    "readdir(J)[B": (vm, _t, [d]) => {
      const dir = directories.get(Number(d as bigint));
      if (dir === undefined || dir.next >= dir.names.length) return null;
      return bytes(vm, dir.names[dir.next++]!);
    },
    "closedir(J)V": (_vm, _t, [d]) => {
      directories.delete(Number(d as bigint));
    },
    "read(IJI)I": (vm, t, [fd, addr, len]) => unix(vm, t, () => readFd(vm, t, fd as number, memory(vm, addr, len as number))),
    "write(IJI)I": (vm, t, [fd, addr, len]) => unix(vm, t, () => {
      writeFd(vm, t, fd as number, memory(vm, addr, len as number), false);
      return len as number;
    }),
    "getpwuid(I)[B": (vm, t, [id]) => bytes(vm, lookupId(vm, t, "/etc/passwd", id as number) ?? String(id)),
    "getgrgid(I)[B": (vm, t, [id]) => bytes(vm, lookupId(vm, t, "/etc/group", id as number) ?? String(id)),
  });
  n.register("sun/nio/fs/UnixCopyFile", {
    "transfer(IIJ)V": (vm, t, [dst, src]) => unix(vm, t, () => {
      const chunk = new Uint8Array(1 << 16);
      for (;;) {
        const got = readFd(vm, t, src as number, chunk);
        if (got <= 0) break;
        writeFd(vm, t, dst as number, chunk.subarray(0, got), false);
      }
    }),
  });
  n.register("jdk/internal/jimage/NativeImageBuffer", {
    "getNativeMap(Ljava/lang/String;)Ljava/nio/ByteBuffer;": (vm, t, [p]) => imageMap(vm, t, vm.strings.js(p as JObject)),
  });
  n.register("sun/nio/ch/IOUtil", {
    "fdVal(Ljava/io/FileDescriptor;)I": (vm, _t, [fd]) => fdOf(vm, fd),
    "setfdVal(Ljava/io/FileDescriptor;I)V": (vm, _t, [fd, v]) => vm.setField(fd as JObject, "fd", v),
    "iovMax()I": () => 1024,
    "writevMax()J": () => 0x7fffffffn,
    "fdLimit()I": () => 1048576,
    "configureBlocking(Ljava/io/FileDescriptor;Z)V": () => {},
  });
  n.register("sun/nio/ch/NativeThread", {
    "init()V": () => {},
    "supportPendingSignals0()Z": () => 0,
    "current()J": () => 0n,
    "signal(J)V": () => {},
  });
  n.register("sun/nio/ch/FileChannelImpl", {
    "maxDirectTransferSize0()I": () => 0x7ffff000,
  });
  n.register("sun/nio/ch/FileDispatcherImpl", {
    "read0(Ljava/io/FileDescriptor;JI)I": (vm, t, [fd, addr, len]) => {
      const got = readFd(vm, t, fdOf(vm, fd), memory(vm, addr, len as number));
      return got === 0 && (len as number) > 0 ? -1 : got; // IOStatus.EOF
    },
    "pread0(Ljava/io/FileDescriptor;JIJ)I": (vm, t, [fd, addr, len, at]) => {
      const got = readFd(vm, t, fdOf(vm, fd), memory(vm, addr, len as number), Number(at as bigint));
      return got === 0 && (len as number) > 0 ? -1 : got;
    },
    "write0(Ljava/io/FileDescriptor;JI)I": (vm, t, [fd, addr, len]) => {
      writeFd(vm, t, fdOf(vm, fd), memory(vm, addr, len as number), vm.getField(fd as JObject, "append") === 1);
      return len as number;
    },
    "pwrite0(Ljava/io/FileDescriptor;JIJ)I": (vm, t, [fd, addr, len, at]) => {
      writeFd(vm, t, fdOf(vm, fd), memory(vm, addr, len as number), false, Number(at as bigint));
      return len as number;
    },
    "seek0(Ljava/io/FileDescriptor;J)J": (vm, t, [fd, offset]) => {
      const f = fdOf(vm, fd);
      if ((offset as bigint) >= 0n) trackFd(f, Number(offset as bigint));
      return BigInt(positionOf(f) ?? 0);
      void t;
    },
    "size0(Ljava/io/FileDescriptor;)J": (vm, t, [fd]) => BigInt(nio(vm, t).fstatSync(fdOf(vm, fd)).size),
    "truncate0(Ljava/io/FileDescriptor;J)I": (vm, t, [fd, size]) => {
      nio(vm, t).ftruncateSync(fdOf(vm, fd), Number(size as bigint));
      return 0;
    },
    "force0(Ljava/io/FileDescriptor;Z)I": () => 0,
    "close0(Ljava/io/FileDescriptor;)V": (vm, t, [fd]) => {
      const f = fdOf(vm, fd);
      untrackFd(f);
      if (f > 2) nio(vm, t).closeSync(f);
    },
    "preClose0(Ljava/io/FileDescriptor;)V": () => {},
    "closeIntFD(I)V": (vm, t, [fd]) => {
      untrackFd(fd as number);
      nio(vm, t).closeSync(fd as number);
    },
    "setDirect0(Ljava/io/FileDescriptor;)I": () => -1,
    "canTransferToFromOverlappedMap0()Z": () => 0,
    "init()V": () => {},
  });
}
