/**
 * Builds Debian's busybox for riscv64 (static, defconfig without the tc
 * applet) from the source unpacked under tests/build/src by
 * scripts/install-test-deps.sh, for the tests that run it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GUEST_BUILD_DIR, requireTool } from "./build-guests.js";

const SRC_ROOT = join(GUEST_BUILD_DIR, "src");
const OUT_DIR = join(GUEST_BUILD_DIR, "busybox");
export const BUSYBOX = join(OUT_DIR, "busybox");

/** Sleeps the thread for `ms` (test files build in parallel; this one waits for another's build). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds busybox (defconfig, static, without the tc applet, which needs kernel
 * headers it no longer builds with) unless it is built. Test files run in
 * parallel: one builds while holding a lock directory, the others wait for it.
 */
export function buildBusybox(): void {
  if (existsSync(BUSYBOX)) return;
  const lock = `${OUT_DIR}.lock`;
  mkdirSync(GUEST_BUILD_DIR, { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const until = Date.now() + 20 * 60_000;
    while (existsSync(lock) && Date.now() < until) sleepSync(500);
    assert.ok(existsSync(BUSYBOX), "another test's busybox build failed or timed out");
    return;
  }
  try {
    make();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function make(): void {
  requireTool("riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu");
  requireTool("make", "make");
  const src = existsSync(SRC_ROOT) ? readdirSync(SRC_ROOT).find((d) => /^busybox-[\d.]+$/.test(d)) : undefined;
  assert.ok(src, `busybox source not found under ${SRC_ROOT}: run scripts/install-test-deps.sh`);
  mkdirSync(OUT_DIR, { recursive: true });
  const run = (...args: string[]) => execFileSync("make", ["-C", join(SRC_ROOT, src), `O=${OUT_DIR}`, ...args], {
    stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26,
  });
  run("defconfig");
  const config = join(OUT_DIR, ".config");
  writeFileSync(config, readFileSync(config, "utf8")
    .replace("# CONFIG_STATIC is not set", "CONFIG_STATIC=y")
    .replace("CONFIG_TC=y", "# CONFIG_TC is not set"));
  run("CROSS_COMPILE=riscv64-linux-gnu-", "-j2");
}

