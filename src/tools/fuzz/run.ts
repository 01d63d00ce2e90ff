/**
 * Running a generated executable under an emulator: the oracle (qemu-riscv64)
 * and the subject (typevisor's `run` command). Each run captures stdout (bounded),
 * stderr, the exit status or signal, and is killed after a timeout.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile, chmod, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** An emulator that runs RISC-V Linux executables. */
export interface Target {
  /** Short name for reports ("qemu", "typevisor"). */
  readonly name: string;
  /** The command line that runs `file`. */
  readonly argv: (file: string) => readonly string[];
}

/** Outcome of one run. */
export interface RunResult {
  readonly stdout: Uint8Array;
  readonly stderr: string;
  /** Exit status, or null when killed by a signal. */
  readonly status: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** qemu-riscv64 from PATH (or the given command). */
export function qemuTarget(command = "qemu-riscv64"): Target {
  return { name: "qemu", argv: (file) => [command, file] };
}

/** The repository's bin/typevisor.js (resolved from this module's location in dist/). */
export function defaultTypevisorBin(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, "../../../../bin/typevisor.js");
}

/** typevisor as the subject, with its translating tier in mode `jit` (always: every instruction runs translated). */
export function typevisorTarget(bin = defaultTypevisorBin(), jit = "always"): Target {
  return { name: jit === "always" ? "typevisor" : `typevisor --jit=${jit}`, argv: (file) => [process.execPath, bin, "run", `--jit=${jit}`, file] };
}

/** Any command line; the executable's path is appended (words split on spaces). */
export function commandTarget(commandLine: string): Target {
  const words = commandLine.split(" ").filter(Boolean);
  return { name: words[0].split("/").pop() ?? words[0], argv: (file) => [...words, file] };
}

/** True when `command --version` runs successfully. */
export function commandWorks(command: string): boolean {
  const r = spawnSync(command, ["--version"], { stdio: "ignore", timeout: 10_000 });
  return r.status === 0;
}

/** Options for runTarget. */
export interface RunOptions {
  readonly timeoutMs: number;
  /** Stop collecting (and kill the process) past this many stdout bytes. */
  readonly maxStdout: number;
  readonly cwd?: string;
}

/** Runs `file` under `target` and collects its outcome. Never rejects for guest failures. */
export function runTarget(target: Target, file: string, opts: RunOptions): Promise<RunResult> {
  const [cmd, ...args] = target.argv(file);
  const start = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let outLen = 0;
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => {
      if (outLen >= opts.maxStdout) return;
      chunks.push(b);
      outLen += b.length;
      if (outLen >= opts.maxStdout) child.kill("SIGKILL");
    });
    child.stderr.on("data", (b: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += b.toString("utf8");
    });
    const finish = (status: number | null, signal: string | null) => {
      clearTimeout(timer);
      resolvePromise({ stdout: new Uint8Array(Buffer.concat(chunks)), stderr, status, signal, timedOut, ms: Date.now() - start });
    };
    child.on("error", (e) => {
      stderr += String(e);
      finish(null, null);
    });
    child.on("close", (status, signal) => finish(status, signal));
  });
}

/** A temporary directory holding the executables of one fuzzing session. */
export class WorkDir {
  private counter = 0;
  private constructor(readonly path: string) {}

  /** Creates a fresh directory under the OS temp dir. */
  static async create(): Promise<WorkDir> {
    return new WorkDir(await mkdtemp(join(tmpdir(), "typevisor-fuzz-")));
  }

  /** Writes an executable (mode 0755: qemu refuses files without execute permission). */
  async writeExecutable(bytes: Uint8Array, name = `case${this.counter++}.elf`): Promise<string> {
    const file = join(this.path, name);
    await writeFile(file, bytes);
    await chmod(file, 0o755);
    return file;
  }

  /** Deletes one file written by writeExecutable. */
  async remove(file: string): Promise<void> {
    await unlink(file).catch(() => undefined);
  }

  /** Removes the directory and everything in it. */
  async dispose(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

/** One line describing how a run ended: "exit 0", "signal SIGILL", "timed out after 30000 ms". */
export function describeEnd(r: RunResult, timeoutMs: number): string {
  if (r.timedOut) return `timed out after ${timeoutMs} ms`;
  if (r.signal !== null) return `signal ${r.signal}`;
  if (r.status === null) return "failed to start";
  return `exit ${r.status}`;
}
