/**
 * openat2 compared with the host's Linux kernel rather than qemu-riscv64
 * (whose 7.2 answers ENOSYS for it): tests/process/openat2.c is built for the
 * host and for RISC-V (static and dynamic), each run in an empty directory,
 * and typevisor's output must equal the host program's.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { compile, CROSS_CC, GUEST_BUILD_DIR, requireTool, ROOT } from "./build-guests.js";
import { GUEST_ENV, runProcess, runUnderTypevisor } from "./guest-run.js";

const SOURCE = join(ROOT, "tests", "process", "openat2.c");
const OUT = join(GUEST_BUILD_DIR, "process");
const TIMEOUT_MS = 60_000;

describe("openat2 answers as the host kernel does", () => {
  let scratch = "";
  before(async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    requireTool("gcc", "gcc");
    mkdirSync(OUT, { recursive: true });
    await compile({ cc: "gcc", source: SOURCE, output: join(OUT, "openat2-host"), flags: ["-O1"], libs: [] });
    await compile({ cc: CROSS_CC, source: SOURCE, output: join(OUT, "openat2-static"), flags: ["-O1", "-static"], libs: [] });
    await compile({ cc: CROSS_CC, source: SOURCE, output: join(OUT, "openat2-dynamic"), flags: ["-O1"], libs: [] });
    scratch = mkdtempSync(join(tmpdir(), "tv-openat2-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const linkage of ["static", "dynamic"] as const) {
    test(`the ${linkage} openat2 program: size checks, flag/mode/resolve validation, NO_SYMLINKS, NO_MAGICLINKS, NO_XDEV, BENEATH and IN_ROOT`, { timeout: TIMEOUT_MS * 2 }, async () => {
      const hostDir = mkdtempSync(join(scratch, `host-${linkage}-`));
      const guestDir = mkdtempSync(join(scratch, `guest-${linkage}-`));
      const expected = await runProcess([join(OUT, "openat2-host")], { cwd: hostDir, env: GUEST_ENV, timeoutMs: TIMEOUT_MS });
      assert.equal(expected.status, 0, `the host program (the reference itself) failed:\n${expected.stderr}`);
      const actual = await runUnderTypevisor(linkage, { program: join(OUT, `openat2-${linkage}`), cwd: guestDir, env: GUEST_ENV, timeoutMs: TIMEOUT_MS });
      assert.equal(actual.stdout, expected.stdout, "stdout differs from the host kernel's");
      assert.equal(actual.stderr, expected.stderr);
      assert.equal(actual.status, expected.status);
    });
  }
});
