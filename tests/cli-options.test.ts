/** The options of `typevisor run`: --strace, --stats, environment and argv control, and where options end. */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { CROSS_CC, GUEST_BUILD_DIR, ROOT, requireTool } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";

const PROGRAM = join(GUEST_BUILD_DIR, "cli-echo-env");
const TTY_PROGRAM = join(GUEST_BUILD_DIR, "cli-tty");

function run(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TYPEVISOR_BIN, "run", ...args], {
    encoding: "utf8", input: "", timeout: 60_000, env: { PATH: "/usr/bin:/bin", LANG: "C", FOO: "from-host" },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

describe("typevisor run options", () => {
  before(() => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    mkdirSync(GUEST_BUILD_DIR, { recursive: true });
    execFileSync(CROSS_CC, ["-O2", "-static", "-o", PROGRAM, join(ROOT, "tests", "cli", "echo-env.c")]);
    execFileSync(CROSS_CC, ["-O2", "-static", "-fstack-protector-all", "-o", TTY_PROGRAM, join(ROOT, "tests", "cli", "tty.c")]);
  });

  test("on a terminal (a pty from script(1)), tcgetattr and TIOCGWINSZ (the real window size) answer as under qemu-riscv64", () => {
    requireTool("script", "bsdutils");
    const underPty = (cmd: string) => spawnSync("script", ["-qec", `stty rows 33 cols 101; ${cmd}`, "/dev/null"], { encoding: "utf8", input: "", timeout: 60_000 });
    const ours = underPty(`${process.execPath} ${TYPEVISOR_BIN} run ${TTY_PROGRAM}`);
    const qemu = underPty(`qemu-riscv64 ${TTY_PROGRAM}`);
    assert.equal(ours.stdout.replace(/\r/g, ""), "isatty 1 tcgetattr 0 canonical 1 winsize 0 101x33\n");
    assert.equal(ours.stdout, qemu.stdout);
    assert.equal(ours.status, 0);
  });

  test("the environment and arguments pass through, and an unknown system call gets ENOSYS", () => {
    const r = run([PROGRAM, "a b", "-x"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `argv[0]=${PROGRAM}\nargv[1]=a b\nargv[2]=-x\nFOO=from-host PATH=/usr/bin:/bin\nsyscall 999 -> -1 errno=ENOSYS\n`);
    assert.equal(r.stderr, "");
  });

  test("--strace prints each system call with its result, unknown ones named as such", () => {
    const r = run(["--strace", PROGRAM]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^\d+ write\(1, 0x[0-9a-f]+, \d+\) = \d+$/m);
    assert.match(r.stderr, /^\d+ syscall_999\(0x1, 0x2, 0x3\) = -1 ENOSYS \(unknown syscall 999\)$/m);
    assert.match(r.stderr, /^\d+ exit_group\(0\)$/m);
    assert.match(r.stdout, /syscall 999 -> -1 errno=ENOSYS/, "tracing does not change what the program sees");
  });

  test("--stats reports instructions, seconds and MIPS at exit", () => {
    const r = run(["--stats", PROGRAM]);
    const m = /^typevisor: stats: instructions=(\d+) seconds=([\d.]+) mips=([\d.]+)$/m.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.ok(Number(m[1]) > 10_000, "a libc program retires more than ten thousand instructions");
  });

  test("--jit chooses the tier: always translates what runs, off translates nothing, a bad mode is one line and status 2", () => {
    const counters = (mode: string) => {
      const r = run([`--jit=${mode}`, "--stats", PROGRAM]);
      assert.equal(r.status, 0, r.stderr);
      const m = /^typevisor: jit: jit=(\w+) regions_compiled=(\d+) .* translated_insns=(\d+) /m.exec(r.stderr);
      assert.ok(m, r.stderr);
      return { mode: m[1], compiled: Number(m[2]), translated: Number(m[3]) };
    };
    const always = counters("always"), off = counters("off");
    assert.equal(always.mode, "always");
    assert.ok(always.compiled > 0 && always.translated > 10_000, JSON.stringify(always));
    assert.deepEqual(off, { mode: "off", compiled: 0, translated: 0 });
    const bad = run(["--jit=fast", PROGRAM]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, "typevisor run: --jit must be auto, off or always, not 'fast'\n");
  });

  test("-E sets, -U removes variables and --argv0 replaces argv[0]", () => {
    const r = run(["-E", "FOO=changed", "-U", "PATH", "--argv0", "renamed", PROGRAM]);
    assert.match(r.stdout, /^argv\[0\]=renamed$/m);
    assert.match(r.stdout, /^FOO=changed PATH=\(unset\)$/m);
  });

  test("options after the program belong to the program", () => {
    const r = run([PROGRAM, "--strace", "--stats"]);
    assert.match(r.stdout, /^argv\[1\]=--strace$/m);
    assert.match(r.stdout, /^argv\[2\]=--stats$/m);
    assert.equal(r.stderr, "", "typevisor did not take them as its own");
  });

  test("-- ends typevisor's options even before an option-like program name", () => {
    const r = run(["--", PROGRAM, "x"]);
    assert.match(r.stdout, /^argv\[1\]=x$/m);
  });
});
