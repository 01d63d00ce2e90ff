/**
 * The 16550A's receiver: a 16-byte FIFO in FIFO mode, or the 16450's single
 * receiver buffer register (RBR) when the FIFOs are off (PC16550D data sheet,
 * "FIFO Control Register"). Overruns are the caller's business: `push` says
 * whether the byte found room.
 */

/** Bytes the 16550A's receive FIFO holds. */
export const RX_FIFO_SIZE = 16;

/** The receive FIFO (or, with FIFOs off, the one-byte RBR). */
export class RxFifo {
  private readonly bytes = new Uint8Array(RX_FIFO_SIZE);
  private head = 0;
  private count = 0;
  /** 16 in FIFO mode, 1 in 16450 mode (the state after a hardware reset). */
  private capacity = 1;

  /** Bytes held. */
  get length(): number {
    return this.count;
  }

  /** Bytes that still fit. */
  get room(): number {
    return this.capacity - this.count;
  }

  /** Switches between FIFO mode (16 bytes) and 16450 mode (1 byte). Changing mode empties the receiver, as the data sheet says. */
  setFifoMode(on: boolean): void {
    const capacity = on ? RX_FIFO_SIZE : 1;
    if (capacity !== this.capacity) this.clear();
    this.capacity = capacity;
  }

  /** Appends `byte`; false (and nothing stored) when full. */
  push(byte: number): boolean {
    if (this.count === this.capacity) return false;
    this.bytes[(this.head + this.count) % RX_FIFO_SIZE] = byte;
    this.count++;
    return true;
  }

  /** Removes and returns the oldest byte; 0 when empty. */
  shift(): number {
    if (this.count === 0) return 0;
    const b = this.bytes[this.head];
    this.head = (this.head + 1) % RX_FIFO_SIZE;
    this.count--;
    return b;
  }

  /** Drops every byte held (FCR receiver reset). */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
