/**
 * Real programs from another toolchain: Go guests (tests/go/NAME/main.go),
 * cross-compiled with the Go toolchain (GOARCH=riscv64, static), run under
 * qemu-riscv64 and typevisor; stdout, stderr and exit status must match.
 * Go's runtime exercises threads (clone), futexes, signals (preemption uses
 * tgkill), timers, mmap-heavy allocation and the garbage collector; os/exec
 * starts host programs (run natively under qemu-riscv64 too).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { GUEST_BUILD_DIR, ROOT, requireTool, type Linkage } from "./build-guests.js";
import { GUEST_ENV, runUnderQemu, runUnderTypevisor } from "./guest-run.js";

const GO_DIR = join(ROOT, "tests", "go");
const TIMEOUT_MS = 120_000;

/** Programs named cgo-* call C: built with cgo against the cross glibc, so dynamically linked. */
function linkage(name: string): Linkage {
  return name.startsWith("cgo-") ? "dynamic" : "static";
}

/** Builds tests/go/NAME into tests/build/go-NAME. */
function buildGo(name: string): string {
  requireTool("go", "golang-go", ["version"]);
  const out = join(GUEST_BUILD_DIR, `go-${name}`);
  const cgo = linkage(name) === "dynamic" ? { CGO_ENABLED: "1", CC: "riscv64-linux-gnu-gcc" } : { CGO_ENABLED: "0" };
  execFileSync("go", ["build", "-buildvcs=false", "-o", out, "."], {
    cwd: join(GO_DIR, name),
    env: { ...process.env, GOOS: "linux", GOARCH: "riscv64", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", ...cgo },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return out;
}

for (const name of readdirSync(GO_DIR).sort()) {
  test(`the ${linkage(name)} Go program ${name} runs as under qemu-riscv64`, { timeout: TIMEOUT_MS * 3 }, async () => {
    const program = buildGo(name);
    const cwd = mkdtempSync(join(tmpdir(), `tv-go-${name}-`));
    const req = { program, args: ["first", "second"], cwd, timeoutMs: TIMEOUT_MS, env: GUEST_ENV };
    const expected = await runUnderQemu(linkage(name), req);
    assert.equal(expected.timedOut, false, "qemu-riscv64 timed out (the reference itself is broken)");
    const actual = await runUnderTypevisor(linkage(name), req);
    assert.equal(actual.timedOut, false, `typevisor timed out; stderr so far:\n${actual.stderr}`);
    assert.equal(actual.stdout, expected.stdout, "stdout differs from qemu-riscv64");
    assert.equal(actual.stderr, expected.stderr, "stderr differs from qemu-riscv64");
    assert.equal(actual.status, expected.status, "exit status differs from qemu-riscv64");
    rmSync(cwd, { recursive: true, force: true });
  });
}
