/**
 * Snapshots as a pair of host files, as Firecracker writes them: the state
 * file (snapshot_path) and the memory file (mem_file_path). Each is written
 * to a temporary name and renamed into place, so a failed write never leaves
 * half a snapshot under the real name.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { VirtBoard } from "../board.js";
import type { SystemVm } from "../system-vm.js";
import { SnapshotError } from "./errors.js";
import { restoreMachine, snapshotMachine, type RestoredMachine, type RestoreOptions } from "./machine.js";

/** Where a snapshot's two files are. */
export interface SnapshotPaths {
  /** The state file (configuration, harts, devices). */
  statePath: string;
  /** The memory file (RAM). */
  memoryPath: string;
}

/**
 * Writes a snapshot of `board` and its run loop `vm` (best paused), with the
 * front end's `meta`, to the two files. Throws SnapshotError("io") when the host cannot.
 */
export function writeSnapshotFiles(board: VirtBoard, vm: SystemVm, paths: SnapshotPaths, meta?: object): void {
  const snap = snapshotMachine(board, vm, meta);
  writeAtomically(paths.statePath, snap.state, "state");
  writeAtomically(paths.memoryPath, snap.memory, "memory");
}

/**
 * A new board and run loop restored from the two files (restoreMachine).
 * Throws SnapshotError, naming the file, when either cannot be read or is
 * refused; nothing is built then.
 */
export function restoreSnapshotFiles(paths: SnapshotPaths, options: RestoreOptions): RestoredMachine {
  const stateName = `snapshot state file ${paths.statePath}`, memoryName = `snapshot memory file ${paths.memoryPath}`;
  return restoreMachine(readFile(paths.statePath, stateName), readFile(paths.memoryPath, memoryName), options,
    { state: stateName, memory: memoryName });
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new SnapshotError("io", `cannot read ${what}: ${reason(e)}`, { cause: e });
  }
}

function writeAtomically(path: string, bytes: Uint8Array, which: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new SnapshotError("io", `cannot write snapshot ${which} file ${path}: ${reason(e)}`, { cause: e });
  }
}

/** A host error as a few words. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ENOSPC") return "no space left on the device";
  return (e as Error).message;
}
