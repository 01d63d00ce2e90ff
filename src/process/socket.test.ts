import test from "node:test";
import assert from "node:assert/strict";
import { AF, Msg, SockType, decodeSockAddr, encodeSockAddr, formatIPv6, parseIPv6, type Received } from "./socket.js";
import { UnixSocket } from "./socket-unix.js";
import { TcpSocket } from "./socket-tcp.js";
import { UdpSocket } from "./socket-udp.js";
import { OFlag, PollEv, isBlocking, type OpenFile } from "./fd-table.js";

const cred = { pid: 1, uid: 2, gid: 3 };
const text = (b: Uint8Array, n: number) => new TextDecoder().decode(b.subarray(0, n));
const bytes = (s: string) => new TextEncoder().encode(s);
const n = (r: unknown) => (typeof r === "number" ? r : (r as Received).n);

test("sockaddr_in encodes the port big-endian and decodes back", () => {
  const b = encodeSockAddr({ family: AF.INET, address: "127.0.0.1", port: 0x1234 });
  assert.deepEqual([...b.subarray(0, 8)], [2, 0, 0x12, 0x34, 127, 0, 0, 1]);
  assert.equal(b.length, 16);
  assert.deepEqual(decodeSockAddr(b), { family: AF.INET, address: "127.0.0.1", port: 0x1234 });
});

test("sockaddr_in6 carries the address, flow info and scope, and maps IPv4 addresses", () => {
  const b = encodeSockAddr({ family: AF.INET6, address: "::1", port: 80, flowinfo: 0, scopeId: 3 });
  assert.equal(b.length, 28);
  assert.equal(b[23], 1);
  assert.deepEqual(decodeSockAddr(b), { family: AF.INET6, address: "::1", port: 80, flowinfo: 0, scopeId: 3 });
  const mapped = encodeSockAddr({ family: AF.INET6, address: "10.1.2.3", port: 1, flowinfo: 0, scopeId: 0 });
  assert.equal(formatIPv6(mapped.subarray(8, 24)), "::ffff:10.1.2.3");
});

test("IPv6 text round-trips with the longest zero run compressed", () => {
  for (const s of ["::", "::1", "fe80::1:2", "2001:db8::8:800:200c:417a", "1:0:0:2:0:0:0:3"]) {
    const parsed = parseIPv6(s);
    assert.ok(parsed);
    assert.equal(parseIPv6(formatIPv6(parsed))?.join(), parsed.join());
  }
  assert.equal(formatIPv6(parseIPv6("1:0:0:2:0:0:0:3")!), "1:0:0:2::3");
  assert.equal(parseIPv6("not an address"), undefined);
});

test("sockaddr_un: named paths end with a NUL, abstract names and unnamed sockets do not", () => {
  assert.equal(encodeSockAddr({ family: AF.UNIX, path: "a.sock" }).length, 2 + 6 + 1);
  assert.equal(encodeSockAddr({ family: AF.UNIX, path: "\0abc" }).length, 2 + 4);
  assert.equal(encodeSockAddr({ family: AF.UNIX, path: "" }).length, 2);
  const raw = new Uint8Array(110);
  raw[0] = 1;
  raw.set(bytes("x.sock"), 2);
  assert.deepEqual(decodeSockAddr(raw), { family: AF.UNIX, path: "x.sock" });
  assert.deepEqual(decodeSockAddr(new Uint8Array([1, 0, 0, 0x61, 0x62])), { family: AF.UNIX, path: "\0ab" });
  assert.equal(decodeSockAddr(new Uint8Array([2, 0, 0])), -22);
  assert.equal(decodeSockAddr(new Uint8Array([99, 0])), -97);
});

test("a stream socketpair moves bytes both ways and reports end of file after shutdown", () => {
  const [a, b] = UnixSocket.pair(SockType.STREAM, OFlag.NONBLOCK, cred, () => {});
  assert.equal(a.write(bytes("ping")), 4);
  const buf = new Uint8Array(16);
  assert.equal(n(b.recv(buf, 0)), 4);
  assert.equal(text(buf, 4), "ping");
  assert.equal(n(b.recv(buf, 0)), -11);
  a.shutdown(1);
  assert.equal(b.poll(PollEv.IN | PollEv.RDHUP), PollEv.IN | PollEv.RDHUP);
  assert.equal(n(b.recv(buf, 0)), 0);
  assert.equal(a.send(bytes("x"), 0), -32);
});

test("datagram pairs keep boundaries and report truncation", () => {
  const [a, b] = UnixSocket.pair(SockType.DGRAM, 0, cred, () => {});
  a.send(bytes("hello world"), 0);
  const buf = new Uint8Array(5);
  const r = b.recv(buf, 0) as Received;
  assert.equal(r.n, 5);
  assert.equal(r.flags, Msg.TRUNC);
  assert.equal(n(b.recv(buf, Msg.DONTWAIT)), -11);
});

test("files passed with a message reach the receiver; unread ones are dropped with the socket", () => {
  const dropped: OpenFile[] = [];
  const [a, b] = UnixSocket.pair(SockType.STREAM, 0, cred, (fs) => dropped.push(...fs));
  const file = { kind: "pipe" } as OpenFile;
  a.send(bytes("f"), 0, undefined, [file]);
  a.send(bytes("g"), 0, undefined, [file]);
  const r = b.recv(new Uint8Array(8), 0) as Received;
  assert.equal(r.n, 1); // stops after the message carrying files
  assert.deepEqual(r.rights, [file]);
  b.release();
  assert.deepEqual(dropped, [file]);
});

test("closing with unread data resets the peer", () => {
  const [a, b] = UnixSocket.pair(SockType.STREAM, OFlag.NONBLOCK, cred, () => {});
  b.send(bytes("unread"), 0);
  a.release();
  assert.equal(n(b.recv(new Uint8Array(8), 0)), -104);
  assert.equal(n(b.recv(new Uint8Array(8), 0)), 0);
});

test("TCP over loopback: bind reports the port before listen, accept, echo, shutdown", async () => {
  const server = new TcpSocket(AF.INET, SockType.STREAM, 6, 0);
  assert.equal(await server.bind({ family: AF.INET, address: "127.0.0.1", port: 0 }), 0);
  const bound = server.localAddress();
  assert.ok(bound.family === AF.INET && bound.port !== 0);
  assert.equal(server.listen(4), 0);
  const client = new TcpSocket(AF.INET, SockType.STREAM, 6, 0);
  const connecting = client.connect(bound, false);
  const accepting = server.accept(false);
  assert.equal(await connecting, 0);
  const accepted = await accepting;
  assert.ok(typeof accepted === "object");
  const conn = accepted.socket;
  assert.equal(client.send(bytes("over tcp"), 0), 8);
  const buf = new Uint8Array(64);
  let got = 0;
  while (got < 8) got += n(await conn.recv(buf.subarray(got), 0));
  assert.equal(text(buf, 8), "over tcp");
  client.shutdown(1);
  assert.equal(n(await conn.recv(buf, 0)), 0);
  conn.release();
  assert.equal(n(await client.recv(buf, 0)), 0);
  client.release();
  server.release();
});

test("connecting to a port where nothing listens is ECONNREFUSED", async () => {
  const probe = new TcpSocket(AF.INET, SockType.STREAM, 6, 0);
  await probe.bind({ family: AF.INET, address: "127.0.0.1", port: 0 });
  const addr = probe.localAddress();
  probe.release();
  await new Promise((r) => setTimeout(r, 10));
  const client = new TcpSocket(AF.INET, SockType.STREAM, 6, 0);
  assert.equal(await client.connect(addr, false), -111);
  client.release();
});

test("UDP datagrams between sockets of this process arrive before sendto returns", async () => {
  const a = new UdpSocket(AF.INET, SockType.DGRAM, 17, 0), b = new UdpSocket(AF.INET, SockType.DGRAM, 17, 0);
  assert.equal(await b.bind({ family: AF.INET, address: "127.0.0.1", port: 0 }), 0);
  const to = b.localAddress();
  assert.equal(await a.send(bytes("dgram"), 0, to), 5);
  const buf = new Uint8Array(16);
  const r = b.recv(buf, Msg.DONTWAIT);
  assert.ok(typeof r === "object" && !isBlocking(r));
  assert.equal(r.n, 5);
  assert.ok(r.from?.family === AF.INET && r.from.address === "127.0.0.1");
  a.release();
  b.release();
});

test("UDP-Lite's checksum coverage options follow Linux's rules, and a UDP socket has none", () => {
  const lite = new UdpSocket(AF.INET, SockType.DGRAM, 136, 0), udp = new UdpSocket(AF.INET, SockType.DGRAM, 17, 0);
  try {
    assert.equal(lite.getOption(136, 10), 0);
    assert.equal(lite.setOption(136, 10, 4), 0);
    assert.equal(lite.getOption(136, 10), 8, "a coverage inside the header means the header");
    assert.equal(lite.setOption(136, 11, 70000), 0);
    assert.equal(lite.getOption(136, 11), 0xffff);
    assert.equal(lite.setOption(136, 10, 0), 0);
    assert.equal(lite.getOption(136, 10), 0);
    assert.equal(lite.setOption(136, 99, 1), -92); // ENOPROTOOPT
    assert.equal(udp.setOption(136, 10, 8), -92);
    assert.equal(udp.getOption(136, 10), undefined);
  } finally {
    lite.release();
    udp.release();
  }
});
