/**
 * How a DMA-capable device reaches guest physical memory. A device asks for a
 * view of a range of guest RAM and reads or writes through it; nothing else
 * (device registers, holes) can be the target of DMA.
 */

/** A guest physical range that is not RAM was the target of DMA. */
export class DmaFault extends Error {
  constructor(readonly pa: number, readonly length: number) {
    super(`DMA to 0x${pa.toString(16)}+${length} is outside guest RAM`);
    this.name = "DmaFault";
  }
}

/** Guest physical memory as a DMA engine sees it. */
export interface GuestMemory {
  /**
   * A view of the `length` bytes of guest RAM at physical address `pa`;
   * writes through it reach guest memory. Throws DmaFault when any byte of the
   * range is not RAM.
   */
  view(pa: number, length: number): Uint8Array;
  /**
   * Told after the device wrote [pa, pa + length) through a view, so the board
   * can drop anything it caches per physical page (decoded code). Optional.
   */
  wrote?(pa: number, length: number): void;
}

/** Guest RAM that is one contiguous block of host memory (the system VM's Ram.u8) at physical address `base`. */
export class RamGuestMemory implements GuestMemory {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
    private readonly onWrite?: (pa: number, length: number) => void,
  ) {}

  view(pa: number, length: number): Uint8Array {
    const off = pa - this.base;
    if (!(off >= 0 && length >= 0 && off + length <= this.bytes.length)) throw new DmaFault(pa, length);
    return this.bytes.subarray(off, off + length);
  }

  wrote(pa: number, length: number): void {
    this.onWrite?.(pa, length);
  }
}
