/**
 * The system VM boots the default guest (Linux 6.1 + busybox initramfs from
 * images/, through OpenSBI) to a shell, runs commands on its console
 * and powers off. The same guest under qemu-system-riscv64 -M virt must give
 * the same answers to the commands whose output does not depend on the board.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT, requireTool } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";

const IMAGE = join(ROOT, "images", "Image");
const INITRD = join(ROOT, "images", "initramfs.cpio");
const PROMPT = "/ # ";

/** One command and the output the guest printed for it (prompt and echo removed). */
interface Exchange {
  command: string;
  output: string;
}

/**
 * Runs argv as a machine with a console on stdio: waits for the shell prompt,
 * sends each command after the previous prompt returns, then `poweroff -f`.
 * Resolves with the outputs, the whole console text, the exit status and the
 * seconds until the first prompt.
 */
function drive(argv: string[], commands: string[], timeoutMs: number): Promise<{ answers: Exchange[]; console: string; status: number; bootSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    const start = performance.now();
    let text = "", bootSeconds = NaN, sent = 0, from = 0;
    const answers: Exchange[] = [];
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`no shell after ${timeoutMs} ms; console:\n${text.slice(-3000)}`)); }, timeoutMs);
    const onPrompt = () => {
      if (sent > 0) {
        const chunk = text.slice(from, text.lastIndexOf(PROMPT)).replace(/\r/g, "");
        const cmd = commands[sent - 1];
        answers.push({ command: cmd, output: chunk.slice(chunk.indexOf(cmd) + cmd.length).replace(/^\n/, "") });
      }
      from = text.length;
      if (sent < commands.length) child.stdin.write(commands[sent++] + "\n");
      else { sent++; child.stdin.write("poweroff -f\n"); }
    };
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      const prompts = text.split(PROMPT).length - 1;
      if (prompts > 0 && Number.isNaN(bootSeconds)) bootSeconds = (performance.now() - start) / 1000;
      if (prompts > answers.length + (sent > 0 ? 0 : 0) && prompts === sent + 1 && sent <= commands.length) onPrompt();
    });
    child.stderr.on("data", (d: Buffer) => { text += d.toString("latin1"); });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ answers, console: text, status: code ?? 128 + (signal ? 9 : 0), bootSeconds });
    });
  });
}

const COMMANDS = ["uname -a", "echo $((6 * 7)) done", "ls -1 --color=never /", "cat /proc/cmdline", "grep -c processor /proc/cpuinfo", "cat /proc/cpuinfo"];

describe("booting Linux", { concurrency: false }, () => {
  let ours: Awaited<ReturnType<typeof drive>>;

  test("typevisor boot brings the default guest to a shell that runs commands and powers off", { timeout: 300_000 }, async () => {
    ours = await drive([process.execPath, TYPEVISOR_BIN, "boot", "--timeout", "240"], COMMANDS, 280_000);
    assert.equal(ours.status, 0, `exit status; console:\n${ours.console.slice(-2000)}`);
    assert.match(ours.console, /OpenSBI v\d/);
    assert.match(ours.console, /Linux version 6\.1/);
    const got = Object.fromEntries(ours.answers.map((a) => [a.command, a.output]));
    assert.match(got["uname -a"], /^Linux \(none\) 6\.1\.\d+ .* riscv64 GNU\/Linux\n$/);
    assert.equal(got["echo $((6 * 7)) done"], "42 done\n");
    assert.match(got["ls -1 --color=never /"], /^bin\ndev\netc\ninit\n(.*\n)*proc\n/);
    assert.equal(got["cat /proc/cmdline"], "console=ttyS0\n");
    assert.equal(got["grep -c processor /proc/cpuinfo"], "1\n");
    assert.match(got["cat /proc/cpuinfo"], /^isa\t+: rv64imafdc/m);
    assert.match(ours.console, /reboot: Power down/);
  });

  test("a file the guest writes to its virtio disk is on the host image and there after a second boot", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "tv-disk-"));
    const disk = join(dir, "disk.img");
    try {
      writeFileSync(disk, new Uint8Array(8 << 20));
      const first = await drive([process.execPath, TYPEVISOR_BIN, "boot", "--disk", disk, "--timeout", "120"], [
        "mke2fs -q /dev/vda && mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && echo persisted-by-typevisor > /mnt/hello.txt && umount /mnt && echo written",
      ], 150_000);
      assert.equal(first.status, 0, first.console.slice(-2000));
      assert.match(first.answers[0].output, /(^|\n)written\n$/);
      assert.ok(readFileSync(disk).includes(Buffer.from("persisted-by-typevisor\n")), "the data reached the host file");
      const second = await drive([process.execPath, TYPEVISOR_BIN, "boot", "--disk", disk, "--timeout", "120"], [
        "mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && cat /mnt/hello.txt",
      ], 150_000);
      assert.equal(second.status, 0, second.console.slice(-2000));
      assert.match(second.answers[0].output, /(^|\n)persisted-by-typevisor\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("qemu-system-riscv64 -M virt gives the same answers on the same guest", { timeout: 300_000 }, async () => {
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    assert.ok(ours, "the typevisor boot ran first");
    const qemu = await drive(["qemu-system-riscv64", "-M", "virt", "-m", "128", "-nographic", "-bios", "default",
      "-kernel", IMAGE, "-initrd", INITRD, "-append", "console=ttyS0"], COMMANDS, 280_000);
    const same = ["uname -a", "echo $((6 * 7)) done", "ls -1 --color=never /", "cat /proc/cmdline", "grep -c processor /proc/cpuinfo"];
    assertSame(ours.answers, qemu.answers, same);
  });

  test("with --smp 4 Linux brings up four harts, runs on each, and reads the RTC and the UART interrupt as on qemu -smp 4", { timeout: 300_000 }, async () => {
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    const smpCommands = [
      "grep -c processor /proc/cpuinfo",
      "cat /sys/devices/system/cpu/online",
      // field 39 of /proc/PID/stat is the CPU the task last ran on
      "for c in 0 1 2 3; do taskset -c $c cut -d ' ' -f 39 /proc/self/stat; done",
      "cat /sys/class/rtc/rtc0/name",
      "grep -c ttyS0 /proc/interrupts",
      "date +%s",
    ];
    const tv = await drive([process.execPath, TYPEVISOR_BIN, "boot", "--smp", "4", "--timeout", "240"], smpCommands, 280_000);
    assert.equal(tv.status, 0, `exit status; console:\n${tv.console.slice(-2000)}`);
    const got = Object.fromEntries(tv.answers.map((a) => [a.command, a.output]));
    assert.equal(got["grep -c processor /proc/cpuinfo"], "4\n");
    assert.equal(got[smpCommands[2]], "0\n1\n2\n3\n");
    const guestNow = Number(got["date +%s"]);
    assert.ok(Math.abs(guestNow - Date.now() / 1000) < 120, `the guest's clock (${guestNow}) comes from the host's through the RTC`);
    const qemu = await drive(["qemu-system-riscv64", "-M", "virt", "-m", "128", "-smp", "4", "-nographic", "-bios", "default",
      "-kernel", IMAGE, "-initrd", INITRD, "-append", "console=ttyS0"], smpCommands, 280_000);
    assertSame(tv.answers, qemu.answers, smpCommands.slice(0, -1));
  });
});

/** Asserts that both machines answered each of `commands` the same way. */
function assertSame(ours: Exchange[], theirs: Exchange[], commands: string[]): void {
  for (const c of commands) {
    const a = ours.find((x) => x.command === c)?.output;
    const b = theirs.find((x) => x.command === c)?.output;
    assert.equal(a, b, `'${c}' differs between typevisor and qemu`);
  }
}
