/** `typevisor boot`: the system VM's front end (bare-metal programs for now). */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { VirtBoard, type StopReason } from "../system/board.js";
import { BootError } from "../system/elf.js";
import { SystemVm } from "../system/system-vm.js";
import { CLINT_BASE, DEFAULT_MEMORY_MIB, RAM_BASE, TEST_BASE, UART0_BASE } from "../system/memory-map.js";
import { writeErr, writeOut } from "./main.js";

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

const HELP = `Usage: typevisor boot --bios none --kernel FILE.elf [options]

Boots a virtual RISC-V machine (RV64GC with M, S and U modes, Sv39/Sv48) laid
out like QEMU's 'virt' board, and runs a bare-metal ELF program on it: its
PT_LOAD segments are loaded at their physical addresses and one hart starts in
M-mode at the entry point with a0 = 0 (hart id) and a1 = 0.

Booting firmware (OpenSBI) and Linux is not yet supported: --bios none is
required, and there is no --initrd or --append yet.

Options:
      --bios none       Run the kernel directly in M-mode, without firmware (required).
      --kernel FILE     The bare-metal RISC-V ELF program to run (required).
      --memory MIB      RAM size in MiB, 1-2048 (default ${DEFAULT_MEMORY_MIB}).
      --timeout SECONDS Stop the machine after this many seconds (exit status 124).
      --stats           Print instructions executed, time and MIPS to stderr at exit.
      --debug           Show stack traces for internal errors.
  -h, --help            Show this help.

Memory map:
  ${hex(TEST_BASE)}  SiFive test finisher: write 0x5555 = pass, (code << 16) | 0x3333 = fail, 0x7777 = reset
  ${hex(CLINT_BASE)}  CLINT: msip, mtimecmp, mtime (10 MHz)
  ${hex(UART0_BASE)}  16550A UART: output goes to standard output
  ${hex(RAM_BASE)}  RAM
  A program that defines the symbol 'tohost' also gets HTIF there: writing
  (code << 1) | 1 ends the run with that code; device 1 command 1 prints a byte.

Exit status: the guest's (0 = pass), 124 on --timeout, 1 when the guest is
stuck (its trap vector cannot be fetched), 2 for bad options or input.
`;

/** Runs `typevisor boot`; resolves with the exit status. */
export async function bootCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        bios: { type: "string" },
        kernel: { type: "string" },
        memory: { type: "string" },
        timeout: { type: "string" },
        stats: { type: "boolean" },
        debug: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    const m = /option '([^']+)'/i.exec(msg);
    if (m && /initrd|append/.test(m[1])) {
      writeErr(`typevisor boot: ${m[1]} is not supported yet (booting Linux comes later)\n`);
    } else {
      writeErr(`typevisor boot: ${m ? `unknown option '${m[1]}'` : msg} (try 'typevisor boot --help')\n`);
    }
    return 2;
  }
  if (values.help) {
    writeOut(HELP);
    return 0;
  }
  if (values.bios !== "none") {
    writeErr(values.bios === undefined
      ? "typevisor boot: --bios none is required (booting OpenSBI is not supported yet)\n"
      : `typevisor boot: --bios ${values.bios}: booting firmware is not supported yet; use --bios none\n`);
    return 2;
  }
  if (values.kernel === undefined) {
    writeErr("typevisor boot: no --kernel given (try 'typevisor boot --help')\n");
    return 2;
  }
  const memoryMiB = values.memory === undefined ? DEFAULT_MEMORY_MIB : Number(values.memory);
  if (!Number.isInteger(memoryMiB) || memoryMiB < 1 || memoryMiB > 2048) {
    writeErr(`typevisor boot: --memory wants a whole number of MiB from 1 to 2048, got '${values.memory}'\n`);
    return 2;
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    writeErr(`typevisor boot: --timeout wants a positive number of seconds, got '${values.timeout}'\n`);
    return 2;
  }
  let image: Uint8Array;
  try {
    image = readFileSync(values.kernel);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (e as Error).message;
    writeErr(`typevisor boot: ${values.kernel}: ${why}\n`);
    return 2;
  }

  const out: number[] = [];
  const flush = () => {
    if (out.length === 0) return;
    const b = Buffer.from(out);
    out.length = 0;
    writeOut(b.toString("latin1"));
  };
  const start = performance.now();
  let instructions = 0;
  let stop: StopReason;
  try {
    for (;;) {
      const board = new VirtBoard({ memoryMiB, console: (byte) => out.push(byte) });
      board.loadBareMetal(image, values.kernel);
      const left = timeout === undefined ? undefined : timeout * 1000 - (performance.now() - start);
      stop = await new SystemVm(board).run({ timeoutMs: left, flush });
      instructions += board.hart.retired;
      if (stop.kind !== "reset") break;
    }
  } catch (e) {
    flush();
    if (e instanceof BootError) {
      writeErr(`typevisor boot: ${e.message}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    writeErr(`typevisor: internal error: ${msg}${values.debug ? "" : " (run with --debug for details)"}\n`);
    if (values.debug && e instanceof Error && e.stack) writeErr(e.stack + "\n");
    return 70;
  }
  flush();
  if (values.stats) {
    const seconds = (performance.now() - start) / 1000;
    writeErr(`typevisor: stats: instructions=${instructions} seconds=${seconds.toFixed(3)} mips=${(instructions / seconds / 1e6).toFixed(1)}\n`);
  }
  switch (stop.kind) {
    case "poweroff": return stop.code & 0xff;
    case "timeout":
      writeErr(`typevisor boot: timed out after ${timeout} s\n`);
      return 124;
    case "stuck":
      writeErr(`typevisor boot: guest stuck: ${stop.message}\n`);
      return 1;
  }
  return 1;
}
