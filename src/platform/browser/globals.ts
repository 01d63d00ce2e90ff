/**
 * The Node globals the process VM uses — `process` (ids, the current
 * directory, the clock), `Buffer`, `setImmediate` and SharedArrayBuffer — for the play page's
 * worker bundle, which esbuild injects wherever the code names them. The
 * current directory is the in-memory file system's; the ids are root's.
 */
import { Buffer } from "buffer";
import { FileType } from "../mem-fs.js";
import { memFs } from "./node-fs.js";
import { monotonicNs, yieldToHost } from "../host.js";

/** The pid a run in the tab starts numbering its processes from. */
const FIRST_PID = 100;

/** Where process.stderr.write goes (the worker sets it to the page's terminal). */
export const stderrSink = { write: (_s: string): void => undefined };

/** The `process` global, as far as the process VM uses it. */
export const process = {
  pid: FIRST_PID,
  ppid: 1,
  platform: "linux",
  env: {} as Record<string, string | undefined>,
  hrtime: { bigint: monotonicNs },
  getuid: () => 0,
  getgid: () => 0,
  getgroups: () => [0],
  cwd: () => memFs.pathOf(memFs.cwd),
  chdir(path: string): void {
    const n = memFs.find(path, true, "chdir");
    if ((n.mode & FileType.Mask) !== FileType.Dir) throw Object.assign(new Error(`ENOTDIR: chdir '${path}'`), { code: "ENOTDIR", errno: -20 });
    memFs.cwd = n;
  },
  cpuUsage: () => ({ user: Math.round(performance.now() * 1000), system: 0 }),
  memoryUsage: () => ({ rss: 64 * 1024 * 1024 }),
  /** Only ever asked whether a host process exists: none does. */
  kill(): never {
    throw Object.assign(new Error("ESRCH: kill"), { code: "ESRCH", errno: -3 });
  },
  on: () => process,
  once: () => process,
  stderr: { write: (s: string) => { stderrSink.write(s); return true; } },
};

/** setImmediate over the host module's prompt yield. */
export function setImmediate(f: () => void): void {
  void yieldToHost().then(f);
}

/**
 * SharedArrayBuffer where the page is cross-origin isolated, else a plain
 * ArrayBuffer: the process VM only makes one to sleep on with Atomics.wait
 * while a host FIFO is full, which the in-memory file system never is.
 */
const SharedArrayBufferOrPlain: typeof globalThis.SharedArrayBuffer =
  (globalThis as { SharedArrayBuffer?: typeof globalThis.SharedArrayBuffer }).SharedArrayBuffer ?? (ArrayBuffer as unknown as typeof globalThis.SharedArrayBuffer);

export { Buffer, SharedArrayBufferOrPlain as SharedArrayBuffer };
