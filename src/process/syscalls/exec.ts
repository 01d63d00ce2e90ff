/**
 * execve and execveat: the calling process replaces its program with a
 * RISC-V ELF file (static or dynamic; the dynamic loader comes from the
 * sysroot as for the first program). Other threads end, descriptors marked
 * close-on-exec close, caught signals revert to their default action, and a
 * vfork parent resumes. A script starting with #! runs its interpreter (a
 * RISC-V one from the guest's view of the file system, else the host's);
 * a program for this host runs as a host child process (host-exec.ts), as
 * under qemu-user. A file that is neither fails with ENOEXEC and the
 * caller's image is untouched.
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
import { deleteTimers } from "./posix-timer.js";
import { hostExec } from "../host-exec.js";
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

/** ELF e_machine of RISC-V. */
const EM_RISCV = 243;

/** What an executable file is: a RISC-V program, a program for another machine (this host), a #! script, or neither. */
type Kind = { kind: "riscv" } | { kind: "host" } | { kind: "script"; interpreter: string; arg: string | undefined } | { kind: "unknown" };

/** Reads the start of `file` to tell what kind of executable it is. */
function classify(file: string): Kind {
  const head = new Uint8Array(256);
  let n = 0;
  try {
    const fd = fs.openSync(file, "r");
    try { n = fs.readSync(fd, head, 0, head.length, 0); } finally { fs.closeSync(fd); }
  } catch {
    return { kind: "unknown" };
  }
  if (n >= 20 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    const machine = head[5] === 2 ? (head[18] << 8) | head[19] : head[18] | (head[19] << 8);
    return { kind: machine === EM_RISCV ? "riscv" : "host" };
  }
  if (n >= 2 && head[0] === 0x23 && head[1] === 0x21) { // "#!"
    const line = Buffer.from(head.subarray(2, n)).toString("latin1").split("\n")[0].trim();
    const m = /^(\S+)(?:\s+(.*))?$/.exec(line);
    if (m) return { kind: "script", interpreter: m[1], arg: m[2] };
  }
  return { kind: "unknown" };
}

/** Replaces `p`'s program with the one at host path `file` (guest path `guestPath`); returns only on failure. */
function exec(p: Process, t: Thread, guestPath: string, file: string, argv: string[], envp: string[]): SyscallResult {
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
  const kind = classify(file);
  if (kind.kind === "script") {
    // The kernel's binfmt_script: run the interpreter with the script's path as an argument.
    const interp = resolvePath(p, AT_FDCWD, kind.interpreter);
    if (classify(interp).kind === "riscv") {
      const args = [kind.interpreter, ...(kind.arg !== undefined ? [kind.arg] : []), guestPath, ...argv.slice(1)];
      return exec(p, t, kind.interpreter, interp, args, envp);
    }
  }
  if (kind.kind === "unknown") return -Errno.ENOEXEC;
  if (kind.kind !== "riscv") {
    // A host program (or a script for a host interpreter): it replaces the guest process.
    replaceImage(p, t);
    return hostExec(p, file, argv, envp, t.sigmask);
  }
  const space = new AddressSpace(p.kernel.ram, p.kernel.frames, p.kernel.cache);
  let loaded: LoadedProgram;
  const options = { ...p.options, path: file, argv, envp };
  try {
    loaded = loadProgram(space, options);
  } catch (e) {
    space.release();
    if (e instanceof ElfError) return e.notFound ? -Errno.ENOENT : -Errno.ENOEXEC;
    throw e;
  }
  const old = replaceImage(p, t);
  p.space = space;
  if (!p.kernel.processes.some((q) => q !== p && !q.finished && q.space === old)) old.release();
  p.loaded = loaded;
  p.options = options;
  p.brkStart = p.brk = loaded.brk;
  const h = new Hart(space.mmu, space.cache);
  h.pc = BigInt(loaded.entry);
  h.setX(2, BigInt(loaded.sp));
  t.hart = h;
  p.yieldRequested = true; // the scheduler picks up the new hart
  return NO_RETURN;
}

/**
 * The point of no return of an execve: other threads end, close-on-exec
 * descriptors close, caught signals revert to SIG_DFL, a vfork parent
 * resumes. Returns the old address space (the caller releases it).
 */
function replaceImage(p: Process, t: Thread): AddressSpace {
  for (const o of [...p.threads]) if (o !== t) p.reap(o);
  p.shared.syncAll();
  p.shared = new SharedMappings(p);
  p.fds.closeOnExec();
  p.creds.exec();
  for (const act of p.signals.actions) if (act.handler !== SIG_IGN) { act.handler = 0; act.flags = 0; act.mask = 0n; act.restorer = 0; }
  deleteTimers(p);
  t.clearChildTid = 0;
  t.robustList = 0;
  t.altstack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  p.vforkDone?.();
  p.vforkDone = undefined;
  return p.space;
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
  return exec(p, t, guestPath, resolvePath(p, dirfd, guestPath), argv, envp);
}

define(221, "execve", "sxx", (p, t, a: SyscallArgs) => execAt(p, t, AT_FDCWD, a.u64(0), a.u64(1), a.u64(2), 0));
define(281, "execveat", "dsxxx", (p, t, a: SyscallArgs) => execAt(p, t, a.int(0), a.u64(1), a.u64(2), a.u64(3), a.int(4)));
