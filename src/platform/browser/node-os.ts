/**
 * `node:os` for the play page's worker bundle: what the process VM asks of
 * its host (uname's node name, sysinfo's uptime and memory, where temporary
 * files go) answered for a machine that is a browser tab.
 */

/** Bytes of guest memory a run in the tab has (the figure sysinfo reports). */
const MEMORY = 256 * 1024 * 1024;

/** os.hostname */
export function hostname(): string { return "typevisor"; }
/** os.uptime: seconds since the worker started */
export function uptime(): number { return performance.now() / 1000; }
/** os.loadavg */
export function loadavg(): number[] { return [0, 0, 0]; }
/** os.totalmem */
export function totalmem(): number { return MEMORY; }
/** os.freemem */
export function freemem(): number { return MEMORY / 2; }
/** os.tmpdir */
export function tmpdir(): string { return "/tmp"; }
/** os.networkInterfaces: the loopback interface only */
export function networkInterfaces(): Record<string, { address: string; family: string; internal: boolean }[]> {
  return { lo: [{ address: "127.0.0.1", family: "IPv4", internal: true }, { address: "::1", family: "IPv6", internal: true }] };
}
/** os.constants: Linux's signal numbers by name */
export const constants = {
  signals: { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 } as Record<string, number>,
};
