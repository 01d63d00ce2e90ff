/**
 * TCP segments (RFC 9293) as user-mode networking reads and builds them: the
 * header fields, the options it uses (MSS and window scale, RFC 7323) and a
 * builder for segments to the guest.
 */
import { fillL4Checksum, IpProto, ipv4Frame, L4, put16, put32, u16, u32, type Ipv4Packet } from "./wire.js";

/** TCP flag bits. */
export const enum TcpFlag {
  Fin = 0x01,
  Syn = 0x02,
  Rst = 0x04,
  Psh = 0x08,
  Ack = 0x10,
}

/** A parsed segment from the guest. */
export interface Segment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** Window field as sent (not yet scaled). */
  window: number;
  /** Offset and length of the payload in the frame. */
  data: number;
  dataLength: number;
  /** MSS option (SYN only), 0 when absent. */
  mss: number;
  /** Window scale option (SYN only), -1 when absent. */
  windowScale: number;
}

/** Parses the TCP header at p.payload; undefined when it is malformed. */
export function parseSegment(f: Uint8Array, p: Ipv4Packet): Segment | undefined {
  const at = p.payload;
  if (p.length < 20) return undefined;
  const hlen = (f[at + 12] >> 4) * 4;
  if (hlen < 20 || hlen > p.length) return undefined;
  const s: Segment = {
    srcPort: u16(f, at), dstPort: u16(f, at + 2), seq: u32(f, at + 4), ack: u32(f, at + 8),
    flags: f[at + 13], window: u16(f, at + 14), data: at + hlen, dataLength: p.length - hlen, mss: 0, windowScale: -1,
  };
  if ((s.flags & TcpFlag.Syn) !== 0) {
    for (let i = at + 20; i < at + hlen;) {
      const kind = f[i];
      if (kind === 0) break;
      if (kind === 1) { i++; continue; }
      const len = f[i + 1];
      if (len < 2 || i + len > at + hlen) break;
      if (kind === 2 && len === 4) s.mss = u16(f, i + 2);
      else if (kind === 3 && len === 3) s.windowScale = Math.min(f[i + 2], 14);
      i += len;
    }
  }
  return s;
}

/** The two ends of a connection as the guest sees it, and the MACs to address frames with. */
export interface Endpoints {
  guestMac: Uint8Array;
  ourMac: Uint8Array;
  guestAddr: number;
  guestPort: number;
  peerAddr: number;
  peerPort: number;
}

/** Options our SYN carries: MSS and window scale. */
export interface SynOptions {
  mss: number;
  windowScale: number;
}

/**
 * A segment to the guest, with `length` payload bytes copied in by `fill`
 * (called with the frame and the payload offset).
 */
export function buildSegment(
  e: Endpoints, seq: number, ack: number, flags: number, window: number, length: number,
  fill?: (frame: Uint8Array, at: number) => void, syn?: SynOptions,
): Uint8Array {
  const hlen = syn !== undefined ? 28 : 20;
  const f = ipv4Frame(e.guestMac, e.ourMac, e.peerAddr, e.guestAddr, IpProto.Tcp, hlen + length);
  put16(f, L4, e.peerPort);
  put16(f, L4 + 2, e.guestPort);
  put32(f, L4 + 4, seq);
  put32(f, L4 + 8, ack);
  f[L4 + 12] = (hlen / 4) << 4;
  f[L4 + 13] = flags;
  put16(f, L4 + 14, Math.min(window, 0xffff));
  if (syn !== undefined) {
    f.set([2, 4, syn.mss >> 8, syn.mss & 255, 1, 3, 3, syn.windowScale], L4 + 20);
  }
  if (fill !== undefined && length > 0) fill(f, L4 + hlen);
  fillL4Checksum(f, IpProto.Tcp);
  return f;
}

/** a - b in sequence space, as a signed 32-bit number (a after b when positive). */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;
/** a + n in sequence space. */
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
