/**
 * A minimal virtio driver over a fake guest memory, for the device tests: it
 * drives a VirtioMmio through its registers exactly as a guest driver would
 * (reset, ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, queue setup,
 * DRIVER_OK) and builds descriptor chains in a Uint8Array that stands for
 * guest RAM.
 */
import { IrqLine } from "../device.js";
import { RamGuestMemory } from "./guest-memory.js";
import { MmioReg, Status, VirtioMmio, type VirtioDeviceModel } from "./mmio.js";
import { DescFlag } from "./queue.js";

/** Where the fake RAM starts (as on the virt board). */
export const FAKE_RAM_BASE = 0x8000_0000;

/** One buffer of a request: bytes the device reads, or a length the device writes. */
export type Buffer = { out: Uint8Array } | { in: number };

interface DriverQueue {
  size: number;
  desc: number;
  avail: number;
  used: number;
  nextDesc: number;
  availIdx: number;
  lastUsed: number;
}

export class FakeDriver {
  readonly ram: Uint8Array;
  readonly view: DataView;
  readonly irq = new IrqLine();
  readonly dev: VirtioMmio;
  private brk = 0x1000;
  private readonly queues: DriverQueue[] = [];

  /**
   * A driver of a new device of `model` in `ramBytes` of fake RAM; or, with
   * `board`, of a device a board already built, in that board's RAM (which
   * must start at FAKE_RAM_BASE; `irq` then stays low: the board wires the device's line).
   */
  constructor(model: VirtioDeviceModel, ramBytes = 1 << 20, board?: { dev: VirtioMmio; ram: Uint8Array }) {
    this.ram = board?.ram ?? new Uint8Array(ramBytes);
    this.view = new DataView(this.ram.buffer, this.ram.byteOffset, this.ram.byteLength);
    this.dev = board?.dev ?? new VirtioMmio(model, new RamGuestMemory(this.ram, FAKE_RAM_BASE), this.irq);
  }

  /**
   * A driver for a new device of `model` with a copy of this one's RAM and
   * ring bookkeeping, as a guest restored from a snapshot would have. The new
   * device starts in reset: restore its transport state before using it.
   */
  copyWith(model: VirtioDeviceModel): FakeDriver {
    const d = new FakeDriver(model, this.ram.length);
    d.ram.set(this.ram);
    d.brk = this.brk;
    this.queues.forEach((q, i) => { d.queues[i] = { ...q }; });
    return d;
  }

  r32(reg: number): number {
    return this.dev.read(reg, 4);
  }

  w32(reg: number, value: number): void {
    this.dev.write(reg, 4, value);
  }

  /** Allocates `n` bytes of fake RAM aligned to `align`; returns the guest physical address. */
  alloc(n: number, align = 16): number {
    this.brk = Math.ceil(this.brk / align) * align;
    const pa = FAKE_RAM_BASE + this.brk;
    this.brk += n;
    if (this.brk > this.ram.length) throw new Error("fake RAM exhausted");
    return pa;
  }

  bytes(pa: number, n: number): Uint8Array {
    return this.ram.subarray(pa - FAKE_RAM_BASE, pa - FAKE_RAM_BASE + n);
  }

  /** The device's offered features (both 32-bit halves). */
  offered(): bigint {
    this.w32(MmioReg.DeviceFeaturesSel, 0);
    const lo = this.r32(MmioReg.DeviceFeatures);
    this.w32(MmioReg.DeviceFeaturesSel, 1);
    return BigInt(lo) | (BigInt(this.r32(MmioReg.DeviceFeatures)) << 32n);
  }

  /**
   * Resets the device and negotiates `accept` (default: everything offered);
   * returns the status read back after FEATURES_OK.
   */
  negotiate(accept?: bigint): number {
    this.w32(MmioReg.Status, 0);
    this.w32(MmioReg.Status, Status.Acknowledge);
    this.w32(MmioReg.Status, Status.Acknowledge | Status.Driver);
    const f = accept ?? this.offered();
    this.w32(MmioReg.DriverFeaturesSel, 0);
    this.w32(MmioReg.DriverFeatures, Number(f & 0xffffffffn));
    this.w32(MmioReg.DriverFeaturesSel, 1);
    this.w32(MmioReg.DriverFeatures, Number((f >> 32n) & 0xffffffffn));
    this.w32(MmioReg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk);
    return this.r32(MmioReg.Status);
  }

  /** Lays out queue `index` with `size` entries (default QueueNumMax) and makes it ready. */
  setupQueue(index: number, size?: number): void {
    this.w32(MmioReg.QueueSel, index);
    if (this.r32(MmioReg.QueueReady) !== 0) throw new Error("queue already ready");
    const n = size ?? this.r32(MmioReg.QueueNumMax);
    const q: DriverQueue = {
      size: n, desc: this.alloc(16 * n, 16), avail: this.alloc(6 + 2 * n, 2), used: this.alloc(6 + 8 * n, 4),
      nextDesc: 0, availIdx: 0, lastUsed: 0,
    };
    this.w32(MmioReg.QueueNum, n);
    this.w32(MmioReg.QueueDescLow, q.desc >>> 0);
    this.w32(MmioReg.QueueDescHigh, 0);
    this.w32(MmioReg.QueueDriverLow, q.avail >>> 0);
    this.w32(MmioReg.QueueDriverHigh, 0);
    this.w32(MmioReg.QueueDeviceLow, q.used >>> 0);
    this.w32(MmioReg.QueueDeviceHigh, 0);
    this.w32(MmioReg.QueueReady, 1);
    this.queues[index] = q;
  }

  /** The whole initialisation sequence: negotiate everything offered, set up every queue, DRIVER_OK. */
  init(queues = 1): void {
    const s = this.negotiate();
    if ((s & Status.FeaturesOk) === 0) throw new Error("device refused the features");
    for (let i = 0; i < queues; i++) this.setupQueue(i);
    this.w32(MmioReg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk | Status.DriverOk);
  }

  private writeDesc(table: number, i: number, addr: number, len: number, flags: number, next: number): void {
    const at = table - FAKE_RAM_BASE + 16 * i;
    this.view.setUint32(at, addr >>> 0, true);
    this.view.setUint32(at + 4, Math.floor(addr / 4294967296), true);
    this.view.setUint32(at + 8, len, true);
    this.view.setUint16(at + 12, flags, true);
    this.view.setUint16(at + 14, next, true);
  }

  /**
   * Places a chain of buffers in queue `index` (in the ring's descriptor table,
   * or in an indirect table when `indirect`), publishes it in the driver ring
   * and returns the guest addresses of the buffers and the head index. Does
   * not notify.
   */
  add(index: number, bufs: Buffer[], indirect = false): { head: number; addrs: number[] } {
    const q = this.queues[index];
    const addrs = bufs.map((b) => {
      const len = "out" in b ? b.out.length : b.in;
      const pa = this.alloc(Math.max(len, 1), 8);
      if ("out" in b) this.bytes(pa, len).set(b.out);
      return pa;
    });
    const lens = bufs.map((b) => ("out" in b ? b.out.length : b.in));
    const flagsOf = (b: Buffer) => ("in" in b ? DescFlag.Write : 0);
    const head = q.nextDesc;
    if (indirect) {
      const table = this.alloc(16 * bufs.length, 16);
      bufs.forEach((b, i) => this.writeDesc(table, i, addrs[i], lens[i], flagsOf(b) | (i + 1 < bufs.length ? DescFlag.Next : 0), i + 1));
      this.writeDesc(q.desc, head, table, 16 * bufs.length, DescFlag.Indirect, 0);
      q.nextDesc = (q.nextDesc + 1) % q.size;
    } else {
      bufs.forEach((b, i) => {
        const d = (head + i) % q.size;
        this.writeDesc(q.desc, d, addrs[i], lens[i], flagsOf(b) | (i + 1 < bufs.length ? DescFlag.Next : 0), (d + 1) % q.size);
      });
      q.nextDesc = (q.nextDesc + bufs.length) % q.size;
    }
    const a = q.avail - FAKE_RAM_BASE;
    this.view.setUint16(a + 4 + 2 * (q.availIdx % q.size), head, true);
    q.availIdx = (q.availIdx + 1) & 0xffff;
    this.view.setUint16(a + 2, q.availIdx, true);
    return { head, addrs };
  }

  /** Sets or clears VIRTQ_AVAIL_F_NO_INTERRUPT in queue `index`'s driver ring. */
  suppressInterrupts(index: number, on: boolean): void {
    this.view.setUint16(this.queues[index].avail - FAKE_RAM_BASE, on ? 1 : 0, true);
  }

  notify(index: number): void {
    this.w32(MmioReg.QueueNotify, index);
  }

  /** The used-ring entries the device produced since the last call. */
  used(index: number): { id: number; len: number }[] {
    const q = this.queues[index];
    const u = q.used - FAKE_RAM_BASE;
    const idx = this.view.getUint16(u + 2, true);
    const out: { id: number; len: number }[] = [];
    while (q.lastUsed !== idx) {
      const at = u + 4 + 8 * (q.lastUsed % q.size);
      out.push({ id: this.view.getUint32(at, true), len: this.view.getUint32(at + 4, true) });
      q.lastUsed = (q.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** Reads InterruptStatus and acknowledges what it found. */
  ack(): number {
    const s = this.r32(MmioReg.InterruptStatus);
    this.w32(MmioReg.InterruptAck, s);
    return s;
  }
}
