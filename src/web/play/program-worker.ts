/**
 * The Web Worker of the play page's program mode: the process VM (the same
 * code as `typevisor run`) running RISC-V Linux programs inside the tab. Its
 * bundle maps the Node modules the process VM imports onto the browser
 * implementations in platform/browser/ (scripts/bundle.mjs), so the programs'
 * files live in an in-memory file system that lasts as long as the worker,
 * their terminal is the page's xterm.js, and what a tab cannot do (host
 * sockets, host programs) fails with Linux's errno.
 */
import { Process } from "../../process/process.js";
import { warmUpProcessVm } from "../../process/warm-up.js";
import { memFs, setStdio } from "../../platform/browser/node-fs.js";
import { TerminalDevice } from "../../platform/browser/terminal.js";
import { process as nodeProcess, stderrSink } from "../../platform/browser/globals.js";
import type { Inode } from "../../platform/mem-fs.js";
import type { FromProgram, ToProgram } from "./program-protocol.js";

/** Guest memory of one run (what the process VM may commit for its pages). */
const MEMORY_BYTES = 256 * 1024 * 1024;
/** The environment programs start with. */
const ENV = ["PATH=/bin:/usr/bin", "HOME=/root", "TERM=xterm-256color", "USER=root", "PWD=/root"];

const scope = globalThis as unknown as { postMessage(m: FromProgram): void; onmessage: ((e: MessageEvent<ToProgram>) => void) | null };
const post = (m: FromProgram) => scope.postMessage(m);

let terminal = new TerminalDevice(() => undefined);
let running = false;
const queue: ToProgram[] = [];

/** The directories and devices of a small Linux system. */
function populate(): Inode {
  for (const d of ["/bin", "/usr", "/usr/bin", "/etc", "/dev", "/proc", "/root", "/home"]) memFs.mkdir(d, 0o755);
  memFs.mkdir("/tmp", 0o1777);
  memFs.writeFile("/etc/passwd", new TextEncoder().encode("root:x:0:0:root:/root:/bin/sh\n"));
  memFs.writeFile("/etc/group", new TextEncoder().encode("root:x:0:\n"));
  memFs.writeFile("/etc/hostname", new TextEncoder().encode("typevisor\n"));
  memFs.mknodChar("/dev/null", 0o666, 0x103, { read: () => 0, write: (d) => d.length });
  memFs.mknodChar("/dev/zero", 0o666, 0x105, { read: (b) => { b.fill(0); return b.length; }, write: (d) => d.length });
  const random = { read: (b: Uint8Array) => { crypto.getRandomValues(b.subarray(0, Math.min(b.length, 65536))); return Math.min(b.length, 65536); }, write: (d: Uint8Array) => d.length };
  memFs.mknodChar("/dev/urandom", 0o666, 0x109, random);
  memFs.mknodChar("/dev/random", 0o666, 0x108, random);
  const tty = memFs.mknodChar("/dev/tty", 0o666, 0x500, terminal);
  memFs.cwd = memFs.find("/root", true, "chdir");
  return tty;
}
const tty = populate();

/** The page's terminal. */
const toPage = (bytes: Uint8Array) => post({ type: "output", bytes });

/** Runs `argv` to its end with its terminal output going to `output`; throws when the program cannot start. */
async function run(argv: string[], cols: number, rows: number, output = toPage): Promise<{ status: number; proc: Process; seconds: number }> {
  terminal = new TerminalDevice(output);
  tty.device = terminal;
  setStdio(tty);
  nodeProcess.env.COLUMNS = String(cols);
  nodeProcess.env.LINES = String(rows);
  stderrSink.write = (s) => output(new TextEncoder().encode(s.replace(/\n/g, "\r\n")));
  const path = argv[0].includes("/") ? argv[0] : `/bin/${argv[0]}`;
  const proc = new Process({ path, argv, envp: ENV, sysroot: undefined, memory: MEMORY_BYTES, log: (line) => stderrSink.write(line + "\n") });
  const start = performance.now();
  const status = await proc.run();
  return { status, proc, seconds: (performance.now() - start) / 1000 };
}

/** Writes a program to /bin and, for busybox, links its applets (from `busybox --list`, run here). */
async function install(m: Extract<ToProgram, { type: "install" }>): Promise<void> {
  memFs.writeFile(`/bin/${m.name}`, m.bytes, 0o755);
  let applets = 0;
  if (m.applets) {
    let list = "";
    const decoder = new TextDecoder();
    await run([`/bin/${m.name}`, "--list"], 80, 24, (bytes) => { list += decoder.decode(bytes, { stream: true }); });
    for (const name of list.split(/\s+/)) {
      if (name === "" || name === m.name || name.includes("/")) continue;
      try { memFs.symlink(m.name, `/bin/${name}`); applets++; } catch { /* already there */ }
    }
  }
  post({ type: "installed", name: m.name, applets });
}

/** Handles the messages that wait for a run to end, one at a time. */
async function next(): Promise<void> {
  if (running) return;
  const m = queue.shift();
  if (m === undefined) return;
  running = true;
  try {
    if (m.type === "install") await install(m);
    else if (m.type === "run") {
      warmUpProcessVm();
      const r = await run(m.argv, m.cols, m.rows);
      const n = r.proc.kernel.instructions;
      post({ type: "exit", status: r.status, signal: r.proc.killedBy, instructions: n, seconds: r.seconds, mips: n / r.seconds / 1e6 });
    }
  } catch (e) {
    post({ type: "failed", message: (e as Error).message });
  } finally {
    terminal.hangUp();
    running = false;
  }
  void next();
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "input") terminal.input(m.bytes);
  else { queue.push(m); void next(); }
};
