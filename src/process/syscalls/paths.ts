/**
 * Guest path resolution: *at() directory descriptors, the sysroot overlay
 * (an absolute path that exists under the sysroot is taken from there, as
 * qemu-user's -L does, so the guest finds its own libraries), and the few
 * /proc entries that must describe the guest rather than this host process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Process } from "../process.js";

/** AT_FDCWD: "relative to the current directory". */
export const AT_FDCWD = -100;

/** Thrown when a dirfd is not an open directory; becomes the errno it carries. */
export class PathError extends Error {
  constructor(readonly errno: number) {
    super(`path error ${errno}`);
  }
}

/** The host path `guestPath` names, relative to `dirfd` when it is relative. */
export function resolvePath(p: Process, dirfd: number, guestPath: string): string {
  if (guestPath.startsWith("/")) return overlay(p, guestPath);
  if (guestPath === "") {
    const f = p.fds.get(dirfd);
    if (f?.path === undefined) throw new PathError(-2);
    return f.path;
  }
  if (dirfd === AT_FDCWD) return guestPath;
  const dir = p.fds.get(dirfd);
  if (dir === undefined) throw new PathError(-9); // EBADF
  if (dir.path === undefined || dir.kind !== "dir") throw new PathError(-20); // ENOTDIR
  return path.join(dir.path, guestPath);
}

/** Maps an absolute guest path through the sysroot overlay and /proc/self special cases. */
function overlay(p: Process, guestPath: string): string {
  if (guestPath === "/proc/self/exe" || guestPath === `/proc/${p.pid}/exe`) return path.resolve(p.options.path);
  const root = p.options.sysroot;
  if (root !== undefined && root !== "/" && guestPath !== "/") {
    const candidate = path.join(root, guestPath);
    try {
      fs.lstatSync(candidate);
      return candidate;
    } catch { /* not in the sysroot: the host's file */ }
  }
  return guestPath;
}
