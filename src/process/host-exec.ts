/**
 * Running a host program from a guest execve, as qemu-user does: a file that
 * is not a RISC-V program but that this host can run (a native ELF, or a
 * script whose interpreter is a host program) runs as a host child process in
 * place of the guest process. Its standard input, output and error are the
 * guest's descriptors 0, 1 and 2: one backed by a host fd is handed over as
 * it is; an in-VM pipe or socket is bridged by copying. Higher descriptors
 * pass when a host fd backs them (files, host pipes and sockets). The guest process
 * ends when the child does, with its exit status or signal, and a guest
 * process that is killed takes the child with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { existsSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import type { OpenFile } from "./fd-table.js";
import type { Process } from "./process.js";
import { SIG_IGN, Sig, sigbit } from "./signals.js";

const EAGAIN = -11;

/** coreutils' env(1), which can start a program with signals ignored and blocked (Node's spawn resets both). */
const ENV = "/usr/bin/env";

/**
 * env(1)'s options that give a host program the signal dispositions an
 * execve keeps (ignored signals stay ignored, the blocked mask stays
 * blocked), or none when nothing is ignored or blocked or there is no such
 * env. The program's argv[0] is then its path.
 */
function inheritedSignals(p: Process, sigmask: bigint): string[] {
  const ignored: number[] = [], blocked: number[] = [];
  for (let s = 1; s <= 31; s++) {
    if (s === Sig.KILL || s === Sig.STOP) continue;
    if (p.signals.actions[s].handler === SIG_IGN) ignored.push(s);
    if ((sigmask & sigbit(s)) !== 0n) blocked.push(s);
  }
  if ((ignored.length === 0 && blocked.length === 0) || !existsSync(ENV)) return [];
  return [...(ignored.length > 0 ? [`--ignore-signal=${ignored.join(",")}`] : []), ...(blocked.length > 0 ? [`--block-signal=${blocked.join(",")}`] : [])];
}

/** Waits until `file` may be ready again. */
function readiness(file: OpenFile): Promise<void> {
  return new Promise((resolve) => { file.onReady(() => resolve()); });
}

/** Copies what the guest writes into `file` (a pipe's read end) to the child's stdin, then closes it. */
async function feed(file: OpenFile, sink: Writable): Promise<void> {
  const buf = new Uint8Array(65536);
  sink.on("error", () => {}); // the child may exit without reading
  for (;;) {
    let r = file.read(buf);
    if (r instanceof Promise) r = await r;
    if (r === EAGAIN) { await readiness(file); continue; }
    if (r <= 0 || sink.destroyed) break;
    if (!sink.write(buf.slice(0, r))) await new Promise((resolve) => sink.once("drain", resolve));
  }
  sink.end();
}

/**
 * Copies the child's output into `file` (a pipe's write end), waiting while
 * it is full. When nobody reads the pipe any more, `broken` runs (the child
 * gets SIGPIPE, as it would writing to a real pipe) and the rest is dropped.
 */
function drain(source: Readable, file: OpenFile, broken: () => void): Promise<void> {
  let gone = false;
  return new Promise((resolve) => {
    source.on("data", (chunk: Buffer) => {
      if (gone) return;
      source.pause();
      void (async () => {
        let off = 0;
        while (off < chunk.length) {
          let r = file.write(chunk.subarray(off));
          if (r instanceof Promise) r = await r;
          if (r === EAGAIN) { await readiness(file); continue; }
          if (r < 0) { gone = true; broken(); break; } // EPIPE: nobody reads any more
          off += r;
        }
        source.resume();
      })();
    });
    source.on("close", () => resolve());
    source.on("error", () => resolve());
  });
}

/**
 * Starts host program `file` with `argv` and `envp` as process `p`'s new
 * image. Resolves never: the guest process ends (exit or kill) when the
 * child does.
 */
export function hostExec(p: Process, file: string, argv: string[], envp: string[], sigmask: bigint): Promise<never> {
  const top = Math.max(2, ...p.fds.list());
  const stdio: ("ignore" | "pipe" | number)[] = [];
  for (let fd = 0; fd <= top; fd++) {
    const f = p.fds.get(fd);
    stdio.push(f === undefined ? "ignore" : f.hostFd !== undefined ? f.hostFd : fd <= 2 ? "pipe" : "ignore");
  }
  const env: Record<string, string> = {};
  for (const e of envp) {
    const i = e.indexOf("=");
    if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
  }
  let child: ChildProcess;
  try {
    const keep = inheritedSignals(p, sigmask);
    child = keep.length === 0 ? spawn(file, argv.slice(1), { argv0: argv[0] ?? file, env, stdio })
      : spawn(ENV, [...keep, "--", file, ...argv.slice(1)], { env, stdio });
  } catch {
    p.exit(126);
    return new Promise<never>(() => {});
  }
  p.hostChild = child;
  const bridges: Promise<void>[] = []; // output copied into guest pipes (stdin's copy may never end)
  if (child.stdin) void feed(p.fds.get(0)!, child.stdin);
  const sigpipe = () => child.kill("SIGPIPE");
  if (child.stdout) bridges.push(drain(child.stdout, p.fds.get(1)!, sigpipe));
  if (child.stderr) bridges.push(drain(child.stderr, p.fds.get(2)!, sigpipe));
  child.on("error", () => p.exit(127));
  child.on("close", (code, signal) => {
    void Promise.all(bridges).then(() => {
      p.hostChild = undefined;
      if (signal !== null) p.kill(constants.signals[signal] ?? 9);
      else p.exit(code ?? 0);
    });
  });
  return new Promise<never>(() => {});
}
