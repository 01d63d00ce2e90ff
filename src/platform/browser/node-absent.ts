/**
 * What a browser tab cannot do for the process VM — host processes, host
 * sockets — as the modules `node:child_process`, `node:net` and `node:dgram`
 * of the play page's worker bundle: each operation fails with the errno Linux
 * gives when the feature is absent (no route to any network, no binary format
 * for a host program, no right to make a FIFO), which the syscall hands to
 * the guest. The IP-address helpers work as Node's do.
 */

/** An error shaped as Node's system errors: a code and Linux's negative errno. */
class AbsentError extends Error {
  constructor(readonly code: string, readonly errno: number, what: string) {
    super(`${code}: ${what} is not available in a browser tab`);
  }
}

/** child_process.spawn: a host program cannot run here (ENOEXEC, as without a binfmt handler). */
export function spawn(file: string): never {
  throw new AbsentError("ENOEXEC", -8, `running the host program ${file}`);
}

/** child_process.execFileSync (mkfifo for mknod): EPERM. */
export function execFileSync(file: string): never {
  throw new AbsentError("EPERM", -1, `running the host program ${file}`);
}

/** child_process.spawnSync (stty for the window size): a failed run, so the caller falls back. */
export function spawnSync(file: string): { status: null; stdout: string; stderr: string; error: Error } {
  return { status: null, stdout: "", stderr: "", error: new AbsentError("ENOENT", -2, `running the host program ${file}`) };
}

/** net.connect, dgram.createSocket: there is no network behind the tab (ENETUNREACH). */
export function connect(): never {
  throw new AbsentError("ENETUNREACH", -101, "a host socket");
}
export { connect as createSocket };

/** net.createServer: no address of this host can be bound (EADDRNOTAVAIL). */
export function createServer(): never {
  throw new AbsentError("EADDRNOTAVAIL", -99, "listening on a host socket");
}

/** net.Socket, net.Server (only named as types by the process VM). */
export class Socket {}
export class Server {}
/** child_process.ChildProcess (a type there). */
export class ChildProcess {}

/** net.isIPv4 */
export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256);
}

/** net.isIPv6 (the textual forms of RFC 4291 section 2.2, an IPv4 tail allowed) */
export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  let count = groups.length;
  if (groups.length > 0 && groups[groups.length - 1].includes(".")) {
    if (!isIPv4(groups.pop()!)) return false;
    count += 1; // four bytes: two groups
  }
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}

/** net.isIP */
export function isIP(s: string): number {
  return isIPv4(s) ? 4 : isIPv6(s) ? 6 : 0;
}
