/** `typevisor run`: the process VM's front end. */
import { warmUpProcessVm } from "../process/warm-up.js";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { Process } from "../process/process.js";
import { ElfError } from "../process/elf.js";
import { describeSignal } from "../process/signals.js";
import { writeErr, writeOut } from "./main.js";

/** Default sysroot: where Debian's cross toolchain keeps the RISC-V libraries. */
export const DEFAULT_SYSROOT = "/usr/riscv64-linux-gnu";

import { jitOptions, jitStatsLine, parseJitMode } from "../cpu/riscv/jit/tier.js";
import { GdbListenError, listenGdb, type GdbServer } from "../debug/tcp.js";
import { SIGTRAP } from "../debug/held-guest.js";
import { ProcessDebugger } from "../process/debugger.js";

const HELP = `Usage: typevisor run [options] [--] PROGRAM [ARGS...]

Runs a RISC-V 64-bit (RV64GC) Linux program on this machine, translating its
system calls to the host, as qemu-riscv64 does. Standard input and output,
arguments, environment and exit status pass through.

Options:
  -L, --sysroot DIR   Where the program's dynamic loader and libraries live
                      (default: ${DEFAULT_SYSROOT} when it exists).
                      Absolute paths the program opens are looked up there first.
      --strace        Print every system call to stderr, as strace does.
      --stats         Print instructions executed, time, MIPS and the translating
                      tier's counters to stderr at exit
                      (instructions of every guest process the program started, too).
      --jit MODE      The translating tier: auto (translate hot code to WebAssembly,
                      the default), off (interpreter only) or always (translate
                      on first execution: the test mode). TYPEVISOR_JIT sets
                      the default.
  -E, --env VAR=VAL   Set a variable in the program's environment (repeatable).
  -U, --unset VAR     Remove a variable from the program's environment (repeatable).
      --argv0 NAME    Pass NAME as argv[0] instead of PROGRAM.
  -g, --gdb PORT      Wait for a GDB connection on 127.0.0.1:PORT with the program
                      stopped at its first instruction, as qemu-riscv64 -g does
                      (gdb-multiarch: target remote :PORT). See docs/debugging.md.
      --debug         Show stack traces for internal errors.
  -h, --help          Show this help.

Exit status: the program's, or 128+N when it is killed by signal N.
`;

/** Options that take a value (so the word after them is not the program). */
const WITH_VALUE = new Set(["--sysroot", "-L", "--env", "-E", "--unset", "-U", "--argv0", "--jit", "--gdb", "-g"]);

/**
 * Splits `argv` into typevisor's options and the program with its arguments:
 * options end at "--" or at the first word that is not an option, so the
 * program's own options (`typevisor run ls -l`) are left alone.
 */
function splitAtProgram(argv: string[]): [string[], string[]] {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return [argv.slice(0, i), argv.slice(i + 1)];
    if (!a.startsWith("-") || a === "-") return [argv.slice(0, i), argv.slice(i)];
    if (WITH_VALUE.has(a)) i++;
  }
  return [argv, []];
}

/** Runs `typevisor run` with its arguments; resolves with the exit status. */
export async function runCommand(argv: string[]): Promise<number> {
  const [own, programArgs] = splitAtProgram(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: false,
      strict: true,
      options: {
        sysroot: { type: "string", short: "L" },
        strace: { type: "boolean" },
        stats: { type: "boolean" },
        jit: { type: "string" },
        env: { type: "string", short: "E", multiple: true },
        unset: { type: "string", short: "U", multiple: true },
        argv0: { type: "string" },
        gdb: { type: "string", short: "g" },
        debug: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      // Everything from the program name on belongs to the program.
      tokens: false,
    });
  } catch (e) {
    const m = /option '([^']+)'/i.exec((e as Error).message);
    writeErr(`typevisor run: ${m ? `unknown option '${m[1]}'` : (e as Error).message} (try 'typevisor run --help')\n`);
    return 2;
  }
  const { values } = parsed;
  const positionals = programArgs;
  if (values.help) {
    writeOut(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    writeErr("typevisor run: no program given (try 'typevisor run --help')\n");
    return 2;
  }
  const jit = parseJitMode(values.jit ?? process.env.TYPEVISOR_JIT ?? "auto");
  if (jit === undefined) {
    writeErr(`typevisor run: ${values.jit !== undefined ? "--jit" : "TYPEVISOR_JIT"} must be auto, off or always, not '${values.jit ?? process.env.TYPEVISOR_JIT}'\n`);
    return 2;
  }
  jitOptions.process = jit;
  const gdbPort = values.gdb === undefined ? undefined : Number(values.gdb);
  if (gdbPort !== undefined && !(Number.isInteger(gdbPort) && gdbPort > 0 && gdbPort < 65536)) {
    writeErr(`typevisor run: --gdb wants a TCP port (1-65535), not '${values.gdb}'\n`);
    return 2;
  }
  const [program, ...args] = positionals;
  const sysroot = values.sysroot ?? (existsSync(DEFAULT_SYSROOT) ? DEFAULT_SYSROOT : undefined);
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.set(k, v);
  for (const kv of values.env ?? []) {
    const i = kv.indexOf("=");
    if (i <= 0) {
      writeErr(`typevisor run: --env wants VAR=VALUE, got '${kv}'\n`);
      return 2;
    }
    env.set(kv.slice(0, i), kv.slice(i + 1));
  }
  for (const k of values.unset ?? []) env.delete(k);

  const start = process.hrtime.bigint();
  let proc: Process;
  try {
    proc = new Process({
      path: program,
      argv: [values.argv0 ?? program, ...args],
      envp: [...env].map(([k, v]) => `${k}=${v}`),
      sysroot,
      strace: values.strace,
      log: (line) => writeErr(line + "\n"),
    });
  } catch (e) {
    if (e instanceof ElfError) {
      writeErr(`typevisor: ${e.message}\n`);
      return e.notFound ? 127 : 126;
    }
    return internalError(e, values.debug ?? false);
  }
  let status: number;
  let gdb: GdbServer | undefined;
  try {
    if (gdbPort !== undefined) gdb = await attachGdb(proc, gdbPort);
    warmUpProcessVm();
    status = await proc.run();
  } catch (e) {
    if (e instanceof GdbListenError) {
      writeErr(`typevisor run: --gdb: ${e.message}\n`);
      return 1;
    }
    return internalError(e, values.debug ?? false);
  } finally {
    gdb?.close();
  }
  if (proc.killedBy !== 0) writeErr(`typevisor: ${program}: killed by ${describeSignal(proc.killedBy)}\n`);
  if (values.stats) {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const n = proc.kernel.instructions;
    writeErr(`typevisor: stats: instructions=${n} seconds=${seconds.toFixed(3)} mips=${(n / seconds / 1e6).toFixed(1)}\n`);
    writeErr(`typevisor: jit: ${jitStatsLine(proc.kernel.cache, jit)}\n`);
  }
  return status;
}

/** Holds `proc` at its first instruction and waits for a debugger on `port`. */
async function attachGdb(proc: Process, port: number): Promise<GdbServer> {
  const dbg = new ProcessDebugger(proc);
  proc.kernel.debugger = dbg;
  const main = proc.threads[0].tid;
  const server = await listenGdb(port, dbg, (stub) => {
    dbg.attach(stub.points, (e) => stub.stopped(e));
    return { kind: "signal", thread: main, signal: SIGTRAP };
  });
  writeErr(`typevisor: waiting for gdb on 127.0.0.1:${port}\n`);
  await server.connected;
  return server;
}

function internalError(e: unknown, debug: boolean): number {
  const msg = e instanceof Error ? e.message : String(e);
  writeErr(`typevisor: internal error: ${msg}${debug ? "" : " (run with --debug for details)"}\n`);
  if (debug && e instanceof Error && e.stack) writeErr(e.stack + "\n");
  return 70;
}
