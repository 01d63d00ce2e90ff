/** The system VM with hand-assembled programs: MMIO through the run loop, poweroff, and an idle wfi. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VirtBoard } from "./board.js";
import { SystemVm } from "./system-vm.js";
import { Exit, run } from "../cpu/riscv/run.js";
import { Cause } from "../cpu/riscv/trap.js";

function boardWith(words: number[], output: number[] = []): VirtBoard {
  const board = new VirtBoard({ memoryMiB: 1, console: (b) => output.push(b) });
  words.forEach((w, i) => board.ram.view.setUint32(i * 4, w >>> 0, true));
  board.hart.pc = 0x8000_0000n;
  return board;
}

describe("system VM", () => {
  test("loads and stores reach the UART and the test device; the exit code is the guest's", async () => {
    const out: number[] = [];
    const board = boardWith([
      0x100002b7, // lui t0, 0x10000        (UART)
      0x04100313, // li t1, 'A'
      0x00628023, // sb t1, 0(t0)           THR
      0x0052c383, // lbu t2, 5(t0)          LSR
      0x00528e03, // lb t3, 5(t0)
      0x00100eb7, // lui t4, 0x100          (test device)
      0x00005f37, // lui t5, 0x5
      0x555f0f13, // addi t5, t5, 0x555
      0x01eea023, // sw t5, 0(t4)           pass
    ], out);
    const stop = await new SystemVm(board).run({ timeoutMs: 5000 });
    assert.deepEqual(stop, { kind: "poweroff", code: 0 });
    assert.deepEqual(out, [0x41]);
    assert.equal(board.hart.getX(7), 0x60n);
    assert.equal(board.hart.getX(28), 0x60n);
  });

  test("an idle guest (wfi with nothing armed) leaves the host idle until the timeout", async () => {
    const board = boardWith([0x10500073, 0xffdff06f]); // wfi; j .-4
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const stop = await new SystemVm(board).run({ timeoutMs: 600 });
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - wall;
    assert.deepEqual(stop, { kind: "timeout" });
    assert.ok(ms >= 550, `ran ${ms} ms`);
    assert.ok((used.user + used.system) / 1000 < ms * 0.2, `used ${(used.user + used.system) / 1000} ms of CPU in ${ms} ms`);
  });

  test("a fetch fault at the trap vector stops the machine as stuck instead of spinning", async () => {
    const board = boardWith([0x0000_0000]); // an illegal instruction, with mtvec = 0 (nothing there)
    const stop = await new SystemVm(board).run({ timeoutMs: 5000 });
    assert.equal(stop.kind, "stuck");
  });

  test("with several harts, a store that sends an IPI completes and ends the sender's slice", () => {
    const program = [
      0x020002b7, // lui t0, 0x2000        (CLINT)
      0x00100313, // li t1, 1
      0x0062a223, // sw t1, 4(t0)          msip of hart 1
      0x00000393, // li t2, 0
    ];
    const two = new VirtBoard({ memoryMiB: 1, harts: 2, console: () => {} });
    program.forEach((w, i) => two.ram.view.setUint32(i * 4, w >>> 0, true));
    const h = two.harts[0].hart;
    h.pc = 0x8000_0000n;
    assert.equal(run(h, 1000), Exit.Trap);
    assert.equal(h.trapCause, Cause.Yield);
    assert.equal(h.pc, 0x8000_0008n, "pc at the store");
    assert.equal(two.harts[1].csrs.mip & (1 << 3), 1 << 3, "the store was done: hart 1's MSIP is pending");
    // Alone, a hart writing its own msip is not stopped.
    const one = boardWith(program.map((w) => (w === 0x0062a223 ? 0x0062a023 : w))); // sw t1, 0(t0)
    one.hart.setX(7, 5n);
    run(one.hart, 5);
    assert.equal(one.hart.getX(7), 0n, "ran past the store");
  });
});
