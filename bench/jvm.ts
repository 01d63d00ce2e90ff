/**
 * The HLL VM's table of `npm run bench`: the programs in bench/java, compiled
 * by javac, under `typevisor java` and under HotSpot interpreting (-Xint) and
 * compiling (its default JIT); the start-up of Hello World is the median of
 * five runs. A typevisor output that differs from HotSpot's voids the row.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { JDK_BIN, jdkMissing } from "../src/jvm/classfile/javap-support.js";
import { runProcess, TYPEVISOR_BIN } from "../tests/guest-run.js";
import { timed, type Timed } from "./timing.js";

/** Each program with its argument, sized for a few seconds under typevisor. */
const PROGRAMS: readonly [name: string, arg: string][] = [
  ["BinaryTrees", "14"],
  ["NBody", "100000"],
  ["Strings", "60000"],
];
const STARTUP_RUNS = 5;
const ENV = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", HOME: "/root" };

type Runner = "typevisor" | "xint" | "jit";

function command(runner: Runner, classes: string, args: string[]): string[] {
  if (runner === "typevisor") return [process.execPath, TYPEVISOR_BIN, "java", "-cp", classes, ...args];
  return [`${JDK_BIN}/java`, "-Xshare:off", ...(runner === "xint" ? ["-Xint"] : []), "-cp", classes, ...args];
}

async function once(runner: Runner, classes: string, args: string[]): Promise<Timed> {
  return timed(() => runProcess(command(runner, classes, args), { cwd: classes, env: ENV, timeoutMs: 600_000 }));
}

const seconds = (t: Timed | undefined) => (t === undefined ? "—" : t.seconds.toFixed(2));
const ratio = (a: Timed | undefined, b: Timed | undefined) => (a === undefined || b === undefined ? "—" : `${(a.seconds / b.seconds).toFixed(1)}×`);

/** The JVM table (Markdown), or a line saying why it cannot run. */
export async function benchJvm(root: string, buildDir: string): Promise<string> {
  const missing = jdkMissing();
  if (missing !== undefined) return `(skipped: ${missing})`;
  const source = join(root, "bench", "java");
  const classes = join(buildDir, "java");
  mkdirSync(classes, { recursive: true });
  const files = readdirSync(source).filter((f) => f.endsWith(".java")).map((f) => join(source, f));
  execFileSync(`${JDK_BIN}/javac`, ["-d", classes, ...files]);
  const lines = [
    "| Java program | typevisor s | HotSpot -Xint s | HotSpot JIT s | typevisor/-Xint | typevisor/JIT |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  const startup: Record<Runner, Timed[]> = { typevisor: [], xint: [], jit: [] };
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const r of ["typevisor", "xint", "jit"] as const) startup[r].push(await once(r, classes, ["Hello"]));
  }
  const median = (ts: Timed[]) => [...ts].sort((a, b) => a.seconds - b.seconds)[Math.floor(ts.length / 2)];
  const [st, sx, sj] = [median(startup.typevisor), median(startup.xint), median(startup.jit)];
  lines.push(`| Hello World start-up (median of ${STARTUP_RUNS}) | ${seconds(st)} | ${seconds(sx)} | ${seconds(sj)} | ${ratio(st, sx)} | ${ratio(st, sj)} |`);
  for (const [name, arg] of PROGRAMS) {
    process.stderr.write(`bench: java ${name} ${arg} ... `);
    const x = await once("xint", classes, [name, arg]);
    const j = await once("jit", classes, [name, arg]);
    const t = await once("typevisor", classes, [name, arg]);
    const ok = t.result.status === 0 && x.result.status === 0 && t.result.stdout === x.result.stdout;
    process.stderr.write(ok ? `${t.seconds.toFixed(2)} s\n` : "output differs from HotSpot's\n");
    const tv = ok ? t : undefined;
    lines.push(`| ${name} ${arg} | ${ok ? seconds(tv) : "— (output differs)"} | ${seconds(x)} | ${seconds(j)} | ${ratio(tv, x)} | ${ratio(tv, j)} |`);
  }
  return lines.join("\n");
}
