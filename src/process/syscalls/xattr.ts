/**
 * Extended attributes: setxattr, getxattr, listxattr, removexattr and their
 * l (no symlink following) and f (descriptor) variants. Node has no xattr
 * API, so every file answers as on a Linux file system without xattr
 * support: the arguments, the path or descriptor and the namespace
 * permissions are checked in Linux's order (a bad flag EINVAL, an empty or
 * over-long name ERANGE, a value over 64 KiB E2BIG, then the lookup's ENOENT,
 * ENOTDIR, EBADF..., then user.* on a file that is neither regular nor a
 * directory EPERM/ENODATA, trusted.* without CAP_SYS_ADMIN EPERM/ENODATA,
 * security.* writes without CAP_SYS_ADMIN EPERM), and what reaches the file
 * system is EOPNOTSUPP; listxattr lists nothing (0), as Linux does for such a
 * file system when no security module adds a label.
 */
import * as fs from "node:fs";
import { define, type SyscallArgs } from "./table.js";
import { Errno, hostErrno } from "./errno.js";
import { AT_FDCWD, PathError, resolvePath } from "./paths.js";
import type { Process } from "../process.js";

/** setxattr flags. */
const enum XattrFlag {
  CREATE = 1, REPLACE = 2,
}

/** XATTR_NAME_MAX: a name of this many bytes or more is ERANGE. */
const XATTR_NAME_MAX = 255;
/** XATTR_SIZE_MAX: the largest value. */
const XATTR_SIZE_MAX = 65536;

/** CAP_SYS_ADMIN, which trusted.* and writing security.* need. */
const CAP_SYS_ADMIN = 21n;

/** File type bits of st_mode. */
const enum Ifmt {
  MASK = 0o170000, REG = 0o100000, DIR = 0o040000, LNK = 0o120000,
}

/** What the lookup found: the file's type and, when known, its host path (for the permission check). */
interface Target {
  mode: number;
  host?: string;
}

/** The xattr name argument (import_xattr_name): the name, or -ERANGE. */
function xattrName(p: Process, addr: number): string | number {
  const name = p.space.readCString(addr, XATTR_NAME_MAX + 1, true);
  const bytes = Buffer.byteLength(name);
  return bytes === 0 || bytes > XATTR_NAME_MAX ? -Errno.ERANGE : name;
}

/** Looks up the path argument (following a final symlink unless `nofollow`). */
function lookupPath(p: Process, pathAddr: number, nofollow: boolean): Target | number {
  try {
    const host = resolvePath(p, AT_FDCWD, p.space.readCString(pathAddr));
    if (host === "") return -Errno.ENOENT;
    const st = nofollow ? fs.lstatSync(host) : fs.statSync(host);
    return { mode: st.mode, host };
  } catch (e) {
    if (e instanceof PathError) return e.errno;
    return hostErrno(e);
  }
}

/** Looks up the descriptor argument. */
function lookupFd(p: Process, fd: number): Target | number {
  const f = p.fds.get(fd);
  if (f === undefined) return -Errno.EBADF;
  try {
    if (f.hostFd !== undefined) return { mode: fs.fstatSync(f.hostFd).mode };
  } catch (e) {
    return hostErrno(e);
  }
  if (f.kind === "dir") return { mode: Ifmt.DIR };
  if (f.kind === "pipe") return { mode: 0o010000 };
  if (f.kind === "socket") return { mode: 0o140000 };
  return { mode: f.kind === "file" ? Ifmt.REG : 0 }; // anonymous inodes are not regular files
}

/**
 * xattr_permission and the capability hooks, then the file system's answer:
 * always a negative errno (EOPNOTSUPP once everything else allows the call).
 */
function refuse(p: Process, target: Target, name: string, write: boolean): number {
  const admin = ((p.creds.capEff >> CAP_SYS_ADMIN) & 1n) !== 0n;
  const type = target.mode & Ifmt.MASK;
  if (name.startsWith("security.")) return write && !admin ? -Errno.EPERM : -Errno.EOPNOTSUPP;
  if (name.startsWith("system.")) return -Errno.EOPNOTSUPP;
  if (name.startsWith("trusted.") && !admin) return write ? -Errno.EPERM : -Errno.ENODATA;
  if (name.startsWith("user.") && type !== Ifmt.REG && type !== Ifmt.DIR) return write ? -Errno.EPERM : -Errno.ENODATA;
  if (target.host !== undefined && type !== Ifmt.LNK) {
    try {
      fs.accessSync(target.host, write ? fs.constants.W_OK : fs.constants.R_OK);
    } catch (e) {
      return hostErrno(e);
    }
  }
  return -Errno.EOPNOTSUPP;
}

/** The three ways of naming the file: a path, a path without following, a descriptor. */
type Via = "path" | "lpath" | "fd";

function lookup(p: Process, a: SyscallArgs, via: Via): Target | number {
  return via === "fd" ? lookupFd(p, a.int(0)) : lookupPath(p, a.u64(0), via === "lpath");
}

function setxattr(p: Process, a: SyscallArgs, via: Via): number {
  const size = a.u64(3), flags = a.int(4);
  if ((flags & ~(XattrFlag.CREATE | XattrFlag.REPLACE)) !== 0) return -Errno.EINVAL;
  const name = xattrName(p, a.u64(1));
  if (typeof name === "number") return name;
  if (size > XATTR_SIZE_MAX) return -Errno.E2BIG;
  if (size > 0) p.space.read(a.u64(2), size); // a bad value pointer is EFAULT
  const target = lookup(p, a, via);
  return typeof target === "number" ? target : refuse(p, target, name, true);
}

function getxattr(p: Process, a: SyscallArgs, via: Via): number {
  const name = xattrName(p, a.u64(1));
  if (typeof name === "number") return name;
  const target = lookup(p, a, via);
  return typeof target === "number" ? target : refuse(p, target, name, false);
}

function listxattr(p: Process, a: SyscallArgs, via: Via): number {
  const target = lookup(p, a, via);
  return typeof target === "number" ? target : 0;
}

function removexattr(p: Process, a: SyscallArgs, via: Via): number {
  const name = xattrName(p, a.u64(1));
  if (typeof name === "number") return name;
  const target = lookup(p, a, via);
  return typeof target === "number" ? target : refuse(p, target, name, true);
}

define(5, "setxattr", "ssxux", (p, _t, a) => setxattr(p, a, "path"));
define(6, "lsetxattr", "ssxux", (p, _t, a) => setxattr(p, a, "lpath"));
define(7, "fsetxattr", "dsxux", (p, _t, a) => setxattr(p, a, "fd"));
define(8, "getxattr", "ssxu", (p, _t, a) => getxattr(p, a, "path"));
define(9, "lgetxattr", "ssxu", (p, _t, a) => getxattr(p, a, "lpath"));
define(10, "fgetxattr", "dsxu", (p, _t, a) => getxattr(p, a, "fd"));
define(11, "listxattr", "sxu", (p, _t, a) => listxattr(p, a, "path"));
define(12, "llistxattr", "sxu", (p, _t, a) => listxattr(p, a, "lpath"));
define(13, "flistxattr", "dxu", (p, _t, a) => listxattr(p, a, "fd"));
define(14, "removexattr", "ss", (p, _t, a) => removexattr(p, a, "path"));
define(15, "lremovexattr", "ss", (p, _t, a) => removexattr(p, a, "lpath"));
define(16, "fremovexattr", "ds", (p, _t, a) => removexattr(p, a, "fd"));
