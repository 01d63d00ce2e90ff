/**
 * What every kind of guest socket shares: the constants of the socket ABI,
 * socket addresses (struct sockaddr_in, sockaddr_in6, sockaddr_un) decoded
 * into plain objects and back, socket options, and the Socket base class
 * the kinds extend (socket-tcp.ts: streams over node:net; socket-udp.ts:
 * datagrams over node:dgram; socket-unix.ts: AF_UNIX sockets kept inside
 * the process, as socketpair makes them).
 */
import * as net from "node:net";
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, blockOn, mapResult, type Blocking, type IoResult, type OpenFile, type ReadyCallback, type Subscribe, WaitQueue } from "./fd-table.js";

/** Address families. */
export const enum AF {
  UNSPEC = 0,
  UNIX = 1,
  INET = 2,
  INET6 = 10,
  NETLINK = 16,
}

/** Socket types (the low bits of socket()'s type argument). */
export const enum SockType {
  STREAM = 1,
  DGRAM = 2,
  RAW = 3,
  SEQPACKET = 5,
  /** Flags or-ed into the type argument. */
  NONBLOCK = OFlag.NONBLOCK,
  CLOEXEC = OFlag.CLOEXEC,
}

/** send/recv flags. */
export const enum Msg {
  OOB = 0x1,
  PEEK = 0x2,
  /** recvmsg: control data was cut short. */
  CTRUNC = 0x8,
  /** The datagram was longer than the buffer (recvmsg flag; as a recv flag: return its real length). */
  TRUNC = 0x20,
  DONTWAIT = 0x40,
  EOR = 0x80,
  WAITALL = 0x100,
  NOSIGNAL = 0x4000,
  CMSG_CLOEXEC = 0x40000000,
}

/** shutdown() directions, as the bits Linux keeps (SHUT_RD + 1 and so on). */
export const enum Shut {
  RCV = 1,
  SEND = 2,
  BOTH = 3,
}

/** Option levels. */
export const enum Sol {
  IP = 0,
  SOCKET = 1,
  TCP = 6,
  UDP = 17,
  IPV6 = 41,
  /** SOL_UDPLITE (= IPPROTO_UDPLITE): the checksum coverage options of a UDP-Lite socket. */
  UDPLITE = 136,
}

/** SOL_UDPLITE option names: the checksum coverage sent and the least accepted (linux/udp.h). */
const UDPLITE_SEND_CSCOV = 10, UDPLITE_RECV_CSCOV = 11;

/** SOL_SOCKET option names. */
export const enum So {
  DEBUG = 1, REUSEADDR = 2, TYPE = 3, ERROR = 4, DONTROUTE = 5, BROADCAST = 6, SNDBUF = 7, RCVBUF = 8,
  KEEPALIVE = 9, OOBINLINE = 10, NO_CHECK = 11, PRIORITY = 12, LINGER = 13, BSDCOMPAT = 14, REUSEPORT = 15,
  PASSCRED = 16, PEERCRED = 17, RCVLOWAT = 18, SNDLOWAT = 19, RCVTIMEO = 20, SNDTIMEO = 21, ACCEPTCONN = 30,
  SNDBUFFORCE = 32, RCVBUFFORCE = 33, PROTOCOL = 38, DOMAIN = 39, RCVTIMEO_NEW = 66, SNDTIMEO_NEW = 67,
}

/** IPPROTO_TCP option names. */
export const enum Tcp {
  NODELAY = 1, MAXSEG = 2, CORK = 3, KEEPIDLE = 4, KEEPINTVL = 5, KEEPCNT = 6, QUICKACK = 12,
}

/** IPV6_V6ONLY (level IPPROTO_IPV6). */
export const IPV6_V6ONLY = 26;

/** Default buffer sizes (net.core.wmem_default / rmem_default). */
export const DEFAULT_SNDBUF = 212992;
export const DEFAULT_RCVBUF = 212992;

/** A decoded socket address. */
export type SockAddr =
  | { family: AF.INET; address: string; port: number }
  | { family: AF.INET6; address: string; port: number; flowinfo: number; scopeId: number }
  /** path: "" for an unnamed socket, a leading NUL for the abstract namespace. hostPath: where it lives on the host. */
  | { family: AF.UNIX; path: string; hostPath?: string }
  /** sockaddr_nl: a netlink port id (0: the kernel) and multicast groups. */
  | { family: AF.NETLINK; pid: number; groups: number }
  | { family: AF.UNSPEC };

/** An internet address (AF_INET or AF_INET6). */
export type InetAddr = Extract<SockAddr, { address: string }>;

/** Size of struct sockaddr_un's sun_path. */
const UNIX_PATH_MAX = 108;

/** Parses an IPv6 address in text form into 16 bytes, or undefined. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const s = text.split("%")[0];
  if (!net.isIPv6(s)) return undefined;
  let groups: number[] = [];
  const expand = (part: string): number[] => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (g.includes(".")) {
        const b = g.split(".").map(Number);
        out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const halves = s.split("::");
  if (halves.length === 2) {
    const head = expand(halves[0]), tail = expand(halves[1]);
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else groups = expand(s);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  return out;
}

/** Formats 16 address bytes as IPv6 text ("::1", "::ffff:127.0.0.1", "fe80::1:2"). */
export function formatIPv6(b: Uint8Array): string {
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const g = Array.from({ length: 8 }, (_, i) => (b[i * 2] << 8) | b[i * 2 + 1]);
  // The longest run of two or more zero groups becomes "::".
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Decodes a struct sockaddr of `bytes.length` bytes (the addrlen the guest passed); a negative errno if malformed. */
export function decodeSockAddr(bytes: Uint8Array): SockAddr | number {
  if (bytes.length < 2) return -Errno.EINVAL;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const family = v.getUint16(0, true);
  switch (family) {
    case AF.UNSPEC:
      return { family: AF.UNSPEC };
    case AF.INET:
      if (bytes.length < 16) return -Errno.EINVAL;
      return { family: AF.INET, port: v.getUint16(2, false), address: Array.from(bytes.subarray(4, 8)).join(".") };
    case AF.INET6:
      if (bytes.length < 24) return -Errno.EINVAL;
      return {
        family: AF.INET6, port: v.getUint16(2, false), flowinfo: v.getUint32(4, false),
        address: formatIPv6(bytes.subarray(8, 24)), scopeId: bytes.length >= 28 ? v.getUint32(24, true) : 0,
      };
    case AF.UNIX: {
      if (bytes.length > 2 + UNIX_PATH_MAX) return -Errno.EINVAL;
      const raw = bytes.subarray(2);
      if (raw.length > 0 && raw[0] === 0) return { family: AF.UNIX, path: Buffer.from(raw).toString("latin1") }; // abstract: every byte counts
      const end = raw.indexOf(0);
      return { family: AF.UNIX, path: Buffer.from(end < 0 ? raw : raw.subarray(0, end)).toString("utf8") };
    }
    case AF.NETLINK:
      if (bytes.length < 12) return -Errno.EINVAL;
      return { family: AF.NETLINK, pid: v.getUint32(4, true), groups: v.getUint32(8, true) };
  }
  return -Errno.EAFNOSUPPORT;
}

/** Encodes a socket address as the kernel returns it (the length is the address's own, not padded). */
export function encodeSockAddr(a: SockAddr): Uint8Array {
  switch (a.family) {
    case AF.INET: {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      v.setUint16(0, AF.INET, true);
      v.setUint16(2, a.port, false);
      const parts = (a.address.startsWith("::ffff:") ? a.address.slice(7) : a.address).split(".").map(Number);
      if (parts.length === 4) b.set(parts, 4);
      return b;
    }
    case AF.INET6: {
      const b = new Uint8Array(28);
      const v = new DataView(b.buffer);
      v.setUint16(0, AF.INET6, true);
      v.setUint16(2, a.port, false);
      v.setUint32(4, a.flowinfo, false);
      const addr = net.isIPv4(a.address) ? parseIPv6(`::ffff:${a.address}`) : parseIPv6(a.address);
      if (addr !== undefined) b.set(addr, 8);
      v.setUint32(24, a.scopeId, true);
      return b;
    }
    case AF.UNIX: {
      const abstract = a.path.startsWith("\0");
      const name = Buffer.from(a.path, abstract ? "latin1" : "utf8");
      // Named sockets are reported with their terminating NUL; abstract and unnamed ones without.
      const b = new Uint8Array(2 + name.length + (abstract || name.length === 0 ? 0 : 1));
      new DataView(b.buffer).setUint16(0, AF.UNIX, true);
      b.set(name, 2);
      return b;
    }
    case AF.NETLINK: {
      const b = new Uint8Array(12);
      const v = new DataView(b.buffer);
      v.setUint16(0, AF.NETLINK, true);
      v.setUint32(4, a.pid, true);
      v.setUint32(8, a.groups, true);
      return b;
    }
    case AF.UNSPEC: {
      const b = new Uint8Array(2);
      return b;
    }
  }
}

/** The address of a socket of `family` that is bound to nothing (getsockname before bind). */
export function unboundAddress(family: number): SockAddr {
  if (family === AF.INET) return { family: AF.INET, address: "0.0.0.0", port: 0 };
  if (family === AF.INET6) return { family: AF.INET6, address: "::", port: 0, flowinfo: 0, scopeId: 0 };
  if (family === AF.UNIX) return { family: AF.UNIX, path: "" };
  return { family: AF.UNSPEC };
}

/** An address as Node reports it (address text, port) in the form a socket of `family` uses. */
export function inetAddress(family: number, address: string, port: number): InetAddr {
  if (family === AF.INET6) return { family: AF.INET6, address, port, flowinfo: 0, scopeId: 0 };
  return { family: AF.INET, address: address.startsWith("::ffff:") ? address.slice(7) : address, port };
}

/** What a receive returns: bytes copied (or -errno), the sender, flags for msg_flags, descriptors passed. */
export interface Received {
  n: number;
  from?: SockAddr;
  /** msg_flags bits (Msg.TRUNC, Msg.CTRUNC). */
  flags?: number;
  /** Files passed with SCM_RIGHTS. */
  rights?: OpenFile[];
}

/** An accepted connection and its peer's address. */
export interface Accepted {
  socket: Socket;
  peer: SockAddr;
}

/** A value, a negative errno, or a wait for one of them. */
export type Outcome<T> = T | number | Blocking<T | number>;

/** The key of an option in the option store. */
const optKey = (level: number, name: number) => level * 65536 + name;

/** A guest socket. */
export abstract class Socket implements OpenFile {
  readonly kind = "socket";
  flags: number;
  /** Integer options set by the guest, reported back by getsockopt. */
  private readonly options = new Map<number, number>();
  /** SO_RCVTIMEO / SO_SNDTIMEO in ms (0: none). */
  rcvTimeoutMs = 0;
  sndTimeoutMs = 0;
  /** SO_LINGER { l_onoff, l_linger }. */
  linger: [number, number] = [0, 0];
  /** Pending error (SO_ERROR): a positive errno, cleared when read. */
  error = 0;
  /** Woken when the socket's state changes, with the PollEv bits concerned. */
  protected readonly wq = new WaitQueue();

  constructor(readonly domain: number, readonly type: number, readonly protocol: number, flags: number) {
    this.flags = OFlag.RDWR | (flags & OFlag.NONBLOCK);
  }

  /** Whether the file is in non-blocking mode. */
  get nonblocking(): boolean {
    return (this.flags & OFlag.NONBLOCK) !== 0;
  }

  abstract bind(addr: SockAddr): number | Promise<number>;
  abstract listen(backlog: number): number | Promise<number>;
  abstract accept(nonblock: boolean): Outcome<Accepted>;
  abstract connect(addr: SockAddr, nonblock: boolean): IoResult;
  /** Sends `data` (to `to` for an unconnected datagram socket), with `rights` for SCM_RIGHTS. */
  abstract send(data: Uint8Array, flags: number, to?: SockAddr, rights?: OpenFile[]): IoResult;
  /** Receives into `buf`. */
  abstract recv(buf: Uint8Array, flags: number): Outcome<Received>;
  abstract localAddress(): SockAddr;
  /** The connected peer's address, or undefined when not connected (ENOTCONN). */
  abstract peerAddress(): SockAddr | undefined;
  abstract shutdown(how: number): number;
  abstract poll(events: number): number;
  abstract release(): void;
  /** Whether listen() was called (SO_ACCEPTCONN). */
  abstract get listening(): boolean;

  /** Reacts to an option the guest set (TCP_NODELAY, SO_KEEPALIVE...); the value is already stored. */
  protected optionSet(_level: number, _name: number, _value: number): void {}

  read(buf: Uint8Array): IoResult {
    return mapResult(this.recv(buf, 0), (r) => {
      if (typeof r === "number") return r;
      if (r.rights !== undefined) this.discard(r.rights); // read() has nowhere to put passed files
      return r.n;
    });
  }

  /** Lets go of files that arrived with data but cannot be handed to the guest. */
  protected discard(_files: OpenFile[]): void {}

  write(data: Uint8Array): IoResult {
    return this.send(data, 0);
  }

  onReady(cb: ReadyCallback): () => void {
    return this.wq.add(cb);
  }

  /** Integer option value as getsockopt reports it, or undefined if this socket has no such option. */
  getOption(level: number, name: number): number | undefined {
    if (level === Sol.SOCKET) {
      switch (name) {
        case So.TYPE: return this.type;
        case So.DOMAIN: return this.domain;
        case So.PROTOCOL: return this.protocol;
        case So.ERROR: { const e = this.error; this.error = 0; return e; }
        case So.ACCEPTCONN: return this.listening ? 1 : 0;
        // Linux reports twice what was set (the bookkeeping overhead it reserves).
        case So.SNDBUF: return (this.options.get(optKey(level, name)) ?? DEFAULT_SNDBUF / 2) * 2;
        case So.RCVBUF: return (this.options.get(optKey(level, name)) ?? DEFAULT_RCVBUF / 2) * 2;
        case So.RCVLOWAT: case So.SNDLOWAT: return this.options.get(optKey(level, name)) ?? 1;
        case So.REUSEADDR: case So.KEEPALIVE: case So.BROADCAST: case So.REUSEPORT: case So.OOBINLINE:
        case So.DEBUG: case So.DONTROUTE: case So.NO_CHECK: case So.PRIORITY: case So.PASSCRED: case So.BSDCOMPAT:
          return this.options.get(optKey(level, name)) ?? 0;
      }
      return undefined;
    }
    const stored = this.options.get(optKey(level, name));
    if (stored !== undefined) return stored;
    if (level === Sol.UDPLITE && this.protocol === Sol.UDPLITE && (name === UDPLITE_SEND_CSCOV || name === UDPLITE_RECV_CSCOV)) return 0;
    if (level === Sol.TCP && this.domain !== AF.UNIX && this.type === SockType.STREAM) {
      switch (name) {
        case Tcp.MAXSEG: return 536;
        case Tcp.KEEPIDLE: return 7200;
        case Tcp.KEEPINTVL: return 75;
        case Tcp.KEEPCNT: return 9;
        case Tcp.NODELAY: case Tcp.CORK: case Tcp.QUICKACK: return 0;
      }
      return undefined;
    }
    if (level === Sol.IP && (this.domain === AF.INET || this.domain === AF.INET6)) {
      if (name === 2 /* IP_TTL */) return 64;
      if (name === 1 /* IP_TOS */) return 0;
      return undefined;
    }
    if (level === Sol.IPV6 && this.domain === AF.INET6 && name === IPV6_V6ONLY) return 0;
    return undefined;
  }

  /** Stores an integer option; returns 0, or -ENOPROTOOPT for an option this kind of socket lacks. */
  setOption(level: number, name: number, value: number): number {
    if (level === Sol.SOCKET) {
      if (name === So.TYPE || name === So.DOMAIN || name === So.PROTOCOL || name === So.ERROR || name === So.ACCEPTCONN || name === So.PEERCRED) return -Errno.ENOPROTOOPT;
      if (name === So.SNDBUFFORCE || name === So.RCVBUFFORCE) name = name === So.SNDBUFFORCE ? So.SNDBUF : So.RCVBUF;
      if (name === So.SNDBUF || name === So.RCVBUF) value = Math.max(value, name === So.SNDBUF ? 2304 : 1152); // SOCK_MIN_SNDBUF/2, SOCK_MIN_RCVBUF/2
    } else if (level === Sol.TCP) {
      if (this.domain === AF.UNIX) return -Errno.EOPNOTSUPP;
      if (this.type !== SockType.STREAM) return -Errno.ENOPROTOOPT;
    } else if (level === Sol.UDPLITE) {
      if (this.protocol !== Sol.UDPLITE) return -Errno.ENOPROTOOPT;
      if (name !== UDPLITE_SEND_CSCOV && name !== UDPLITE_RECV_CSCOV) return -Errno.ENOPROTOOPT;
      // A coverage below the 8-byte header means the header (udplite_sk's rule); above 0xffff is capped.
      value = value !== 0 && value < 8 ? 8 : Math.min(value, 0xffff);
    } else if (level === Sol.IP || level === Sol.IPV6 || level === Sol.UDP) {
      if (this.domain === AF.UNIX) return -Errno.ENOPROTOOPT;
      if (level === Sol.IPV6 && this.domain !== AF.INET6) return -Errno.ENOPROTOOPT;
    } else return -Errno.ENOPROTOOPT;
    this.options.set(optKey(level, name), value);
    this.optionSet(level, name, value);
    return 0;
  }

  /** Whether an integer option is set to a non-zero value. */
  protected option(level: number, name: number): number {
    return this.options.get(optKey(level, name)) ?? 0;
  }

  /**
   * Waits as a blocking socket call does: `attempt` returns undefined while
   * it would block; in non-blocking mode that is -EAGAIN at once. The wait
   * ends after SO_RCVTIMEO/SO_SNDTIMEO (`timeoutMs`) with `timedOut`, or on a
   * signal with `interrupted`.
   */
  protected wait<T>(attempt: () => T | number | undefined, nonblock: boolean, timeoutMs: number,
    interrupted: () => T | number = () => -Errno.EINTR, timedOut: () => T | number = () => -Errno.EAGAIN,
    subscribe: Subscribe = (cb) => this.wq.add(cb)): Outcome<T> {
    if (nonblock) return attempt() ?? -Errno.EAGAIN;
    return blockOn<T | number>(subscribe, attempt, { interrupted, timedOut, ...(timeoutMs > 0 && { timeoutMs }) });
  }

  /** Wakes waiters and watchers of this socket. */
  protected wake(events: number): void {
    this.wq.wake(events);
  }

  /** poll bits for a socket that is not connected to anything (a fresh TCP socket reports OUT and HUP). */
  protected static readonly IDLE = PollEv.OUT | PollEv.WRNORM | PollEv.HUP;
}
