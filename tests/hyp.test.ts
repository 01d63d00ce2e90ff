/**
 * A bare-metal hypervisor on the system VM (tests/hyp/, see its README.md): an
 * HS-mode program that runs two guests in VS-mode with the hypervisor extension
 * (G-stage Sv39x4 tables, a timer that switches between the guests, a UART
 * emulated on guest-page faults, SBI calls from VS-mode). It is built with the
 * cross compiler into tests/build/hyp/ (the two guests as ELF files first, then
 * the hypervisor, which includes them with .incbin) and booted with
 * `typevisor boot --bios none` and with qemu-system-riscv64 -M virt -cpu rv64,h=true,
 * the oracle. Its output does not depend on when the timer fires, so the two
 * must print the same bytes, and QEMU must print the same bytes on every run.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { CROSS_CC, requireTool, ROOT } from "./build-guests.js";
import { buildHypervisor, HYP_ELF } from "./hyp-build.js";
import { VirtBoard } from "../src/system/board.js";
import { SystemVm } from "../src/system/system-vm.js";
import { restoreSnapshotFiles, writeSnapshotFiles } from "../src/system/snapshot/files.js";
import { runProcess, TYPEVISOR_BIN, type RunResult } from "./guest-run.js";

const QEMU_SYSTEM = "qemu-system-riscv64";

/** One QEMU run; its serial port goes to a file, as QEMU's stdio backend may drop bytes into a full pipe. */
async function runQemu(): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "tv-hyp-qemu-"));
  const serial = join(dir, "serial.txt");
  try {
    const r = await runProcess(
      [QEMU_SYSTEM, "-M", "virt", "-cpu", "rv64,h=true", "-m", "128", "-smp", "1", "-bios", "none", "-kernel", HYP_ELF,
        "-display", "none", "-serial", `file:${serial}`, "-monitor", "none"],
      { cwd: ROOT, timeoutMs: 30_000 },
    );
    return { ...r, stdout: existsSync(serial) ? readFileSync(serial, "latin1") : "" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let qemuRuns: Promise<RunResult[]> | undefined;
/** Three QEMU runs at once (so, different timer interrupts), made once for all tests. */
function qemu(): Promise<RunResult[]> {
  qemuRuns ??= Promise.all([runQemu(), runQemu(), runQemu()]);
  return qemuRuns;
}

/** What a correct run prints: both guests' lines and the hypervisor's note of each kind of trap. */
function checkOutput(out: string, who: string): void {
  assert.match(out, /PASS\n$/, `${who} ends with PASS`);
  const expected: [string, RegExp][] = [
    ["guest A's greeting through the trapped UART", /^\[guest A\] hello from guest A: VS-mode, vsatp Bare/m],
    ["guest B's greeting through the trapped UART", /^\[guest B\] hello from guest B: VS-mode, vsatp Bare/m],
    ["guest A's line through SBI putchar", /^\[guest A\] this line goes through SBI putchar/m],
    ["guest A's sum", /^\[guest A\] sum of i\*i for i < \d+ matches/m],
    ["guest B's prime count", /^\[guest B\] prime count checked/m],
    ["guest A's sb to the UART", /^\[hyp: guest A\] store guest-page fault \(scause 23\) at pc 0x8[0-9a-f]{7}: sb \w+ to 0x10000000 \(vsatp Bare\) = guest-physical 0x10000000: UART THR <- 0x68$/m],
    ["guest A's lbu from the UART", /^\[hyp: guest A\] load guest-page fault \(scause 21\) at pc 0x8[0-9a-f]{7}: lbu \w+ from 0x10000005 \(vsatp Bare\) = guest-physical 0x10000005: UART LSR -> 0x60$/m],
    ["guest A's SBI calls", /^\[hyp: guest A\] ecall from VS-mode \(scause 10\) at pc 0x8[0-9a-f]{7}: SBI base get_spec_version -> 0x1000000$/m],
    ["guest A's exit", /^\[hyp: guest A\] ecall from VS-mode \(scause 10\) at pc 0x8[0-9a-f]{7}: SBI system_reset\(type 0, reason 0\): the guest exits with code 0$/m],
    ["guest B's c.sw to the UART", /^\[hyp: guest B\] store guest-page fault \(scause 23\) at pc 0x8[0-9a-f]{7}: c\.sw \w+ to 0x10000000 \(vsatp Bare\)/m],
    ["guest B's c.sw through Sv39", /^\[hyp: guest B\] store guest-page fault \(scause 23\) at pc 0x8[0-9a-f]{7}: c\.sw \w+ to 0xd0000000 \(vsatp Sv39\) = guest-physical 0x10000000: UART THR <- 0x53$/m],
    ["guest B's lbu through Sv39", /^\[hyp: guest B\] load guest-page fault \(scause 21\) at pc 0x8[0-9a-f]{7}: lbu \w+ from 0xd0000005 \(vsatp Sv39\) = guest-physical 0x10000005/m],
    ["guest B's read of hgatp", /^\[hyp: guest B\] virtual-instruction exception \(scause 22\) at pc 0x8[0-9a-f]{7}: csrr \w+, 0x680 \(hgatp\)/m],
    ["guest B's exit", /^\[hyp: guest B\] ecall from VS-mode \(scause 10\) at pc 0x8[0-9a-f]{7}: SBI legacy shutdown: the guest exits with code 0$/m],
    ["guest A's counters", /^hyp: guest A exited with code 0; UART loads \d+, UART stores \d+, SBI calls \d+, virtual-instruction exceptions 0; preempted by the timer: yes$/m],
    ["guest B's counters", /^hyp: guest B exited with code 0; UART loads \d+, UART stores \d+, SBI calls \d+, virtual-instruction exceptions 1; preempted by the timer: yes$/m],
  ];
  for (const [what, pattern] of expected) assert.match(out, pattern, `${who} prints ${what}`);
}

describe("a bare-metal hypervisor running two guests with the H extension", () => {
  before(async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    await buildHypervisor();
  });

  test("under qemu-system-riscv64 -cpu rv64,h=true it passes, the same bytes on every run", async () => {
    requireTool(QEMU_SYSTEM, "qemu-system-misc");
    const runs = await qemu();
    for (const r of runs) {
      assert.equal(r.timedOut, false, `qemu timed out; output:\n${r.stdout}`);
      assert.equal(r.status, 0, `qemu's exit status; output:\n${r.stdout}`);
    }
    checkOutput(runs[0]!.stdout, "qemu");
    assert.equal(runs[1]!.stdout, runs[0]!.stdout, "a second QEMU run prints the same");
    assert.equal(runs[2]!.stdout, runs[0]!.stdout, "a third QEMU run prints the same");
  });

  test("typevisor boot --bios none prints the same as QEMU and ends with PASS", async () => {
    const tv = await runProcess(
      [process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", HYP_ELF, "--timeout", "30"],
      { cwd: ROOT, timeoutMs: 60_000 },
    );
    assert.equal(tv.stderr, "", "typevisor's stderr");
    assert.equal(tv.status, 0, `typevisor's exit status; output:\n${tv.stdout}`);
    checkOutput(tv.stdout, "typevisor");
    requireTool(QEMU_SYSTEM, "qemu-system-misc");
    const [reference] = await qemu();
    assert.equal(reference!.status, 0, `qemu's exit status; output:\n${reference!.stdout}`);
    assert.equal(tv.stdout, reference!.stdout, "console output of typevisor and QEMU");
  });

  test("a snapshot taken while a guest runs (V=1) restores on a new board and ends with the same output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tv-hyp-snap-"));
    try {
      const first: number[] = [];
      const board = new VirtBoard({ memoryMiB: 128, console: (c) => first.push(c) });
      board.loadBareMetal(readFileSync(HYP_ELF), HYP_ELF);
      const vm = new SystemVm(board);
      // Run in short stretches until the guests have been entered a few hundred times (of about
      // 2000 in all: the hypervisor prints their output only at the end) and the hart is inside one.
      for (let i = 0; i < 400 && !(board.hart.virt && board.harts[0].exits.vmEntries >= 500); i++) {
        const stop = await vm.run({ timeoutMs: 2 });
        assert.equal(stop.kind, "timeout", "the program is still running");
      }
      assert.equal(board.hart.virt, true, "the hart is in a guest at the snapshot");
      const entries = board.harts[0].exits.vmEntries;
      const paths = { statePath: join(dir, "hyp.state"), memoryPath: join(dir, "hyp.mem") };
      writeSnapshotFiles(board, vm, paths);
      board.close();
      const rest: number[] = [];
      const restored = restoreSnapshotFiles(paths, { console: (c) => rest.push(c) });
      assert.equal(restored.board.hart.virt, true, "restored inside the guest");
      const stop = await restored.vm.run({ timeoutMs: 30_000 });
      assert.deepEqual(stop, { kind: "poweroff", code: 0 });
      restored.board.close();
      const out = Buffer.from([...first, ...rest]).toString("latin1");
      checkOutput(out, "typevisor across a snapshot");
      assert.ok(entries >= 500, `the guests had run (${entries} entries) before the snapshot`);
      requireTool(QEMU_SYSTEM, "qemu-system-misc");
      const [reference] = await qemu();
      assert.equal(out, reference!.stdout, "the console output across the snapshot and QEMU's");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
