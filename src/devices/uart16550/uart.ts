/**
 * A National Semiconductor 16550A UART, as on QEMU's virt board: enough for a
 * console. Transmitted bytes go straight to a sink (the transmitter is always
 * empty); received bytes wait in a FIFO. Register layout from the PC16550D
 * data sheet (registers at byte offsets 0..7, DLAB in LCR bit 7 switching
 * offsets 0 and 1 to the divisor latch).
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

/** Line status bits. */
export const enum Lsr {
  /** Data ready: the receive FIFO holds a byte */
  DR = 0x01,
  /** Transmitter holding register empty */
  THRE = 0x20,
  /** Transmitter empty */
  TEMT = 0x40,
}

/** Interrupt enable bits. */
const enum Ier {
  /** Received data available */
  RDA = 0x01,
  /** Transmitter holding register empty */
  THRE = 0x02,
}

/** Size of the register window on the virt board. */
export const UART_SIZE = 0x100;

export class Uart16550 implements Device {
  readonly name = "uart0";
  readonly size = UART_SIZE;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fcr = 0;
  private dll = 0;
  private dlm = 0;
  private readonly rx: number[] = [];

  constructor(
    /** Receives every transmitted byte. */
    private readonly sink: (byte: number) => void,
    /** The interrupt line (to the PLIC, when there is one). */
    private readonly irq?: IrqLine,
  ) {}

  /** Queues bytes typed at the console. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.rx.push(b);
    this.updateIrq();
  }

  private updateIrq(): void {
    this.irq?.set(((this.ier & Ier.RDA) !== 0 && this.rx.length > 0) || (this.ier & Ier.THRE) !== 0);
  }

  read(offset: number, _width: number): number {
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case UartReg.RbrThr: {
        if (dlab) return this.dll;
        const b = this.rx.shift() ?? 0;
        this.updateIrq();
        return b;
      }
      case UartReg.Ier: return dlab ? this.dlm : this.ier;
      case UartReg.IirFcr: {
        const fifo = (this.fcr & 1) !== 0 ? 0xc0 : 0;
        if ((this.ier & Ier.RDA) !== 0 && this.rx.length > 0) return fifo | 0x04;
        if ((this.ier & Ier.THRE) !== 0) return fifo | 0x02;
        return fifo | 0x01; // no interrupt pending
      }
      case UartReg.Lcr: return this.lcr;
      case UartReg.Mcr: return this.mcr;
      case UartReg.Lsr: return Lsr.THRE | Lsr.TEMT | (this.rx.length > 0 ? Lsr.DR : 0);
      case UartReg.Msr: return 0xb0; // CTS, DSR and DCD asserted
      case UartReg.Scr: return this.scr;
    }
    return 0;
  }

  write(offset: number, _width: number, value: number): void {
    const v = value & 0xff;
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case UartReg.RbrThr:
        if (dlab) this.dll = v;
        else this.sink(v);
        return;
      case UartReg.Ier:
        if (dlab) this.dlm = v;
        else { this.ier = v & 0x0f; this.updateIrq(); }
        return;
      case UartReg.IirFcr:
        this.fcr = v;
        if ((v & 2) !== 0) this.rx.length = 0;
        return;
      case UartReg.Lcr: this.lcr = v; return;
      case UartReg.Mcr: this.mcr = v; return;
      case UartReg.Scr: this.scr = v; return;
    }
  }
}
