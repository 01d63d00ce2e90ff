/**
 * Builds Debian's busybox for riscv64 (static, defconfig without the tc
 * applet) from the source unpacked under tests/build/src by
 * scripts/install-test-deps.sh, for the tests that run it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GUEST_BUILD_DIR, requireTool } from "./build-guests.js";
import { buildOnce } from "./build-once.js";

const SRC_ROOT = join(GUEST_BUILD_DIR, "src");
const OUT_DIR = join(GUEST_BUILD_DIR, "busybox");
export const BUSYBOX = join(OUT_DIR, "busybox");

/**
 * Builds busybox (defconfig, static, without the tc applet, which needs kernel
 * headers it no longer builds with) unless it is built.
 */
export function buildBusybox(): void {
  buildOnce(BUSYBOX, make);
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

