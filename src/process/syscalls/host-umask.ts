/**
 * The guest's umask against the host's. The guest's umask (Process.umask) is
 * applied to the modes of the files and directories it creates; the host
 * applies its own umask again to what typevisor creates for it, which could
 * cut bits the guest asked for (a guest umask of 002 and the host's usual 022
 * would turn mkdir(0775) into 0755). Where that happens the mode is set again.
 */
import * as fs from "node:fs";

/** The host process's own umask, read once. */
let hostMask: number | undefined;

/** The host process's umask (0 where there is none, as in a browser). */
export function hostUmask(): number {
  if (hostMask === undefined) {
    try {
      hostMask = typeof process === "object" && typeof process.umask === "function" ? process.umask() : 0;
    } catch {
      hostMask = 0o022; // a worker thread may not read it: assume the usual one
    }
  }
  return hostMask;
}

/** Gives a node just created at `host` the permission bits `perm` the guest asked for, where the host's umask cut some. */
export function keepGuestMode(host: string, perm: number): void {
  if ((perm & hostUmask()) !== 0) fs.chmodSync(host, perm);
}
