/**
 * A National Semiconductor 16550A UART, as on QEMU's virt board. Register
 * layout and interrupt logic from the PC16550D data sheet: registers at byte
 * offsets 0..7, DLAB (LCR bit 7) switching offsets 0 and 1 to the divisor
 * latch.
 *
 * Transmitted bytes go straight to a sink, so the transmitter is empty again
 * as soon as THR is written. Received bytes come from the host through an
 * unbounded queue (input-queue.ts) into the receiver (rx-fifo.ts): a 16-byte
 * FIFO, or the 16450's one-byte RBR with the FIFOs off. A FIFO reset (FCR
 * RcvrReset, or a change of FIFO mode) empties the receiver, never the queue.
 * Host input never overruns the receiver (it waits in the queue); loopback
 * bytes can, which sets LSR.OE.
 *
 * When host input enters the receiver. Like QEMU, which reads its chardev
 * only while the device can take bytes, the queue fills the receiver as far
 * as it has room, but only while the guest is ready to receive and only when
 * the guest looks at the receiver: at a read of RBR, IIR or LSR. The guest is
 * ready when IER.ERBFI is set (an interrupt-driven driver), or when the read
 * is the POLL_RUN-th or later of consecutive LSR reads with no other register
 * access between them (a polled reader: OpenSBI's getchar, a bare-metal loop
 * waiting for LSR.DR); never in loopback mode, where the serial input is
 * disconnected. While ERBFI is set and input waits, the interrupt line is
 * raised at once, as if the bytes had arrived; the driver's IIR read then
 * moves them in.
 *
 * Why (measured on the default guest, Linux 6.1's 8250 driver after OpenSBI):
 * before the console is open, the receiver is emptied several times. OpenSBI
 * reads LSR and RBR once at init; the port's startup (serial8250_do_startup)
 * clears the FIFOs (FCR 0x01, 0x07, 0x00) and reads LSR, RBR, IIR and MSR,
 * twice, all with IER = 0 or ETBEI alone; then set_termios writes IER = 0x05
 * (ERBFI) before it turns the FIFOs back on (LCR, DLL, DLM, LCR, then FCR
 * 0x01, a mode change that clears the FIFO, and 0x81). Feeding at the IER
 * write would lose what was fed; between that write and the FIFO enable Linux
 * reads nothing, so feeding at reads loses nothing. While the console stays
 * open no reset follows (later set_termios calls write FCR 0x01 and 0x81 with
 * the FIFOs on: no mode change, no reset bit). Linux's longest run of LSR
 * reads is 2 (its polled console output alternates LSR and THR, and ends with
 * one more LSR read for TEMT); POLL_RUN is far above that and costs a polling
 * loop nothing.
 *
 * Interrupts, in the data sheet's priority order, each enabled by an IER bit:
 * receiver line status (ELSI: LSR.OE, until LSR is read), received data available
 * (ERBFI: with the FIFOs on, the FIFO holds at least the FCR trigger level;
 * below it the character-timeout indication is given at once instead of after
 * four character times), transmitter holding register empty (ETBEI) and modem
 * status (EDSSI: a delta bit in MSR, which only loopback mode can produce).
 * The THRE interrupt becomes pending when ETBEI goes from 0 to 1 and after
 * each THR write; reading IIR while it is the reported source, or writing THR,
 * clears it. IIR reports the highest-priority pending source.
 *
 * The interrupt output is high while any enabled source is pending. On a PC,
 * MCR.OUT2 gates that output onto the bus, and Linux's 8250 driver sets OUT2;
 * like QEMU, this model does not gate it: OUT2 matters only in loopback mode,
 * where it shows as DCD.
 */
import type { Device, IrqLine } from "../device.js";
import { InputQueue } from "./input-queue.js";
import { RxFifo, type RxFifoState } from "./rx-fifo.js";

/** Register offsets (with LCR.DLAB clear). */
export const enum UartReg {
  /** Receiver buffer (read) / transmitter holding register (write) */
  RbrThr = 0,
  /** Interrupt enable */
  Ier = 1,
  /** Interrupt identification (read) / FIFO control (write) */
  IirFcr = 2,
  /** Line control */
  Lcr = 3,
  /** Modem control */
  Mcr = 4,
  /** Line status */
  Lsr = 5,
  /** Modem status */
  Msr = 6,
  /** Scratch */
  Scr = 7,
}

/** Interrupt enable register bits. */
export const enum Ier {
  /** Enable received data available interrupt */
  ERBFI = 0x01,
  /** Enable transmitter holding register empty interrupt */
  ETBEI = 0x02,
  /** Enable receiver line status interrupt */
  ELSI = 0x04,
  /** Enable modem status interrupt */
  EDSSI = 0x08,
}

/** Interrupt identification register values (bits 0..3), highest priority first. */
export const enum Iir {
  /** Receiver line status: overrun, parity, framing error or break */
  LineStatus = 0x06,
  /** Received data available (at the FIFO trigger level) */
  RxData = 0x04,
  /** Character timeout: data in the receive FIFO below the trigger level */
  CharTimeout = 0x0c,
  /** Transmitter holding register empty */
  Thre = 0x02,
  /** Modem status: a delta bit in MSR */
  ModemStatus = 0x00,
  /** Bit 0 set: no interrupt pending */
  None = 0x01,
  /** Bits 6 and 7: the FIFOs are enabled */
  FifosEnabled = 0xc0,
}

/** FIFO control register bits. */
export const enum Fcr {
  /** FIFO enable */
  FifoEnable = 0x01,
  /** Clear the receive FIFO */
  RcvrReset = 0x02,
  /** Receiver trigger level: 1, 4, 8 or 14 bytes */
  RcvrTrigger = 0xc0,
}

/** Line status bits. */
export const enum Lsr {
  /** Data ready: the receive FIFO holds a byte */
  DR = 0x01,
  /** Overrun error: a byte arrived with the receiver full (cleared by reading LSR) */
  OE = 0x02,
  /** Transmitter holding register empty */
  THRE = 0x20,
  /** Transmitter empty */
  TEMT = 0x40,
}

/** Modem control bits. */
export const enum Mcr {
  /** Data terminal ready (DSR in loopback) */
  DTR = 0x01,
  /** Request to send (CTS in loopback) */
  RTS = 0x02,
  /** OUT1 (RI in loopback) */
  OUT1 = 0x04,
  /** OUT2, the PC's interrupt gate (DCD in loopback; not a gate here) */
  OUT2 = 0x08,
  /** Loopback mode */
  LOOP = 0x10,
}

/** Modem status bits. */
export const enum Msr {
  /** Delta clear to send */
  DCTS = 0x01,
  /** Delta data set ready */
  DDSR = 0x02,
  /** Trailing edge ring indicator */
  TERI = 0x04,
  /** Delta data carrier detect */
  DDCD = 0x08,
  /** Clear to send */
  CTS = 0x10,
  /** Data set ready */
  DSR = 0x20,
  /** Ring indicator */
  RI = 0x40,
  /** Data carrier detect */
  DCD = 0x80,
}

/** Size of the register window on the virt board. */
export const UART_SIZE = 0x100;

/** The modem inputs outside loopback mode: CTS, DSR and DCD asserted, as a console expects. */
const MODEM_LINES = Msr.CTS | Msr.DSR | Msr.DCD;

/** Receiver trigger levels selected by FCR bits 6..7. */
const TRIGGER_LEVELS = [1, 4, 8, 14];

/**
 * Consecutive LSR reads (no other register access between them) after which
 * the guest counts as a polled reader and host input enters the receiver:
 * Linux never makes more than 2 in a row; a polling loop makes thousands.
 */
export const POLL_RUN = 16;

/** The UART as a snapshot keeps it: every register, the receiver's bytes and the host input not yet taken. */
export interface UartState {
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  /** The divisor latch, low and high bytes. */
  dll: number;
  dlm: number;
  fifoEnabled: boolean;
  /** Receiver trigger level in bytes (1, 4, 8 or 14). */
  triggerLevel: number;
  /** MSR: modem inputs and delta bits. */
  msr: number;
  /** The THRE interrupt is pending. */
  thrIpending: boolean;
  /** LSR.OE. */
  overrun: boolean;
  /** LSR reads in a row (the polled-reader detection). */
  lsrRun: number;
  rx: RxFifoState;
  /** Host input not yet in the receiver, oldest first. */
  input: number[];
}

/** The 16550A UART device. */
export class Uart16550 implements Device {
  readonly name = "uart0";
  readonly size = UART_SIZE;
  /** Bytes the guest has read from RBR (trap accounting: console bytes in). */
  bytesRead = 0;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private triggerLevel = 1;
  /** MSR: the modem inputs (high nibble) and their delta bits (low nibble). */
  private msr = MODEM_LINES;
  /** The THRE interrupt is pending (THR empty since the last IIR read that reported it, or THR write). */
  private thrIpending = false;
  /** Host input not yet in the receiver. */
  private readonly input = new InputQueue();
  /** The receive FIFO (the one-byte RBR while the FIFOs are off). */
  private readonly rx = new RxFifo();
  /** LSR.OE: a loopback byte found the receiver full; cleared by reading LSR. */
  private overrun = false;
  /** LSR reads in a row with no other register access between them. */
  private lsrRun = 0;

  constructor(
    /** Receives every transmitted byte. */
    private readonly sink: (byte: number) => void,
    /** The interrupt line (to the PLIC, when there is one); high while an enabled interrupt is pending. */
    private readonly irq?: IrqLine,
  ) {}

  /** Queues bytes typed at the console; they enter the receiver when the guest is ready for them (see the module comment). */
  receive(bytes: Uint8Array): void {
    this.input.push(bytes);
    this.updateIrq();
  }

  /** Host bytes given to `receive` that have not yet entered the receiver. */
  get pendingInput(): number {
    return this.input.length;
  }

  /** Removes and returns the host bytes not yet in the receiver (to hand them to the next machine after a reset). */
  takePendingInput(): Uint8Array {
    const bytes = this.input.takeAll();
    this.updateIrq();
    return bytes;
  }

  /** Registers, receiver and pending host input, for a snapshot. */
  save(): UartState {
    return {
      ier: this.ier, lcr: this.lcr, mcr: this.mcr, scr: this.scr, dll: this.dll, dlm: this.dlm,
      fifoEnabled: this.fifoEnabled, triggerLevel: this.triggerLevel, msr: this.msr, thrIpending: this.thrIpending,
      overrun: this.overrun, lsrRun: this.lsrRun, rx: this.rx.save(), input: Array.from(this.input.peekAll()),
    };
  }

  /** Takes the state of save() (the host input queued here is replaced by the saved one) and drives the line to match. */
  restore(s: UartState): void {
    this.ier = s.ier; this.lcr = s.lcr; this.mcr = s.mcr; this.scr = s.scr; this.dll = s.dll; this.dlm = s.dlm;
    this.fifoEnabled = s.fifoEnabled; this.triggerLevel = s.triggerLevel; this.msr = s.msr; this.thrIpending = s.thrIpending;
    this.overrun = s.overrun; this.lsrRun = s.lsrRun;
    this.rx.restore(s.rx);
    this.input.takeAll();
    this.input.push(Uint8Array.from(s.input));
    this.updateIrq();
  }

  /** The serial input reaches the receiver: not in loopback mode, which disconnects it. */
  private get inputConnected(): boolean {
    return (this.mcr & Mcr.LOOP) === 0;
  }

  /** An interrupt-driven receiver is ready for host input: ERBFI set. */
  private get rxInterruptArmed(): boolean {
    return (this.ier & Ier.ERBFI) !== 0 && this.inputConnected;
  }

  /** Moves host input into the receiver as far as it has room. */
  private feed(): void {
    while (this.rx.room > 0 && this.input.length > 0) this.rx.push(this.input.shift());
  }

  /** Bytes the receiver holds, counting host input an armed interrupt-driven receiver takes at its next look. */
  private get rxCount(): number {
    const waiting = this.rxInterruptArmed ? Math.min(this.input.length, this.rx.room) : 0;
    return this.rx.length + waiting;
  }

  /** The highest-priority pending and enabled interrupt, as IIR bits 0..3. */
  private pending(): Iir {
    if ((this.ier & Ier.ELSI) !== 0 && this.overrun) return Iir.LineStatus;
    if ((this.ier & Ier.ERBFI) !== 0 && this.rxCount > 0) {
      return this.fifoEnabled && this.rxCount < this.triggerLevel ? Iir.CharTimeout : Iir.RxData;
    }
    if ((this.ier & Ier.ETBEI) !== 0 && this.thrIpending) return Iir.Thre;
    if ((this.ier & Ier.EDSSI) !== 0 && (this.msr & 0x0f) !== 0) return Iir.ModemStatus;
    return Iir.None;
  }

  private updateIrq(): void {
    this.irq?.set(this.pending() !== Iir.None);
  }

  /** Sets the modem inputs (MSR high nibble) and the delta bits their changes call for. */
  private setModemLines(lines: number): void {
    const changed = (this.msr ^ lines) & 0xf0;
    let delta = 0;
    if (changed & Msr.CTS) delta |= Msr.DCTS;
    if (changed & Msr.DSR) delta |= Msr.DDSR;
    if (changed & this.msr & Msr.RI) delta |= Msr.TERI; // RI went from 1 to 0
    if (changed & Msr.DCD) delta |= Msr.DDCD;
    this.msr = lines | (this.msr & 0x0f) | delta;
  }

  read(offset: number, _width: number): number {
    const dlab = (this.lcr & 0x80) !== 0;
    this.lsrRun = offset === UartReg.Lsr ? this.lsrRun + 1 : 0;
    switch (offset) {
      case UartReg.RbrThr: {
        if (dlab) return this.dll;
        if (this.rxInterruptArmed) this.feed();
        if (this.rx.length === 0) return 0;
        const b = this.rx.shift();
        this.bytesRead++;
        this.updateIrq();
        return b;
      }
      case UartReg.Ier: return dlab ? this.dlm : this.ier;
      case UartReg.IirFcr: {
        if (this.rxInterruptArmed) this.feed();
        const id = this.pending();
        if (id === Iir.Thre) { this.thrIpending = false; this.updateIrq(); }
        return id | (this.fifoEnabled ? Iir.FifosEnabled : 0);
      }
      case UartReg.Lcr: return this.lcr;
      case UartReg.Mcr: return this.mcr;
      case UartReg.Lsr: {
        if (this.rxInterruptArmed || (this.lsrRun >= POLL_RUN && this.inputConnected)) this.feed();
        const v = Lsr.THRE | Lsr.TEMT | (this.rx.length > 0 ? Lsr.DR : 0) | (this.overrun ? Lsr.OE : 0);
        if (this.overrun) { this.overrun = false; this.updateIrq(); }
        return v;
      }
      case UartReg.Msr: {
        const v = this.msr;
        if ((v & 0x0f) !== 0) { this.msr &= 0xf0; this.updateIrq(); }
        return v;
      }
      case UartReg.Scr: return this.scr;
    }
    return 0;
  }

  /** A byte transmitted in loopback mode arrives at the receiver; with the receiver full it is an overrun (FIFO mode keeps the old bytes, RBR the new one). */
  private loopBack(byte: number): void {
    if (this.rx.push(byte)) return;
    this.overrun = true;
    if (!this.fifoEnabled) { this.rx.clear(); this.rx.push(byte); }
  }

  write(offset: number, _width: number, value: number): void {
    const v = value & 0xff;
    const dlab = (this.lcr & 0x80) !== 0;
    this.lsrRun = 0;
    switch (offset) {
      case UartReg.RbrThr:
        if (dlab) { this.dll = v; return; }
        if ((this.mcr & Mcr.LOOP) !== 0) this.loopBack(v);
        else this.sink(v);
        // Writing THR clears the THRE interrupt; the byte leaves at once, so THR is empty (and THRE pending) again.
        this.thrIpending = true;
        break;
      case UartReg.Ier: {
        if (dlab) { this.dlm = v; return; }
        const rising = ~this.ier & v;
        this.ier = v & 0x0f;
        if ((rising & Ier.ETBEI) !== 0) this.thrIpending = true; // THR is always empty
        else if ((this.ier & Ier.ETBEI) === 0) this.thrIpending = false;
        break;
      }
      case UartReg.IirFcr: {
        // FCR: the other bits are programmed only with FIFO enable set; switching mode clears the FIFOs.
        const enable = (v & Fcr.FifoEnable) !== 0;
        this.rx.setFifoMode(enable);
        if (enable && (v & Fcr.RcvrReset) !== 0) this.rx.clear();
        this.fifoEnabled = enable;
        if (enable) this.triggerLevel = TRIGGER_LEVELS[(v & Fcr.RcvrTrigger) >>> 6];
        break;
      }
      case UartReg.Lcr: this.lcr = v; return;
      case UartReg.Mcr:
        this.mcr = v & 0x1f;
        if ((this.mcr & Mcr.LOOP) !== 0) {
          // Loopback: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD.
          const m = this.mcr;
          this.setModemLines(((m & Mcr.RTS) << 3) | ((m & Mcr.DTR) << 5) | ((m & Mcr.OUT1) << 4) | ((m & Mcr.OUT2) << 4));
        } else this.setModemLines(MODEM_LINES);
        break;
      case UartReg.Scr: this.scr = v; return;
      default: return;
    }
    this.updateIrq();
  }
}
