/**
 * HTIF, the host-target interface of Spike and the RISC-V ISA tests: the
 * guest writes a 64-bit command to the `tohost` word; the host answers in
 * `fromhost`. Command layout: device in bits 63:56, command in 55:48, payload
 * below. Device 0 command 0 with payload bit 0 set ends the run with exit code
 * payload >> 1 (so 1 means pass); device 1 command 1 writes the payload's low
 * byte to the console and is acknowledged in fromhost.
 *
 * The page holding tohost is an overlay on RAM (PhysBus.overlay): this device
 * sees every access to it, serves tohost/fromhost itself and passes every other
 * byte through to RAM, so a command is handled the moment it is written.
 */
import type { Device } from "../devices/device.js";
import type { Ram } from "../mem/ram.js";

/**
 * Where HTIF is, which is all a snapshot keeps of it: a command acts the
 * moment it is written, and tohost and fromhost are words of RAM.
 */
export interface HtifState {
  /** Host offset of the overlaid page in RAM. */
  pageOffset: number;
  /** Offsets of tohost and fromhost inside the page (fromhost may lie elsewhere: -1). */
  tohost: number;
  fromhost: number;
}

export class Htif implements Device {
  readonly name = "htif";
  readonly size = 4096;

  constructor(
    private readonly ram: Ram,
    /** Host offset of the overlaid page in RAM. */
    private readonly pageOffset: number,
    /** Offsets of tohost and fromhost inside the page (fromhost may lie elsewhere: -1). */
    private readonly tohost: number,
    private readonly fromhost: number,
    private readonly onExit: (code: number) => void,
    private readonly putchar: (byte: number) => void,
  ) {}

  /** Where it is, for a snapshot (VirtBoard.attachHtif puts it back). */
  save(): HtifState {
    return { pageOffset: this.pageOffset, tohost: this.tohost, fromhost: this.fromhost };
  }

  read(offset: number, width: number): number {
    const v = this.ram.view, o = this.pageOffset + offset;
    return width === 1 ? v.getUint8(o) : width === 2 ? v.getUint16(o, true) : v.getUint32(o, true);
  }

  write(offset: number, width: number, value: number): void {
    const v = this.ram.view, o = this.pageOffset + offset;
    if (width === 1) v.setUint8(o, value & 0xff);
    else if (width === 2) v.setUint16(o, value & 0xffff, true);
    else v.setUint32(o, value >>> 0, true);
    if (offset === this.tohost && width === 4) this.command();
  }

  /** Acts on the command now in tohost (written low word last). */
  private command(): void {
    const v = this.ram.view, o = this.pageOffset + this.tohost;
    const lo = v.getUint32(o, true), hi = v.getUint32(o + 4, true);
    if (lo === 0 && hi === 0) return;
    const device = hi >>> 24, cmd = (hi >>> 16) & 0xff;
    if (device === 0 && cmd === 0 && (lo & 1) !== 0) {
      this.onExit(((hi & 0xffff) * 2 ** 31) + (lo >>> 1));
    } else if (device === 1 && cmd === 1) {
      this.putchar(lo & 0xff);
      if (this.fromhost >= 0) {
        v.setUint32(this.pageOffset + this.fromhost, 0, true);
        v.setUint32(this.pageOffset + this.fromhost + 4, (1 << 24) | (1 << 16), true);
      }
    }
    v.setUint32(o, 0, true);
    v.setUint32(o + 4, 0, true);
  }
}
