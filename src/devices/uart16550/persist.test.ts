/** 16550A UART snapshot state: registers, the receive FIFO and the host input queue continue on a new UART. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IrqLine } from "../device.js";
import { Fcr, Ier, Lsr, Mcr, Uart16550, UartReg } from "./uart.js";

function make() {
  const out: number[] = [];
  const irq = new IrqLine();
  return { uart: new Uart16550((b) => out.push(b), irq), irq, out };
}

/** What the guest's driver sees draining the receiver: per step IIR, LSR and (when data is ready) the byte read. */
function drain(uart: Uart16550): number[] {
  const seen: number[] = [];
  for (let i = 0; i < 64; i++) {
    const iir = uart.read(UartReg.IirFcr, 1), lsr = uart.read(UartReg.Lsr, 1);
    seen.push(iir, lsr);
    if ((lsr & Lsr.DR) === 0) break;
    seen.push(uart.read(UartReg.RbrThr, 1));
  }
  return seen;
}

test("UART state round-trips with bytes in its FIFO and more waiting on the host; the guest reads the same bytes after a restore", () => {
  const a = make();
  // As Linux's 8250 driver sets a port up: 8N1 at a divisor, FIFOs on with an 8-byte trigger, OUT2, interrupts on.
  a.uart.write(UartReg.Lcr, 1, 0x83);
  a.uart.write(UartReg.RbrThr, 1, 1);
  a.uart.write(UartReg.Ier, 1, 0);
  a.uart.write(UartReg.Lcr, 1, 0x03);
  a.uart.write(UartReg.IirFcr, 1, Fcr.FifoEnable | Fcr.RcvrReset | 0x80);
  a.uart.write(UartReg.Mcr, 1, Mcr.DTR | Mcr.RTS | Mcr.OUT2);
  a.uart.write(UartReg.Scr, 1, 0x5a);
  a.uart.write(UartReg.Ier, 1, Ier.ERBFI | Ier.ETBEI);
  a.uart.receive(new TextEncoder().encode("hello, snapshot: 0123456789"));
  a.uart.read(UartReg.IirFcr, 1); // takes 16 bytes into the FIFO
  for (let i = 0; i < 3; i++) a.uart.read(UartReg.RbrThr, 1);
  const saved = a.uart.save();
  assert.ok(saved.rx.bytes.length > 0 && saved.input.length > 0, "bytes in the FIFO and on the host");

  const b = make();
  b.uart.restore(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual(b.uart.save(), saved);
  assert.equal(b.irq.high, a.irq.high);
  assert.equal(b.irq.high, true, "received data is pending");
  a.uart.write(UartReg.Lcr, 1, 0x83);
  b.uart.write(UartReg.Lcr, 1, 0x83);
  assert.equal(b.uart.read(UartReg.RbrThr, 1), 1, "the divisor latch");
  for (const u of [a, b]) u.uart.write(UartReg.Lcr, 1, 0x03);

  const seenA = drain(a.uart), seenB = drain(b.uart);
  assert.deepEqual(seenB, seenA);
  const text = String.fromCharCode(...seenB.filter((_, i) => i % 3 === 2));
  assert.equal(text, "lo, snapshot: 0123456789");
  b.uart.write(UartReg.RbrThr, 1, 0x21);
  assert.deepEqual(b.out, [0x21], "the restored UART transmits to its own sink");
});

test("a receiver state larger than its mode holds is refused", () => {
  const s = make().uart.save();
  assert.throws(() => make().uart.restore({ ...s, rx: { fifoMode: false, bytes: [1, 2] } }), /receiver of 1 bytes cannot hold 2/);
});
