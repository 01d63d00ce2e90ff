/**
 * What every device model implements, and how it signals interrupts. The board
 * maps a device at a physical address range and forwards accesses inside it
 * with the offset from the range's start; interrupts go through IrqLine
 * objects the board wires up, so a device never holds a reference to a hart
 * or an interrupt controller.
 */

/** A memory-mapped device. */
export interface Device {
  /** Short name, for the memory map and error messages. */
  readonly name: string;
  /** Size in bytes of its register window. */
  readonly size: number;
  /**
   * Reads `width` (1, 2 or 4) bytes at `offset`, zero-extended (an unsigned
   * 32-bit number for width 4). A 64-bit register is read as two 4-byte halves,
   * low first. Unknown registers read as 0.
   */
  read(offset: number, width: number): number;
  /**
   * Writes the low `width` (1, 2 or 4) bytes of `value` at `offset`. A 64-bit
   * register is written as two 4-byte halves, high first. Unknown registers
   * ignore writes.
   */
  write(offset: number, width: number, value: number): void;
}

/** One interrupt wire: the device raises and lowers it, the board decides where it goes. */
export class IrqLine {
  private level = false;

  constructor(private readonly sink: (level: boolean) => void = () => {}) {}

  /** Drives the line to `level` (the sink hears only changes). */
  set(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    this.sink(level);
  }

  /** The line's current level. */
  get high(): boolean {
    return this.level;
  }
}

/** Width-sized slice of a 64-bit register held as a number below 2^53: the byte lane at `offset & 7`. */
export function readLane(value: number, offset: number, width: number): number {
  const lo = value % 4294967296, hi = Math.floor(value / 4294967296);
  const word = (offset & 4) === 0 ? lo : hi;
  const shift = (offset & 3) * 8;
  const mask = width === 4 ? 0xffffffff : (1 << (width * 8)) - 1;
  return ((word >>> shift) & mask) >>> 0;
}
