/**
 * Split virtqueues (VIRTIO 1.2, "Split Virtqueues"), the device side: the
 * descriptor table, the driver ring ("available") and the device ring
 * ("used") in guest memory, reached through GuestMemory views set up when the
 * driver makes the queue ready.
 *
 * Supported: descriptor chains (NEXT, WRITE), indirect descriptor tables
 * (VIRTIO_F_INDIRECT_DESC), VIRTQ_AVAIL_F_NO_INTERRUPT. Not supported (and so
 * not offered by the transport): VIRTIO_F_EVENT_IDX, packed virtqueues.
 */
import type { GuestMemory } from "./guest-memory.js";

/** Descriptor flags (struct virtq_desc.flags). */
export const enum DescFlag {
  /** The chain continues in `next` */
  Next = 1,
  /** The buffer is device-writable (otherwise device-readable) */
  Write = 2,
  /** The buffer holds a table of descriptors */
  Indirect = 4,
}

/** Driver ring flags (struct virtq_avail.flags). */
export const enum AvailFlag {
  /** The driver does not want an interrupt when buffers are used */
  NoInterrupt = 1,
}

/** Largest queue size of a split virtqueue. */
export const MAX_QUEUE_SIZE = 32768;

/** The driver broke the virtqueue rules; the device must be reset (DEVICE_NEEDS_RESET). */
export class VirtqueueError extends Error {
  constructor(queue: number, message: string) {
    super(`virtqueue ${queue}: ${message}`);
    this.name = "VirtqueueError";
  }
}

/** One buffer of a chain: its guest physical address and a view of its bytes. */
export interface Segment {
  addr: number;
  bytes: Uint8Array;
}

/** A descriptor chain taken from the driver ring. */
export interface DescriptorChain {
  /** Index of the head descriptor (returned in the used ring). */
  head: number;
  /** Device-readable buffers, in chain order. */
  readable: Segment[];
  /** Device-writable buffers, in chain order. */
  writable: Segment[];
  /** Total bytes of the readable buffers. */
  readableLength: number;
  /** Total bytes of the writable buffers. */
  writableLength: number;
  /** The queue's reset count when the chain was taken (a chain from before a reset is never returned). */
  epoch: number;
}

const u64 = (v: DataView, at: number): number => v.getUint32(at, true) + v.getUint32(at + 4, true) * 4294967296;

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A virtqueue's device-side state as a snapshot keeps it (the rings themselves are in guest RAM). */
export interface VirtqueueState {
  size: number;
  ready: boolean;
  descAddr: number;
  driverAddr: number;
  deviceAddr: number;
  /** Next driver-ring index to consume. */
  lastAvail: number;
  /** Next device-ring index to fill. */
  usedIdx: number;
}

export class Virtqueue {
  /** Queue size the driver chose (QueueNum). */
  size: number;
  /** Guest physical addresses of the descriptor table, driver ring and device ring. */
  descAddr = 0;
  driverAddr = 0;
  deviceAddr = 0;
  /** QueueReady. */
  ready = false;
  private desc: DataView | undefined;
  private avail: DataView | undefined;
  private used: DataView | undefined;
  /** Next driver-ring index to consume (free-running 16-bit). */
  private lastAvail = 0;
  /** Next device-ring index to fill (free-running 16-bit). */
  private usedIdx = 0;
  /** Counts resets, so a request in flight across one is dropped. */
  private epoch = 0;

  constructor(
    readonly index: number,
    /** QueueNumMax. */
    readonly maxSize: number,
    private readonly memory: GuestMemory,
    /** Called when a used buffer deserves an interrupt. */
    private readonly onUsed: () => void,
  ) {
    this.size = maxSize;
  }

  /** Back to the reset state. */
  reset(): void {
    this.size = this.maxSize;
    this.descAddr = this.driverAddr = this.deviceAddr = 0;
    this.ready = false;
    this.desc = this.avail = this.used = undefined;
    this.lastAvail = this.usedIdx = 0;
    this.epoch++;
  }

  /** The driver set QueueReady: map the three areas (throws DmaFault when one is not in RAM). */
  activate(): void {
    this.map();
    this.lastAvail = this.usedIdx = 0;
    this.epoch++;
    this.ready = true;
  }

  /** Maps the three areas at the addresses set (throws VirtqueueError for a bad size, DmaFault when an area is not in RAM). */
  private map(): void {
    const n = this.size;
    if (n === 0 || n > this.maxSize) throw new VirtqueueError(this.index, `queue size ${n} is not in 1..${this.maxSize}`);
    this.desc = dataView(this.memory.view(this.descAddr, 16 * n));
    this.avail = dataView(this.memory.view(this.driverAddr, 6 + 2 * n));
    this.used = dataView(this.memory.view(this.deviceAddr, 6 + 8 * n));
  }

  /** The queue's registers and ring positions, for a snapshot. */
  save(): VirtqueueState {
    const { size, ready, descAddr, driverAddr, deviceAddr, lastAvail, usedIdx } = this;
    return { size, ready, descAddr, driverAddr, deviceAddr, lastAvail, usedIdx };
  }

  /** Takes the state of save(), mapping the rings again when the queue is ready (guest RAM must be restored by then). */
  restore(s: VirtqueueState): void {
    this.size = s.size;
    this.descAddr = s.descAddr;
    this.driverAddr = s.driverAddr;
    this.deviceAddr = s.deviceAddr;
    this.desc = this.avail = this.used = undefined;
    if (s.ready) this.map();
    this.ready = s.ready;
    this.lastAvail = s.lastAvail & 0xffff;
    this.usedIdx = s.usedIdx & 0xffff;
    this.epoch++;
  }

  /** Whether the driver has made buffers available that the device has not taken. */
  get hasAvailable(): boolean {
    return this.avail !== undefined && this.avail.getUint16(2, true) !== this.lastAvail;
  }

  /** Takes the next available descriptor chain, or undefined when there is none. */
  pop(): DescriptorChain | undefined {
    const avail = this.avail;
    if (avail === undefined || !this.ready) return undefined;
    const idx = avail.getUint16(2, true);
    if (idx === this.lastAvail) return undefined;
    if (((idx - this.lastAvail) & 0xffff) > this.size) {
      throw new VirtqueueError(this.index, `driver ring index ${idx} is more than ${this.size} ahead of ${this.lastAvail}`);
    }
    const head = avail.getUint16(4 + 2 * (this.lastAvail % this.size), true);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return this.walk(head);
  }

  /**
   * Gives back the last `count` chains pop() took, not yet pushed, so the
   * next pop() returns them again (a device that found them too few for what
   * it has to write, and waits for more: the driver ring still holds them).
   */
  unpop(count = 1): void {
    this.lastAvail = (this.lastAvail - count) & 0xffff;
  }

  private walk(head: number): DescriptorChain {
    const chain: DescriptorChain = { head, readable: [], writable: [], readableLength: 0, writableLength: 0, epoch: this.epoch };
    let table = this.desc!, tableSize = this.size, i = head, seen = 0, indirect = false;
    if (head >= tableSize) throw new VirtqueueError(this.index, `head descriptor ${head} out of range`);
    for (;;) {
      if (++seen > tableSize) throw new VirtqueueError(this.index, `descriptor chain from ${head} loops`);
      const at = 16 * i;
      const addr = u64(table, at), len = table.getUint32(at + 8, true), flags = table.getUint16(at + 12, true);
      if ((flags & DescFlag.Indirect) !== 0) {
        if (indirect) throw new VirtqueueError(this.index, "indirect descriptor inside an indirect table");
        if ((flags & DescFlag.Next) !== 0) throw new VirtqueueError(this.index, "indirect descriptor with NEXT");
        if (len === 0 || len % 16 !== 0) throw new VirtqueueError(this.index, `indirect table of ${len} bytes`);
        table = dataView(this.memory.view(addr, len));
        tableSize = len / 16;
        i = 0;
        seen = 0;
        indirect = true;
        continue;
      }
      const seg: Segment = { addr, bytes: len === 0 ? new Uint8Array(0) : this.memory.view(addr, len) };
      if ((flags & DescFlag.Write) !== 0) {
        chain.writable.push(seg);
        chain.writableLength += len;
      } else {
        chain.readable.push(seg);
        chain.readableLength += len;
      }
      if ((flags & DescFlag.Next) === 0) return chain;
      i = table.getUint16(at + 14, true);
      if (i >= tableSize) throw new VirtqueueError(this.index, `next descriptor ${i} out of range`);
    }
  }

  /**
   * Returns a chain to the driver through the device ring, with `written`
   * bytes written to its writable buffers, and interrupts unless the driver
   * asked not to.
   */
  push(chain: DescriptorChain, written: number): void {
    const used = this.used;
    if (used === undefined || chain.epoch !== this.epoch) return; // the queue was reset while the request was in flight
    const slot = 4 + 8 * (this.usedIdx % this.size);
    used.setUint32(slot, chain.head, true);
    used.setUint32(slot + 4, written, true);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    used.setUint16(2, this.usedIdx, true);
    if (this.memory.wrote !== undefined) {
      let left = written;
      for (const s of chain.writable) {
        if (left <= 0) break;
        const n = Math.min(left, s.bytes.length);
        this.memory.wrote(s.addr, n);
        left -= n;
      }
    }
    if ((this.avail!.getUint16(0, true) & AvailFlag.NoInterrupt) === 0) this.onUsed();
  }
}

/** Copies `length` bytes starting `offset` bytes into a list of segments into a new array (short if the segments end first). */
export function gather(segments: Segment[], offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  forEachRange(segments, offset, length, (bytes) => { out.set(bytes, got); got += bytes.length; });
  return got === length ? out : out.subarray(0, got);
}

/** Copies `data` into a list of segments starting `offset` bytes in; returns the bytes copied. */
export function scatter(segments: Segment[], offset: number, data: Uint8Array): number {
  let put = 0;
  forEachRange(segments, offset, data.length, (bytes) => { bytes.set(data.subarray(put, put + bytes.length)); put += bytes.length; });
  return put;
}

/**
 * Calls `fn` with the views that make up [offset, offset + length) of the
 * concatenation of `segments`, in order; `at` is each view's position in that
 * range.
 */
export function forEachRange(segments: Segment[], offset: number, length: number, fn: (bytes: Uint8Array, at: number) => void): void {
  let skip = offset, left = length, at = 0;
  for (const s of segments) {
    if (left <= 0) return;
    const n = s.bytes.length;
    if (skip >= n) { skip -= n; continue; }
    const take = Math.min(n - skip, left);
    fn(s.bytes.subarray(skip, skip + take), at);
    at += take;
    left -= take;
    skip = 0;
  }
}
