/** The 16550A's interrupt logic, driven the way Linux's 8250 driver drives it. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IrqLine } from "../device.js";
import { Iir, Ier, Mcr, Msr, Uart16550, UartReg } from "./uart.js";

/** A UART with an interrupt line and a record of its transmitted bytes. */
function make() {
  const out: number[] = [];
  const levels: boolean[] = [];
  const irq = new IrqLine((l) => levels.push(l));
  const uart = new Uart16550((b) => out.push(b), irq);
  return { uart, irq, out, levels, iir: () => uart.read(UartReg.IirFcr, 1) };
}

describe("16550A UART interrupts", () => {
  test("after reset no interrupt is enabled: IIR says none and the line stays low, even with input", () => {
    const u = make();
    assert.equal(u.iir(), Iir.None);
    u.uart.write(UartReg.RbrThr, 1, 0x41);
    u.uart.receive(new Uint8Array([1, 2]));
    assert.equal(u.iir(), Iir.None);
    assert.equal(u.irq.high, false);
    assert.deepEqual(u.levels, []);
  });

  test("a UART without a line works as before", () => {
    const out: number[] = [];
    const uart = new Uart16550((b) => out.push(b));
    uart.write(UartReg.Ier, 1, Ier.ETBEI);
    assert.equal(uart.read(UartReg.IirFcr, 1), Iir.Thre);
    uart.write(UartReg.RbrThr, 1, 0x7a);
    assert.deepEqual(out, [0x7a]);
  });

  test("setting ETBEI with THR empty makes THRE pending; reading IIR clears it; a THR write makes it pending again", () => {
    const u = make();
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    assert.equal(u.irq.high, true);
    assert.equal(u.iir(), Iir.Thre);
    assert.equal(u.irq.high, false, "the IIR read that reported THRE cleared it");
    assert.equal(u.iir(), Iir.None);
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    assert.equal(u.irq.high, false, "no 0→1 transition of ETBEI: nothing new");
    u.uart.write(UartReg.RbrThr, 1, 0x68);
    assert.deepEqual(u.out, [0x68]);
    assert.equal(u.irq.high, true, "the transmitter emptied THR again");
    assert.equal(u.iir(), Iir.Thre);
    assert.equal(u.irq.high, false);
    assert.deepEqual(u.levels, [true, false, true, false]);
  });

  test("clearing ETBEI lowers the line; setting it again re-asserts THRE (Linux's THRE test passes)", () => {
    const u = make();
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    const iir1 = u.iir();
    u.uart.write(UartReg.Ier, 1, 0);
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    assert.equal(u.irq.high, true);
    const iir2 = u.iir();
    u.uart.write(UartReg.Ier, 1, 0);
    assert.equal(iir1 & 1, 0);
    assert.equal(iir2 & 1, 0, "re-asserted: no UART_BUG_THRE");
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    u.uart.write(UartReg.Ier, 1, 0);
    assert.equal(u.irq.high, false);
  });

  test("a received byte with ERBFI raises the line and IIR says data available; reading RBR until empty lowers it", () => {
    const u = make();
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI);
    assert.equal(u.irq.high, false);
    u.uart.receive(new Uint8Array([0x61, 0x62]));
    assert.equal(u.irq.high, true);
    assert.equal(u.iir(), Iir.RxData);
    assert.equal(u.iir(), Iir.RxData, "reading IIR does not clear it");
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0x61);
    assert.equal(u.irq.high, true);
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0x62);
    assert.equal(u.irq.high, false);
    assert.equal(u.iir(), Iir.None);
    assert.equal(u.uart.read(UartReg.Lsr, 1) & 1, 0);
  });

  test("with the FIFOs on IIR carries 0xc0; data below the trigger level reads as a character timeout", () => {
    const u = make();
    u.uart.write(UartReg.IirFcr, 1, 0x87); // enable, clear both FIFOs, trigger level 8 (as Linux does for a 16550A)
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI);
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.None);
    u.uart.receive(new Uint8Array([1]));
    assert.equal(u.irq.high, true);
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.CharTimeout);
    u.uart.receive(new Uint8Array(7));
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.RxData);
    u.uart.read(UartReg.RbrThr, 1);
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.CharTimeout);
    for (let i = 0; i < 7; i++) u.uart.read(UartReg.RbrThr, 1);
    assert.equal(u.irq.high, false);
    u.uart.write(UartReg.IirFcr, 1, 0x01); // trigger level 1
    u.uart.receive(new Uint8Array([9]));
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.RxData);
    u.uart.write(UartReg.IirFcr, 1, 0x03);
    assert.equal(u.irq.high, false, "clearing the receive FIFO withdraws the interrupt");
    u.uart.write(UartReg.IirFcr, 1, 0);
    assert.equal(u.iir(), Iir.None, "FIFOs off: bits 6 and 7 clear");
  });

  test("received data takes priority over THRE; THRE is reported once the data is read", () => {
    const u = make();
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI | Ier.ETBEI);
    u.uart.receive(new Uint8Array([0x30]));
    assert.equal(u.iir(), Iir.RxData);
    assert.equal(u.iir(), Iir.RxData, "THRE not reported, so not cleared");
    u.uart.read(UartReg.RbrThr, 1);
    assert.equal(u.irq.high, true, "THRE still pending");
    assert.equal(u.iir(), Iir.Thre);
    assert.equal(u.irq.high, false);
  });

  test("loopback: THR comes back to RBR and MSR follows MCR, with a modem-status interrupt on a change", () => {
    const u = make();
    u.uart.write(UartReg.Mcr, 1, Mcr.LOOP | Mcr.OUT2 | Mcr.RTS);
    assert.equal(u.uart.read(UartReg.Msr, 1) & 0xf0, Msr.DCD | Msr.CTS, "the probe Linux's autoconfig makes");
    u.uart.write(UartReg.Ier, 1, Ier.EDSSI);
    assert.equal(u.iir(), Iir.None, "reading MSR cleared the deltas");
    u.uart.write(UartReg.Mcr, 1, Mcr.LOOP | Mcr.OUT2 | Mcr.RTS | Mcr.DTR);
    assert.equal(u.irq.high, true);
    assert.equal(u.iir(), Iir.ModemStatus);
    assert.equal(u.uart.read(UartReg.Msr, 1), Msr.DCD | Msr.DSR | Msr.CTS | Msr.DDSR);
    assert.equal(u.irq.high, false);
    u.uart.write(UartReg.RbrThr, 1, 0x55);
    assert.deepEqual(u.out, [], "loopback keeps the byte from the sink");
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0x55);
    u.uart.write(UartReg.Ier, 1, 0);
    u.uart.write(UartReg.Mcr, 1, Mcr.OUT2 | Mcr.DTR | Mcr.RTS);
    assert.equal(u.uart.read(UartReg.Msr, 1) & 0xf0, Msr.DCD | Msr.DSR | Msr.CTS, "out of loopback: the console's lines");
  });

  test("MCR.OUT2 does not gate the line (as in QEMU)", () => {
    const u = make();
    u.uart.write(UartReg.Mcr, 1, 0);
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    assert.equal(u.irq.high, true);
  });
});
