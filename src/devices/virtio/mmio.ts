/**
 * The virtio-mmio transport, modern layout (VIRTIO 1.2, "Virtio Over MMIO",
 * Version 2): a 0x200-byte register window in front of any device model that
 * implements VirtioDeviceModel. The transport owns feature negotiation, the
 * device status, the split virtqueues and the interrupt line; the model owns
 * its configuration space and what a request means.
 *
 * Legacy (Version 1) devices are not offered: VIRTIO_F_VERSION_1 is always
 * offered and a driver that does not accept it never gets FEATURES_OK.
 * A driver that breaks the virtqueue rules (a looping chain, DMA outside RAM)
 * puts the device in DEVICE_NEEDS_RESET with a configuration-change interrupt.
 */
import type { Device, IrqLine } from "../device.js";
import { DmaFault, type GuestMemory } from "./guest-memory.js";
import { Virtqueue, VirtqueueError, type VirtqueueState } from "./queue.js";

/** Register offsets. */
export const enum MmioReg {
  /** 0x74726976 ("virt") */
  MagicValue = 0x000,
  /** 2 for the modern layout */
  Version = 0x004,
  /** Device type (2 block, 4 entropy...) */
  DeviceId = 0x008,
  VendorId = 0x00c,
  /** 32 bits of the offered features, selected by DeviceFeaturesSel */
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  /** 32 bits of the accepted features, selected by DriverFeaturesSel */
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  /** Which queue the Queue* registers refer to */
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  QueueReady = 0x044,
  /** Written with a queue index when the driver made buffers available */
  QueueNotify = 0x050,
  /** Bit 0 used buffer, bit 1 configuration change */
  InterruptStatus = 0x060,
  InterruptAck = 0x064,
  /** Device status; writing 0 resets the device */
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  /** Shared memory regions (none here) */
  ShmSel = 0x0ac,
  ShmLenLow = 0x0b0,
  ShmLenHigh = 0x0b4,
  ShmBaseLow = 0x0b8,
  ShmBaseHigh = 0x0bc,
  ConfigGeneration = 0x0fc,
  /** Device-specific configuration space */
  Config = 0x100,
}

/** Device status bits. */
export const enum Status {
  /** The guest noticed the device */
  Acknowledge = 1,
  /** The guest has a driver for it */
  Driver = 2,
  /** The driver is ready: the device may use the queues */
  DriverOk = 4,
  /** Feature negotiation is complete (cleared by the device if it refuses the features) */
  FeaturesOk = 8,
  /** The device hit an error the driver must reset it for */
  DeviceNeedsReset = 0x40,
  /** The driver gave up */
  Failed = 0x80,
}

/** InterruptStatus bits. */
export const enum Interrupt {
  /** A used buffer was returned */
  UsedBuffer = 1,
  /** The configuration space changed (or the device needs a reset) */
  ConfigChange = 2,
}

/** 0x74726976, "virt" in little-endian ASCII. */
export const VIRTIO_MMIO_MAGIC = 0x74726976;
/** The vendor id QEMU reports ("QEMU" in little-endian ASCII); guests do not look at it. */
export const VIRTIO_MMIO_VENDOR = 0x554d4551;
/** Size of one virtio-mmio window (the virt board spaces them 0x1000 apart). */
export const VIRTIO_MMIO_SIZE = 0x1000;

/** Device-independent feature bits. */
export const VIRTIO_F_INDIRECT_DESC = 1n << 28n;
export const VIRTIO_F_EVENT_IDX = 1n << 29n;
export const VIRTIO_F_VERSION_1 = 1n << 32n;

/** Device ids. */
export const enum VirtioId {
  Net = 1,
  Block = 2,
  Console = 3,
  Entropy = 4,
}

/**
 * What a device model may ask of its transport outside a driver's notify: a
 * device whose work starts from host events (a NIC receiving a frame) serves
 * its queues through kick(), so the transport's rules (only after DRIVER_OK,
 * a broken ring means DEVICE_NEEDS_RESET) hold as for a notify.
 */
export interface VirtioTransport {
  /** The device status register as the driver reads it (0 while the device is reset). */
  readonly deviceStatus: number;
  /** Serves queue `index` as if the driver had notified it: the model's notify runs when the device is live and the queue ready. */
  kick(index: number): void;
}

/** What a device model gives the transport. */
export interface VirtioDeviceModel {
  /** Short name, for the memory map and messages. */
  readonly name: string;
  /** DeviceID. */
  readonly deviceId: number;
  /** Device-specific feature bits offered; the transport adds VIRTIO_F_VERSION_1 and VIRTIO_F_INDIRECT_DESC. */
  readonly features: bigint;
  /** QueueNumMax of each queue; the array's length is the number of queues. */
  readonly queueSizes: readonly number[];
  /** Device configuration space (little-endian), read by the driver at Config. */
  readonly config: Uint8Array;
  /** The driver wrote `width` bytes of `value` at `offset` into the configuration space (ignored when absent). */
  writeConfig?(offset: number, width: number, value: number): void;
  /** The features the driver accepted, when the transport accepts FEATURES_OK. */
  negotiated?(features: bigint): void;
  /** The driver made buffers available in `queue` (and at DRIVER_OK for every ready queue, and at the model's kick()). */
  notify(queue: Virtqueue): void;
  /** Called once by the transport the model is plugged into, for models that use it later (kick()). */
  bind?(transport: VirtioTransport): void;
  /** The driver reset the device: forget requests in flight. */
  reset(): void;
  /** The model's own state for a snapshot (plain JSON), when it has any beyond the transport's. */
  save?(): object;
  /** Takes what save() returned (throws RangeError when it does not fit this model). */
  restore?(s: object): void;
}

/** A virtio-mmio transport's registers as a snapshot keeps them, with its queues and its model's state. */
export interface VirtioMmioState {
  /** DeviceID of the model, checked on restore. */
  deviceId: number;
  deviceFeaturesSel: number;
  /** The accepted feature words (DriverFeatures 0..3). */
  driverFeatures: number[];
  driverFeaturesSel: number;
  queueSel: number;
  status: number;
  needsReset: boolean;
  interruptStatus: number;
  configGeneration: number;
  queues: VirtqueueState[];
  /** The model's save(), if it has one. */
  model?: object;
}

export class VirtioMmio implements Device, VirtioTransport {
  readonly name: string;
  readonly size = VIRTIO_MMIO_SIZE;
  readonly queues: Virtqueue[];
  /** Offered features, VERSION_1 and INDIRECT_DESC included. */
  readonly deviceFeatures: bigint;
  private deviceFeaturesSel = 0;
  private readonly driverFeatures = new Uint32Array(4);
  private driverFeaturesSel = 0;
  private queueSel = 0;
  private status = 0;
  private needsReset = false;
  private interruptStatus = 0;
  private configGeneration = 0;
  /** The error that put the device in DEVICE_NEEDS_RESET, for diagnostics. */
  lastError: Error | undefined;

  constructor(
    readonly model: VirtioDeviceModel,
    memory: GuestMemory,
    /** The interrupt line (a PLIC source). */
    private readonly irq: IrqLine,
  ) {
    this.name = `virtio-${model.name}`;
    this.deviceFeatures = model.features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC;
    this.queues = model.queueSizes.map((n, i) => new Virtqueue(i, n, memory, () => this.interrupt(Interrupt.UsedBuffer)));
    model.bind?.(this);
  }

  /** Serves queue `index` for the model as a driver's notify would (VirtioTransport). */
  kick(index: number): void {
    const q = this.queues[index];
    if (q !== undefined) this.notify(q);
  }

  /** The features the driver accepted (meaningful once FEATURES_OK is set). */
  get driverFeatureBits(): bigint {
    let f = 0n;
    for (let i = 0; i < 4; i++) f |= BigInt(this.driverFeatures[i]) << BigInt(32 * i);
    return f;
  }

  /** The device status register as the driver reads it. */
  get deviceStatus(): number {
    return this.status | (this.needsReset ? Status.DeviceNeedsReset : 0);
  }

  /** The model changed its configuration space: bump ConfigGeneration and tell the driver. */
  configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if ((this.status & Status.DriverOk) !== 0) this.interrupt(Interrupt.ConfigChange);
  }

  /** The transport's registers, its queues and its model's state, for a snapshot. */
  save(): VirtioMmioState {
    return {
      deviceId: this.model.deviceId, deviceFeaturesSel: this.deviceFeaturesSel, driverFeatures: Array.from(this.driverFeatures),
      driverFeaturesSel: this.driverFeaturesSel, queueSel: this.queueSel, status: this.status, needsReset: this.needsReset,
      interruptStatus: this.interruptStatus, configGeneration: this.configGeneration,
      queues: this.queues.map((q) => q.save()), model: this.model.save?.(),
    };
  }

  /**
   * Takes the state of save() (guest RAM must be restored first: ready
   * queues map their rings) and drives the interrupt line to match. The
   * model hears the accepted features again (negotiated()) when the saved
   * status has FEATURES_OK, then takes its own state. It is not notified: a
   * request the driver made available is served at its next notify, as it
   * would have been.
   */
  restore(s: VirtioMmioState): void {
    if (s.deviceId !== this.model.deviceId || s.queues.length !== this.queues.length || s.driverFeatures.length !== 4) {
      throw new RangeError(`virtio state of device ${s.deviceId} with ${s.queues.length} queues does not fit ${this.name}`);
    }
    this.deviceFeaturesSel = s.deviceFeaturesSel;
    this.driverFeatures.set(s.driverFeatures);
    this.driverFeaturesSel = s.driverFeaturesSel;
    this.queueSel = s.queueSel;
    this.status = s.status;
    this.needsReset = s.needsReset;
    this.interruptStatus = s.interruptStatus;
    this.configGeneration = s.configGeneration;
    this.queues.forEach((q, i) => q.restore(s.queues[i]));
    if ((this.status & Status.FeaturesOk) !== 0) this.model.negotiated?.(this.driverFeatureBits);
    if (s.model !== undefined) this.model.restore?.(s.model);
    this.irq.set(this.interruptStatus !== 0);
  }

  private interrupt(bits: number): void {
    this.interruptStatus |= bits;
    this.irq.set(this.interruptStatus !== 0);
  }

  private fail(e: unknown): void {
    if (!(e instanceof VirtqueueError || e instanceof DmaFault)) throw e;
    this.lastError = e;
    this.needsReset = true;
    if ((this.status & Status.DriverOk) !== 0) this.interrupt(Interrupt.ConfigChange);
  }

  private reset(): void {
    this.status = 0;
    this.needsReset = false;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    this.driverFeatures.fill(0);
    this.interruptStatus = 0;
    this.irq.set(false);
    for (const q of this.queues) q.reset();
    this.model.reset();
  }

  private notify(q: Virtqueue): void {
    if ((this.status & Status.DriverOk) === 0 || this.needsReset || !q.ready) return;
    try {
      this.model.notify(q);
    } catch (e) {
      this.fail(e);
    }
  }

  private writeStatus(value: number): void {
    const v = value & 0xff & ~Status.DeviceNeedsReset;
    if (v === 0) { this.reset(); return; }
    const old = this.status;
    let next = v;
    if ((next & Status.FeaturesOk) !== 0 && (old & Status.FeaturesOk) === 0) {
      const accepted = this.driverFeatureBits;
      if ((accepted & ~this.deviceFeatures) !== 0n || (accepted & VIRTIO_F_VERSION_1) === 0n) next &= ~Status.FeaturesOk;
      else this.model.negotiated?.(accepted);
    }
    this.status = next;
    if ((next & Status.DriverOk) !== 0 && (old & Status.DriverOk) === 0) {
      for (const q of this.queues) this.notify(q);
    }
  }

  private get queue(): Virtqueue | undefined {
    return this.queues[this.queueSel];
  }

  read(offset: number, width: number): number {
    if (offset >= MmioReg.Config) return this.readConfig(offset - MmioReg.Config, width);
    if (width !== 4 || (offset & 3) !== 0) return 0;
    const q = this.queue;
    switch (offset) {
      case MmioReg.MagicValue: return VIRTIO_MMIO_MAGIC;
      case MmioReg.Version: return 2;
      case MmioReg.DeviceId: return this.model.deviceId;
      case MmioReg.VendorId: return VIRTIO_MMIO_VENDOR;
      case MmioReg.DeviceFeatures:
        return this.deviceFeaturesSel > 3 ? 0 : Number((this.deviceFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
      case MmioReg.QueueNumMax: return q?.maxSize ?? 0;
      case MmioReg.QueueNum: return q?.size ?? 0;
      case MmioReg.QueueReady: return q?.ready ? 1 : 0;
      case MmioReg.QueueDescLow: return q ? q.descAddr >>> 0 : 0;
      case MmioReg.QueueDescHigh: return q ? Math.floor(q.descAddr / 4294967296) >>> 0 : 0;
      case MmioReg.QueueDriverLow: return q ? q.driverAddr >>> 0 : 0;
      case MmioReg.QueueDriverHigh: return q ? Math.floor(q.driverAddr / 4294967296) >>> 0 : 0;
      case MmioReg.QueueDeviceLow: return q ? q.deviceAddr >>> 0 : 0;
      case MmioReg.QueueDeviceHigh: return q ? Math.floor(q.deviceAddr / 4294967296) >>> 0 : 0;
      case MmioReg.InterruptStatus: return this.interruptStatus;
      case MmioReg.Status: return this.deviceStatus;
      case MmioReg.ShmLenLow: case MmioReg.ShmLenHigh:
      case MmioReg.ShmBaseLow: case MmioReg.ShmBaseHigh:
        return 0xffffffff; // no shared memory region
      case MmioReg.ConfigGeneration: return this.configGeneration;
    }
    return 0;
  }

  write(offset: number, width: number, value: number): void {
    if (offset >= MmioReg.Config) { this.model.writeConfig?.(offset - MmioReg.Config, width, value); return; }
    if (width !== 4 || (offset & 3) !== 0) return;
    const v = value >>> 0;
    const q = this.queue;
    // Queue layout may only change while the queue is not ready.
    const setup = q !== undefined && !q.ready;
    switch (offset) {
      case MmioReg.DeviceFeaturesSel: this.deviceFeaturesSel = v; return;
      case MmioReg.DriverFeatures:
        if (this.driverFeaturesSel < 4 && (this.status & Status.FeaturesOk) === 0) this.driverFeatures[this.driverFeaturesSel] = v;
        return;
      case MmioReg.DriverFeaturesSel: this.driverFeaturesSel = v; return;
      case MmioReg.QueueSel: this.queueSel = v; return;
      case MmioReg.QueueNum: if (setup) q.size = v; return;
      case MmioReg.QueueReady:
        if (q === undefined) return;
        if ((v & 1) === 0) { q.ready = false; return; }
        if (q.ready) return;
        try {
          q.activate();
        } catch (e) {
          this.fail(e);
        }
        return;
      case MmioReg.QueueNotify: {
        const target = this.queues[v & 0xffff];
        if (target !== undefined) this.notify(target);
        return;
      }
      case MmioReg.InterruptAck:
        this.interruptStatus &= ~v;
        this.irq.set(this.interruptStatus !== 0);
        return;
      case MmioReg.Status: this.writeStatus(v); return;
      case MmioReg.QueueDescLow: if (setup) q.descAddr = setLow(q.descAddr, v); return;
      case MmioReg.QueueDescHigh: if (setup) q.descAddr = setHigh(q.descAddr, v); return;
      case MmioReg.QueueDriverLow: if (setup) q.driverAddr = setLow(q.driverAddr, v); return;
      case MmioReg.QueueDriverHigh: if (setup) q.driverAddr = setHigh(q.driverAddr, v); return;
      case MmioReg.QueueDeviceLow: if (setup) q.deviceAddr = setLow(q.deviceAddr, v); return;
      case MmioReg.QueueDeviceHigh: if (setup) q.deviceAddr = setHigh(q.deviceAddr, v); return;
    }
  }

  private readConfig(offset: number, width: number): number {
    const c = this.model.config;
    if (offset + width > c.length || (width !== 1 && width !== 2 && width !== 4)) return 0;
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = v * 256 + c[offset + i];
    return v;
  }
}

const setLow = (addr: number, lo: number): number => Math.floor(addr / 4294967296) * 4294967296 + lo;
const setHigh = (addr: number, hi: number): number => hi * 4294967296 + (addr % 4294967296);
