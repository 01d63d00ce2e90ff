/**
 * UDP sockets over node:dgram. A datagram sent to a local address where
 * another socket of this process is bound is queued there directly, as the
 * Linux loopback path has it in the receiver's queue before sendto()
 * returns; anything else goes through Node. A socket that sends before it
 * is bound is bound first to an ephemeral port, as Linux's autobind does
 * (on the loopback address when talking to it, so nothing else can reach
 * the port; getsockname still reports the wildcard address Linux would).
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import { networkInterfaces } from "node:os";
import { Errno, hostErrno } from "./syscalls/errno.js";
import { PollEv, mapResult, type IoResult } from "./fd-table.js";
import { AF, DEFAULT_RCVBUF, IPV6_V6ONLY, Msg, Shut, So, Sol, Socket, inetAddress, unboundAddress, type Accepted, type Outcome, type InetAddr, type Received, type SockAddr } from "./socket.js";

/** A queued datagram and its sender. */
interface Datagram {
  data: Uint8Array;
  from: SockAddr;
}

/** Sockets of this process bound to each UDP port, for direct local delivery. */
const byPort = new Map<number, Set<UdpSocket>>();

/** An address in text form without an IPv4-mapped prefix. */
function plain(address: string): string {
  return address.startsWith("::ffff:") && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function isLoopback(address: string): boolean {
  const a = plain(address);
  return a === "::1" || (net.isIPv4(a) && a.startsWith("127."));
}

function isWildcard(address: string): boolean {
  const a = plain(address);
  return a === "0.0.0.0" || a === "::";
}

/** Whether `address` is one of this host's own addresses. */
function isLocal(address: string): boolean {
  if (isLoopback(address)) return true;
  const a = plain(address);
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => plain(i.address) === a));
}

export class UdpSocket extends Socket {
  private sock: dgram.Socket | undefined;
  /** The address getsockname reports once bound. */
  private local: (InetAddr) | undefined;
  private binding: Promise<number> | undefined;
  private peer: (InetAddr) | undefined;
  private readonly rx: Datagram[] = [];
  private rxBytes = 0;
  private shut = 0;
  private closed = false;

  constructor(domain: number, type: number, protocol: number, flags: number) {
    super(domain, type, protocol, flags);
  }

  get listening(): boolean {
    return false;
  }

  /** Whether `a` is an address of this socket's family. */
  private sameFamily(a: SockAddr): a is InetAddr {
    return (a.family === AF.INET || a.family === AF.INET6) && a.family === this.domain;
  }

  private get v6only(): boolean {
    return this.domain === AF.INET6 && this.option(Sol.IPV6, IPV6_V6ONLY) !== 0;
  }

  bind(addr: SockAddr): number | Promise<number> {
    if (this.local !== undefined || this.binding !== undefined) return -Errno.EINVAL;
    if (addr.family === AF.UNSPEC && this.domain === AF.INET) return this.bindHost("0.0.0.0", 0, undefined);
    if (!this.sameFamily(addr)) return -Errno.EAFNOSUPPORT;
    return this.bindHost(addr.address, addr.port, undefined);
  }

  /** Binds in Node to (address, port); `reported` overrides the address getsockname shows. */
  private bindHost(address: string, port: number, reported: string | undefined): Promise<number> {
    const sock = dgram.createSocket({ type: this.domain === AF.INET6 ? "udp6" : "udp4", reuseAddr: this.option(Sol.SOCKET, So.REUSEADDR) !== 0, ipv6Only: this.v6only });
    this.sock = sock;
    this.binding = new Promise<number>((resolve) => {
      const failed = (e: Error) => {
        this.sock = undefined;
        this.binding = undefined;
        sock.close();
        let r: number;
        try { r = hostErrno(e); } catch { r = -Errno.EADDRNOTAVAIL; }
        resolve(r);
      };
      sock.once("error", failed);
      sock.on("message", (msg, rinfo) => this.deliver(msg, inetAddress(this.domain, rinfo.address, rinfo.port)));
      sock.bind({ address, port, exclusive: true }, () => {
        sock.off("error", failed);
        sock.on("error", () => { /* send errors are not reported to the guest */ });
        if (this.closed) {
          sock.close();
          resolve(-Errno.EBADF);
          return;
        }
        const got = sock.address();
        this.local = inetAddress(this.domain, reported ?? got.address, got.port);
        let set = byPort.get(got.port);
        if (set === undefined) byPort.set(got.port, (set = new Set()));
        set.add(this);
        resolve(0);
      });
    });
    return this.binding;
  }

  /** Binds to an ephemeral port if not bound yet (before sending to `dest`). */
  private autobind(dest: string | undefined): number | Promise<number> {
    if (this.local !== undefined) return 0;
    if (this.binding !== undefined) return this.binding;
    const wildcard = this.domain === AF.INET6 ? "::" : "0.0.0.0";
    const loop = this.domain === AF.INET6 ? "::1" : "127.0.0.1";
    const onLoopback = dest !== undefined && isLoopback(dest) && (this.domain === AF.INET || net.isIPv6(plain(dest)));
    return this.bindHost(onLoopback ? loop : wildcard, 0, wildcard);
  }

  /** Queues a datagram that arrived, unless the socket is connected to someone else or its buffer is full. */
  private deliver(data: Uint8Array, from: InetAddr): void {
    if (this.closed) return;
    if (this.peer !== undefined && (this.peer.port !== from.port || plain(this.peer.address) !== plain(from.address))) return;
    const limit = this.getOption(Sol.SOCKET, So.RCVBUF) ?? DEFAULT_RCVBUF;
    if (this.rxBytes + data.length > limit) return; // dropped, as a full socket buffer drops it
    this.rx.push({ data, from });
    this.rxBytes += data.length;
    this.wake(PollEv.IN | PollEv.RDNORM);
  }

  /** The socket of this process that a datagram to (address, port) reaches, if any. */
  private static localReceiver(address: string, port: number): UdpSocket | undefined {
    const set = byPort.get(port);
    if (set === undefined || !isLocal(address)) return undefined;
    const v4 = net.isIPv4(plain(address));
    for (const s of set) {
      const at = s.local;
      if (at === undefined || s.closed) continue;
      if (s.domain === AF.INET && !v4) continue;
      if (s.domain === AF.INET6 && v4 && s.v6only) continue;
      if (isWildcard(at.address) || plain(at.address) === plain(address)) return s;
    }
    return undefined;
  }

  connect(addr: SockAddr): IoResult {
    if (addr.family === AF.UNSPEC) {
      this.peer = undefined;
      return 0;
    }
    if (!this.sameFamily(addr)) return -Errno.EAFNOSUPPORT;
    this.peer = addr;
    return mapResult(this.autobind(addr.address), (r) => r);
  }

  send(data: Uint8Array, _flags: number, to?: SockAddr): IoResult {
    if (this.shut & Shut.SEND) return -Errno.EPIPE;
    let dest: InetAddr;
    if (to !== undefined && to.family !== AF.UNSPEC) {
      if (!this.sameFamily(to)) return to.family === AF.UNIX ? -Errno.EINVAL : -Errno.EAFNOSUPPORT;
      dest = to;
    } else if (this.peer !== undefined) dest = this.peer;
    else return -Errno.EDESTADDRREQ;
    if (data.length > (this.domain === AF.INET6 ? 65527 : 65507)) return -Errno.EMSGSIZE;
    const copy = Uint8Array.prototype.slice.call(data);
    return mapResult(this.autobind(dest.address), (r) => (r < 0 ? r : this.transmit(copy, dest)));
  }

  /** Sends a datagram from this bound socket. */
  private transmit(data: Uint8Array, dest: InetAddr): number {
    if (dest.port === 0) return -Errno.EINVAL;
    const receiver = UdpSocket.localReceiver(dest.address, dest.port);
    if (receiver !== undefined) {
      const here = this.local!;
      // The source address of a wildcard-bound socket is the local address it sent to.
      const source = isWildcard(here.address) ? plain(dest.address) : plain(here.address);
      receiver.deliver(data, inetAddress(receiver.domain, receiver.domain === AF.INET6 && net.isIPv4(source) ? `::ffff:${source}` : source, here.port));
      return data.length;
    }
    let host = plain(dest.address);
    if (this.domain === AF.INET6 && net.isIPv4(host)) host = `::ffff:${host}`;
    this.sock?.send(data, dest.port, host);
    return data.length;
  }

  recv(buf: Uint8Array, flags: number): Outcome<Received> {
    const nonblock = this.nonblocking || (flags & Msg.DONTWAIT) !== 0;
    const attempt = (): Received | number | undefined => {
      const d = this.rx[0];
      if (d === undefined) {
        if (this.error !== 0) {
          const e = this.error;
          this.error = 0;
          return -e;
        }
        if (this.shut & Shut.RCV) return { n: 0 };
        return nonblock ? -Errno.EAGAIN : undefined;
      }
      const n = Math.min(buf.length, d.data.length);
      buf.set(d.data.subarray(0, n));
      if (!(flags & Msg.PEEK)) {
        this.rx.shift();
        this.rxBytes -= d.data.length;
      }
      return { n: flags & Msg.TRUNC ? d.data.length : n, from: d.from, flags: d.data.length > n ? Msg.TRUNC : 0 };
    };
    return this.wait<Received>(attempt, false, this.rcvTimeoutMs);
  }

  listen(): number {
    return -Errno.EOPNOTSUPP;
  }

  accept(): Outcome<Accepted> {
    return -Errno.EOPNOTSUPP;
  }

  localAddress(): SockAddr {
    return this.local ?? unboundAddress(this.domain);
  }

  peerAddress(): SockAddr | undefined {
    return this.peer;
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -Errno.EINVAL;
    // Linux sets the bits even on an unconnected socket (a way to wake a thread blocked in recvfrom).
    this.shut |= how + 1;
    this.wake(PollEv.IN | PollEv.OUT | PollEv.HUP | PollEv.RDHUP);
    return this.peer === undefined ? -Errno.ENOTCONN : 0;
  }

  poll(events: number): number {
    let ready = PollEv.OUT | PollEv.WRNORM;
    if (this.error !== 0) ready |= PollEv.ERR;
    if (this.rx.length > 0) ready |= PollEv.IN | PollEv.RDNORM;
    if (this.shut & Shut.RCV) ready |= PollEv.IN | PollEv.RDNORM | PollEv.RDHUP;
    if (this.shut === Shut.BOTH) ready |= PollEv.HUP;
    return ready & (events | PollEv.ERR | PollEv.HUP);
  }

  readable(): number {
    return this.rx[0]?.data.length ?? 0;
  }

  protected override optionSet(level: number, name: number, value: number): void {
    if (level === Sol.SOCKET && name === So.BROADCAST && this.local !== undefined) this.sock?.setBroadcast(value !== 0);
  }

  release(): void {
    this.closed = true;
    if (this.local !== undefined) byPort.get(this.local.port)?.delete(this);
    if (this.local !== undefined || this.binding === undefined) this.sock?.close();
    this.sock = undefined;
    this.rx.length = 0;
    this.rxBytes = 0;
  }
}
