/** `typevisor boot`: the system VM's front end (bare-metal programs, and firmware such as OpenSBI with an S-mode kernel). */
import { DiskImageError } from "../devices/virtio-blk/virtio-blk.js";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { GdbListenError, listenGdb, type GdbServer } from "../debug/tcp.js";
import { jitOptions, jitStatsLine, parseJitMode } from "../cpu/riscv/jit/tier.js";
import { MAX_HARTS, VirtBoard } from "../system/board.js";
import { BootError } from "../system/elf.js";
import { exitMetrics, formatExitSummary } from "../system/exits.js";
import { KERNEL_BASE } from "../system/firmware.js";
import { DEFAULT_BIOS, Machine, type MachineConfig } from "../system/machine.js";
import { type RunStop } from "../system/system-vm.js";
import {
  CLINT_BASE, DEFAULT_MEMORY_MIB, PLIC_BASE, PLIC_NDEV, RAM_BASE, RTC_BASE, RTC_IRQ, TEST_BASE, UART0_BASE, UART0_IRQ, VIRTIO_BASE,
  VIRTIO_IRQ,
} from "../system/memory-map.js";
import { writeErr, writeOut } from "./main.js";
import { formatMac } from "../net/link.js";
import { NetOpenError } from "../net/errors.js";
import { defaultMac, parseNetSpec, NetSpecError, type NetSpec } from "../net/spec.js";
import { UnpluggedNet } from "../net/unplugged.js";

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;


const HELP = `Usage: typevisor boot [--bios FILE|none] [--kernel FILE] [options]

Boots a virtual RISC-V machine (RV64GC with M, S and U modes, Sv39/Sv48, and
the hypervisor extension H: HS, VS and VU modes, two-stage translation) laid
out like QEMU's 'virt' board.

With firmware (the default is OpenSBI 1.1's fw_dynamic, images/fw_dynamic.bin),
the firmware is loaded at 0x80000000 (an ELF file at its physical addresses, or
a raw .bin image), the kernel as an ELF file at its physical addresses or as a
raw image (such as a Linux Image) at ${hex(KERNEL_BASE)}, and a generated device
tree near the top of RAM; every hart starts in M-mode at the firmware with
a0 = its hart id, a1 = the device tree and a2 = OpenSBI's fw_dynamic_info.

With --bios none the kernel is a bare-metal ELF program: its PT_LOAD segments
are loaded at their physical addresses and every hart starts in M-mode at the
entry point with a0 = its hart id and a1 = 0.

The console is the UART: its output goes to stdout, and stdin feeds its input
(on a terminal in raw mode; Ctrl-A X quits, as in QEMU).

Options:
      --bios FILE|none  The M-mode firmware, or none to run the kernel directly in M-mode.
      --kernel FILE     The kernel (S-mode payload, or the bare-metal program with --bios none).
                        Without it: the built-in guest, Linux 6.1 with a busybox shell
                        (images/Image, images/initramfs.cpio, console=ttyS0).
      --append CMDLINE  The kernel command line (/chosen/bootargs in the device tree).
      --initrd FILE     An initial RAM disk, placed below the device tree and named in /chosen.
      --disk FILE       A raw disk image as a virtio-blk device (repeatable: /dev/vda, /dev/vdb...);
                        what the guest writes is on the file once it syncs or powers off.
      --net SPEC        A network card (virtio-net) and the network behind it (repeatable:
                        eth0, eth1...). SPEC is one of
                          user[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...
                            user-mode networking as QEMU's -netdev user: DHCP gives the
                            guest 10.0.2.15 and the gateway 10.0.2.2 (the host itself),
                            DNS at 10.0.2.3; connections leave through the host's
                            sockets; hostfwd forwards a host port into the guest
                          switch:NAME
                            a port on the virtual switch NAME: every guest on this host
                            that names it is on one Ethernet segment (no daemon: the
                            first guest to start carries the switch for the others)
                        and may end with ,mac=52:54:00:12:34:56 (default: 52:54:00:12:34:56
                        for the first card, counting up; on a switch, one derived from
                        the process id, so that guests differ). Examples:
                          --net user
                          --net user,hostfwd=tcp::8080-:80
                          --net switch:lab
      --dump-dtb FILE   Write the board's device tree blob to FILE and exit (as QEMU's dumpdtb).
      --memory MIB      RAM size in MiB, 1-2048 (default ${DEFAULT_MEMORY_MIB}).
      --smp N           Number of harts, 1-${MAX_HARTS} (default 1); they take turns on one host thread.
      --cpu rv64[,h=on|off]
                        The harts' ISA: RV64GC with the hypervisor extension (h=on, the
                        default, as QEMU's rv64 CPU) or without it (h=off: misa.H and the
                        device tree's riscv,isa lose the 'h', H instructions are illegal).
      --timeout SECONDS Stop the machine after this many seconds (exit status 124).
      --stats           Print instructions executed, time and MIPS to stderr at exit, then the
                        exits to the hypervisor by reason (since the last guest reset),
                        the translating tier's counters and each network card's packets.
      --jit MODE        The translating tier: off (interpreter only, the default for now:
                        on a Linux boot translation still costs more than it saves),
                        auto (hot code to WebAssembly) or always (translate on first
                        execution: the test mode). TYPEVISOR_JIT sets the default.
      --gdb tcp::PORT   Serve a GDB stub on 127.0.0.1:PORT, as QEMU does (gdb-multiarch:
                        target remote :PORT); each hart is a thread, with its CSRs and
                        privilege level. The machine stops when the debugger connects.
  -s                    Shorthand for --gdb tcp::1234.
  -S, --freeze          Hold every hart before its first instruction until the
                        debugger continues (with --gdb or -s). See docs/debugging.md.
      --debug           Show stack traces for internal errors, and the harts' state on --timeout.
  -h, --help            Show this help.

Memory map:
  ${hex(TEST_BASE)}  SiFive test finisher: write 0x5555 = pass, (code << 16) | 0x3333 = fail, 0x7777 = reset
  ${hex(RTC_BASE)}  Goldfish RTC: the host's time of day (PLIC source ${RTC_IRQ})
  ${hex(CLINT_BASE)}  CLINT: msip, mtimecmp per hart, mtime (10 MHz)
  ${hex(PLIC_BASE)}  PLIC: ${PLIC_NDEV} sources, machine and supervisor context per hart
  ${hex(UART0_BASE)}  16550A UART: output goes to standard output (PLIC source ${UART0_IRQ})
  ${hex(VIRTIO_BASE)}  virtio-mmio slots (4 KiB each, PLIC sources ${VIRTIO_IRQ} up): one virtio-blk per --disk,
              then one virtio-net per --net, then virtio-rng (eight slots in all)
  ${hex(RAM_BASE)}  RAM
  A program that defines the symbol 'tohost' also gets HTIF there: writing
  (code << 1) | 1 ends the run with that code; device 1 command 1 prints a byte.

Exit status: the guest's (0 = pass), 124 on --timeout, 1 when the guest is
stuck (its trap vector cannot be fetched) or a host port or switch for --gdb
or --net cannot be had, 2 for bad options or input.
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
        append: { type: "string" },
        initrd: { type: "string" },
        disk: { type: "string", multiple: true },
        net: { type: "string", multiple: true },
        "dump-dtb": { type: "string" },
        memory: { type: "string" },
        smp: { type: "string" },
        cpu: { type: "string" },
        timeout: { type: "string" },
        stats: { type: "boolean" },
        jit: { type: "string" },
        gdb: { type: "string" },
        "gdb-1234": { type: "boolean", short: "s" },
        freeze: { type: "boolean", short: "S" },
        debug: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    const m = /option '([^']+)'/i.exec(msg);
    writeErr(`typevisor boot: ${m ? `unknown option '${m[1]}'` : msg} (try 'typevisor boot --help')\n`);
    return 2;
  }
  if (values.help) {
    writeOut(HELP);
    return 0;
  }
  const jit = parseJitMode(values.jit ?? process.env.TYPEVISOR_JIT ?? "off");
  if (jit === undefined) {
    writeErr(`typevisor boot: ${values.jit !== undefined ? "--jit" : "TYPEVISOR_JIT"} must be auto, off or always, not '${values.jit ?? process.env.TYPEVISOR_JIT}'\n`);
    return 2;
  }
  jitOptions.system = jit;
  const gdbPort = values["gdb-1234"] ? 1234 : values.gdb === undefined ? undefined : parseGdbDevice(values.gdb);
  if (gdbPort === null) {
    writeErr(`typevisor boot: --gdb wants tcp::PORT (or :PORT, or PORT), not '${values.gdb}'\n`);
    return 2;
  }
  if (values.freeze && gdbPort === undefined) {
    writeErr("typevisor boot: -S holds the harts for a debugger: give --gdb tcp::PORT or -s too\n");
    return 2;
  }
  const bareMetal = values.bios === "none";
  if (bareMetal && (values.append !== undefined || values.initrd !== undefined)) {
    writeErr(`typevisor boot: ${values.initrd !== undefined ? "--initrd" : "--append"} needs firmware (a device tree to carry it), not --bios none\n`);
    return 2;
  }
  const memoryMiB = values.memory === undefined ? DEFAULT_MEMORY_MIB : Number(values.memory);
  if (!Number.isInteger(memoryMiB) || memoryMiB < 1 || memoryMiB > 2048) {
    writeErr(`typevisor boot: --memory wants a whole number of MiB from 1 to 2048, got '${values.memory}'\n`);
    return 2;
  }
  const harts = values.smp === undefined ? 1 : Number(values.smp);
  if (!Number.isInteger(harts) || harts < 1 || harts > MAX_HARTS) {
    writeErr(`typevisor boot: --smp wants a number of harts from 1 to ${MAX_HARTS}, got '${values.smp}'\n`);
    return 2;
  }
  const hExtension = parseCpu(values.cpu ?? "rv64");
  if (hExtension === undefined) {
    writeErr(`typevisor boot: --cpu wants rv64, rv64,h=on or rv64,h=off, not '${values.cpu}'\n`);
    return 2;
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    writeErr(`typevisor boot: --timeout wants a positive number of seconds, got '${values.timeout}'\n`);
    return 2;
  }
  const nets: NetSpec[] = [];
  for (const text of values.net ?? []) {
    try {
      nets.push(parseNetSpec(text));
    } catch (e) {
      if (!(e instanceof NetSpecError)) throw e;
      writeErr(`typevisor boot: --net ${text}: ${e.message}\n`);
      return 2;
    }
  }
  if (values["dump-dtb"] !== undefined) {
    // The same slots as the machine would have: its disks, and its network cards unplugged.
    let board: VirtBoard;
    try {
      board = new VirtBoard({
        memoryMiB, harts, hExtension, console: () => {}, disks: (values.disk ?? []).map((path) => ({ path, readonly: true })),
        nics: nets.map((_, i) => ({ backend: new UnpluggedNet(), mac: defaultMac(i) })),
      });
    } catch (e) {
      if (!(e instanceof BootError || e instanceof DiskImageError)) throw e;
      writeErr(`typevisor boot: ${e.message}\n`);
      return 2;
    }
    const blob = board.deviceTree(values.append).fdt.toBlob();
    board.close();
    try {
      writeFileSync(values["dump-dtb"], blob);
    } catch (e) {
      writeErr(`typevisor boot: ${values["dump-dtb"]}: ${(e as Error).message}\n`);
      return 2;
    }
    return 0;
  }
  if (bareMetal && values.kernel === undefined) {
    writeErr("typevisor boot: --bios none needs a --kernel (a bare-metal ELF program)\n");
    return 2;
  }
  const config: MachineConfig = {
    memoryMiB, harts, hExtension, bios: values.bios, kernel: values.kernel, initrd: values.initrd, append: values.append,
    disks: (values.disk ?? []).map((path) => ({ path })),
    nets,
    macSalt: process.pid & 0xffffff, // two boot processes on one switch get different default MACs
  };
  const out: number[] = [];
  const flush = () => {
    if (out.length === 0) return;
    const b = Buffer.from(out);
    out.length = 0;
    writeOut(b.toString("latin1"));
  };
  let machine: Machine;
  try {
    machine = await Machine.create(config, { console: (byte) => out.push(byte), flush });
  } catch (e) {
    if (e instanceof NetOpenError) {
      writeErr(`typevisor boot: --net: ${e.message}\n`);
      return 1;
    }
    if (!(e instanceof BootError || e instanceof DiskImageError)) throw e;
    const hint = values.bios === undefined && e.message.startsWith(`firmware ${DEFAULT_BIOS}`)
      ? " (the default firmware, images/fw_dynamic.bin: run images/get-firmware.sh, or give --bios)" : "";
    writeErr(`typevisor boot: ${e.message}${hint}\n`);
    return 2;
  }
  let gdb: GdbServer | undefined;
  if (gdbPort !== undefined) {
    const dbg = machine.attachDebugger(values.freeze ?? false);
    try {
      gdb = await listenGdb(gdbPort, dbg, (stub) => {
        dbg.attach(stub.points, (e) => stub.stopped(e));
        return dbg.holdNow();
      });
    } catch (e) {
      if (!(e instanceof GdbListenError)) throw e;
      machine.close();
      writeErr(`typevisor boot: --gdb: ${e.message}\n`);
      return 1;
    }
    writeErr(`typevisor: gdb stub on 127.0.0.1:${gdbPort}${values.freeze ? ", harts held until the debugger continues" : ""}\n`);
  }
  const consoleInput = attachConsoleInput(machine);
  const start = performance.now();
  let stop: RunStop;
  try {
    stop = await machine.run({ timeoutMs: timeout === undefined ? undefined : timeout * 1000 });
  } catch (e) {
    gdb?.close();
    flush();
    consoleInput.detach();
    if (e instanceof BootError || e instanceof DiskImageError) {
      writeErr(`typevisor boot: ${e.message}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    writeErr(`typevisor: internal error: ${msg}${values.debug ? "" : " (run with --debug for details)"}\n`);
    if (values.debug && e instanceof Error && e.stack) writeErr(e.stack + "\n");
    return 70;
  }
  flush();
  consoleInput.detach();
  gdb?.close();
  if (values.debug && stop.kind === "timeout") printHarts(machine);
  if (values.stats) {
    const seconds = (performance.now() - start) / 1000;
    const instructions = machine.retired;
    writeErr(`typevisor: stats: instructions=${instructions} seconds=${seconds.toFixed(3)} mips=${(instructions / seconds / 1e6).toFixed(1)}\n`);
    for (const line of formatExitSummary(exitMetrics(machine.board))) writeErr(`${line}\n`);
    writeErr(`typevisor: jit: ${jitStatsLine(machine.board.harts[0].hart.cache, jit)}\n`);
    machine.board.nics.forEach((nic, i) => {
      const c = nic.counters;
      writeErr(`typevisor: net${i}: ${nic.backend.kind} ${formatMac(nic.mac)} tx packets=${c.txPackets} bytes=${c.txBytes} dropped=${c.txDropped}` +
        ` rx packets=${c.rxPackets} bytes=${c.rxBytes} dropped=${c.rxDropped}\n`);
    });
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

/** --debug at a timeout: where every hart stands. */
function printHarts({ board, vm }: Machine): void {
  board.harts.forEach(({ hart: h, csrs: c }, i) => {
    writeErr(`typevisor: hart ${i} at timeout: pc=0x${h.pc.toString(16)} priv=${h.priv} mstatus=0x${c.mstatus.toString(16)} ` +
      `mip=0x${c.mip.toString(16)} mie=0x${c.mie.toString(16)} mideleg=0x${c.mideleg.toString(16)} ` +
      `retired=${h.retired} waiting=${vm.waiting[i]}\n`);
  });
  writeErr(`typevisor: mtime=${board.clint.mtime()} next timer in ${board.clint.msUntilNextTimer()} ms\n`);
}

/** Host standard input feeding the guest's console; detach() gives the terminal back. */
interface ConsoleInput {
  detach(): void;
}

/** Feeds host standard input to `machine`'s console: raw mode on a terminal, where Ctrl-A X quits as in QEMU. */
function attachConsoleInput(machine: Machine): ConsoleInput {
  const input: ConsoleInput = { detach: () => {} };
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  if (tty) stdin.setRawMode(true);
  let escape = false;
  const onData = (chunk: Buffer) => {
    const pass: number[] = [];
    for (const b of chunk) {
      if (tty && escape) {
        escape = false;
        if (b === 0x78 /* x */) { input.detach(); writeErr("\nQEMU-style Ctrl-A X: terminating the machine\n"); process.exit(0); }
        if (b !== 0x01) pass.push(0x01);
        pass.push(b);
      } else if (tty && b === 0x01) escape = true;
      else pass.push(b);
    }
    machine.input(Uint8Array.from(pass));
  };
  stdin.on("data", onData);
  stdin.on("error", () => {});
  input.detach = () => {
    stdin.off("data", onData);
    if (tty) stdin.setRawMode(false);
    stdin.pause();
    stdin.unref?.();
  };
  return input;
}

/** The port of a --gdb device (QEMU's tcp::PORT, or :PORT, or PORT); null when it is not one. */
function parseGdbDevice(dev: string): number | null {
  const m = /^(?:tcp:)?:?(\d+)$/.exec(dev);
  const port = m === null ? NaN : Number(m[1]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** The hypervisor extension's switch in a --cpu value (rv64, rv64,h=on, rv64,h=off; true/false too), or undefined when it is not one. */
function parseCpu(text: string): boolean | undefined {
  const [model, ...props] = text.split(",");
  if (model !== "rv64") return undefined;
  let h = true;
  for (const p of props) {
    const m = /^h=(on|off|true|false)$/.exec(p);
    if (m === null) return undefined;
    h = m[1] === "on" || m[1] === "true";
  }
  return h;
}
