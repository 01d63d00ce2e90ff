/**
 * Running a RISC-V program under qemu-riscv64 or under typevisor, capturing
 * everything that must match between the two: stdout, stderr and the exit
 * status (a death by signal N reported as 128+N, as a shell would).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";
import { RISCV_SYSROOT, ROOT, requireTool, type Linkage } from "./build-guests.js";

export const TYPEVISOR_BIN = join(ROOT, "bin", "typevisor.js");
export const QEMU = "qemu-riscv64";

/** The whole environment a guest sees, on both sides. */
export const GUEST_ENV: Readonly<Record<string, string>> = { PATH: "/usr/bin:/bin", LANG: "C", TV_TEST: "1" };

export interface RunRequest {
  program: string;
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  stdin?: string | Buffer;
  cwd: string;
  timeoutMs: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** typevisor's own line naming the fatal signal (taken out of stderr), if it printed one. */
  signalNotice?: string;
  /** Exit code, or 128+N for a death by signal N. */
  status: number;
  /** True when the process itself died of a signal (qemu-user re-raises the guest's fatal signal). */
  signaled: boolean;
  timedOut: boolean;
}

/** Spawns argv with exactly `env`, feeds stdin, and collects the outcome. Never rejects for guest behaviour. */
export function runProcess(argv: readonly string[], req: Omit<RunRequest, "program" | "args">): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: req.cwd,
      env: { ...(req.env ?? GUEST_ENV) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, req.timeoutMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdin.on("error", () => {
      /* the guest may exit without reading its input (EPIPE) */
    });
    child.stdin.end(req.stdin ?? "");
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const status = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolvePromise({
        stdout: Buffer.concat(out).toString("latin1"),
        stderr: Buffer.concat(err).toString("latin1"),
        status,
        signaled: code === null && signal !== null,
        timedOut,
      });
    });
  });
}

/** qemu-user may announce a fatal guest signal on stderr; that line is qemu's, not the guest's. */
function dropQemuNotices(stderr: string): string {
  return stderr
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith("qemu: uncaught target signal"))
    .join("");
}

/** Runs a guest under qemu-riscv64 (dynamic programs find ld.so and libc under the Debian sysroot). */
export async function runUnderQemu(linkage: Linkage, req: RunRequest): Promise<RunResult> {
  requireTool(QEMU, "qemu-user");
  const argv = [QEMU, ...(linkage === "dynamic" ? ["-L", RISCV_SYSROOT] : []), req.program, ...(req.args ?? [])];
  const r = await runProcess(argv, req);
  return { ...r, stderr: dropQemuNotices(r.stderr) };
}

/**
 * typevisor names a fatal guest signal on stderr (`typevisor: PROG: killed by SIGSEGV (...)`);
 * qemu-user leaves that to the shell. Splits that line off so stderr compares equal.
 */
function splitTypevisorNotice(r: RunResult): RunResult {
  const lines = r.stderr.split(/(?<=\n)/);
  const notice = lines.find((l) => /^typevisor: .*: killed by SIG/.test(l));
  if (notice === undefined) return r;
  return { ...r, stderr: lines.filter((l) => l !== notice).join(""), signalNotice: notice.trimEnd() };
}

/** Runs a guest under `node bin/typevisor.js run`. */
export async function runUnderTypevisor(linkage: Linkage, req: RunRequest, extraOptions: readonly string[] = []): Promise<RunResult> {
  const argv = [
    process.execPath,
    TYPEVISOR_BIN,
    "run",
    ...(linkage === "dynamic" ? ["--sysroot", RISCV_SYSROOT] : []),
    ...extraOptions,
    "--",
    req.program,
    ...(req.args ?? []),
  ];
  return splitTypevisorNotice(await runProcess(argv, req));
}
