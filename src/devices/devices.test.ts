/** The device models on their own: registers, interrupt lines and events. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IrqLine } from "./device.js";
import { Clint, ClintReg } from "./clint/clint.js";
import { Uart16550, UartReg } from "./uart16550/uart.js";
import { SifiveTest, type FinisherEvent } from "./sifive-test/sifive-test.js";

describe("CLINT", () => {
  test("msip drives the software line; mtimecmp at or below mtime raises the timer line", () => {
    const soft: boolean[] = [], timer: boolean[] = [];
    const clint = new Clint([new IrqLine((l) => soft.push(l))], [new IrqLine((l) => timer.push(l))], 10_000_000);
    clint.write(ClintReg.Msip, 4, 1);
    assert.equal(clint.read(ClintReg.Msip, 4), 1);
    clint.write(ClintReg.Msip, 4, 0);
    assert.deepEqual(soft, [true, false]);
    // 64-bit mtimecmp written as two halves, high first (as the bus splits an sd)
    clint.write(ClintReg.Mtimecmp + 4, 4, 0);
    clint.write(ClintReg.Mtimecmp, 4, 0);
    assert.deepEqual(timer, [true]);
    clint.write(ClintReg.Mtimecmp + 4, 4, 0xffffffff);
    clint.write(ClintReg.Mtimecmp, 4, 0xffffffff);
    assert.deepEqual(timer, [true, false]);
    assert.equal(clint.msUntilNextTimer(), undefined, "all-ones mtimecmp never fires");
  });

  test("mtime counts up at the timebase and reads as two halves", async () => {
    const clint = new Clint([new IrqLine()], [new IrqLine()], 10_000_000);
    const a = clint.read(ClintReg.Mtime, 4) + clint.read(ClintReg.Mtime + 4, 4) * 2 ** 32;
    await new Promise((r) => setTimeout(r, 20));
    const b = clint.read(ClintReg.Mtime, 4) + clint.read(ClintReg.Mtime + 4, 4) * 2 ** 32;
    assert.ok(b - a >= 150_000 && b - a < 5_000_000, `advanced ${b - a} ticks in 20 ms`);
  });
});

describe("16550A UART", () => {
  test("THR goes to the sink; LSR says the transmitter is empty; DLAB switches to the divisor latch", () => {
    const out: number[] = [];
    const uart = new Uart16550((b) => out.push(b));
    uart.write(UartReg.RbrThr, 1, 0x68);
    assert.deepEqual(out, [0x68]);
    assert.equal(uart.read(UartReg.Lsr, 1), 0x60);
    uart.write(UartReg.Lcr, 1, 0x83);
    uart.write(UartReg.RbrThr, 1, 0x01);
    uart.write(UartReg.Ier, 1, 0x00);
    assert.equal(uart.read(UartReg.RbrThr, 1), 0x01);
    uart.write(UartReg.Lcr, 1, 0x03);
    assert.deepEqual(out, [0x68], "divisor writes are not output");
    uart.write(UartReg.Scr, 1, 0xa5);
    assert.equal(uart.read(UartReg.Scr, 1), 0xa5);
  });

  test("received bytes set data-ready and raise the line when enabled", () => {
    const irq = new IrqLine();
    const uart = new Uart16550(() => {}, irq);
    uart.write(UartReg.Ier, 1, 1);
    uart.receive(new Uint8Array([0x41, 0x42]));
    assert.equal(irq.high, true);
    assert.equal(uart.read(UartReg.Lsr, 1) & 1, 1);
    assert.equal(uart.read(UartReg.IirFcr, 1) & 0x0f, 0x04);
    assert.equal(uart.read(UartReg.RbrThr, 1), 0x41);
    assert.equal(uart.read(UartReg.RbrThr, 1), 0x42);
    assert.equal(irq.high, false);
    assert.equal(uart.read(UartReg.IirFcr, 1) & 0x0f, 0x01);
  });
});

describe("SiFive test finisher", () => {
  test("0x5555 passes, 0x3333 fails with the code in the high half, 0x7777 resets, others do nothing", () => {
    const events: FinisherEvent[] = [];
    const dev = new SifiveTest((e) => events.push(e));
    dev.write(0, 4, 0x1234);
    dev.write(0, 4, 0x5555);
    dev.write(0, 4, (3 << 16) | 0x3333);
    dev.write(0, 4, 0x7777);
    assert.deepEqual(events, [{ kind: "poweroff", code: 0 }, { kind: "poweroff", code: 3 }, { kind: "reset" }]);
  });

  test("a 16-bit store of the command works too (OpenSBI's driver uses one); byte stores do nothing", () => {
    const events: FinisherEvent[] = [];
    const dev = new SifiveTest((e) => events.push(e));
    dev.write(0, 1, 0x55);
    dev.write(0, 2, 0x5555);
    dev.write(0, 2, 0x7777);
    dev.write(0, 2, 0x3333);
    assert.deepEqual(events, [{ kind: "poweroff", code: 0 }, { kind: "reset" }, { kind: "poweroff", code: 0 }]);
  });
});
