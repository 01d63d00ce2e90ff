/** --strace output: each system call printed as strace does, `name(args) = result`. */
import type { Process } from "./process.js";
import type { SyscallArgs, SyscallDef } from "./syscalls/table.js";
import { SYSCALL_NAMES } from "./syscalls/table.js";

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN",
  12: "ENOMEM", 13: "EACCES", 14: "EFAULT", 17: "EEXIST", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL",
  24: "EMFILE", 25: "ENOTTY", 28: "ENOSPC", 29: "ESPIPE", 32: "EPIPE", 34: "ERANGE", 38: "ENOSYS",
  39: "ENOTEMPTY", 40: "ELOOP", 95: "EOPNOTSUPP", 110: "ETIMEDOUT", 111: "ECONNREFUSED",
};

function quote(s: string): string {
  const shown = s.length > 32 ? s.slice(0, 32) : s;
  return JSON.stringify(shown) + (s.length > 32 ? "..." : "");
}

/** Formats the call part ("openat(AT_FDCWD, \"/etc/passwd\", 0x0)") of one system call. */
export function formatCall(p: Process, nr: number, def: SyscallDef | undefined, a: SyscallArgs): string {
  if (def === undefined) {
    const name = SYSCALL_NAMES[nr] ?? `syscall_${nr}`;
    return `${name}(0x${a.big(0).toString(16)}, 0x${a.big(1).toString(16)}, 0x${a.big(2).toString(16)})`;
  }
  const args: string[] = [];
  for (let i = 0; i < def.fmt.length; i++) {
    const f = def.fmt[i];
    if (f === "d") args.push(a.int(i) === -100 ? "AT_FDCWD" : String(a.int(i)));
    else if (f === "u") args.push(String(a.big(i)));
    else if (f === "o") args.push("0" + a.u32(i).toString(8));
    else if (f === "s") {
      try { args.push(a.u64(i) === 0 ? "NULL" : quote(p.space.readCString(a.u64(i), 256))); }
      catch { args.push(`0x${a.big(i).toString(16)}`); }
    } else args.push(`0x${a.big(i).toString(16)}`);
  }
  return `${def.name}(${args.join(", ")})`;
}

/** Formats a result as strace does: the value, or "-1 ENOENT (…)" style for errors. */
export function formatResult(r: number | bigint): string {
  const v = typeof r === "bigint" ? BigInt.asIntN(64, r) : BigInt(Math.trunc(r));
  if (v < 0n && v > -4096n) {
    const e = Number(-v);
    return `-1 ${ERRNO_NAMES[e] ?? "errno " + e}`;
  }
  return v > 0xffffn ? `0x${BigInt.asUintN(64, v).toString(16)}` : String(v);
}
