/** virtio-net driven through virtio-mmio by a fake driver, with a backend that records what the guest sends. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NetBackend } from "../../net/link.js";
import { MmioReg, Status, VIRTIO_F_VERSION_1 } from "../virtio/mmio.js";
import { FakeDriver, type Buffer } from "../virtio/testing.js";
import { completeChecksum } from "./checksum.js";
import {
  NetConfig, NetHdr, NetHdrFlag, NetQueue, NetStatus, RX_PENDING_FRAMES, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_STATUS, VirtioNet,
} from "./virtio-net.js";

/** A backend that keeps copies of the frames transmitted and lets the test deliver frames. */
class FakeBackend implements NetBackend {
  readonly kind = "fake";
  readonly sent: Uint8Array[] = [];
  deliver: (frame: Uint8Array) => void = () => { throw new Error("not attached"); };
  closed = false;
  attach(deliver: (frame: Uint8Array) => void): void {
    this.deliver = deliver;
  }
  transmit(frame: Uint8Array): void {
    this.sent.push(frame.slice());
  }
  close(): void {
    this.closed = true;
  }
}

const MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
const ALL = Status.Acknowledge | Status.Driver | Status.FeaturesOk | Status.DriverOk;

/** A device and its driver with both queues set up; `mergeable` false leaves MRG_RXBUF out of the negotiation. */
function setup(mergeable = true) {
  const backend = new FakeBackend();
  const net = new VirtioNet({ backend, mac: MAC });
  const d = new FakeDriver(net, 4 << 20);
  const offered = d.offered();
  const s = d.negotiate(mergeable ? offered : offered & ~VIRTIO_NET_F_MRG_RXBUF);
  assert.ok((s & Status.FeaturesOk) !== 0);
  d.setupQueue(NetQueue.Receive);
  d.setupQueue(NetQueue.Transmit);
  d.w32(MmioReg.Status, ALL);
  return { backend, net, d };
}

/** A 12-byte transmit header. */
function txHeader(flags = 0, csumStart = 0, csumOffset = 0, gsoType = 0): Uint8Array {
  const h = new Uint8Array(NetHdr.Size);
  const v = new DataView(h.buffer);
  h[NetHdr.Flags] = flags;
  h[NetHdr.GsoType] = gsoType;
  v.setUint16(NetHdr.CsumStart, csumStart, true);
  v.setUint16(NetHdr.CsumOffset, csumOffset, true);
  return h;
}

/** An Ethernet frame of `length` bytes whose payload counts from `seed`. */
function frame(length: number, seed = 0): Uint8Array {
  const f = new Uint8Array(length);
  f.set(MAC, 0);
  f.set([0x52, 0x55, 0x0a, 0x00, 0x02, 0x02], 6);
  f[12] = 0x08; f[13] = 0x00;
  for (let i = 14; i < length; i++) f[i] = (seed + i) & 0xff;
  return f;
}

const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

/** Sends one chain on the transmitq and returns its used-ring entry. */
function send(d: FakeDriver, bufs: Buffer[]): { id: number; len: number } {
  d.add(NetQueue.Transmit, bufs);
  d.notify(NetQueue.Transmit);
  const used = d.used(NetQueue.Transmit);
  assert.equal(used.length, 1);
  return used[0];
}

// --- Checksums computed from scratch (RFC 768 / RFC 793 with the RFC 1071 sum), independent of checksum.ts.

function sum16(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** An IPv4 packet in an Ethernet frame carrying `proto` (6 TCP, 17 UDP) with `l4` as its segment, checksum field at `csumAt` filled as `fill` says. */
function ipv4Frame(proto: number, l4: Uint8Array, csumAt: number, fill: "correct" | "partial"): Uint8Array {
  const src = [10, 0, 2, 15], dst = [93, 184, 216, 34];
  const ip = new Uint8Array(20);
  ip[0] = 0x45; ip[2] = (20 + l4.length) >> 8; ip[3] = (20 + l4.length) & 0xff; ip[8] = 64; ip[9] = proto;
  ip.set(src, 12); ip.set(dst, 16);
  const ipc = ~sum16([...ip]) & 0xffff;
  ip[10] = ipc >> 8; ip[11] = ipc & 0xff;
  const seg = l4.slice();
  seg[csumAt] = seg[csumAt + 1] = 0;
  const pseudo = [...src, ...dst, 0, proto, seg.length >> 8, seg.length & 0xff];
  // Linux leaves the folded pseudo-header sum, not complemented (csum_tcpudp_magic's complement, complemented again).
  const v = fill === "correct" ? (~sum16([...pseudo, ...seg]) & 0xffff) || 0xffff : sum16(pseudo);
  seg[csumAt] = v >> 8; seg[csumAt + 1] = v & 0xff;
  return cat(frame(14), ip, seg);
}

function udp(payload: number): Uint8Array {
  const u = new Uint8Array(8 + payload);
  u[0] = 0x9c; u[1] = 0x40; u[2] = 0x00; u[3] = 0x35; // 40000 -> 53
  u[4] = (8 + payload) >> 8; u[5] = (8 + payload) & 0xff;
  for (let i = 8; i < u.length; i++) u[i] = (i * 7 + 3) & 0xff;
  return u;
}

function tcp(payload: number): Uint8Array {
  const t = new Uint8Array(20 + payload);
  t.set([0xa4, 0x10, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0x50, 0x18, 0xfa, 0xf0], 0);
  for (let i = 20; i < t.length; i++) t[i] = (i * 13 + 1) & 0xff;
  return t;
}

describe("virtio-net", () => {
  test("the device is a network device offering MAC, STATUS, MRG_RXBUF and CSUM, no segmentation, with its MAC and link up in the configuration space", () => {
    const backend = new FakeBackend();
    const d = new FakeDriver(new VirtioNet({ backend, mac: MAC }));
    assert.equal(d.r32(MmioReg.DeviceId), 1);
    const offered = d.offered();
    const want = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF | VIRTIO_NET_F_STATUS;
    assert.equal(offered & want, want);
    assert.equal(offered & 0xff_ffffn, want, "no other device-specific feature (bits 0-23): GSO, GUEST_CSUM, CTRL_VQ, MQ...");
    assert.ok((offered & VIRTIO_F_VERSION_1) !== 0n);
    const mac = Array.from({ length: 6 }, (_, i) => d.dev.read(MmioReg.Config + NetConfig.Mac + i, 1));
    assert.deepEqual(mac, [...MAC]);
    assert.equal(d.dev.read(MmioReg.Config + NetConfig.Status, 2), NetStatus.LinkUp);
    assert.equal(d.dev.read(MmioReg.Config, 4), 0x12005452);
    for (const q of [0, 1]) {
      d.w32(MmioReg.QueueSel, q);
      assert.equal(d.r32(MmioReg.QueueNumMax), 256);
    }
    d.w32(MmioReg.QueueSel, 2);
    assert.equal(d.r32(MmioReg.QueueNumMax), 0, "no control queue");
  });

  test("a frame over two descriptors, the first shared with the header, reaches the backend exactly", () => {
    const { backend, net, d } = setup();
    const f = frame(600, 5);
    const u = send(d, [{ out: cat(txHeader(), f.subarray(0, 100)) }, { out: f.subarray(100) }]);
    assert.equal(u.len, 0);
    assert.deepEqual(backend.sent, [f]);
    const g = frame(60, 9);
    send(d, [{ out: txHeader() }, { out: g.subarray(0, 7) }, { out: g.subarray(7) }]);
    assert.deepEqual(backend.sent[1], g);
    assert.deepEqual(net.counters, { txPackets: 2, txBytes: 660, rxPackets: 0, rxBytes: 0, txDropped: 0, rxDropped: 0 });
    assert.equal(d.ack() & 1, 1, "the used buffer interrupts");
  });

  for (const [name, proto, seg, csumOffset] of [
    ["UDP", 17, udp(101), 6], ["UDP without payload", 17, udp(0), 6], ["TCP", 6, tcp(1000), 16], ["TCP with an odd length", 6, tcp(77), 16],
  ] as const) {
    test(`the device completes a ${name} checksum over IPv4 from the pseudo-header sum the guest left`, () => {
      const { backend, d } = setup();
      const expected = ipv4Frame(proto, seg, csumOffset, "correct");
      const partial = ipv4Frame(proto, seg, csumOffset, "partial");
      assert.notDeepEqual(partial, expected);
      send(d, [{ out: cat(txHeader(NetHdrFlag.NeedsCsum, 34, csumOffset), partial.subarray(0, 40)) }, { out: partial.subarray(40) }]);
      assert.deepEqual(backend.sent, [expected]);
    });
  }

  test("a checksum that sums to zero is stored as 0xffff", () => {
    const f = new Uint8Array([0, 0, 0xff, 0xff]);
    assert.ok(completeChecksum(f, 0, 0));
    assert.deepEqual([...f], [0xff, 0xff, 0xff, 0xff]);
    assert.equal(completeChecksum(new Uint8Array(10), 4, 5), false, "the field runs past the frame");
  });

  test("malformed chains are dropped, counted and returned empty, and the device keeps working", () => {
    const { backend, net, d } = setup();
    const bad: Buffer[][] = [
      [{ out: new Uint8Array(8) }], // shorter than the header
      [{ out: txHeader() }], // a header and no frame
      [{ out: cat(txHeader(), frame(14).subarray(0, 13)) }], // shorter than an Ethernet header
      [{ out: txHeader() }, { out: frame(1515) }], // longer than MAX_FRAME
      [{ out: cat(txHeader(0, 0, 0, 1), frame(100)) }], // a GSO frame, never offered
      [{ out: cat(txHeader(NetHdrFlag.NeedsCsum, 90, 16), frame(100)) }], // the checksum field past the end
      [{ in: 64 }], // nothing to read at all
    ];
    for (const bufs of bad) assert.equal(send(d, bufs).len, 0);
    assert.equal(backend.sent.length, 0);
    assert.equal(net.counters.txDropped, bad.length);
    assert.equal(d.r32(MmioReg.Status) & Status.DeviceNeedsReset, 0);
    const f = frame(1514);
    send(d, [{ out: txHeader() }, { out: f }]);
    assert.deepEqual(backend.sent, [f]);
    assert.equal(net.counters.txPackets, 1);
  });

  test("without mergeable buffers a frame is received into one buffer after a header with num_buffers 1", () => {
    const { backend, net, d } = setup(false);
    const { addrs } = d.add(NetQueue.Receive, [{ in: NetHdr.Size + 1514 }]);
    d.notify(NetQueue.Receive);
    d.ack();
    const f = frame(342, 3);
    backend.deliver(f);
    assert.equal(d.irq.high, true, "the receive raised the interrupt");
    assert.deepEqual(d.used(NetQueue.Receive), [{ id: 0, len: NetHdr.Size + 342 }]);
    const hdr = d.bytes(addrs[0], NetHdr.Size);
    assert.deepEqual([...hdr], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    assert.deepEqual(d.bytes(addrs[0] + NetHdr.Size, 342), f);
    assert.deepEqual(net.counters, { txPackets: 0, txBytes: 0, rxPackets: 1, rxBytes: 342, txDropped: 0, rxDropped: 0 });
  });

  test("without mergeable buffers a buffer too small for the frame is returned empty and the frame counted as dropped", () => {
    const { backend, net, d } = setup(false);
    d.add(NetQueue.Receive, [{ in: 100 }]);
    d.add(NetQueue.Receive, [{ in: 2048 }]);
    d.notify(NetQueue.Receive);
    backend.deliver(frame(200));
    backend.deliver(frame(80));
    assert.deepEqual(d.used(NetQueue.Receive), [{ id: 0, len: 0 }, { id: 1, len: NetHdr.Size + 80 }]);
    assert.equal(net.counters.rxDropped, 1);
    assert.equal(net.counters.rxPackets, 1);
  });

  test("with mergeable buffers a frame spans several chains in order, num_buffers in the first header", () => {
    const { backend, net, d } = setup(true);
    const a = d.add(NetQueue.Receive, [{ in: 600 }]).addrs;
    const b = d.add(NetQueue.Receive, [{ in: 300 }, { in: 300 }]).addrs; // one chain of two buffers
    const c = d.add(NetQueue.Receive, [{ in: 600 }]).addrs;
    d.add(NetQueue.Receive, [{ in: 600 }]);
    d.notify(NetQueue.Receive);
    const f = frame(1400, 11);
    backend.deliver(f);
    const used = d.used(NetQueue.Receive);
    assert.deepEqual(used.map((u) => u.len), [600, 600, 212]);
    const got = cat(d.bytes(a[0], 600), d.bytes(b[0], 300), d.bytes(b[1], 300), d.bytes(c[0], 212));
    assert.equal(new DataView(got.buffer).getUint16(NetHdr.NumBuffers, true), 3);
    assert.deepEqual(got.subarray(NetHdr.Size), f);
    // The next frame starts in the chain left over.
    backend.deliver(frame(60));
    assert.deepEqual(d.used(NetQueue.Receive).map((u) => u.len), [72]);
    assert.equal(net.counters.rxPackets, 2);
    assert.equal(net.counters.rxBytes, 1460);
  });

  test("a frame that needs more mergeable buffers than there are waits for them, keeping its order", () => {
    const { backend, d } = setup(true);
    const first = d.add(NetQueue.Receive, [{ in: 600 }]).addrs;
    d.notify(NetQueue.Receive);
    backend.deliver(frame(1400, 1));
    backend.deliver(frame(50, 2));
    assert.deepEqual(d.used(NetQueue.Receive), [], "no chain is used for a frame that does not fit yet");
    d.add(NetQueue.Receive, [{ in: 600 }]);
    d.add(NetQueue.Receive, [{ in: 600 }]);
    d.add(NetQueue.Receive, [{ in: 600 }]);
    d.notify(NetQueue.Receive);
    assert.deepEqual(d.used(NetQueue.Receive).map((u) => u.len), [600, 600, 212, 62]);
    assert.deepEqual(d.bytes(first[0] + NetHdr.Size, 588), frame(1400, 1).subarray(0, 588));
  });

  test("frames wait while the receive queue has no buffer and are delivered in order when the driver notifies", () => {
    const { backend, net, d } = setup(false);
    const frames = [frame(100, 1), frame(200, 2), frame(300, 3)];
    for (const f of frames) backend.deliver(f);
    frames[0].fill(0xee); // the backend may reuse its buffer: the device kept a copy
    assert.equal(net.pendingFrames, 3);
    assert.equal(d.irq.high, false);
    const addrs = [0, 1, 2, 3].map(() => d.add(NetQueue.Receive, [{ in: 1600 }]).addrs[0]);
    d.notify(NetQueue.Receive);
    assert.deepEqual(d.used(NetQueue.Receive).map((u) => u.len), [112, 212, 312]);
    assert.deepEqual(d.bytes(addrs[0] + NetHdr.Size, 100), frame(100, 1));
    assert.deepEqual(d.bytes(addrs[2] + NetHdr.Size, 300), frames[2]);
    assert.equal(net.pendingFrames, 0);
    assert.equal(d.irq.high, true);
    backend.deliver(frame(64));
    assert.deepEqual(d.used(NetQueue.Receive).map((u) => u.len), [76], "a later frame goes straight into the buffer left");
  });

  test("frames arriving while the driver sets the device up wait for DRIVER_OK; with no driver they are dropped", () => {
    const backend = new FakeBackend();
    const net = new VirtioNet({ backend, mac: MAC });
    const d = new FakeDriver(net);
    backend.deliver(frame(64));
    assert.equal(net.counters.rxDropped, 1, "the device is reset: nobody drives it");
    d.negotiate();
    d.setupQueue(0);
    d.setupQueue(1);
    backend.deliver(frame(64, 7));
    assert.equal(net.pendingFrames, 1);
    d.add(NetQueue.Receive, [{ in: 1600 }]);
    d.notify(NetQueue.Receive); // before DRIVER_OK: not served yet
    assert.deepEqual(d.used(NetQueue.Receive), []);
    d.w32(MmioReg.Status, ALL);
    assert.deepEqual(d.used(NetQueue.Receive).map((u) => u.len), [76]);
    backend.deliver(frame(64));
    assert.equal(net.pendingFrames, 1);
    d.w32(MmioReg.Status, 0);
    assert.equal(net.pendingFrames, 0, "a reset drops the frames waiting");
    assert.equal(net.counters.rxDropped, 2);
  });

  test("beyond RX_PENDING_FRAMES waiting frames are dropped and counted", () => {
    const { backend, net, d } = setup(false);
    for (let i = 0; i < RX_PENDING_FRAMES + 5; i++) backend.deliver(frame(60, i));
    assert.equal(net.pendingFrames, RX_PENDING_FRAMES);
    assert.equal(net.counters.rxDropped, 5);
    for (let i = 0; i < 10; i++) d.add(NetQueue.Receive, [{ in: 1600 }]);
    d.notify(NetQueue.Receive);
    assert.equal(d.used(NetQueue.Receive).length, 10);
    assert.equal(net.pendingFrames, RX_PENDING_FRAMES - 10);
    assert.equal(net.counters.rxPackets, 10);
  });

  test("frames the backend should never deliver (shorter than 14 or longer than 1514 bytes) are dropped", () => {
    const { backend, net, d } = setup();
    d.add(NetQueue.Receive, [{ in: 4096 }]);
    d.notify(NetQueue.Receive);
    backend.deliver(new Uint8Array(13));
    backend.deliver(new Uint8Array(1515));
    assert.equal(net.counters.rxDropped, 2);
    assert.deepEqual(d.used(NetQueue.Receive), []);
  });

  test("a snapshot keeps the MAC address, the counters and the mergeable buffers; close() closes the backend", () => {
    const { backend, net, d } = setup(true);
    send(d, [{ out: cat(txHeader(), frame(70)) }]);
    backend.deliver(frame(60)); // waits: no receive buffer
    const saved = JSON.parse(JSON.stringify(d.dev.save()));
    assert.deepEqual(saved.model, { mac: "52:54:00:12:34:56", counters: { ...net.counters } });

    const backend2 = new FakeBackend();
    const net2 = new VirtioNet({ backend: backend2, mac: Uint8Array.of(2, 0, 0, 0, 0, 1) });
    const d2 = d.copyWith(net2);
    d2.dev.restore(saved);
    assert.deepEqual(net2.mac, MAC);
    assert.deepEqual(net2.counters, net.counters);
    assert.equal(net2.pendingFrames, 0, "waiting frames are not part of a snapshot");
    d2.add(NetQueue.Receive, [{ in: 700 }]);
    d2.add(NetQueue.Receive, [{ in: 700 }]);
    d2.notify(NetQueue.Receive);
    backend2.deliver(frame(1000));
    assert.deepEqual(d2.used(NetQueue.Receive).map((u) => u.len), [700, 312], "mergeable buffers are still in use");
    assert.throws(() => net2.restore({ mac: "nonsense", counters: {} }), RangeError);
    net2.close();
    assert.equal(backend2.closed, true);
  });
});
