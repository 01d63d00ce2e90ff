/**
 * Programs that start other programs. qemu-riscv64 is the reference where it
 * can be (fork, wait, pipelines and host programs started by a guest shell are
 * in tests/guest/fork-wait.c and the busybox table), but without binfmt_misc it
 * cannot execve a RISC-V program, so execve and posix_spawn of RISC-V programs
 * are checked here by a program that tests what Linux guarantees itself
 * (tests/process/exec.c), and busybox's shell running RISC-V applets found on
 * PATH is compared with the host's own tools running the same pipeline.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { compile, CROSS_CC, GUEST_BUILD_DIR, requireTool, ROOT } from "./build-guests.js";
import { runUnderTypevisor } from "./guest-run.js";
import { BUSYBOX, buildBusybox } from "./busybox-build.js";

const SOURCE = join(ROOT, "tests", "process", "exec.c");
const FORK_LIMIT = join(ROOT, "tests", "process", "fork-limit.c");
const OUT = join(GUEST_BUILD_DIR, "process");

describe("programs that start programs", () => {
  let scratch = "";
  before(async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    mkdirSync(OUT, { recursive: true });
    await compile({ cc: CROSS_CC, source: SOURCE, output: join(OUT, "exec-static"), flags: ["-O2", "-static"], libs: [] });
    await compile({ cc: CROSS_CC, source: SOURCE, output: join(OUT, "exec-dynamic"), flags: ["-O2"], libs: [] });
    await compile({ cc: CROSS_CC, source: FORK_LIMIT, output: join(OUT, "fork-limit"), flags: ["-O2", "-static"], libs: [] });
    scratch = mkdtempSync(join(tmpdir(), "tv-process-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const linkage of ["static", "dynamic"] as const) {
    test(`the ${linkage} exec program: execve keeps the pid and plain fds, closes O_CLOEXEC, resets handlers; posix_spawn works and reports errors`, async () => {
      const r = await runUnderTypevisor(linkage, { program: join(OUT, `exec-${linkage}`), cwd: scratch, timeoutMs: 60_000 });
      assert.equal(r.stderr, "");
      const lines = r.stdout.trim().split("\n");
      assert.deepEqual(lines.filter((l) => !l.startsWith("ok ")), [], "every check holds");
      assert.equal(lines.length, 13, r.stdout);
      assert.equal(r.status, 0);
    });
  }

  test("a guest that forks without end gets EAGAIN at the process limit, and can kill and reap every child", { timeout: 120_000 }, async () => {
    const r = await runUnderTypevisor("static", { program: join(OUT, "fork-limit"), cwd: scratch, timeoutMs: 110_000 });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "fork failed with EAGAIN: 1, after more than 100 children: 1\nevery child killed and reaped: 1\n");
    assert.equal(r.status, 0);
  });

  test("busybox sh runs RISC-V applets found on PATH in pipelines, as the host's tools run the same pipeline", { timeout: 30 * 60_000 }, async () => {
    buildBusybox();
    const bin = join(scratch, "bin");
    mkdirSync(bin, { recursive: true });
    for (const applet of ["sh", "seq", "sort", "head", "wc", "cat", "tr", "uniq"]) symlinkSync(BUSYBOX, join(bin, applet));
    writeFileSync(join(scratch, "words.txt"), "pear\napple\nfig\napple\nbanana\napple\n");
    const script = "seq 1 1000 | sort -r | head -n 3; sort words.txt | uniq -c | sort -rn | head -n 1 | tr -s ' '; cat words.txt | wc -l; (cat words.txt; echo kiwi) | sort | tr a-z A-Z | head -n 2";
    const ours = await runUnderTypevisor("static", { program: BUSYBOX, args: ["sh", "-c", script], env: { PATH: bin, LC_ALL: "C" }, cwd: scratch, timeoutMs: 60_000 });
    const host = execFileSync("sh", ["-c", script], { cwd: scratch, env: { PATH: "/usr/bin:/bin", LC_ALL: "C" }, encoding: "utf8" });
    assert.equal(ours.stderr, "");
    assert.equal(ours.status, 0);
    assert.equal(ours.stdout.replace(/^ +/gm, ""), host.replace(/^ +/gm, ""));
  });
});
