/**
 * Nothing a guest does may crash the host process: a guest program calls
 * system calls with random arguments (NULL, scratch, unmapped, wild pointers;
 * small, negative and huge integers) and must run to its end under typevisor
 * without an internal error. (No qemu-riscv64 comparison here: qemu 7.2 itself
 * dies of SIGSEGV on some of these calls, e.g. bind() with a wild sockaddr.)
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CROSS_CC, GUEST_BUILD_DIR, ROOT, requireTool, type Linkage } from "./build-guests.js";
import { GUEST_ENV, runUnderTypevisor } from "./guest-run.js";

const SOURCE = join(ROOT, "tests", "robust", "syscall-fuzz.c");
const SEEDS = [1, 2, 3, 4, 5, 6];
const CALLS = "20000";

function build(linkage: Linkage): string {
  requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
  mkdirSync(GUEST_BUILD_DIR, { recursive: true });
  const out = join(GUEST_BUILD_DIR, `robust-syscall-fuzz.${linkage}`);
  execFileSync(CROSS_CC, ["-O2", ...(linkage === "static" ? ["-static"] : []), "-o", out, SOURCE]);
  return out;
}

for (const linkage of ["static", "dynamic"] as const) {
  test(`random system calls from a ${linkage} guest never crash typevisor`, { timeout: 600_000 }, async () => {
    const program = build(linkage);
    const cwd = mkdtempSync(join(tmpdir(), "tv-robust-"));
    try {
      for (const seed of SEEDS) {
        const r = await runUnderTypevisor(linkage, { program, args: [String(seed), CALLS], cwd, timeoutMs: 60_000, env: GUEST_ENV });
        assert.doesNotMatch(r.stderr, /internal error/, `seed ${seed}`);
        assert.equal(r.timedOut, false, `seed ${seed} timed out`);
        assert.equal(r.status, 0, `seed ${seed}: exit status ${r.status}; stderr:\n${r.stderr.slice(-2000)}`);
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}

test("size arguments far beyond their buffers (getdents64, mmap of a huge sparse file) never crash typevisor", async () => {
  requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
  const out = join(GUEST_BUILD_DIR, "robust-huge-counts");
  execFileSync(CROSS_CC, ["-O2", "-static", "-o", out, join(ROOT, "tests", "robust", "huge-counts.c")]);
  const cwd = mkdtempSync(join(tmpdir(), "tv-huge-"));
  try {
    const r = await runUnderTypevisor("static", { program: out, cwd, timeoutMs: 60_000, env: GUEST_ENV });
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.match(r.stdout, /^getdents64: (ok|error)\nmmap of a huge sparse file: (refused|mapped)\n$/);
    assert.equal(r.status, 0);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
