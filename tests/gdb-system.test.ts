/**
 * The GDB stub of the system VM (`typevisor boot --gdb tcp::PORT -S`), driven
 * by gdb-multiarch in batch mode with the same script as against
 * `qemu-system-riscv64 -gdb tcp::PORT -S`: a bare-metal program with its
 * symbols (breakpoint in S-mode under Sv39, CSRs, privilege level, memory
 * through the page tables and physically), and the built-in Linux guest held
 * at the firmware's first instruction, stopped at start_kernel (symbols from
 * images/vmlinux.sym), then let go to its shell.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { buildBareMetal, CROSS_CC, GUEST_BUILD_DIR, ROOT, requireTool } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";
import { debugSession, normalize } from "./gdb-session.js";
import { spawn } from "node:child_process";
import { connect } from "node:net";

const PAGING = join(GUEST_BUILD_DIR, "debug", "paging.elf");
const IMAGE = join(ROOT, "images", "Image"), INITRD = join(ROOT, "images", "initramfs.cpio");

/** Masks the first stop, which differs by design: QEMU starts at its reset vector (0x1000), typevisor at the firmware. */
/** gdb with the built-in kernel's symbols. */
const LINUX_SETUP = ["set architecture riscv:rv64", `file ${join(ROOT, "images", "vmlinux.sym")}`];

const withoutFirstStop = (s: string) => normalize(s).replace(/^ADDR in .*\n/, "");

describe("the GDB stub of the system VM (typevisor boot --gdb -S), against qemu-system-riscv64", () => {
  before(async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    requireTool("gdb-multiarch", "gdb-multiarch");
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    await buildBareMetal(join(ROOT, "tests", "baremetal", "paging.S"), PAGING);
  });

  test("a bare-metal program: a breakpoint in S-mode under Sv39, its CSRs and privilege, memory through the page tables and physically", async () => {
    const script = ["break s_after_remap", "continue", "p $priv", "p/x $satp", "stepi 3", "info registers pc s5 t0", "x/2gx 0x40000000",
      "p/x $sstatus", "p/x $scause", "p/x $stval", "p/x $mhartid", "maintenance packet Qqemu.PhyMemMode:1", "x/2gx &pg_data",
      "maintenance packet Qqemu.PhyMemMode:0", "x/2i $pc"];
    const setup = ["file " + PAGING];
    const ours = await debugSession((port) => [process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", PAGING, "--gdb", `tcp::${port}`, "-S"], setup, script);
    const qemu = await debugSession((port) => ["qemu-system-riscv64", "-M", "virt", "-m", "128", "-nographic", "-bios", "none", "-kernel", PAGING,
      "-gdb", `tcp::${port}`, "-S"], setup, script);
    assert.equal(withoutFirstStop(ours.gdb), withoutFirstStop(qemu.gdb));
    assert.match(ours.gdb, /^0x0000000080000000 in _start \(\)\n/, "held at the first instruction");
    assert.match(ours.gdb, /Breakpoint 1, 0x[0-9a-f]+ in s_after_remap \(\)\n\$1 = 1\n\$2 = 0x8000000000080006\n/);
    assert.match(ours.gdb, /t0 +0x4444\t/);
    assert.match(ours.gdb, /0x40000000:\t0x0000000000004444\t/);
    // Detached at the end, the program runs on to its end.
    assert.match(ours.guest, /PASS/);
  });

  test("Linux: held at the firmware's first instruction, stopped at start_kernel in S-mode under paging, then let go to the shell", async () => {
    const script = ["p $priv", "hbreak start_kernel", "continue", "p $priv", "p/x $satp", "p/x $sstatus", "bt", "x/2i $pc",
      "stepi", "stepi", "info registers pc", "delete", "detach"];
    const ours = await debugSession((port) => [process.execPath, TYPEVISOR_BIN, "boot", "--gdb", `tcp::${port}`, "-S", "--timeout", "60"],
      LINUX_SETUP, script, { until: "/ # " });
    const qemu = await debugSession((port) => ["qemu-system-riscv64", "-M", "virt", "-m", "128", "-nographic", "-bios", "default",
      "-kernel", IMAGE, "-initrd", INITRD, "-append", "console=ttyS0", "-gdb", `tcp::${port}`, "-S"], LINUX_SETUP, script, { until: "/ # " });
    assert.equal(withoutFirstStop(ours.gdb), withoutFirstStop(qemu.gdb));
    assert.match(ours.gdb, /\n0x0000000080000000 in \?\? \(\)\n\$1 = 3\n/, "held in M-mode at the firmware's first instruction");
    // start_kernel runs in S-mode with paging on (satp's MODE is Sv39 or Sv48: 8 or 9).
    assert.match(ours.gdb, /Breakpoint 1, 0xffffffff[0-9a-f]+ in start_kernel \(\)\n\$2 = 1\n\$3 = 0x[89]0{6}[0-9a-f]{9}\n/);
    assert.match(ours.gdb, /in _start_kernel \(\)\n/);
    assert.match(ours.guest, /Run \/init as init process[\s\S]*\/ # $/, "the guest went on to its shell");
  });

  test("each hart is a thread, with its own registers", async () => {
    const script = ["info threads", "thread 2", "p/x $mhartid", "p/x $a0", "p/x $pc", "thread 1", "p/x $mhartid"];
    const s = await debugSession((port) => [process.execPath, TYPEVISOR_BIN, "boot", "--smp", "2", "--gdb", `tcp::${port}`, "-S", "--timeout", "60"],
      LINUX_SETUP, [...script, "kill"]);
    assert.equal(s.gdb.split("\n").filter((l) => /^[* ] +\d+ +Thread \d+ /.test(l)).length, 2, s.gdb);
    // Every hart starts at the firmware with a0 = its hart id.
    assert.match(s.gdb, /Switching to thread 2[^\n]*\n[^\n]*\n\$1 = 0x1\n\$2 = 0x1\n\$3 = 0x80000000\n/);
    assert.match(s.gdb, /\$4 = 0x0\n/);
  });

  test("an interrupt (Ctrl-C, byte 0x03) stops a running machine, which goes on when continued", async () => {
    // gdb in batch mode cannot type Ctrl-C: this speaks the protocol itself over the port.
    const port = 20000 + Math.floor(Math.random() * 20000);
    const vm = spawn(process.execPath, [TYPEVISOR_BIN, "boot", "--gdb", `tcp::${port}`, "--timeout", "60"], { stdio: ["ignore", "pipe", "pipe"] });
    let consoleOut = "";
    vm.stdout.on("data", (d: Buffer) => { consoleOut += d.toString(); });
    try {
      await until(() => consoleOut.includes("/ # "), 30_000);
      const sock = connect(port, "127.0.0.1");
      let got = "";
      sock.on("data", (d: Buffer) => { got += d.toString("latin1"); });
      const packet = (data: string) => {
        let sum = 0;
        for (const c of data) sum = (sum + c.charCodeAt(0)) & 0xff;
        sock.write(`$${data}#${sum.toString(16).padStart(2, "0")}`);
      };
      const reply = async (re: RegExp) => { await until(() => re.test(got), 10_000); const m = re.exec(got)!; got = got.slice(m.index + m[0].length); return m; };
      packet("?");
      await reply(/\$T05thread:1;#/); // connecting stopped the machine
      packet("c");
      await new Promise((r) => setTimeout(r, 300));
      assert.doesNotMatch(got, /\$T/, "running until interrupted");
      sock.write("\x03");
      await reply(/\$T02thread:1;#/);
      packet("qRcmd,00"); // an unknown monitor command: empty reply, and the stub still answers
      await reply(/\$#00/);
      packet("D");
      await reply(/\$OK#9a/);
      sock.end();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(vm.exitCode, null, "the machine runs on after the debugger detached");
    } finally {
      vm.kill("SIGKILL");
    }
  });
});

/** Resolves once `cond()` holds; fails after `ms`. */
async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < end, "timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
