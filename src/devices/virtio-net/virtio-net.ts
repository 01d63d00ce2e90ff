/**
 * A virtio network device (VIRTIO 1.2, "Network Device") as Linux's
 * virtio_net driver uses it over virtio-mmio: queue 0 is the receiveq,
 * queue 1 the transmitq, no control queue. Frames leave and arrive through a
 * NetBackend (net/link.ts): user-mode networking or a virtual switch port.
 *
 * Every buffer starts with a 12-byte struct virtio_net_hdr (with VERSION_1 it
 * always has num_buffers). Offered: the MAC address and link status in the
 * configuration space, mergeable receive buffers, and checksum offload for
 * transmitted frames (the device completes a checksum the guest marked
 * NEEDS_CSUM). No segmentation offload (GSO/TSO) is offered, so no frame is
 * larger than MAX_FRAME.
 *
 * Transmit: each chain is the header and a frame (in any number of buffers,
 * the header's included); the frame goes to the backend at once. A malformed
 * chain is dropped and counted, never an error. Receive: the backend's
 * deliveries are written into the receiveq; while it has no buffer (or before
 * DRIVER_OK) up to RX_PENDING_FRAMES frames wait in the device, served when
 * the driver notifies queue 0 with new buffers.
 */
import type { NetBackend, NetCounters } from "../../net/link.js";
import { ETH_HEADER, MAX_FRAME, formatMac, parseMac } from "../../net/link.js";
import { Status, VirtioId, type VirtioDeviceModel, type VirtioTransport } from "../virtio/mmio.js";
import type { DescriptorChain, Segment, Virtqueue } from "../virtio/queue.js";
import { completeChecksum } from "./checksum.js";

// Feature bits of the network device.
/** The device completes checksums of transmitted frames (NEEDS_CSUM). */
export const VIRTIO_NET_F_CSUM = 1n << 0n;
/** The configuration space has the MAC address. */
export const VIRTIO_NET_F_MAC = 1n << 5n;
/** A received frame may span several receive buffers (num_buffers). */
export const VIRTIO_NET_F_MRG_RXBUF = 1n << 15n;
/** The configuration space has the link status. */
export const VIRTIO_NET_F_STATUS = 1n << 16n;

/** Configuration space offsets (struct virtio_net_config). */
export const enum NetConfig {
  /** u8[6]: the MAC address (with VIRTIO_NET_F_MAC) */
  Mac = 0,
  /** le16: VIRTIO_NET_S_* (with VIRTIO_NET_F_STATUS) */
  Status = 6,
  /** Bytes of configuration space this device shows (no multiqueue, MTU or speed fields) */
  Length = 8,
}

/** Link status bits (virtio_net_config.status). */
export const enum NetStatus {
  /** The link is up */
  LinkUp = 1,
  /** The driver should announce itself (gratuitous ARP) */
  Announce = 2,
}

/** struct virtio_net_hdr offsets. */
export const enum NetHdr {
  /** u8: VIRTIO_NET_HDR_F_* */
  Flags = 0,
  /** u8: VIRTIO_NET_HDR_GSO_* */
  GsoType = 1,
  /** le16: header length for segmentation */
  HdrLen = 2,
  /** le16: segment size for segmentation */
  GsoSize = 4,
  /** le16: where the checksum sum starts (NEEDS_CSUM) */
  CsumStart = 6,
  /** le16: where the checksum goes, from csum_start */
  CsumOffset = 8,
  /** le16: receive buffers the frame spans */
  NumBuffers = 10,
  /** Size of the header */
  Size = 12,
}

/** virtio_net_hdr.flags. */
export const enum NetHdrFlag {
  /** The checksum from csum_start is partial: the device completes it */
  NeedsCsum = 1,
  /** The checksum was checked (receive, with GUEST_CSUM) */
  DataValid = 2,
}

/** virtio_net_hdr.gso_type: only NONE is possible without GSO features. */
export const enum NetGso {
  None = 0,
}

/** Queue indexes (one queue pair, no control queue). */
export const enum NetQueue {
  Receive = 0,
  Transmit = 1,
}

/** Size of each queue. */
export const NET_QUEUE_SIZE = 256;
/**
 * Frames kept for the guest while the receiveq has no buffer: 256 frames of
 * at most 1514 bytes (under 400 KiB), about as much as a host tap queue
 * holds (txqueuelen 1000 of small packets). Beyond it frames are dropped, as
 * a NIC drops when its ring is full.
 */
export const RX_PENDING_FRAMES = 256;

/** What a virtio-net device is made with. */
export interface VirtioNetOptions {
  /** Where frames go and come from; the device attaches to it at once. */
  backend: NetBackend;
  /** The MAC address shown to the guest (6 bytes). */
  mac: Uint8Array;
}

/**
 * A network device's own state in a snapshot: its MAC address and counters.
 * Frames waiting for a receive buffer are not kept (a snapshot drops them, as
 * a link that lost a few frames; TCP and the guest's retries recover). The
 * accepted features come back through the transport (negotiated()).
 */
export interface VirtioNetState {
  /** "52:54:00:12:34:56". */
  mac: string;
  counters: NetCounters;
}

/** Counters that start at zero. */
export function zeroCounters(): NetCounters {
  return { txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0, txDropped: 0, rxDropped: 0 };
}

/** One network card: a virtio-net device model on a NetBackend. */
export class VirtioNet implements VirtioDeviceModel {
  readonly name = "net";
  readonly deviceId = VirtioId.Net;
  readonly features = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF | VIRTIO_NET_F_STATUS;
  readonly queueSizes = [NET_QUEUE_SIZE, NET_QUEUE_SIZE];
  readonly config = new Uint8Array(NetConfig.Length);
  readonly backend: NetBackend;
  /** Packets and bytes each way, and drops (metrics, --stats). */
  counters: NetCounters = zeroCounters();
  private transport: VirtioTransport | undefined;
  private closed = false;
  /** VIRTIO_NET_F_MRG_RXBUF was accepted. */
  private mergeable = false;
  /** Frames waiting for receive buffers: a ring of RX_PENDING_FRAMES slots. */
  private readonly pending: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(RX_PENDING_FRAMES);
  private pendingHead = 0;
  private pendingCount = 0;
  /** The frame being delivered, not copied yet: written straight into the receiveq when it has room. */
  private incoming: Uint8Array | undefined = undefined;
  /** The chains one received frame takes. */
  private readonly rxChains: DescriptorChain[] = [];
  /** A received frame with its header, as the guest gets it. */
  private readonly rxBuffer = new Uint8Array(NetHdr.Size + MAX_FRAME);
  /** A transmitted chain gathered: header and frame. */
  private readonly txBuffer = new Uint8Array(NetHdr.Size + MAX_FRAME);
  /** deliver for the backend, made once. */
  private readonly deliver = (frame: Uint8Array): void => this.receiveFromHost(frame);

  constructor(opts: VirtioNetOptions) {
    if (opts.mac.length !== 6) throw new RangeError(`a MAC address has 6 bytes, not ${opts.mac.length}`);
    this.config.set(opts.mac, NetConfig.Mac);
    this.config[NetConfig.Status] = NetStatus.LinkUp;
    this.backend = opts.backend;
    this.backend.attach(this.deliver);
  }

  /** The MAC address the guest sees (a view of the configuration space). */
  get mac(): Uint8Array {
    return this.config.subarray(NetConfig.Mac, NetConfig.Mac + 6);
  }

  /** Frames waiting for a receive buffer. */
  get pendingFrames(): number {
    return this.pendingCount;
  }

  bind(transport: VirtioTransport): void {
    this.transport = transport;
  }

  negotiated(features: bigint): void {
    this.mergeable = (features & VIRTIO_NET_F_MRG_RXBUF) !== 0n;
  }

  notify(queue: Virtqueue): void {
    if (queue.index === NetQueue.Receive) this.fillReceiveQueue(queue);
    else if (queue.index === NetQueue.Transmit) this.transmitAll(queue);
  }

  /** The driver reset the device: frames waiting are dropped (and counted). */
  reset(): void {
    this.counters.rxDropped += this.pendingCount;
    this.pending.fill(undefined);
    this.pendingHead = this.pendingCount = 0;
    this.mergeable = false;
  }

  /** The MAC address and counters (frames waiting are not kept: see VirtioNetState). */
  save(): VirtioNetState {
    return { mac: formatMac(this.mac), counters: { ...this.counters } };
  }

  /** Takes what save() returned, dropping frames waiting here (RangeError when it is not a network device's state). */
  restore(s: object): void {
    const st = s as Partial<VirtioNetState>;
    const mac = typeof st.mac === "string" ? parseMac(st.mac) : undefined;
    const c = st.counters as Record<string, unknown> | undefined;
    const fresh = zeroCounters();
    if (mac === undefined || typeof c !== "object" || c === null ||
      !Object.keys(fresh).every((k) => Number.isSafeInteger(c[k]) && (c[k] as number) >= 0)) {
      throw new RangeError("virtio-net state without a MAC address or counters");
    }
    this.config.set(mac, NetConfig.Mac);
    this.pending.fill(undefined);
    this.pendingHead = this.pendingCount = 0;
    for (const k of Object.keys(fresh) as (keyof NetCounters)[]) fresh[k] = c[k] as number;
    this.counters = fresh;
  }

  /** Closes the backend (the board's close()); once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backend.close();
  }

  /** The backend's deliver: a frame for the guest, written now or kept until the receiveq has buffers. */
  private receiveFromHost(frame: Uint8Array): void {
    const t = this.transport;
    const status = t?.deviceStatus ?? 0;
    // No driver (reset, or it gave up): the frame goes nowhere, as on a NIC nobody drives.
    if (t === undefined || (status & Status.Driver) === 0 || (status & Status.Failed) !== 0 ||
      frame.length < ETH_HEADER || frame.length > MAX_FRAME) {
      this.counters.rxDropped++;
      return;
    }
    if (this.pendingCount === 0) {
      this.incoming = frame;
      t.kick(NetQueue.Receive);
      const left = this.incoming;
      this.incoming = undefined;
      if (left !== undefined) this.keep(left);
    } else {
      this.keep(frame);
      t.kick(NetQueue.Receive);
    }
  }

  /** Keeps a copy of `frame` until the receiveq has room, or drops it when RX_PENDING_FRAMES wait already. */
  private keep(frame: Uint8Array): void {
    if (this.pendingCount === RX_PENDING_FRAMES) {
      this.counters.rxDropped++;
      return;
    }
    this.pending[(this.pendingHead + this.pendingCount) % RX_PENDING_FRAMES] = frame.slice();
    this.pendingCount++;
  }

  /** Writes waiting frames, then the one being delivered, into the receiveq until it runs out of buffers. */
  private fillReceiveQueue(q: Virtqueue): void {
    while (this.pendingCount > 0) {
      if (!this.receive(q, this.pending[this.pendingHead]!)) return;
      this.pending[this.pendingHead] = undefined;
      this.pendingHead = (this.pendingHead + 1) % RX_PENDING_FRAMES;
      this.pendingCount--;
    }
    if (this.incoming !== undefined && this.receive(q, this.incoming)) this.incoming = undefined;
  }

  /**
   * Writes `frame` with its header into the receiveq: one chain, or with
   * mergeable buffers as many as it takes (num_buffers in the first one's
   * header). Returns false, taking nothing, when the queue has too few
   * buffers now; true when the frame is done with: delivered, or dropped
   * because the chain the driver gave cannot hold it (that chain is returned
   * empty, and the driver posts another).
   */
  private receive(q: Virtqueue, frame: Uint8Array): boolean {
    const total = NetHdr.Size + frame.length;
    const chains = this.rxChains;
    let room = 0;
    while (room < total) {
      const c = q.pop();
      if (c === undefined) {
        q.unpop(chains.length);
        chains.length = 0;
        return false;
      }
      // The first chain must hold the header; without mergeable buffers, the whole frame.
      if (chains.length === 0 && c.writableLength < (this.mergeable ? NetHdr.Size : total)) {
        q.push(c, 0);
        this.counters.rxDropped++;
        return true;
      }
      chains.push(c);
      room += c.writableLength;
    }
    const buf = this.rxBuffer;
    buf.fill(0, 0, NetHdr.Size); // flags 0, gso_type NONE, no checksum fields
    buf[NetHdr.NumBuffers] = chains.length & 0xff;
    buf[NetHdr.NumBuffers + 1] = chains.length >>> 8;
    buf.set(frame, NetHdr.Size);
    let at = 0;
    for (const c of chains) {
      const n = Math.min(c.writableLength, total - at);
      copyOut(buf, at, n, c.writable);
      q.push(c, n);
      at += n;
    }
    chains.length = 0;
    this.counters.rxPackets++;
    this.counters.rxBytes += frame.length;
    return true;
  }

  /** Sends every chain of the transmitq, each returned with nothing written. */
  private transmitAll(q: Virtqueue): void {
    for (let c = q.pop(); c !== undefined; c = q.pop()) {
      const frame = this.frameOf(c);
      if (frame === undefined) this.counters.txDropped++;
      else {
        this.counters.txPackets++;
        this.counters.txBytes += frame.length;
        this.backend.transmit(frame);
      }
      q.push(c, 0);
    }
  }

  /** The frame a transmit chain carries, its checksum completed; undefined when the chain is malformed. */
  private frameOf(c: DescriptorChain): Uint8Array | undefined {
    const len = c.readableLength;
    if (len < NetHdr.Size + ETH_HEADER || len > NetHdr.Size + MAX_FRAME) return undefined;
    const buf = this.txBuffer;
    let at = 0;
    for (const s of c.readable) {
      buf.set(s.bytes, at);
      at += s.bytes.length;
    }
    if (buf[NetHdr.GsoType] !== NetGso.None) return undefined; // segmentation was never offered
    const frame = buf.subarray(NetHdr.Size, len);
    if ((buf[NetHdr.Flags] & NetHdrFlag.NeedsCsum) !== 0) {
      const start = buf[NetHdr.CsumStart] | (buf[NetHdr.CsumStart + 1] << 8);
      const offset = buf[NetHdr.CsumOffset] | (buf[NetHdr.CsumOffset + 1] << 8);
      if (!completeChecksum(frame, start, offset)) return undefined;
    }
    return frame;
  }
}

/** Copies `n` bytes of `src` from `from` into the buffers `to`, in order from their start. */
function copyOut(src: Uint8Array, from: number, n: number, to: Segment[]): void {
  let left = n, at = from;
  for (const s of to) {
    if (left === 0) return;
    const k = Math.min(left, s.bytes.length);
    s.bytes.set(src.subarray(at, at + k));
    at += k;
    left -= k;
  }
}
