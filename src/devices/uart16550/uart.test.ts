/** The 16550A's interrupt logic, driven the way Linux's 8250 driver drives it. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IrqLine } from "../device.js";
import { Iir, Ier, Lsr, Mcr, Msr, POLL_RUN, Uart16550, UartReg } from "./uart.js";

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

/**
 * Replays register accesses written as "w<offset>=<hex value>" and "r<offset>",
 * separated by spaces, a group in brackets repeated "[...]*n". Returns the
 * values of the RBR reads (offset 0 with DLAB clear), which a driver discards
 * when it only means to empty the receiver.
 */
function replay(uart: Uart16550, script: string): number[] {
  const expanded = script.replace(/\[([^\]]*)\]\*(\d+)/g, (_, body: string, n: string) => ` ${body} `.repeat(Number(n)));
  const rbr: number[] = [];
  let lcr = 0;
  for (const op of expanded.trim().split(/\s+/)) {
    const offset = Number(op[1]);
    if (op[0] === "w") {
      const value = parseInt(op.slice(3), 16);
      if (offset === UartReg.Lcr) lcr = value;
      uart.write(offset, 1, value);
    } else {
      const v = uart.read(offset, 1);
      if (offset === UartReg.RbrThr && (lcr & 0x80) === 0) rbr.push(v);
    }
  }
  return rbr;
}

/** OpenSBI's UART init, then its banner (polled output: LSR, THR per byte). */
const OPENSBI_INIT = "w1=0 w3=80 w0=2 w1=0 w3=3 w2=1 w4=0 r5 r0 w7=0 [r5 w0=41]*200";
/** Linux's 8250 console set-up, then printk output with IER saved, cleared and restored. */
const LINUX_CONSOLE = "w4=0 w1=0 w3=93 w0=18 w1=0 w3=13 w2=1 w2=81 w4=1 r1 w1=0 [r5 w0=41]*300 r5 w1=0";
/** serial8250_do_startup (FIFO clear, RBR/IIR/MSR clear, THRE and TXEN tests), then set_termios: IER = RLSI|RDI before the FIFOs come back. */
const LINUX_STARTUP =
  "w2=1 w2=7 w2=0 r5 r0 r2 r6 r5 r5 w1=2 r3 r2 w1=0 w1=2 r3 r2 w1=0 w3=3 w4=9 w1=2 r5 r2 w1=0 r5 r0 r2 r6 " +
  "w1=5 w3=93 w0=18 w1=0 w3=13 w2=1 w2=81 w4=9 w4=b";
/** A printk once the port is open: IER saved and cleared, FIFO-sized bursts of THR writes, IER restored. */
const LINUX_PRINTK = "r1 w1=0 r5 [w0=41]*16 r5 [w0=41]*4 r5 r5 w1=5";

/** Reads RBR while LSR says data is ready, as Linux's serial8250_rx_chars does. */
function drain(uart: Uart16550): number[] {
  const got: number[] = [];
  while ((uart.read(UartReg.Lsr, 1) & Lsr.DR) !== 0) got.push(uart.read(UartReg.RbrThr, 1));
  return got;
}

/** A polled getchar: LSR until DR (at most `limit` reads), then RBR; -1 when no data came. */
function pollGetc(uart: Uart16550, limit = 1000): { byte: number; lsrReads: number } {
  for (let n = 1; n <= limit; n++) {
    if ((uart.read(UartReg.Lsr, 1) & Lsr.DR) !== 0) return { byte: uart.read(UartReg.RbrThr, 1), lsrReads: n };
  }
  return { byte: -1, lsrReads: limit };
}

const text = (s: string) => new TextEncoder().encode(s);
const bytesOf = (s: string) => [...text(s)];

describe("16550A UART receiver and console input", () => {
  test("the FIFO holds 16 bytes; a FIFO reset drops those 16 and the host queue keeps the rest", () => {
    const u = make();
    u.uart.write(UartReg.IirFcr, 1, 0x07); // FIFOs on, trigger level 1
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI);
    const input = Array.from({ length: 40 }, (_, i) => 0x40 + i);
    u.uart.receive(Uint8Array.from(input));
    assert.equal(u.uart.pendingInput, 40, "nothing moves before the guest looks");
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.RxData);
    assert.equal(u.uart.pendingInput, 24, "the IIR read filled the FIFO: 16 bytes");
    u.uart.write(UartReg.IirFcr, 1, 0x03); // clear the receive FIFO
    assert.equal(u.uart.pendingInput, 24, "the reset left the host queue alone");
    assert.deepEqual(drain(u.uart), input.slice(16));
    assert.equal(u.uart.pendingInput, 0);
    assert.equal(u.irq.high, false);
  });

  test("with the FIFOs off the receiver holds one byte, and turning them on drops only that byte", () => {
    const u = make();
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI);
    u.uart.receive(text("abc"));
    assert.equal(u.iir(), Iir.RxData);
    assert.equal(u.uart.pendingInput, 2);
    u.uart.write(UartReg.IirFcr, 1, 0x01); // a mode change clears the receiver
    assert.deepEqual(drain(u.uart), bytesOf("bc"));
  });

  test("input waits while the guest is not ready: reads with IER = 0 take nothing and the line stays low", () => {
    const u = make();
    u.uart.receive(text("early"));
    assert.equal(u.uart.read(UartReg.Lsr, 1) & Lsr.DR, 0);
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0);
    assert.equal(u.iir(), Iir.None);
    u.uart.write(UartReg.IirFcr, 1, 0x07);
    u.uart.write(UartReg.Ier, 1, Ier.ETBEI);
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.Thre, "THRE alone: the receiver is not armed");
    assert.equal(u.uart.pendingInput, 5);
  });

  test("setting ERBFI raises the line at once, but the bytes enter only at the guest's next read of the receiver", () => {
    const u = make();
    u.uart.receive(text("typed"));
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI);
    assert.equal(u.irq.high, true, "the interrupt anticipates the bytes");
    assert.equal(u.uart.pendingInput, 5);
    u.uart.write(UartReg.IirFcr, 1, 0x01); // FIFOs on: a mode change, with nothing in the receiver yet
    u.uart.write(UartReg.IirFcr, 1, 0x81); // trigger level 8
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.CharTimeout, "5 bytes, below the trigger level");
    assert.equal(u.uart.pendingInput, 0);
    u.uart.write(UartReg.Ier, 1, 0);
    assert.equal(u.irq.high, false, "clearing ERBFI withdraws it");
    assert.deepEqual(drain(u.uart), bytesOf("typed"), "bytes already in the FIFO stay readable");
  });

  test("Linux's boot, replayed register by register as measured, loses nothing typed before it", () => {
    const u = make();
    const typed = text("uname -a\n".repeat(8));
    u.uart.receive(typed);
    const discarded = replay(u.uart, `${OPENSBI_INIT} ${LINUX_CONSOLE} ${LINUX_STARTUP}`);
    assert.deepEqual(discarded, [0, 0, 0], "the RBR reads meant to empty the receiver found it empty");
    assert.equal(u.uart.pendingInput, typed.length, "nothing entered the receiver yet");
    assert.equal(u.irq.high, true);
    replay(u.uart, LINUX_PRINTK);
    assert.equal(u.iir() & 0x0f, Iir.RxData, "72 bytes waiting: at least the trigger level");
    assert.deepEqual(drain(u.uart), [...typed]);
    assert.equal(u.uart.pendingInput, 0);
  });

  test("input that arrives after the port's startup survives the FIFO mode change set_termios makes after setting ERBFI", () => {
    const u = make();
    replay(u.uart, `${OPENSBI_INIT} ${LINUX_CONSOLE}`);
    // Input that arrives once the port has started but before set_termios re-enables the FIFOs...
    replay(u.uart, LINUX_STARTUP.slice(0, LINUX_STARTUP.indexOf("w1=5")));
    u.uart.receive(text("x"));
    // ...must survive the FIFO mode change that follows the IER write.
    replay(u.uart, LINUX_STARTUP.slice(LINUX_STARTUP.indexOf("w1=5")));
    assert.deepEqual(drain(u.uart), bytesOf("x"));
  });

  test(`a polled reader (IER = 0) gets input after ${POLL_RUN} LSR reads in a row, in order, with FIFOs on or off`, () => {
    for (const fcr of [0x01, 0x00]) {
      const u = make();
      u.uart.write(UartReg.IirFcr, 1, fcr);
      u.uart.receive(text("hello"));
      const first = pollGetc(u.uart);
      assert.deepEqual(first, { byte: 0x68, lsrReads: POLL_RUN }, `FCR ${fcr}`);
      const rest = [1, 2, 3, 4].map(() => pollGetc(u.uart));
      assert.deepEqual(rest.map((r) => r.byte), bytesOf("ello"), `FCR ${fcr}`);
      // With a FIFO the rest was already there; the one-byte RBR needs a new run per byte.
      assert.deepEqual(rest.map((r) => r.lsrReads), fcr === 0x01 ? [1, 1, 1, 1] : [POLL_RUN, POLL_RUN, POLL_RUN, POLL_RUN]);
      assert.equal(pollGetc(u.uart, 100).byte, -1, "then nothing");
      assert.equal(u.irq.high, false, "no interrupt without ERBFI");
    }
  });

  test("an access between LSR reads restarts the count: polled console output never takes input", () => {
    const u = make();
    u.uart.write(UartReg.IirFcr, 1, 0x01);
    u.uart.receive(text("keep"));
    for (let i = 0; i < 5000; i++) {
      assert.equal(u.uart.read(UartReg.Lsr, 1) & Lsr.DR, 0);
      if (i % 7 === 6) assert.equal(u.uart.read(UartReg.Lsr, 1) & Lsr.DR, 0); // two in a row, as Linux's console does
      u.uart.write(UartReg.RbrThr, 1, 0x2e);
    }
    for (let i = 1; i < POLL_RUN; i++) u.uart.read(UartReg.Lsr, 1);
    u.uart.read(UartReg.Msr, 1);
    assert.equal(u.uart.pendingInput, 4, `${POLL_RUN - 1} reads, then MSR: not a poll loop`);
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0);
  });

  test("loopback bytes go into the FIFO while host input waits; a 17th overruns (LSR.OE, line-status interrupt)", () => {
    const u = make();
    u.uart.write(UartReg.IirFcr, 1, 0x01);
    u.uart.write(UartReg.Mcr, 1, Mcr.LOOP);
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI | Ier.ELSI);
    u.uart.receive(text("host"));
    for (let i = 0; i < 17; i++) u.uart.write(UartReg.RbrThr, 1, 0x61 + i);
    assert.deepEqual(u.out, [], "loopback keeps the bytes from the sink");
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.LineStatus);
    const lsr = u.uart.read(UartReg.Lsr, 1);
    assert.equal(lsr & (Lsr.OE | Lsr.DR), Lsr.OE | Lsr.DR);
    assert.equal(u.uart.read(UartReg.Lsr, 1) & Lsr.OE, 0, "reading LSR cleared OE");
    assert.equal(u.iir(), Iir.FifosEnabled | Iir.RxData);
    assert.deepEqual(drain(u.uart), Array.from({ length: 16 }, (_, i) => 0x61 + i), "the FIFO kept the first 16");
    assert.equal(u.uart.pendingInput, 4, "the serial input is disconnected in loopback");
    u.uart.write(UartReg.Mcr, 1, 0);
    assert.deepEqual(drain(u.uart), bytesOf("host"), "out of loopback, host input flows");
  });

  test("with the FIFOs off a second loopback byte overwrites the first and sets OE", () => {
    const u = make();
    u.uart.write(UartReg.Mcr, 1, Mcr.LOOP);
    u.uart.write(UartReg.RbrThr, 1, 0x31);
    u.uart.write(UartReg.RbrThr, 1, 0x32);
    assert.equal(u.uart.read(UartReg.Lsr, 1) & (Lsr.OE | Lsr.DR), Lsr.OE | Lsr.DR);
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0x32);
  });

  test("takePendingInput hands over the waiting bytes in order, across receive calls", () => {
    const u = make();
    u.uart.write(UartReg.Ier, 1, Ier.ERBFI);
    u.uart.receive(text("ab"));
    u.uart.receive(new Uint8Array(0));
    u.uart.receive(text("cd"));
    assert.equal(u.uart.read(UartReg.RbrThr, 1), 0x61);
    assert.equal(u.irq.high, true);
    assert.equal(u.uart.pendingInput, 3, "RBR is empty again");
    assert.equal(u.iir(), Iir.RxData);
    assert.equal(u.uart.pendingInput, 2, "one byte in RBR, two waiting");
    assert.deepEqual([...u.uart.takePendingInput()], bytesOf("cd"));
    assert.equal(u.uart.pendingInput, 0);
    assert.deepEqual(drain(u.uart), bytesOf("b"));
    assert.equal(u.irq.high, false);
  });
});
