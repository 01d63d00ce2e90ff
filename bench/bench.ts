/**
 * CPU benchmark: each bench/programs/*.c runs under typevisor, under
 * qemu-riscv64 and natively; all three must print the same checksum, and a
 * Markdown table compares their wall-clock times.
 *
 *   npm run bench                      full sizes (each ~1-3 s under qemu-riscv64)
 *   npm run bench -- --quick           inputs ~10x smaller (~0.1-0.2 s under qemu)
 *   npm run bench -- --only nbody      one program (repeat, or comma-separate, for more)
 *   npm run bench -- --timeout 900     per-run limit in seconds (default 600)
 *
 * Times are wall-clock for the whole process (so typevisor's include Node's
 * start-up, as qemu's include its own). Guest MIPS comes from typevisor's
 * `--stats` line. The exit status is 1 when any run fails or disagrees.
 */
import { benchBoot } from "./boot.js";
import { benchBrowser } from "./browser.js";
import { benchHypervisor } from "./hypervisor.js";
import { benchNetwork } from "./network.js";
import { benchNested } from "./nested.js";
import { benchSqlite } from "./sqlite.js";
import { benchJvm } from "./jvm.js";
import { benchStartup } from "./startup.js";
import { benchWorkloads } from "./workloads.js";
import { describeFailure, JIT_LINE, STATS_LINE, timed, type Row } from "./timing.js";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compile, CROSS_CC, requireTool } from "../tests/build-guests.js";
import { GUEST_ENV, QEMU, runProcess, runUnderQemu, runUnderTypevisor, type RunResult } from "../tests/guest-run.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SOURCE_DIR = join(ROOT, "bench", "programs");
const BUILD_DIR = join(ROOT, "bench", "build");

interface BenchProgram {
  name: string;
  /** Arguments for the full run, sized for ~1-3 s under qemu-riscv64. */
  args: string[];
  /** Arguments for --quick. */
  quickArgs: string[];
}

const PROGRAMS: BenchProgram[] = [
  { name: "sieve", args: ["80000000", "2"], quickArgs: ["6000000", "2"] },
  { name: "nbody", args: ["1000000"], quickArgs: ["120000"] },
  { name: "crc32", args: ["8192", "60"], quickArgs: ["2048", "24"] },
  { name: "matmul", args: ["500"], quickArgs: ["240"] },
  { name: "quicksort", args: ["10000000"], quickArgs: ["1000000"] },
  { name: "sha256", args: ["16384", "8"], quickArgs: ["4096", "2"] },
  { name: "tokenizer", args: ["100000", "40"], quickArgs: ["40000", "6"] },
];


async function benchOne(p: BenchProgram, quick: boolean, timeoutSeconds: number, cwd: string): Promise<Row> {
  const args = quick ? p.quickArgs : p.args;
  const rv64 = join(BUILD_DIR, `${p.name}.rv64`);
  const native = join(BUILD_DIR, `${p.name}.native`);
  const base = { cwd, timeoutMs: timeoutSeconds * 1000, env: GUEST_ENV };

  const n = await timed(() => runProcess([native, ...args], base));
  const q = await timed(() => runUnderQemu("static", { ...base, program: rv64, args }));
  const t = await timed(() => runUnderTypevisor("static", { ...base, program: rv64, args }, ["--stats"]));

  const row: Row = { name: p.name, native: n.seconds, qemu: q.seconds, typevisor: t.seconds };
  const stats = STATS_LINE.exec(t.result.stderr);
  if (stats !== null) row.mips = Number(stats[3]);
  const problem =
    describeFailure("native", n, timeoutSeconds) ??
    describeFailure("qemu", q, timeoutSeconds) ??
    describeFailure("typevisor", t, timeoutSeconds) ??
    (n.result.stdout !== q.result.stdout ? "native and qemu outputs differ" : undefined) ??
    (t.result.stdout !== q.result.stdout ? "typevisor output differs from qemu's" : undefined) ??
    (t.result.stderr.replace(STATS_LINE, "").replace(JIT_LINE, "") !== q.result.stderr ? "typevisor stderr differs from qemu's" : undefined) ??
    (stats === null ? "no --stats line from typevisor" : undefined);
  if (problem !== undefined) {
    row.problem = problem;
    if (t.result.status !== 0 || t.result.timedOut) delete row.typevisor;
  }
  return row;
}

function geomean(values: number[]): number | undefined {
  if (values.length === 0 || values.some((v) => !(v > 0))) return undefined;
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

function fmtSeconds(s: number | undefined): string {
  return s === undefined ? "—" : s.toFixed(s < 10 ? 2 : 1);
}

function fmtRatio(r: number | undefined): string {
  return r === undefined ? "—" : `${r.toFixed(r < 10 ? 2 : r < 100 ? 1 : 0)}×`;
}

function fmtMips(m: number | undefined): string {
  return m === undefined ? "—" : m.toFixed(1);
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

function table(rows: Row[]): string {
  const header = [
    "| program | typevisor s | qemu s | native s | typevisor/qemu | typevisor/native | guest MIPS (typevisor) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const line = (name: string, r: Omit<Row, "name" | "problem">): string =>
    `| ${name} | ${fmtSeconds(r.typevisor)} | ${fmtSeconds(r.qemu)} | ${fmtSeconds(r.native)} | ` +
    `${fmtRatio(ratio(r.typevisor, r.qemu))} | ${fmtRatio(ratio(r.typevisor, r.native))} | ${fmtMips(r.mips)} |`;
  const body = rows.map((r) => line(r.problem === undefined ? r.name : `${r.name} ⚠`, r));
  // The geometric mean covers only the rows where every column is known and correct.
  const good = rows.filter((r) => r.problem === undefined);
  const pick = (f: (r: Row) => number | undefined): number[] => good.map(f).filter((v): v is number => v !== undefined);
  const gTv = geomean(pick((r) => r.typevisor));
  const gQemu = geomean(pick((r) => r.qemu));
  const gNative = geomean(pick((r) => r.native));
  const mean =
    `| geometric mean (${good.length}) | ${fmtSeconds(gTv)} | ${fmtSeconds(gQemu)} | ${fmtSeconds(gNative)} | ` +
    `${fmtRatio(geomean(pick((r) => ratio(r.typevisor, r.qemu))))} | ${fmtRatio(geomean(pick((r) => ratio(r.typevisor, r.native))))} | ` +
    `${fmtMips(geomean(pick((r) => r.mips)))} |`;
  return [...header, ...body, mean].join("\n");
}

const USAGE = `Usage: node dist/bench/bench.js [--quick] [--only NAME[,NAME...]]... [--timeout SECONDS]
(NAME "workloads" is busybox gzip -9 and sha256sum of a 20 MB file; NAME "boot" is the system VM's row: seconds to the built-in Linux guest's shell;
 NAME "hypervisor" the hypervisor's rows: guests booting at once, memory and CPU per idle guest;
 NAME "nested" guests nested with the hypervisor extension: a bare-metal hypervisor running two guests (seconds, world-switch cost), next to qemu-system-riscv64;
 NAME "sqlite" SQLite's shell running a scripted workload of many small transactions (system-call heavy) in rollback-journal and WAL modes;
 NAME "startup" the start-up of examples/hello.riscv64 (median of 7 runs);
 NAME "jvm" typevisor java next to HotSpot (-Xint and its JIT): Hello World's start-up and three CPU-bound Java programs;
 NAME "browser" the play page in headless Chromium: Linux boot to the shell in the tab, and the process VM's MIPS on sha256 there, each next to Node's;
 NAME "network" TCP throughput of the built-in guest: user networking both ways, guest to guest over a switch, next to qemu-system-riscv64.)
Programs: ${PROGRAMS.map((p) => p.name).join(", ")}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      timeout: { type: "string", default: "600" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout wants a positive number of seconds, not '${values.timeout}'`);
  const only = (values.only ?? []).flatMap((s) => s.split(",")).filter((s) => s !== "");
  for (const name of only)
    if (name !== "boot" && name !== "hypervisor" && name !== "nested" && name !== "network" && name !== "startup" && name !== "browser" && name !== "sqlite" && name !== "jvm" && name !== "workloads" && !PROGRAMS.some((p) => p.name === name)) throw new Error(`unknown program '${name}'\n${USAGE}`);
  const sources = readdirSync(SOURCE_DIR).filter((f) => f.endsWith(".c")).map((f) => basename(f, ".c"));
  const unlisted = sources.filter((s) => !PROGRAMS.some((p) => p.name === s));
  if (unlisted.length > 0) throw new Error(`bench/programs has no size table entry for: ${unlisted.join(", ")}`);
  const selected = only.length > 0 ? PROGRAMS.filter((p) => only.includes(p.name)) : PROGRAMS;
  const withBoot = only.length === 0 || only.includes("boot");
  const withWorkloads = only.length === 0 || only.includes("workloads");
  const withHypervisor = only.length === 0 || only.includes("hypervisor");
  const withNetwork = only.length === 0 || only.includes("network");
  const withStartup = only.length === 0 || only.includes("startup");
  const withBrowser = only.length === 0 || only.includes("browser");
  /** The program whose MIPS the browser row compares (built with the others). */
  const inBrowser = PROGRAMS.find((p) => p.name === "sha256")!;
  const withSqlite = only.length === 0 || only.includes("sqlite");
  const withJvm = only.length === 0 || only.includes("jvm");
  const withNested = only.length === 0 || only.includes("nested");

  requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
  requireTool("gcc", "gcc");
  requireTool(QEMU, "qemu-user");
  for (const p of withBrowser && !selected.includes(inBrowser) ? [...selected, inBrowser] : selected) {
    const source = join(SOURCE_DIR, `${p.name}.c`);
    await compile({ cc: CROSS_CC, source, output: join(BUILD_DIR, `${p.name}.rv64`), flags: ["-O2", "-static"], libs: ["-lm"] });
    await compile({ cc: "gcc", source, output: join(BUILD_DIR, `${p.name}.native`), flags: ["-O2"], libs: ["-lm"] });
  }

  const cwd = mkdtempSync(join(tmpdir(), "typevisor-bench-"));
  const rows: Row[] = [];
  const workloads: Row[] = [];
  const sqlite: Row[] = [];
  let startup: string | undefined;
  const started = performance.now();
  try {
    for (const p of selected) {
      process.stderr.write(`bench: ${p.name} ${(values.quick ? p.quickArgs : p.args).join(" ")} ... `);
      const row = await benchOne(p, values.quick, timeoutSeconds, cwd);
      process.stderr.write(row.problem === undefined ? `${fmtSeconds(row.typevisor)} s\n` : `problem: ${row.problem}\n`);
      rows.push(row);
    }
    if (withWorkloads) workloads.push(...await benchWorkloads(values.quick, timeoutSeconds, cwd));
    if (withSqlite) sqlite.push(...await benchSqlite(timeoutSeconds, cwd));
    if (withStartup) startup = await benchStartup(ROOT, BUILD_DIR, cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }

  if (rows.length > 0) {
    console.log(`\n${values.quick ? "Quick" : "Full"} sizes; wall-clock seconds per run.\n`);
    console.log(table(rows));
  }
  if (workloads.length > 0) {
    console.log("\nLarger workloads (Debian's busybox; the native column is the host's own gzip and sha256sum).\n");
    console.log(table(workloads));
  }
  if (sqlite.length > 0) {
    console.log("\nSystem-call-heavy workload (SQLite's shell from Debian's source; native is the same source built for the host).\n");
    console.log(table(sqlite));
  }
  if (startup !== undefined) console.log(`\nStart-up of a short program (Node's own start is ~0.1 s here).\n\n${startup}`);
  const problems = [...rows, ...workloads, ...sqlite].filter((r) => r.problem !== undefined);
  if (problems.length > 0) {
    console.log("");
    for (const r of problems) console.log(`⚠ ${r.name}: ${r.problem}`);
  }
  if (withJvm) {
    process.stderr.write("bench: typevisor java and HotSpot ...\n");
    console.log(`\nThe Java virtual machine (bench/java, compiled by javac; HotSpot is the JDK 17 the JVM reads its class library from).\n\n${await benchJvm(ROOT, BUILD_DIR)}`);
  }
  if (withBoot) {
    process.stderr.write("bench: booting the built-in Linux guest ...\n");
    console.log(`\n${await benchBoot(ROOT, join(ROOT, "bin", "typevisor.js"), timeoutSeconds)}`);
  }
  if (withBrowser) {
    process.stderr.write("bench: the play page in Chromium: Linux boot in the tab, the process VM's MIPS ...\n");
    const scratch = mkdtempSync(join(tmpdir(), "typevisor-bench-"));
    try {
      const args = values.quick ? inBrowser.quickArgs : inBrowser.args;
      console.log(`\n${await benchBrowser(join(ROOT, "bin", "typevisor.js"), { name: inBrowser.name, elf: join(BUILD_DIR, `${inBrowser.name}.rv64`), args }, scratch, timeoutSeconds)}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (withNested) {
    process.stderr.write("bench: guests nested with the hypervisor extension, typevisor and qemu-system-riscv64 ...\n");
    console.log(`\n${await benchNested(join(ROOT, "bin", "typevisor.js"), timeoutSeconds)}`);
  }
  if (withHypervisor) {
    process.stderr.write("bench: the hypervisor with 1, 2, 4 and 8 guests ...\n");
    console.log(`\n${await benchHypervisor()}`);
  }
  if (withNetwork) {
    process.stderr.write("bench: TCP throughput of the built-in guest, typevisor and qemu-system-riscv64 ...\n");
    console.log(`\n${await benchNetwork()}`);
  }
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
