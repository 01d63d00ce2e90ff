/**
 * A virtio block device (VIRTIO 1.2, "Block Device") backed by a BlockStore:
 * a raw disk image on the host, or bytes in memory. One request queue; every
 * request is served at once with synchronous I/O straight between the store
 * and the guest's buffers (no copy). Writes reach the store as they are made
 * (for a file, the host's page cache); VIRTIO_BLK_T_FLUSH makes them durable
 * (fsync), as does close().
 *
 * A request is a chain of: a 16-byte device-readable header (type u32,
 * reserved u32, sector u64), the data buffers (device-readable for writes,
 * device-writable for reads) and a last device-writable byte for the status.
 */
import { DiskImageError, FileBlockStore, type BlockStore } from "./block-store.js";
import { VirtioId, type VirtioDeviceModel } from "../virtio/mmio.js";
import { forEachRange, gather, type DescriptorChain, type Virtqueue } from "../virtio/queue.js";

/** Feature bits of the block device. */
export const VIRTIO_BLK_F_SIZE_MAX = 1n << 1n;
export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;

/** Request types (header field `type`). */
export const enum BlkType {
  /** Read sectors into the device-writable buffers */
  In = 0,
  /** Write sectors from the device-readable buffers */
  Out = 1,
  /** Make every completed write durable */
  Flush = 4,
  /** Return the device's serial number (up to 20 bytes) */
  GetId = 8,
}

/** Request status byte. */
export const enum BlkStatus {
  Ok = 0,
  IoErr = 1,
  Unsupp = 2,
}

/** Configuration space offsets (struct virtio_blk_config). */
export const enum BlkConfig {
  /** le64: size in 512-byte sectors */
  Capacity = 0,
  /** le32: largest segment (with SIZE_MAX) */
  SizeMax = 8,
  /** le32: most segments in a request (with SEG_MAX) */
  SegMax = 12,
  /** le32: logical block size (with BLK_SIZE) */
  BlkSize = 20,
  /** Bytes of configuration space this device shows (through the write-zeroes fields) */
  Length = 60,
}

/** Sector size of the protocol (always 512, whatever blk_size says). */
export const SECTOR = 512;
/** Size of the request queue. */
export const BLK_QUEUE_SIZE = 256;
/** Bytes of the GET_ID answer (VIRTIO_BLK_ID_BYTES). */
export const BLK_ID_BYTES = 20;

export { DiskImageError, FileBlockStore, MemoryBlockStore, type BlockStore } from "./block-store.js";

export interface VirtioBlkOptions {
  /** Path of the raw image on the host (opened as a FileBlockStore unless `store` is given). */
  path: string;
  /** The disk's storage, already open (then `path` only names it). */
  store?: BlockStore;
  /** Never write to the image (offers VIRTIO_BLK_F_RO). Also chosen when the file cannot be opened for writing. */
  readonly?: boolean;
  /** Serial number returned by GET_ID (at most 20 bytes used); default "typevisor-disk". */
  serial?: string;
}

/**
 * A block device's own state in a snapshot. Every request is completed during
 * the notify that made it available, so none is ever in flight; the image
 * stays on the host (the board's configuration names it). The capacity is
 * kept to refuse an image whose size changed since.
 */
export interface VirtioBlkState {
  /** Size in 512-byte sectors when saved. */
  capacity: number;
}

export class VirtioBlk implements VirtioDeviceModel {
  readonly name = "blk";
  readonly deviceId = VirtioId.Block;
  readonly features: bigint;
  readonly queueSizes = [BLK_QUEUE_SIZE];
  readonly config = new Uint8Array(BlkConfig.Length);
  /** Size in 512-byte sectors (a partial last sector of the file is not part of the disk). */
  readonly capacity: number;
  readonly readonly: boolean;
  private store: BlockStore | undefined;
  private readonly serial: Uint8Array;
  /** Requests served, and data bytes moved, since the device was made (trap accounting); failed requests count as errors only. */
  readonly stats = { reads: 0, writes: 0, flushes: 0, other: 0, errors: 0, bytesRead: 0, bytesWritten: 0 };
  /** Path of the image on the host. */
  readonly path: string;

  constructor(opts: VirtioBlkOptions) {
    this.path = opts.path;
    const store = opts.store ?? FileBlockStore.open(opts.path, opts.readonly === true);
    const ro = store.readonly || opts.readonly === true;
    this.store = store;
    this.readonly = ro;
    this.capacity = Math.floor(store.size / SECTOR);
    this.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | (ro ? VIRTIO_BLK_F_RO : 0n);
    this.serial = new TextEncoder().encode(opts.serial ?? "typevisor-disk").subarray(0, BLK_ID_BYTES);
    const c = new DataView(this.config.buffer);
    c.setUint32(BlkConfig.Capacity, this.capacity % 4294967296, true);
    c.setUint32(BlkConfig.Capacity + 4, Math.floor(this.capacity / 4294967296), true);
    c.setUint32(BlkConfig.SegMax, BLK_QUEUE_SIZE - 2, true); // header and status take two descriptors
    c.setUint32(BlkConfig.BlkSize, SECTOR, true);
  }

  notify(queue: Virtqueue): void {
    for (let chain = queue.pop(); chain !== undefined; chain = queue.pop()) {
      queue.push(chain, this.serve(chain));
    }
  }

  reset(): void {}

  /** The state a snapshot keeps: the capacity. */
  save(): VirtioBlkState {
    return { capacity: this.capacity };
  }

  /** Checks that the image is still the size it had when saved (DiskImageError if not). */
  restore(s: VirtioBlkState): void {
    if (s.capacity !== this.capacity) {
      throw new DiskImageError(this.path, `has ${this.capacity} sectors now, but ${s.capacity} when the snapshot was taken`);
    }
  }

  /** Makes every write durable and closes the image. The device answers IOERR afterwards. */
  close(): void {
    this.store?.close();
    this.store = undefined;
  }

  /** Serves one request; returns the bytes written into its device-writable buffers. */
  private serve(chain: DescriptorChain): number {
    const statusAt = chain.writableLength - 1;
    if (statusAt < 0) return 0; // nowhere to put the status: nothing we can say
    let written = 0;
    let status: BlkStatus;
    try {
      [status, written] = this.request(chain, statusAt);
    } catch {
      status = BlkStatus.IoErr; // host I/O failed
      written = 0;
    }
    if (status !== BlkStatus.Ok) this.stats.errors++;
    forEachRange(chain.writable, statusAt, 1, (b) => { b[0] = status; });
    return written + 1;
  }

  /** [status, data bytes written to the guest]. */
  private request(chain: DescriptorChain, statusAt: number): [BlkStatus, number] {
    const store = this.store;
    if (chain.readableLength < 16 || store === undefined) return [BlkStatus.IoErr, 0];
    const h = gather(chain.readable, 0, 16);
    const hv = new DataView(h.buffer, h.byteOffset, 16);
    const type = hv.getUint32(0, true);
    const sector = hv.getUint32(8, true) + hv.getUint32(12, true) * 4294967296;
    switch (type) {
      case BlkType.In: {
        const len = statusAt;
        if (!this.inRange(sector, len)) return [BlkStatus.IoErr, 0];
        const base = sector * SECTOR;
        forEachRange(chain.writable, 0, len, (b, at) => store.read(b, base + at));
        this.stats.reads++; this.stats.bytesRead += len;
        return [BlkStatus.Ok, len];
      }
      case BlkType.Out: {
        if (this.readonly) return [BlkStatus.IoErr, 0];
        const len = chain.readableLength - 16;
        if (!this.inRange(sector, len)) return [BlkStatus.IoErr, 0];
        const base = sector * SECTOR;
        forEachRange(chain.readable, 16, len, (b, at) => store.write(b, base + at));
        this.stats.writes++; this.stats.bytesWritten += len;
        return [BlkStatus.Ok, 0];
      }
      case BlkType.Flush:
        if (!this.readonly) store.flush();
        this.stats.flushes++;
        return [BlkStatus.Ok, 0];
      case BlkType.GetId: {
        const n = Math.min(statusAt, BLK_ID_BYTES);
        const id = new Uint8Array(BLK_ID_BYTES); // NUL-padded when shorter than 20 bytes
        id.set(this.serial);
        forEachRange(chain.writable, 0, n, (b, at) => b.set(id.subarray(at, at + b.length)));
        this.stats.other++;
        return [BlkStatus.Ok, n];
      }
    }
    return [BlkStatus.Unsupp, 0];
  }

  /** Whether `len` bytes from `sector` are whole sectors inside the disk. */
  private inRange(sector: number, len: number): boolean {
    return len % SECTOR === 0 && sector <= this.capacity && len / SECTOR <= this.capacity - sector;
  }
}
