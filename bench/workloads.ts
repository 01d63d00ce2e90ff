/**
 * Larger real workloads for the benchmark: Debian's busybox (built from its
 * source for riscv64 by the tests' build) compressing a text file with
 * `gzip -9` and hashing it with `sha256sum`, under typevisor and under
 * qemu-riscv64; the host's own gzip and sha256sum give a native reference
 * (other implementations of the same job). Outputs must match qemu's.
 * CPython 3.11 (the tests' static cross-build, tests/cpython-build.ts) starting
 * up and running a short script is the flat-profile case: 38 M instructions
 * spread over thousands of regions, where the translating tier must not
 * compile more than it saves (docs/jit.md); the host's python3.11 is native.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBusybox, BUSYBOX } from "../tests/busybox-build.js";
import { buildCpython, BUILD_PYTHON } from "../tests/cpython-build.js";
import { GUEST_ENV, runProcess, runUnderQemu, runUnderTypevisor } from "../tests/guest-run.js";
import { timed, workloadRow, type Row } from "./timing.js";

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

/** Runs the workloads on a file of 20 MB (2 MB with `quick`) in `cwd`. */
export async function benchWorkloads(quick: boolean, timeoutSeconds: number, cwd: string): Promise<Row[]> {
  buildBusybox();
  const input = join(cwd, "input.txt");
  writeFileSync(input, text(quick ? 2 << 20 : 20 << 20));
  const { python } = buildCpython();
  const script = "import json, re; print(sum(len(re.findall(r'[a-z]+', json.dumps(list(range(i))))) for i in range(300)))";
  // Each job: its name, the guest program and arguments, and the native command.
  const jobs: [string, string, string[], string[]][] = [
    [`busybox gzip -9 (${quick ? 2 : 20} MB of text)`, BUSYBOX, ["gzip", "-9", "-c", input], ["gzip", "-9", "-c", "-n", input]],
    [`busybox sha256sum (${quick ? 2 : 20} MB)`, BUSYBOX, ["sha256sum", input], ["sha256sum", input]],
    ["CPython 3.11 start-up (python3 -c pass)", python, ["-c", "pass"], [BUILD_PYTHON, "-c", "pass"]],
    ["CPython 3.11 short script (json, re)", python, ["-c", script], [BUILD_PYTHON, "-c", script]],
  ];
  const rows: Row[] = [];
  const base = { cwd, timeoutMs: timeoutSeconds * 1000, env: GUEST_ENV };
  for (const [name, program, args, nativeArgs] of jobs) {
    process.stderr.write(`bench: ${name} ... `);
    const q = await timed(() => runUnderQemu("static", { ...base, program, args }));
    const t = await timed(() => runUnderTypevisor("static", { ...base, program, args }, ["--stats"]));
    const n = await timed(() => runProcess(nativeArgs, base));
    rows.push(workloadRow(name, q, t, n, timeoutSeconds));
  }
  return rows;
}
