/**
 * The start-up row of `npm run bench`: how long a short program takes from
 * the command to its exit — examples/hello.riscv64 (static, prints one line)
 * under typevisor and under qemu-riscv64, and its source built natively —
 * the median of several runs, so that Node's and QEMU's start-up costs are
 * what is compared.
 */
import { join } from "node:path";
import { compile } from "../tests/build-guests.js";
import { GUEST_ENV, runProcess, runUnderQemu, runUnderTypevisor } from "../tests/guest-run.js";
import { timed, type Timed } from "./timing.js";

/** Runs measured per runner. */
const RUNS = 7;

/** What every run must print (the machine's name in the first line differs between the guest and the host). */
const EXPECTED = /argv\[1\] = world\nThere are 9592 primes below 100000\.\n$/;

/** The median seconds of RUNS runs of `run`, or a reason when one failed or printed something else. */
async function median(run: () => Promise<Timed>): Promise<number | string> {
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await run();
    if (t.result.status !== 0 || !EXPECTED.test(t.result.stdout)) return `status ${t.result.status}, output ${JSON.stringify(t.result.stdout.slice(-60))}`;
    seconds.push(t.seconds);
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(RUNS / 2)];
}

/** The start-up table (Markdown). */
export async function benchStartup(root: string, buildDir: string, cwd: string): Promise<string> {
  const program = join(root, "examples", "hello.riscv64");
  const native = join(buildDir, "hello.native");
  await compile({ cc: "gcc", source: join(root, "examples", "hello.c"), output: native, flags: ["-O2"], libs: [] });
  const base = { cwd, timeoutMs: 60_000, env: GUEST_ENV, args: ["world"] };
  const tv = await median(() => timed(() => runUnderTypevisor("static", { ...base, program })));
  const q = await median(() => timed(() => runUnderQemu("static", { ...base, program })));
  const n = await median(() => timed(() => runProcess([native, "world"], base)));
  const s = (v: number | string) => (typeof v === "number" ? v.toFixed(3) : `— (${v})`);
  const r = (a: number | string, b: number | string) => (typeof a === "number" && typeof b === "number" ? `${(a / b).toFixed(1)}×` : "—");
  return [
    `| start-up (median of ${RUNS}) | typevisor s | qemu s | native s | typevisor/qemu |`,
    "| --- | ---: | ---: | ---: | ---: |",
    `| examples/hello.riscv64 world | ${s(tv)} | ${s(q)} | ${s(n)} | ${r(tv, q)} |`,
  ].join("\n");
}
