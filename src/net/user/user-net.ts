/**
 * User-mode networking: a NAT between one guest NIC and the host's own
 * sockets, needing no privileges and no tap device, laid out as QEMU's
 * `-netdev user` is (addresses.ts). It plays every machine the guest sees on
 * its 10.0.2.0/24 network:
 *
 * - ARP for the gateway (10.0.2.2) and the DNS server (10.0.2.3);
 * - DHCP handing out 10.0.2.15 (dhcp.ts);
 * - DNS at 10.0.2.3 answered from the host's resolver (dns.ts);
 * - ICMP echo to 10.0.2.2 and 10.0.2.3;
 * - TCP and UDP to anywhere, relayed through host sockets (tcp.ts, udp.ts);
 *   10.0.2.2 stands for the host's loopback;
 * - host forwards: a host port whose clients are connected into the guest.
 *
 * Frames that are malformed (short, bad checksums, fragments, unknown
 * protocols) are dropped and counted in `stats`; nothing the guest sends
 * can throw out of transmit().
 */
import { createServer, type Server, type Socket } from "node:net";
import { isGroupMac, type NetBackend } from "../link.js";
import { NetOpenError } from "../errors.js";
import { formatIpv4, parseIpv4 as parseAddress, type HostForward } from "../spec.js";
import { DNS_SERVER, GATEWAY, GATEWAY_MAC, GUEST, HOST_LOOPBACK, inNetwork } from "./addresses.js";
import { DHCP_SERVER_PORT, dhcpReply } from "./dhcp.js";
import { dnsAnswer } from "./dns.js";
import { TcpConnection, type TcpOwner } from "./tcp.js";
import { buildSegment, parseSegment, seqAdd, TcpFlag, type Segment } from "./tcp-segment.js";
import { UdpNat, udpFrame, type UdpOwner } from "./udp.js";
import { EtherType, fold, IpProto, ipv4Frame, L4, l4ChecksumOk, parseIpv4, put16, sum16, u16, u32, type Ipv4Packet } from "./wire.js";

/** What user-mode networking counts (besides the NIC's own counters). */
export interface UserNetStats {
  /** Frames dropped as malformed or unsupported. */
  dropped: number;
  /** TCP connections opened (by the guest or through host forwards). */
  tcpConnections: number;
  /** DNS queries answered. */
  dnsQueries: number;
}

/** First source port on 10.0.2.2 for connections from host forwards. */
const FORWARD_PORT_FIRST = 33000, FORWARD_PORT_LAST = 39999;
const DNS_PORT = 53;

export class UserNet implements NetBackend, TcpOwner, UdpOwner {
  readonly kind = "user";
  readonly stats: UserNetStats = { dropped: 0, tcpConnections: 0, dnsQueries: 0 };
  /** The guest's MAC address, learned from the first frame it sends. */
  guestMac: Uint8Array | undefined;
  private deliver: ((frame: Uint8Array) => void) | undefined;
  private readonly tcp = new Map<string, TcpConnection>();
  private readonly udp = new UdpNat(this);
  private readonly servers: Server[] = [];
  private nextForwardPort = FORWARD_PORT_FIRST;
  private closed = false;

  private constructor() {}

  /** User-mode networking with its host forwards listening (rejects with NetOpenError when a host port is taken). */
  static async open(forwards: readonly HostForward[] = []): Promise<UserNet> {
    const net = new UserNet();
    try {
      for (const f of forwards) await net.listen(f);
    } catch (e) {
      net.close();
      throw e;
    }
    return net;
  }

  private async listen(f: HostForward): Promise<void> {
    const guestAddr = f.guestAddr === "" ? GUEST : parseAddress(f.guestAddr)!;
    const what = `hostfwd=${f.protocol}:${f.hostAddr}:${f.hostPort}-${f.guestAddr}:${f.guestPort}`;
    try {
      if (f.protocol === "udp") { await this.udp.forward(f.hostAddr, f.hostPort, guestAddr, f.guestPort); return; }
      const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => this.accept(s, guestAddr, f.guestPort));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(f.hostPort, f.hostAddr || "0.0.0.0", () => { server.off("error", reject); resolve(); });
      });
      server.on("error", () => {});
      this.servers.push(server);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === "EADDRINUSE" ? `host port ${f.hostPort} is already in use`
        : code === "EACCES" ? `no permission to listen on host port ${f.hostPort}`
        : code === "EADDRNOTAVAIL" ? `${f.hostAddr} is not an address of this host` : (e as Error).message;
      throw new NetOpenError(`${what}: ${why}`);
    }
  }

  /** A host client of a TCP forward: connect it to the guest. */
  private accept(socket: Socket, guestAddr: number, guestPort: number): void {
    const mac = this.guestMac;
    if (mac === undefined || this.closed) { socket.destroy(); return; } // the guest has not been on the network yet
    let port = this.nextForwardPort;
    for (let tries = 0; this.tcp.has(TcpConnection.key(guestPort, GATEWAY, port)) && tries < 7000; tries++) port = this.advancePort(port);
    this.nextForwardPort = this.advancePort(port);
    const ends = { guestMac: mac, ourMac: GATEWAY_MAC, guestAddr, guestPort, peerAddr: GATEWAY, peerPort: port };
    const c = TcpConnection.toGuest(this, ends, socket);
    this.tcp.set(c.key, c);
    this.stats.tcpConnections++;
  }

  private advancePort(p: number): number {
    return p === FORWARD_PORT_LAST ? FORWARD_PORT_FIRST : p + 1;
  }

  attach(deliver: (frame: Uint8Array) => void): void {
    this.deliver = deliver;
  }

  /** Sends a frame to the guest (TcpOwner, UdpOwner). */
  toGuest(frame: Uint8Array): void {
    if (!this.closed) this.deliver?.(frame);
  }

  /** A TCP connection ended (TcpOwner). */
  forget(c: TcpConnection): void {
    this.tcp.delete(c.key);
  }

  transmit(frame: Uint8Array): void {
    if (this.closed || frame.length < 14) { this.stats.dropped++; return; }
    if (!isGroupMac(frame.subarray(6, 12))) this.guestMac ??= frame.slice(6, 12);
    const type = u16(frame, 12);
    if (type === EtherType.Arp) { this.arp(frame); return; }
    if (type !== EtherType.Ipv4) { this.stats.dropped++; return; }
    const p = parseIpv4(frame);
    if (p === undefined) { this.stats.dropped++; return; }
    if (p.proto === IpProto.Tcp) this.tcpIn(frame, p);
    else if (p.proto === IpProto.Udp) this.udpIn(frame, p);
    else if (p.proto === IpProto.Icmp) this.icmpIn(frame, p);
    else this.stats.dropped++;
  }

  /** Answers ARP requests for the gateway and the DNS server (RFC 826). */
  private arp(f: Uint8Array): void {
    if (f.length < 42 || u16(f, 14) !== 1 || u16(f, 16) !== EtherType.Ipv4 || f[18] !== 6 || f[19] !== 4 || u16(f, 20) !== 1) {
      if (f.length < 42) this.stats.dropped++;
      return;
    }
    const target = u32(f, 38);
    if (target !== GATEWAY && target !== DNS_SERVER) return;
    const r = new Uint8Array(42);
    r.set(f.subarray(6, 12), 0);
    r.set(GATEWAY_MAC, 6);
    r.set(f.subarray(12, 22), 12);
    put16(r, 20, 2); // reply
    r.set(GATEWAY_MAC, 22);
    r.set(f.subarray(38, 42), 28);
    r.set(f.subarray(22, 32), 32); // the asker's MAC and address
    this.toGuest(r);
  }

  /** Answers echo requests to the gateway and the DNS server (RFC 792). */
  private icmpIn(f: Uint8Array, p: Ipv4Packet): void {
    if (p.length < 8 || fold(sum16(f, p.payload, p.payload + p.length)) !== 0) { this.stats.dropped++; return; }
    if (f[p.payload] !== 8 || (p.dst !== GATEWAY && p.dst !== DNS_SERVER)) return;
    const r = ipv4Frame(f.subarray(6, 12), GATEWAY_MAC, p.dst, p.src, IpProto.Icmp, p.length);
    r.set(f.subarray(p.payload, p.payload + p.length), L4);
    r[L4] = 0; // echo reply
    r[14 + 8] = 255; // the TTL of a reply from the gateway itself, as QEMU's
    put16(r, 14 + 10, 0);
    put16(r, 14 + 10, fold(sum16(r, 14, L4)));
    put16(r, L4 + 2, 0);
    put16(r, L4 + 2, fold(sum16(r, L4, r.length)));
    this.toGuest(r);
  }

  private udpIn(f: Uint8Array, p: Ipv4Packet): void {
    if (p.length < 8 || u16(f, p.payload + 4) > p.length || !l4ChecksumOk(f, p)) { this.stats.dropped++; return; }
    const srcPort = u16(f, p.payload), dstPort = u16(f, p.payload + 2);
    const payload = f.slice(p.payload + 8, p.payload + u16(f, p.payload + 4));
    if (dstPort === DHCP_SERVER_PORT) {
      const reply = dhcpReply(payload);
      if (reply !== undefined) this.toGuest(reply);
      return;
    }
    if (p.dst === DNS_SERVER) {
      if (dstPort !== DNS_PORT) return;
      const mac = f.slice(6, 12), src = p.src;
      this.stats.dnsQueries++;
      void dnsAnswer(payload).then((answer) => {
        if (answer !== undefined) this.toGuest(udpFrame(mac, DNS_SERVER, DNS_PORT, src, srcPort, answer));
      });
      return;
    }
    const host = this.hostAddress(p.dst);
    if (host !== undefined) this.udp.outbound(p.src, srcPort, p.dst, dstPort, host, payload);
  }

  private tcpIn(f: Uint8Array, p: Ipv4Packet): void {
    const s = parseSegment(f, p);
    if (s === undefined || !l4ChecksumOk(f, p)) { this.stats.dropped++; return; }
    const c = this.tcp.get(TcpConnection.key(s.srcPort, p.dst, s.dstPort));
    if (c !== undefined) { c.input(f, s); return; }
    const host = this.hostAddress(p.dst);
    if ((s.flags & (TcpFlag.Syn | TcpFlag.Ack | TcpFlag.Rst)) !== TcpFlag.Syn || host === undefined) {
      this.reset(f, p, s);
      return;
    }
    const ends = { guestMac: f.slice(6, 12), ourMac: GATEWAY_MAC, guestAddr: p.src, guestPort: s.srcPort, peerAddr: p.dst, peerPort: s.dstPort };
    const conn = TcpConnection.fromGuest(this, ends, s, host, s.dstPort);
    this.tcp.set(conn.key, conn);
    this.stats.tcpConnections++;
  }

  /** Answers a segment that belongs to no connection with a reset (unless it is one). */
  private reset(f: Uint8Array, p: Ipv4Packet, s: Segment): void {
    if ((s.flags & TcpFlag.Rst) !== 0) return;
    const ends = { guestMac: f.slice(6, 12), ourMac: GATEWAY_MAC, guestAddr: p.src, guestPort: s.srcPort, peerAddr: p.dst, peerPort: s.dstPort };
    const seqLength = s.dataLength + ((s.flags & TcpFlag.Syn) !== 0 ? 1 : 0) + ((s.flags & TcpFlag.Fin) !== 0 ? 1 : 0);
    const r = (s.flags & TcpFlag.Ack) !== 0
      ? buildSegment(ends, s.ack, 0, TcpFlag.Rst, 0, 0)
      : buildSegment(ends, 0, seqAdd(s.seq, seqLength), TcpFlag.Rst | TcpFlag.Ack, 0, 0);
    this.toGuest(r);
  }

  /**
   * Where a guest packet to `dst` goes on the host: 10.0.2.2 is the host's
   * loopback, other addresses of the guest network lead nowhere, the rest is
   * the address itself.
   */
  private hostAddress(dst: number): string | undefined {
    if (dst === GATEWAY) return formatIpv4(HOST_LOOPBACK);
    if (inNetwork(dst) || dst >>> 28 >= 14) return undefined; // the guest network, multicast, broadcast
    return formatIpv4(dst);
  }

  close(): void {
    if (this.closed) return;
    for (const c of [...this.tcp.values()]) c.abort();
    this.closed = true;
    this.tcp.clear();
    this.udp.close();
    for (const s of this.servers) s.close();
    this.servers.length = 0;
  }
}
