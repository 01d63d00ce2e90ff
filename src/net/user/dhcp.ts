/**
 * The DHCP server of user-mode networking (RFC 2131, options RFC 2132): it
 * answers DISCOVER with an OFFER and REQUEST with an ACK, always for the one
 * address QEMU's user networking hands out (10.0.2.15/24, router 10.0.2.2,
 * DNS 10.0.2.3), so `udhcpc` or `dhclient` in the guest configures it as
 * under QEMU.
 */
import { BROADCAST, BROADCAST_MAC, DNS_SERVER, GATEWAY, GATEWAY_MAC, GUEST, LEASE_SECONDS, NETMASK } from "./addresses.js";
import { fillL4Checksum, IpProto, ipv4Frame, L4, put16, put32, u32 } from "./wire.js";

/** UDP ports of BOOTP/DHCP. */
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

/** DHCP message types (option 53). */
const enum DhcpType {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Ack = 5,
}

/** Offsets in a BOOTP message. */
const enum Bootp {
  Op = 0,
  Xid = 4,
  Flags = 10,
  Ciaddr = 12,
  Yiaddr = 16,
  Siaddr = 20,
  Chaddr = 28,
  Magic = 236,
  Options = 240,
}

const MAGIC_COOKIE = 0x63825363;
const UDP_HEADER = 8;

/** The message type (option 53) of a BOOTREQUEST, or undefined when it is not a DHCP request. */
function messageType(m: Uint8Array): number | undefined {
  if (m.length < Bootp.Options || m[Bootp.Op] !== 1 || u32(m, Bootp.Magic) !== MAGIC_COOKIE) return undefined;
  for (let i = Bootp.Options; i < m.length;) {
    const code = m[i];
    if (code === 255) break;
    if (code === 0) { i++; continue; }
    if (i + 1 >= m.length) break;
    const len = m[i + 1];
    if (code === 53 && len >= 1 && i + 2 < m.length) return m[i + 2];
    i += 2 + len;
  }
  return undefined;
}

/**
 * The reply frame to a DHCP message `m` (the UDP payload) from the guest,
 * or undefined when there is nothing to answer (not a DISCOVER or REQUEST).
 */
export function dhcpReply(m: Uint8Array): Uint8Array | undefined {
  const type = messageType(m);
  if (type !== DhcpType.Discover && type !== DhcpType.Request) return undefined;
  const options = [
    53, 1, type === DhcpType.Discover ? DhcpType.Offer : DhcpType.Ack,
    54, 4, ...bytes(GATEWAY),
    51, 4, ...bytes(LEASE_SECONDS),
    1, 4, ...bytes(NETMASK),
    3, 4, ...bytes(GATEWAY),
    6, 4, ...bytes(DNS_SERVER),
    255,
  ];
  const length = Bootp.Options + options.length + 8; // padded a little, as BOOTP clients expect >= 300 bytes overall
  const f = ipv4Frame(BROADCAST_MAC, GATEWAY_MAC, GATEWAY, BROADCAST, IpProto.Udp, UDP_HEADER + Math.max(length, 300));
  put16(f, L4, DHCP_SERVER_PORT);
  put16(f, L4 + 2, DHCP_CLIENT_PORT);
  put16(f, L4 + 4, f.length - L4);
  const r = f.subarray(L4 + UDP_HEADER);
  r[Bootp.Op] = 2;
  r[1] = 1; // htype Ethernet
  r[2] = 6; // hlen
  r.set(m.subarray(Bootp.Xid, Bootp.Xid + 4), Bootp.Xid);
  r.set(m.subarray(Bootp.Flags, Bootp.Flags + 2), Bootp.Flags);
  put32(r, Bootp.Yiaddr, GUEST);
  put32(r, Bootp.Siaddr, GATEWAY);
  r.set(m.subarray(Bootp.Chaddr, Bootp.Chaddr + 16), Bootp.Chaddr);
  put32(r, Bootp.Magic, MAGIC_COOKIE);
  r.set(options, Bootp.Options);
  fillL4Checksum(f, IpProto.Udp);
  return f;
}

const bytes = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
