/**
 * Bare-metal programs on the system VM: every tests/baremetal/*.S is built with
 * the cross compiler (buildBareMetal: no C library, linked at 0x80000000 by link.ld) and booted
 * with `typevisor boot --bios none`. Each prints over the UART and ends through
 * HTIF and the SiFive test device; the expected exit status is 0 (PASS) unless
 * listed below. The same ELF also boots under qemu-system-riscv64 -M virt
 * (same CLINT, UART and test-device addresses), which must print the same and
 * exit the same way. Programs that need HTIF (which QEMU's virt lacks) skip QEMU.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { before, describe, test } from "node:test";
import { BAREMETAL_SOURCE_DIR, buildBareMetal, compile, CROSS_CC, requireTool, ROOT, runBounded } from "./build-guests.js";
import { runProcess, TYPEVISOR_BIN } from "./guest-run.js";

const SOURCE_DIR = BAREMETAL_SOURCE_DIR;
const BUILD_DIR = join(ROOT, "tests", "build", "baremetal");
const QEMU_SYSTEM = "qemu-system-riscv64";

/** Exit status other than 0, by program. */
const STATUS: Record<string, number> = { finisher: 42 };
/** Programs that only run on typevisor (they end through HTIF alone). */
const TYPEVISOR_ONLY = new Set(["htif-console"]);
/** Harts to boot with (--smp / -smp), when more than one. */
const HARTS: Record<string, number> = { smp: 4 };
/** Programs that never end (used by the --timeout test, not run to completion). */
const NEVER_ENDS = new Set(["idle", "reset-loop"]);

const PROGRAMS = readdirSync(SOURCE_DIR).filter((f) => f.endsWith(".S")).map((f) => basename(f, ".S")).sort();
const elf = (name: string) => join(BUILD_DIR, `${name}.elf`);

function build(name: string): Promise<void> {
  return buildBareMetal(join(SOURCE_DIR, `${name}.S`), elf(name));
}

describe("bare-metal programs on the system VM", () => {
  before(async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    await runBounded(PROGRAMS.map((n) => () => build(n)), availableParallelism());
  });

  for (const name of PROGRAMS.filter((n) => !NEVER_ENDS.has(n))) {
    const status = STATUS[name] ?? 0;
    const title = TYPEVISOR_ONLY.has(name)
      ? `${name} ends with status ${status} on typevisor (HTIF only, so not on QEMU's virt)`
      : `${name} ends with status ${status} on typevisor and prints the same as on qemu-system-riscv64`;
    test(title, async () => {
      const tv = await runProcess(
        [process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", elf(name), "--timeout", "30",
          "--smp", String(HARTS[name] ?? 1)],
        { cwd: ROOT, timeoutMs: 60_000 },
      );
      assert.equal(tv.stderr, "", `typevisor's stderr for ${name}`);
      assert.equal(tv.status, status, `typevisor's exit status for ${name}; output:\n${tv.stdout}`);
      if (status === 0) assert.match(tv.stdout, /PASS\n$|hello through HTIF\n$/);
      if (TYPEVISOR_ONLY.has(name)) return;
      requireTool(QEMU_SYSTEM, "qemu-system-misc");
      const qemu = await runProcess(
        [QEMU_SYSTEM, "-M", "virt", "-m", "128", "-smp", String(HARTS[name] ?? 1), "-bios", "none", "-kernel", elf(name),
          "-display", "none", "-serial", "stdio", "-monitor", "none"],
        { cwd: ROOT, timeoutMs: 30_000 },
      );
      assert.equal(qemu.timedOut, false, `qemu timed out on ${name}; output:\n${qemu.stdout}`);
      assert.equal(tv.stdout, qemu.stdout, `console output of ${name}`);
      assert.equal(tv.status, qemu.status, `exit status of ${name}`);
    });
  }

  test("boot --help documents the options, the built-in guest and the console", async () => {
    const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--help"], { cwd: ROOT, timeoutMs: 30_000 });
    assert.equal(r.status, 0);
    for (const word of ["--bios FILE|none", "--kernel", "--initrd", "--append", "--dump-dtb", "--memory", "--smp", "--timeout", "--stats", "tohost", "0x10000000", "fw_dynamic.bin", "images/Image", "Ctrl-A X"]) {
      assert.ok(r.stdout.includes(word), `help mentions ${word}`);
    }
  });

  test("a kernel that is not an ELF file is refused with one line", async () => {
    const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", join(SOURCE_DIR, "link.ld")],
      { cwd: ROOT, timeoutMs: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^typevisor boot: .*link\.ld: not an ELF file.*\n$/);
  });

  test("a missing kernel, --initrd without firmware and a bad --memory are refused with one line each", async () => {
    for (const [args, pattern] of [
      [["--bios", "none", "--kernel", "/nonexistent.elf"], /^typevisor boot: kernel \/nonexistent\.elf: no such file\n$/],
      [["--bios", "none"], /^typevisor boot: --bios none needs a --kernel.*\n$/],
      [["--bios", "none", "--kernel", elf("m-mode"), "--initrd", "x"], /^typevisor boot: --initrd needs firmware.*\n$/],
      [["--kernel", elf("m-mode"), "--initrd", "/nonexistent.cpio"], /^typevisor boot: initrd \/nonexistent\.cpio: no such file\n$/],
      [["--bios", "none", "--kernel", elf("m-mode"), "--memory", "0"], /^typevisor boot: --memory wants .*\n$/],
    ] as const) {
      const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", ...args], { cwd: ROOT, timeoutMs: 30_000 });
      assert.equal(r.status, 2, `status for ${args.join(" ")}`);
      assert.match(r.stderr, pattern);
    }
  });

  test("a program whose segments lie outside RAM is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tv-baremetal-"));
    try {
      const script = join(dir, "low.ld");
      writeFileSync(script, readFileSync(join(SOURCE_DIR, "link.ld"), "utf8").replace(". = 0x80000000;", ". = 0x10000;"));
      const output = join(dir, "low.elf");
      await compile({ cc: CROSS_CC, source: join(SOURCE_DIR, "idle.S"), output,
        flags: ["-static", "-no-pie", "-nostdlib", "-nostartfiles", "-Wl,--build-id=none", "-T", script], libs: [] });
      const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", output],
        { cwd: ROOT, timeoutMs: 30_000 });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^typevisor boot: .*low\.elf: segment \d+ at 0x10000\.\.0x[0-9a-f]+ is outside RAM .*\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--timeout ends a guest waiting forever in wfi, with status 124", async () => {
    const r = await runProcess(
      [process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", elf("idle"), "--timeout", "0.5"],
      { cwd: ROOT, timeoutMs: 30_000 },
    );
    assert.equal(r.status, 124);
    assert.equal(r.stderr, "typevisor boot: timed out after 0.5 s\n");
  });

  test("--timeout ends a guest that resets at once, again and again, with status 124", async () => {
    const r = await runProcess(
      [process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", elf("reset-loop"), "--timeout", "0.5"],
      { cwd: ROOT, timeoutMs: 30_000 },
    );
    assert.equal(r.status, 124, r.stderr);
    assert.equal(r.stderr, "typevisor boot: timed out after 0.5 s\n");
  });

  test("a guest waiting in wfi leaves the host idle: a 3 s run costs well under a second of host CPU", async () => {
    // A hart that spun instead of sleeping would cost about 3 s of CPU; node's start-up costs ~0.2 s.
    const r = spawnSync("bash", ["-c", `TIMEFORMAT='%U %S'; time "${process.execPath}" "${TYPEVISOR_BIN}" boot --bios none --kernel "${elf("idle")}" --smp 2 --timeout 3`],
      { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 124, r.stderr);
    const [user, sys] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
    assert.ok(user + sys < 1.2, `host CPU ${user + sys} s for a 3 s idle guest`);
  });
});
