/**
 * execve and execveat: the calling process replaces its program with a
 * RISC-V ELF file (static or dynamic; the dynamic loader comes from the
 * sysroot as for the first program). Other threads end, descriptors marked
 * close-on-exec close, caught signals revert to their default action, and a
 * vfork parent resumes. A file that is not a RISC-V program fails with
 * ENOEXEC and the caller's image is untouched.
 */
import * as fs from "node:fs";
import { define, NO_RETURN, type SyscallArgs, type SyscallResult } from "./table.js";
import { Errno } from "./errno.js";
import { AT_FDCWD, resolvePath } from "./paths.js";
import { AddressSpace } from "../address-space.js";
import { loadProgram, type LoadedProgram } from "../loader.js";
import { ElfError } from "../elf.js";
import { Hart } from "../../cpu/riscv/hart.js";
import { SharedMappings } from "../shared-maps.js";
import { SIG_IGN } from "../signals.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** Most argv + envp strings accepted (Linux's limit is in bytes; this keeps a runaway list bounded). */
const MAX_STRINGS = 0x20000;
/** AT_EMPTY_PATH for execveat. */
const AT_EMPTY_PATH = 0x1000;

/** The NULL-terminated array of C strings at `addr` (NULL itself: an empty list). */
function readStrings(p: Process, addr: number): string[] {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; ; i++) {
    if (i >= MAX_STRINGS) throw new RangeError("E2BIG");
    const s = p.space.readU64(addr + i * 8);
    if (s === 0) return out;
    out.push(p.space.readCString(s, 0x20000));
  }
}

/** Replaces `p`'s program with the one at host path `file`; returns only on failure. */
function exec(p: Process, t: Thread, file: string, argv: string[], envp: string[]): SyscallResult {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? -Errno.ENOENT : code === "ENOTDIR" ? -Errno.ENOTDIR : -Errno.EACCES;
  }
  if (!st.isFile()) return -Errno.EACCES;
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return -Errno.EACCES;
  }
  const space = new AddressSpace(p.kernel.ram, p.kernel.frames);
  let loaded: LoadedProgram;
  const options = { ...p.options, path: file, argv, envp };
  try {
    loaded = loadProgram(space, options);
  } catch (e) {
    space.release();
    if (e instanceof ElfError) return e.notFound ? -Errno.ENOENT : -Errno.ENOEXEC;
    throw e;
  }
  // The point of no return: the old image goes.
  for (const o of [...p.threads]) if (o !== t) p.reap(o);
  p.shared.syncAll();
  p.shared = new SharedMappings(p);
  const old = p.space;
  p.space = space;
  if (!p.kernel.processes.some((q) => q !== p && !q.finished && q.space === old)) old.release();
  p.loaded = loaded;
  p.options = options;
  p.brkStart = p.brk = loaded.brk;
  p.fds.closeOnExec();
  for (const act of p.signals.actions) if (act.handler !== SIG_IGN) { act.handler = 0; act.flags = 0; act.mask = 0n; act.restorer = 0; }
  const h = new Hart(space.mmu, space.cache);
  h.pc = BigInt(loaded.entry);
  h.setX(2, BigInt(loaded.sp));
  t.hart = h;
  t.clearChildTid = 0;
  t.robustList = 0;
  t.altstack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  p.vforkDone?.();
  p.vforkDone = undefined;
  p.yieldRequested = true; // the scheduler picks up the new hart
  return NO_RETURN;
}

/** execve/execveat with the guest path, argv and envp at the given addresses. */
function execAt(p: Process, t: Thread, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): SyscallResult {
  const guestPath = p.space.readCString(pathAddr);
  if (guestPath === "" && (flags & AT_EMPTY_PATH) === 0) return -Errno.ENOENT;
  let argv: string[], envp: string[];
  try {
    argv = readStrings(p, argvAddr);
    envp = readStrings(p, envpAddr);
  } catch (e) {
    if (e instanceof RangeError) return -Errno.E2BIG;
    throw e;
  }
  return exec(p, t, resolvePath(p, dirfd, guestPath), argv, envp);
}

define(221, "execve", "sxx", (p, t, a: SyscallArgs) => execAt(p, t, AT_FDCWD, a.u64(0), a.u64(1), a.u64(2), 0));
define(281, "execveat", "dsxxx", (p, t, a: SyscallArgs) => execAt(p, t, a.int(0), a.u64(1), a.u64(2), a.u64(3), a.int(4)));
