/**
 * A National Semiconductor 16550A UART, as on QEMU's virt board. Register
 * layout and interrupt logic from the PC16550D data sheet: registers at byte
 * offsets 0..7, DLAB (LCR bit 7) switching offsets 0 and 1 to the divisor
 * latch.
 *
 * Transmitted bytes go straight to a sink, so the transmitter is empty again
 * as soon as THR is written; received bytes wait in a queue that never
 * overruns (the console holds back nothing, like QEMU's flow control), so the
 * line-status interrupt has no cause here and LSR's error bits stay 0.
 *
 * Interrupts, in the data sheet's priority order, each enabled by an IER bit:
 * receiver line status (ELSI, never pending here), received data available
 * (ERBFI: with the FIFOs on, the queue holds at least the FCR trigger level;
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

/** The 16550A UART device. */
export class Uart16550 implements Device {
  readonly name = "uart0";
  readonly size = UART_SIZE;
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
  /** Received bytes not yet read: rx[rxHead..]. */
  private rx: number[] = [];
  private rxHead = 0;

  constructor(
    /** Receives every transmitted byte. */
    private readonly sink: (byte: number) => void,
    /** The interrupt line (to the PLIC, when there is one); high while an enabled interrupt is pending. */
    private readonly irq?: IrqLine,
  ) {}

  /** Queues bytes typed at the console. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.rx.push(b);
    this.updateIrq();
  }

  /** Bytes waiting in the receiver. */
  private get rxCount(): number {
    return this.rx.length - this.rxHead;
  }

  /** The highest-priority pending and enabled interrupt, as IIR bits 0..3. */
  private pending(): Iir {
    // Receiver line status (ELSI) would come first; this model never has one.
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
    switch (offset) {
      case UartReg.RbrThr: {
        if (dlab) return this.dll;
        if (this.rxCount === 0) return 0;
        const b = this.rx[this.rxHead++];
        if (this.rxHead === this.rx.length) { this.rx = []; this.rxHead = 0; }
        this.updateIrq();
        return b;
      }
      case UartReg.Ier: return dlab ? this.dlm : this.ier;
      case UartReg.IirFcr: {
        const id = this.pending();
        if (id === Iir.Thre) { this.thrIpending = false; this.updateIrq(); }
        return id | (this.fifoEnabled ? Iir.FifosEnabled : 0);
      }
      case UartReg.Lcr: return this.lcr;
      case UartReg.Mcr: return this.mcr;
      case UartReg.Lsr: return Lsr.THRE | Lsr.TEMT | (this.rxCount > 0 ? Lsr.DR : 0);
      case UartReg.Msr: {
        const v = this.msr;
        if ((v & 0x0f) !== 0) { this.msr &= 0xf0; this.updateIrq(); }
        return v;
      }
      case UartReg.Scr: return this.scr;
    }
    return 0;
  }

  write(offset: number, _width: number, value: number): void {
    const v = value & 0xff;
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case UartReg.RbrThr:
        if (dlab) { this.dll = v; return; }
        if ((this.mcr & Mcr.LOOP) !== 0) this.rx.push(v);
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
        if (enable !== this.fifoEnabled || (enable && (v & Fcr.RcvrReset) !== 0)) { this.rx = []; this.rxHead = 0; }
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
