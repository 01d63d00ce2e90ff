/**
 * Builds an output once when several test files, running in parallel
 * processes, may want it at the same time: one builds while holding a lock
 * directory next to the output, the others wait for it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";

/** How long a waiter waits for another process's build. */
const WAIT_MS = 20 * 60_000;

/** Sleeps the thread for `ms`. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `build` unless `output` exists; `build` must create `output` last. When
 * another process is building it (its lock directory exists), waits for that
 * build instead and fails if it did not produce `output`.
 */
export function buildOnce(output: string, build: () => void): void {
  if (existsSync(output)) return;
  const lock = `${output}.lock`;
  mkdirSync(dirname(output), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const until = Date.now() + WAIT_MS;
    while (existsSync(lock) && Date.now() < until) sleepSync(500);
    assert.ok(existsSync(output), `another test's build of ${output} failed or timed out`);
    return;
  }
  try {
    build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
