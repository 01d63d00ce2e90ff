/**
 * Builds the guest test corpus: every tests/guest/*.c is compiled with the
 * RISC-V cross compiler twice, statically and dynamically linked, into
 * tests/build/. Outputs newer than their source are reused.
 *
 * Used as a library by the tests (`buildGuests()`), and as a command:
 *   node dist/tests/build-guests.js [NAME...]
 *
 * A missing toolchain is an error, never a skip: the tests that need these
 * binaries must fail loudly on a machine without them.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from dist/tests/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const GUEST_SOURCE_DIR = join(ROOT, "tests", "guest");
export const GUEST_BUILD_DIR = join(ROOT, "tests", "build");

/** Where the Debian cross toolchain puts the RISC-V libraries and ld.so. */
export const RISCV_SYSROOT = "/usr/riscv64-linux-gnu";
export const CROSS_CC = "riscv64-linux-gnu-gcc";

export type Linkage = "static" | "dynamic";
export const LINKAGES: readonly Linkage[] = ["static", "dynamic"];

/** A required host program is not installed. */
export class ToolMissingError extends Error {
  constructor(
    readonly tool: string,
    readonly debianPackage: string,
  ) {
    super(`${tool} is not installed (or not on PATH): install the Debian package ${debianPackage} (apt-get install ${debianPackage})`);
    this.name = "ToolMissingError";
  }
}

/** A compiler exited non-zero; the message carries its full output. */
export class CompileError extends Error {
  constructor(
    readonly source: string,
    readonly command: string[],
    readonly output: string,
  ) {
    super(`compiling ${source} failed:\n$ ${command.join(" ")}\n${output}`);
    this.name = "CompileError";
  }
}

const checkedTools = new Set<string>();

/** Throws ToolMissingError unless `tool --version` (or `tool ...versionArgs`) runs. */
export function requireTool(tool: string, debianPackage: string, versionArgs: readonly string[] = ["--version"]): void {
  if (checkedTools.has(tool)) return;
  const probe = spawnSync(tool, versionArgs, { stdio: "ignore" });
  if (probe.error !== undefined || probe.status !== 0) throw new ToolMissingError(tool, debianPackage);
  checkedTools.add(tool);
}

/** Names (without .c) of the guest programs, sorted. */
export function listGuests(): string[] {
  return readdirSync(GUEST_SOURCE_DIR)
    .filter((f) => f.endsWith(".c"))
    .map((f) => basename(f, ".c"))
    .sort();
}

/** Path of one built guest binary, e.g. tests/build/hello.static. */
export function guestBinary(name: string, linkage: Linkage): string {
  return join(GUEST_BUILD_DIR, `${name}.${linkage}`);
}

export interface CompileJob {
  /** Compiler executable, e.g. riscv64-linux-gnu-gcc or gcc. */
  cc: string;
  source: string;
  output: string;
  /** Flags placed before the source file. */
  flags: string[];
  /** Libraries placed after the source file (-lm must follow the objects that use it). */
  libs: string[];
}

/** True when `output` exists and is at least as new as `source`. */
export function isUpToDate(source: string, output: string): boolean {
  if (!existsSync(output)) return false;
  return statSync(output).mtimeMs >= statSync(source).mtimeMs;
}

/**
 * Compiles one job unless its output is up to date; resolves with whether it
 * compiled. Output goes to a temporary name first and is renamed into place,
 * so concurrent builders (test files run in parallel processes) never see a
 * half-written binary.
 */
export async function compile(job: CompileJob): Promise<boolean> {
  if (isUpToDate(job.source, job.output)) return false;
  mkdirSync(dirname(job.output), { recursive: true });
  const temporary = `${job.output}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const args = [...job.flags, job.source, "-o", temporary, ...job.libs];
  const { status, output } = await collect(job.cc, args);
  if (status !== 0) {
    rmSync(temporary, { force: true });
    throw new CompileError(job.source, [job.cc, ...args], output);
  }
  renameSync(temporary, job.output);
  return true;
}

function collect(cmd: string, args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ status: code ?? (signal ? 128 : 1), output }));
  });
}

/** The bare-metal programs' shared start-up code and linker script (tests/baremetal/). */
export const BAREMETAL_SOURCE_DIR = join(ROOT, "tests", "baremetal");

/**
 * Builds a bare-metal program for the system VM (no C library, linked at
 * 0x80000000 by tests/baremetal/link.ld, usually including common.h), unless
 * its output is newer than the source, common.h and link.ld.
 */
export async function buildBareMetal(source: string, output: string): Promise<void> {
  const newest = Math.max(...[source, join(BAREMETAL_SOURCE_DIR, "common.h"), join(BAREMETAL_SOURCE_DIR, "link.ld")].map((f) => statSync(f).mtimeMs));
  if (existsSync(output) && statSync(output).mtimeMs < newest) rmSync(output);
  await compile({
    cc: CROSS_CC,
    source,
    output,
    flags: ["-static", "-no-pie", "-nostdlib", "-nostartfiles", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments",
      "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany", "-T", join(BAREMETAL_SOURCE_DIR, "link.ld")],
    libs: [],
  });
}

/** Runs `tasks` with at most `limit` in flight; rejects with the first failure after all settle. */
export async function runBounded<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  const errors: unknown[] = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = await tasks[i]!();
      } catch (e) {
        errors.push(e);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane));
  if (errors.length > 0) throw errors[0];
  return results;
}

/** The compile job for one guest and linkage. */
export function guestJob(name: string, linkage: Linkage): CompileJob {
  // The prefix map keeps the build directory out of __FILE__ (assert messages print it).
  const flags = ["-O2", "-g", "-Wall", "-Wextra", "-pthread", `-fmacro-prefix-map=${GUEST_SOURCE_DIR}/=`];
  if (linkage === "static") flags.push("-static");
  return { cc: CROSS_CC, source: join(GUEST_SOURCE_DIR, `${name}.c`), output: guestBinary(name, linkage), flags, libs: ["-lm"] };
}

export interface BuildSummary {
  compiled: number;
  upToDate: number;
}

/**
 * Builds every guest (or only `names`) in both linkages. Throws
 * ToolMissingError when the cross compiler is absent and CompileError when a
 * program does not compile.
 */
export async function buildGuests(names: string[] = listGuests()): Promise<BuildSummary> {
  requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
  const known = new Set(listGuests());
  for (const n of names) if (!known.has(n)) throw new Error(`no guest program tests/guest/${n}.c`);
  const jobs = names.flatMap((n) => LINKAGES.map((l) => guestJob(n, l)));
  const compiled = await runBounded(
    jobs.map((j) => () => compile(j)),
    availableParallelism(),
  );
  const count = compiled.filter(Boolean).length;
  return { compiled: count, upToDate: jobs.length - count };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  buildGuests(names.length > 0 ? names : undefined).then(
    (s) => console.log(`guests: ${s.compiled} compiled, ${s.upToDate} up to date, in ${GUEST_BUILD_DIR}`),
    (e: unknown) => {
      console.error(`build-guests: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
