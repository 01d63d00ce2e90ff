/**
 * The official RISC-V ISA test suite (riscv-tests, built in ../shared/riscv-tests):
 * every RV64GC program (rv64ui/um/ua/uf/ud/uc in the -p- and -v- environments,
 * rv64si, rv64mi) and the hypervisor extension's (hypervisor-p-*: two-stage
 * translation, guest-page faults on implicit page-table reads reported to M- and
 * to HS-mode) must pass under `typevisor boot --bios none`, as the suite's own
 * harness runs it: the program reports through HTIF, exit status 0 = pass, N = the
 * failing test case. The same programs under qemu-system-riscv64 -M spike
 * (-cpu rv64,h=true) check the harness itself: QEMU 7.2 must pass all but its one
 * known failure. With the H extension switched off (--cpu rv64,h=off) the
 * hypervisor programs must fail: they test what they claim to.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { requireTool, ROOT } from "./build-guests.js";
import { runProcess, TYPEVISOR_BIN } from "./guest-run.js";

const SUITE = join(ROOT, "..", "shared", "riscv-tests");
/** QEMU 7.2 predates this check (a write to minstret must be what the next read sees). */
const QEMU_KNOWN_FAILURES = new Set(["rv64mi-p-instret_overflow"]);
const TIMEOUT_MS = 30_000;

const programs = existsSync(SUITE) ? readdirSync(SUITE).filter((f) => /^(rv64(ui|um|ua|uf|ud|uc|si|mi)-[pv]-|hypervisor-p-)/.test(f)).sort() : [];
const hypervisorPrograms = programs.filter((f) => f.startsWith("hypervisor-"));

describe("riscv-tests (RV64GC and H) under typevisor boot --bios none", { concurrency: 2 }, () => {
  test("the suite is there, all 244 RV64GC programs and 3 hypervisor programs of it", () => {
    assert.ok(existsSync(SUITE), `${SUITE} is missing`);
    assert.equal(programs.length - hypervisorPrograms.length, 244);
    assert.equal(hypervisorPrograms.length, 3);
  });

  for (const name of programs) {
    test(name, async () => {
      const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", join(SUITE, name)],
        { cwd: ROOT, timeoutMs: TIMEOUT_MS, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
      assert.equal(r.status, 0, `${name} ${r.status === 124 || r.timedOut ? "did not end" : `failed test case ${r.status}`}; stderr: ${r.stderr}`);
    });
  }

  for (const name of hypervisorPrograms) {
    test(`${name} fails on harts without the H extension (--cpu rv64,h=off)`, async () => {
      const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--cpu", "rv64,h=off", "--bios", "none", "--kernel", join(SUITE, name)],
        { cwd: ROOT, timeoutMs: TIMEOUT_MS, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
      assert.notEqual(r.status, 0, `${name} passed without the H extension`);
      assert.ok(!r.timedOut, `${name} did not end`);
    });
  }
});

describe("riscv-tests under qemu-system-riscv64 -M spike (the harness's sanity check)", () => {
  test(`QEMU passes every program but ${[...QEMU_KNOWN_FAILURES].join(", ")}`, { timeout: 300_000 }, async () => {
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    const failed: string[] = [];
    for (const name of programs) {
      const r = await runProcess(["qemu-system-riscv64", "-M", "spike", "-cpu", "rv64,h=true", "-nographic", "-bios", "none", "-kernel", join(SUITE, name)],
        { cwd: ROOT, timeoutMs: TIMEOUT_MS, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
      if (r.status !== 0 && !QEMU_KNOWN_FAILURES.has(name)) failed.push(`${name} (${r.status})`);
    }
    assert.ok(programs.length > 0);
    assert.deepEqual(failed, []);
  });
});
