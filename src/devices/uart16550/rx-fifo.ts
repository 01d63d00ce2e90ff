/**
 * The 16550A's receiver: a 16-byte FIFO in FIFO mode, or the 16450's single
 * receiver buffer register (RBR) when the FIFOs are off (PC16550D data sheet,
 * "FIFO Control Register"). Overruns are the caller's business: `push` says
 * whether the byte found room.
 */

/** Bytes the 16550A's receive FIFO holds. */
export const RX_FIFO_SIZE = 16;

/** The receiver's contents as a snapshot keeps them. */
export interface RxFifoState {
  /** FIFO mode (16 bytes); false: the one-byte RBR. */
  fifoMode: boolean;
  /** The bytes held, oldest first. */
  bytes: number[];
}

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

  /** The mode and the bytes held, for a snapshot. */
  save(): RxFifoState {
    const bytes: number[] = [];
    for (let i = 0; i < this.count; i++) bytes.push(this.bytes[(this.head + i) % RX_FIFO_SIZE]);
    return { fifoMode: this.capacity === RX_FIFO_SIZE, bytes };
  }

  /** Takes the mode and bytes of save(). */
  restore(s: RxFifoState): void {
    this.capacity = s.fifoMode ? RX_FIFO_SIZE : 1;
    if (s.bytes.length > this.capacity) throw new RangeError(`a receiver of ${this.capacity} bytes cannot hold ${s.bytes.length}`);
    this.clear();
    for (const b of s.bytes) this.push(b & 0xff);
  }

  /** Drops every byte held (FCR receiver reset). */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
