/**
 * Larger real workloads for the benchmark: Debian's busybox (built from its
 * source for riscv64 by the tests' build) compressing a text file with
 * `gzip -9` and hashing it with `sha256sum`, under typevisor and under
 * qemu-riscv64; the host's own gzip and sha256sum give a native reference
 * (other implementations of the same job). Outputs must match qemu's.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBusybox, BUSYBOX } from "../tests/busybox-build.js";
import { GUEST_ENV, runProcess, runUnderQemu, runUnderTypevisor, type RunResult } from "../tests/guest-run.js";

/** One workload's timings (seconds) and typevisor's guest MIPS. */
export interface WorkloadRow {
  name: string;
  typevisor?: number;
  qemu?: number;
  native?: number;
  mips?: number;
  problem?: string;
}

const STATS = /^typevisor: stats: instructions=\d+ seconds=[0-9.]+ mips=([0-9.]+)$/m;
const WORDS = ["the", "virtual", "machine", "emulates", "a", "RISC-V", "hart", "and", "its", "memory", "page", "table",
  "trap", "of", "to", "in", "interrupt", "timer", "console", "kernel", "user", "mode", "register", "instruction"];

/** Deterministic text of `bytes` bytes: words and line breaks picked by a xorshift generator. */
function text(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = 0x2545f491, n = 0;
  while (n < bytes) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const w = WORDS[x % WORDS.length] + ((x >>> 8) % 11 === 0 ? "\n" : " ");
    n += out.write(w, n, "latin1");
  }
  return out;
}

async function timed(run: () => Promise<RunResult>): Promise<[RunResult, number]> {
  const t0 = performance.now();
  const r = await run();
  return [r, (performance.now() - t0) / 1000];
}

/** Runs the workloads on a file of 20 MB (2 MB with `quick`) in `cwd`. */
export async function benchWorkloads(quick: boolean, timeoutSeconds: number, cwd: string): Promise<WorkloadRow[]> {
  buildBusybox();
  const input = join(cwd, "input.txt");
  writeFileSync(input, text(quick ? 2 << 20 : 20 << 20));
  const jobs: [string, string[], string[]][] = [
    [`busybox gzip -9 (${quick ? 2 : 20} MB of text)`, ["gzip", "-9", "-c", input], ["gzip", "-9", "-c", "-n", input]],
    [`busybox sha256sum (${quick ? 2 : 20} MB)`, ["sha256sum", input], ["sha256sum", input]],
  ];
  const rows: WorkloadRow[] = [];
  const base = { cwd, timeoutMs: timeoutSeconds * 1000, env: GUEST_ENV };
  for (const [name, args, nativeArgs] of jobs) {
    process.stderr.write(`bench: ${name} ... `);
    const [q, qs] = await timed(() => runUnderQemu("static", { ...base, program: BUSYBOX, args }));
    const [t, ts] = await timed(() => runUnderTypevisor("static", { ...base, program: BUSYBOX, args }, ["--stats"]));
    const [n, ns] = await timed(() => runProcess(nativeArgs, base));
    const row: WorkloadRow = { name, qemu: qs, typevisor: ts, native: ns };
    const m = STATS.exec(t.stderr);
    if (m !== null) row.mips = Number(m[1]);
    if (q.status !== 0 || t.status !== 0 || n.status !== 0) row.problem = `exit status: qemu ${q.status}, typevisor ${t.status}, host ${n.status}`;
    else if (t.stdout !== q.stdout) row.problem = "typevisor's output differs from qemu's";
    else if (m === null) row.problem = "no --stats line from typevisor";
    process.stderr.write(row.problem === undefined ? `${ts.toFixed(2)} s\n` : `problem: ${row.problem}\n`);
    rows.push(row);
  }
  return rows;
}
