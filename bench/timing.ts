/**
 * What the benchmark's tables share: a row of timings, timing one run, the
 * typevisor --stats lines to read and strip, and how a failed run is described.
 */
import type { RunResult } from "../tests/guest-run.js";

/** typevisor's --stats line: instructions, seconds, MIPS. */
export const STATS_LINE = /^typevisor: stats: instructions=(\d+) seconds=([0-9.]+) mips=([0-9.]+)\n?/m;
/** The translating tier's counters that follow the stats line. */
export const JIT_LINE = /^typevisor: jit: .*\n?/m;

/** One run's outcome and wall-clock seconds. */
export interface Timed {
  result: RunResult;
  seconds: number;
}

/** One table row: seconds under each runner and typevisor's guest MIPS. */
export interface Row {
  name: string;
  typevisor?: number;
  qemu?: number;
  native?: number;
  mips?: number;
  /** Why the row is incomplete or wrong, if it is. */
  problem?: string;
}

/** Runs `run` and measures it. */
export async function timed(run: () => Promise<RunResult>): Promise<Timed> {
  const start = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - start) / 1000 };
}

/** Why `who`'s run failed (timed out, or a non-zero status with the first line of its stderr); undefined when it did not. */
export function describeFailure(who: string, t: Timed, timeoutSeconds: number): string | undefined {
  if (t.result.timedOut) return `${who} timed out after ${timeoutSeconds} s`;
  if (t.result.status !== 0) {
    const firstLine = t.result.stderr.trim().split("\n")[0] ?? "";
    return `${who} exited with status ${t.result.status}${firstLine ? `: ${firstLine}` : ""}`;
  }
  return undefined;
}

/**
 * The row of a workload timed under qemu (`q`), typevisor with --stats (`t`)
 * and natively (`n`): its problem is the first failed run, a typevisor output
 * that differs from qemu's, `extraProblem` (a check of the native output), or
 * a missing stats line.
 */
export function workloadRow(name: string, q: Timed, t: Timed, n: Timed, timeoutSeconds: number, extraProblem?: string): Row {
  const row: Row = { name, qemu: q.seconds, typevisor: t.seconds, native: n.seconds };
  const m = STATS_LINE.exec(t.result.stderr);
  if (m !== null) row.mips = Number(m[3]);
  row.problem =
    describeFailure("qemu", q, timeoutSeconds) ??
    describeFailure("typevisor", t, timeoutSeconds) ??
    describeFailure("host", n, timeoutSeconds) ??
    (t.result.stdout !== q.result.stdout ? "typevisor's output differs from qemu's" : undefined) ??
    extraProblem ??
    (m === null ? "no --stats line from typevisor" : undefined);
  process.stderr.write(row.problem === undefined ? `${t.seconds.toFixed(2)} s\n` : `problem: ${row.problem}\n`);
  return row;
}
