/**
 * User-mode networking at the frame level: a scripted "guest" sends the
 * frames a guest kernel would and checks the answers against the RFCs
 * (DHCP, ARP, ICMP, DNS, TCP through a real host socket), and malformed
 * frames are counted, never thrown.
 */
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { BROADCAST, BROADCAST_MAC, DNS_SERVER, GATEWAY, GATEWAY_MAC, GUEST } from "./addresses.js";
import { UserNet } from "./user-net.js";
import { buildSegment, parseSegment, TcpFlag } from "./tcp-segment.js";
import { udpFrame } from "./udp.js";
import { EtherType, fold, IpProto, ipv4Frame, L4, l4ChecksumOk, parseIpv4, put16, put32, sum16, u16, u32 } from "./wire.js";

const GUEST_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);

/** A user-mode network with a queue of the frames it sent to the guest. */
async function network(): Promise<{ net: UserNet; frames: Uint8Array[]; next: () => Promise<Uint8Array> }> {
  const net = await UserNet.open();
  const frames: Uint8Array[] = [];
  let waiter: (() => void) | undefined;
  net.attach((f) => { frames.push(f.slice()); waiter?.(); });
  const next = async () => {
    for (let i = 0; frames.length === 0; i++) {
      if (i > 200) throw new Error("no frame for the guest");
      await new Promise<void>((r) => { waiter = r; setTimeout(r, 25); });
    }
    return frames.shift()!;
  };
  return { net, frames, next };
}

/** A DHCP DISCOVER (op 1, magic cookie, option 53 = 1) from the guest. */
function discover(): Uint8Array {
  const m = new Uint8Array(244);
  m[0] = 1; m[1] = 1; m[2] = 6;
  put32(m, 4, 0xdeadbeef);
  m.set(GUEST_MAC, 28);
  put32(m, 236, 0x63825363);
  m.set([53, 1, 1, 255], 240);
  const f = udpFrame(BROADCAST_MAC, 0, 68, BROADCAST, 67, m);
  f.set(GUEST_MAC, 6);
  return f;
}

/** The DHCP options of a reply as a map from code to bytes. */
function dhcpOptions(m: Uint8Array): Map<number, number[]> {
  const o = new Map<number, number[]>();
  for (let i = 240; i < m.length && m[i] !== 255;) {
    if (m[i] === 0) { i++; continue; }
    o.set(m[i], Array.from(m.subarray(i + 2, i + 2 + m[i + 1])));
    i += 2 + m[i + 1];
  }
  return o;
}

const ip = (a: number) => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255];

describe("user-mode networking", () => {
  test("DHCP offers 10.0.2.15/24 with router 10.0.2.2 and DNS 10.0.2.3", async () => {
    const { net, next } = await network();
    net.transmit(discover());
    const f = await next();
    const p = parseIpv4(f)!;
    assert.ok(l4ChecksumOk(f, p));
    assert.equal(p.src, GATEWAY);
    const m = f.subarray(p.payload + 8);
    assert.equal(m[0], 2);
    assert.equal(u32(m, 4), 0xdeadbeef);
    assert.equal(u32(m, 16), GUEST);
    const o = dhcpOptions(m);
    assert.deepEqual(o.get(53), [2]); // OFFER
    assert.deepEqual(o.get(1), [255, 255, 255, 0]);
    assert.deepEqual(o.get(3), ip(GATEWAY));
    assert.deepEqual(o.get(6), ip(DNS_SERVER));
    net.close();
  });

  test("ARP for the gateway is answered with its MAC, ICMP echo to it is answered", async () => {
    const { net, next } = await network();
    const arp = new Uint8Array(42);
    arp.set(BROADCAST_MAC, 0); arp.set(GUEST_MAC, 6); put16(arp, 12, EtherType.Arp);
    arp.set([0, 1, 8, 0, 6, 4, 0, 1], 14); arp.set(GUEST_MAC, 22); put32(arp, 28, GUEST); put32(arp, 38, GATEWAY);
    net.transmit(arp);
    const r = await next();
    assert.equal(u16(r, 20), 2);
    assert.deepEqual(r.subarray(22, 28), GATEWAY_MAC);
    assert.equal(u32(r, 28), GATEWAY);
    assert.deepEqual(r.subarray(0, 6), GUEST_MAC);

    const echo = ipv4Frame(GATEWAY_MAC, GUEST_MAC, GUEST, GATEWAY, IpProto.Icmp, 16);
    echo[L4] = 8; put16(echo, L4 + 4, 0x1234); put16(echo, L4 + 6, 7); echo.set([1, 2, 3, 4, 5, 6, 7, 8], L4 + 8);
    put16(echo, L4 + 2, fold(sum16(echo, L4, echo.length)));
    net.transmit(echo);
    const e = await next();
    const p = parseIpv4(e)!;
    assert.equal(e[p.payload], 0);
    assert.equal(fold(sum16(e, p.payload, p.payload + p.length)), 0);
    assert.deepEqual(e.subarray(p.payload + 4), echo.subarray(L4 + 4));
    net.close();
  });

  test("DNS at 10.0.2.3 answers an A query from the host's resolver", async () => {
    const { net, next } = await network();
    const q = Uint8Array.of(0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, ...Buffer.from("localhost"), 0, 0, 1, 0, 1);
    const f = udpFrame(GATEWAY_MAC, GUEST, 40000, DNS_SERVER, 53, q);
    f.set(GUEST_MAC, 6);
    net.transmit(f);
    const r = await next();
    const p = parseIpv4(r)!;
    const a = r.subarray(p.payload + 8);
    assert.equal(u16(a, 0), 0xabcd);
    assert.equal(a[3] & 15, 0, "NOERROR");
    assert.ok(u16(a, 6) >= 1, "at least one answer");
    assert.deepEqual(Array.from(a.subarray(a.length - 4)), [127, 0, 0, 1]);
    net.close();
  });

  test("a guest TCP connection to 10.0.2.2 reaches a host server on loopback and carries data both ways", async () => {
    const got: Buffer[] = [];
    const server = createServer((s) => {
      s.on("data", (d) => { got.push(d); s.end("world"); });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const { net, next } = await network();
    const ends = { guestMac: GATEWAY_MAC, ourMac: GUEST_MAC, guestAddr: GATEWAY, guestPort: port, peerAddr: GUEST, peerPort: 45000 };
    // Frames from the guest: built with the ends swapped (the guest is the "peer" here).
    const send = (seq: number, ack: number, flags: number, data = "") => {
      const b = Buffer.from(data);
      net.transmit(buildSegment(ends, seq, ack, flags, 65535, b.length, (f, at) => f.set(b, at), flags & TcpFlag.Syn ? { mss: 1460, windowScale: 0 } : undefined));
    };
    send(1000, 0, TcpFlag.Syn);
    const synAck = await next();
    const sa = parseSegment(synAck, parseIpv4(synAck)!)!;
    assert.equal(sa.flags, TcpFlag.Syn | TcpFlag.Ack);
    assert.equal(sa.ack, 1001);
    assert.ok(l4ChecksumOk(synAck, parseIpv4(synAck)!));
    send(1001, sa.seq + 1, TcpFlag.Ack | TcpFlag.Psh, "hello");
    let data = "", fin = false, ackTo = sa.seq + 1;
    while (!fin) {
      const f = await next();
      const s = parseSegment(f, parseIpv4(f)!)!;
      assert.equal(s.flags & TcpFlag.Rst, 0);
      data += Buffer.from(f.subarray(s.data, s.data + s.dataLength)).toString();
      ackTo = (s.seq + s.dataLength + ((s.flags & TcpFlag.Fin) !== 0 ? 1 : 0)) >>> 0;
      fin = (s.flags & TcpFlag.Fin) !== 0;
    }
    assert.equal(data, "world");
    assert.equal(Buffer.concat(got).toString(), "hello");
    send(1006, ackTo, TcpFlag.Ack | TcpFlag.Fin);
    const last = await next();
    assert.equal(parseSegment(last, parseIpv4(last)!)!.ack, 1007);
    net.close();
    server.close();
  });

  test("a SYN to a closed host port is answered with a reset", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { net, next } = await network();
    const ends = { guestMac: GATEWAY_MAC, ourMac: GUEST_MAC, guestAddr: GATEWAY, guestPort: port, peerAddr: GUEST, peerPort: 45001 };
    net.transmit(buildSegment(ends, 5, 0, TcpFlag.Syn, 65535, 0, undefined, { mss: 1460, windowScale: 7 }));
    const r = await next();
    const s = parseSegment(r, parseIpv4(r)!)!;
    assert.equal(s.flags, TcpFlag.Rst | TcpFlag.Ack);
    assert.equal(s.ack, 6);
    net.close();
  });

  test("malformed frames are dropped and counted, never thrown", async () => {
    const { net, frames } = await network();
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 16; };
    const good = udpFrame(GATEWAY_MAC, GUEST, 1, GATEWAY, 9, new Uint8Array(32));
    for (let i = 0; i < 2000; i++) {
      const f = good.slice(0, rnd() % (good.length + 1));
      for (let k = rnd() % 4; k > 0 && f.length > 0; k--) f[rnd() % f.length] ^= 1 << (rnd() % 8);
      net.transmit(f);
    }
    net.transmit(new Uint8Array(3));
    assert.ok(net.stats.dropped > 1000, `dropped ${net.stats.dropped}`);
    await new Promise((r) => setTimeout(r, 50));
    for (const f of frames) assert.ok(f.length >= 14);
    net.close();
  });
});
