/**
 * Console input on the host side of the UART: bytes typed or piped in wait
 * here, in order and without limit, until the receiver takes them (uart.ts
 * says when). Nothing the guest does to the UART, a FIFO reset included,
 * reaches this queue, so input the guest has not yet been given is never lost.
 */

/** A first-in first-out queue of host bytes. */
export class InputQueue {
  /** Received chunks; the first is consumed from `offset`. */
  private chunks: Uint8Array[] = [];
  private offset = 0;
  private size = 0;

  /** Bytes waiting. */
  get length(): number {
    return this.size;
  }

  /** Appends a copy of `bytes`. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes.slice());
    this.size += bytes.length;
  }

  /** Removes and returns the oldest byte; -1 when empty. */
  shift(): number {
    if (this.size === 0) return -1;
    const chunk = this.chunks[0];
    const b = chunk[this.offset++];
    if (this.offset === chunk.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    this.size--;
    return b;
  }

  /** A copy of every waiting byte, oldest first, leaving them queued (for a snapshot). */
  peekAll(): Uint8Array {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const part = i === 0 ? this.chunks[0].subarray(this.offset) : this.chunks[i];
      all.set(part, at);
      at += part.length;
    }
    return all;
  }

  /** Removes and returns every waiting byte. */
  takeAll(): Uint8Array {
    const all = this.peekAll();
    this.chunks = [];
    this.offset = 0;
    this.size = 0;
    return all;
  }
}
