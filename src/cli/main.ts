/**
 * The `typevisor` command line: `typevisor run` runs a RISC-V Linux program
 * (the process VM). Errors are one line on stderr and a non-zero status;
 * `--debug` shows stack traces.
 */
import { writeSync } from "node:fs";

const USAGE = `Usage: typevisor <command> [options]

A virtualization toolkit for RISC-V, in TypeScript.

Commands:
  run [--sysroot DIR] [--strace] [--stats] PROGRAM [ARGS...]
           Run a RISC-V (RV64GC) Linux program on this machine (like qemu-riscv64)
  boot [--kernel FILE] [--initrd FILE] [--disk FILE] [--net SPEC] [--smp N] [--memory MIB]
           Boot a virtual RISC-V machine (virt board): Linux by default, or firmware,
           kernels and bare-metal programs of your own
  serve [--listen HOST:PORT] [--state-dir DIR] [--memory-budget MIB] [--allow-path DIR]
           Run the hypervisor: many guest VMs behind a REST API (token in the state dir)
  java [-cp PATH] [-jar JAR] [-Dkey=value] MAINCLASS [ARGS...]
           Run a Java program on typevisor's JVM with the OpenJDK 17 class library
  vm ls|create|start|stop|pause|resume|rm|console|logs|metrics|snapshot|restore ...
           Drive the hypervisor from the command line: define, run and attach to VMs

Run 'typevisor <command> --help' for the options of a command.
`;

/** Entry point: runs the command line `argv` (without node and script); resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    writeErr(USAGE, cmd === undefined ? 2 : 1);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === "--version" || cmd === "-V") {
    writeOut("typevisor 0.1.0\n");
    return 0;
  }
  // Each command's modules are loaded only when it runs: loading all of them
  // (the hypervisor's server, the system VM's devices) is a third of a short run.
  if (cmd === "run") return (await import("./run.js")).runCommand(rest);
  if (cmd === "boot") return (await import("./boot.js")).bootCommand(rest);
  if (cmd === "serve") return (await import("./serve.js")).serveCommand(rest);
  if (cmd === "vm") return (await import("./vm.js")).vmCommand(rest);
  if (cmd === "java") return (await import("./java.js")).javaCommand(rest);
  writeErr(`typevisor: unknown command '${cmd}' (try 'typevisor --help')\n`, 2);
  return 2;
}

/** Writes to stdout without touching process.stdout (which would make a piped fd non-blocking). */
export function writeOut(s: string): void {
  writeFd(1, s);
}

/** Writes a message to stderr; `to` 1 sends it to stdout instead (for --help). */
export function writeErr(s: string, to = 2): void {
  writeFd(to === 1 ? 1 : 2, s);
}

function writeFd(fd: number, s: string): void {
  const b = Buffer.from(s, "utf8");
  let done = 0;
  while (done < b.length) {
    try {
      done += writeSync(fd, b, done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return;
    }
  }
}
