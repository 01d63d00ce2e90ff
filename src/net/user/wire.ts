/**
 * Byte-level helpers for the packets user-mode networking reads and writes:
 * Ethernet II, IPv4 (RFC 791), the Internet checksum (RFC 1071) and the
 * TCP/UDP pseudo-header. Frames are Uint8Arrays; multi-byte fields are
 * big-endian ("network order").
 */

/** EtherType values (IEEE 802.3). */
export const enum EtherType {
  /** IPv4 */
  Ipv4 = 0x0800,
  /** ARP */
  Arp = 0x0806,
}

/** IPv4 protocol numbers. */
export const enum IpProto {
  Icmp = 1,
  Tcp = 6,
  Udp = 17,
}

/** Offset of the IPv4 header in a frame. */
export const IP = 14;
/** Length of an IPv4 header without options. */
export const IP_HEADER = 20;
/** Offset of the transport header in a frame we build (no IP options). */
export const L4 = IP + IP_HEADER;
/** TTL of the packets user-mode networking sends. */
const TTL = 64;

/** Reads a big-endian u16. */
export const u16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];
/** Reads a big-endian u32 as an unsigned number. */
export const u32 = (b: Uint8Array, at: number): number => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
/** Writes a big-endian u16. */
export function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v;
}
/** Writes a big-endian u32. */
export function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/** One's-complement sum of bytes [start, end), added to `sum`, not folded. */
export function sum16(b: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  return sum;
}

/** Folds a sum to 16 bits and complements it: the value a checksum field holds. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return ~sum & 0xffff;
}

/** The parts of an IPv4 packet user-mode networking looks at. */
export interface Ipv4Packet {
  src: number;
  dst: number;
  proto: number;
  /** Offset of the payload (transport header) in the frame. */
  payload: number;
  /** Bytes of payload. */
  length: number;
}

/**
 * Parses the IPv4 header of a frame; undefined for one to drop: too short,
 * not version 4, a bad header checksum or length, or a fragment (user-mode
 * networking does not reassemble, as the guest's TCP never fragments).
 */
export function parseIpv4(f: Uint8Array): Ipv4Packet | undefined {
  if (f.length < IP + IP_HEADER || f[IP] >> 4 !== 4) return undefined;
  const ihl = (f[IP] & 15) * 4, total = u16(f, IP + 2);
  if (ihl < IP_HEADER || total < ihl || IP + total > f.length) return undefined;
  if (fold(sum16(f, IP, IP + ihl)) !== 0) return undefined;
  if ((u16(f, IP + 6) & 0x3fff) !== 0) return undefined; // MF set or a fragment offset
  return { src: u32(f, IP + 12), dst: u32(f, IP + 16), proto: f[IP + 9], payload: IP + ihl, length: total - ihl };
}

/**
 * A new frame with Ethernet and IPv4 headers filled for `payloadLength`
 * bytes of `proto` payload at L4 (the caller fills it, then calls the
 * checksum helpers).
 */
export function ipv4Frame(dstMac: Uint8Array, srcMac: Uint8Array, src: number, dst: number, proto: IpProto, payloadLength: number): Uint8Array {
  const f = new Uint8Array(L4 + payloadLength);
  f.set(dstMac.subarray(0, 6), 0);
  f.set(srcMac.subarray(0, 6), 6);
  put16(f, 12, EtherType.Ipv4);
  f[IP] = 0x45;
  put16(f, IP + 2, IP_HEADER + payloadLength);
  put16(f, IP + 6, 0x4000); // don't fragment
  f[IP + 8] = TTL;
  f[IP + 9] = proto;
  put32(f, IP + 12, src);
  put32(f, IP + 16, dst);
  put16(f, IP + 10, fold(sum16(f, IP, L4)));
  return f;
}

/** Sum of the TCP/UDP pseudo-header of the IPv4 packet in `f` whose transport part starts at `at`. */
export function pseudoSum(f: Uint8Array, at: number, proto: number, length: number): number {
  return sum16(f, IP + 12, IP + 20) + proto + length;
}

/** Fills the checksum of the TCP segment or UDP datagram at L4 of a frame built by ipv4Frame. */
export function fillL4Checksum(f: Uint8Array, proto: IpProto.Tcp | IpProto.Udp): void {
  const length = f.length - L4, field = L4 + (proto === IpProto.Tcp ? 16 : 6);
  put16(f, field, 0);
  let c = fold(sum16(f, L4, f.length, pseudoSum(f, L4, proto, length)));
  if (proto === IpProto.Udp && c === 0) c = 0xffff;
  put16(f, field, c);
}

/** Whether the TCP/UDP checksum of a received packet is right (a UDP checksum of 0 means none). */
export function l4ChecksumOk(f: Uint8Array, p: Ipv4Packet): boolean {
  if (p.proto === IpProto.Udp && u16(f, p.payload + 6) === 0) return true;
  return fold(sum16(f, p.payload, p.payload + p.length, pseudoSum(f, p.payload, p.proto, p.length))) === 0;
}
