/**
 * Where a switch's socket lives, and the error every switch failure is
 * reported as. One socket per switch name and directory:
 * `${dir}/typevisor-switch-${name}.sock`, the directory being
 * $XDG_RUNTIME_DIR when it is set and writable (per user, on tmpfs, cleaned
 * at logout) and os.tmpdir() otherwise.
 */
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NetOpenError } from "../errors.js";
import { SWITCH_NAME } from "../spec.js";

/** A switch port could not be opened or its socket is unusable; the message is one line. */
export class SwitchError extends NetOpenError {
  constructor(message: string) {
    super(message);
    this.name = "SwitchError";
  }
}

/** Longest path a Unix socket address holds on Linux (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH = 107;

/** The directory switch sockets go in when none is given. */
export function defaultSwitchDir(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && runtime !== "") {
    try {
      accessSync(runtime, constants.W_OK | constants.X_OK);
      return runtime;
    } catch {
      // not writable (or gone): fall back to the temporary directory
    }
  }
  return tmpdir();
}

/** The socket path of switch `name` in `dir` (default: defaultSwitchDir()); throws SwitchError for a bad name or a path too long. */
export function switchSocketPath(name: string, dir: string = defaultSwitchDir()): string {
  if (!SWITCH_NAME.test(name)) throw new SwitchError(`switch name '${name}' must be 1-64 letters, digits, '.', '_' or '-'`);
  const path = join(dir, `typevisor-switch-${name}.sock`);
  checkLength(path);
  return path;
}

/** Throws SwitchError when `path` does not fit in a Unix socket address. */
export function checkLength(path: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new SwitchError(`switch socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter directory`);
  }
}
