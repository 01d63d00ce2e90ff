/**
 * AF_UNIX sockets that live inside the process: the pairs socketpair makes
 * (stream, datagram and seqpacket), and datagram sockets bound to a path or
 * an abstract name, found through a table of bound names (Node has no
 * AF_UNIX datagram sockets; stream sockets with a path go through node:net
 * in socket-tcp.ts). Queues, shutdown states and poll bits follow Linux's
 * af_unix; SCM_RIGHTS carries open files along with the data.
 */
import { randomBytes } from "node:crypto";
import { Errno } from "./syscalls/errno.js";
import { PollEv, type IoResult, type OpenFile } from "./fd-table.js";
import { AF, DEFAULT_SNDBUF, Msg, Shut, SockType, Socket, type Accepted, type Outcome, type Received, type SockAddr } from "./socket.js";

/** Queue length beyond which a datagram socket's receive queue counts as full (net.unix.max_dgram_qlen). */
const MAX_DGRAM_QLEN = 10;

/** One queued message (datagram) or piece of a stream. */
interface Packet {
  data: Uint8Array;
  /** The socket that sent it (its bytes count against the sender's buffer until read). */
  sender: UnixSocket;
  /** The sender's address (datagrams). */
  from: SockAddr;
  rights?: OpenFile[];
}

/** Who created a socket (SO_PEERCRED). */
export interface Credentials {
  pid: number;
  uid: number;
  gid: number;
}

/** Datagram sockets bound to a name, by host path or abstract name. */
const bound = new Map<string, UnixSocket>();

/** The table key for a unix address. */
function nameKey(a: SockAddr & { family: AF.UNIX }): string {
  return a.path.startsWith("\0") ? a.path : a.hostPath ?? a.path;
}

export class UnixSocket extends Socket {
  /** The connected peer (its pair, or the socket connect() named). */
  peer: UnixSocket | undefined;
  private readonly rx: Packet[] = [];
  private rxBytes = 0;
  /** Bytes this socket sent that are still queued at the receiver. */
  private inflight = 0;
  /** Shut bits: RCV (no more reading), SEND (no more writing). */
  private shut = 0;
  private name: (SockAddr & { family: AF.UNIX }) | undefined;
  private closed = false;
  /** Part of a connected pair (stream and seqpacket sockets are only ever that). */
  private connected = false;

  /** `dropRights` releases files left in flight when a queue is discarded. */
  constructor(type: number, flags: number, readonly cred: Credentials, private readonly dropRights: (files: OpenFile[]) => void) {
    super(AF.UNIX, type, 0, flags);
  }

  /** socketpair(): two sockets of `type` connected to each other. */
  static pair(type: number, flags: number, cred: Credentials, dropRights: (files: OpenFile[]) => void): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(type, flags, cred, dropRights), b = new UnixSocket(type, flags, cred, dropRights);
    a.peer = b;
    b.peer = a;
    a.connected = b.connected = true;
    return [a, b];
  }

  protected override discard(files: OpenFile[]): void {
    this.dropRights(files);
  }

  private get isStream(): boolean {
    return this.type === SockType.STREAM;
  }

  get listening(): boolean {
    return false;
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF.UNIX) return -Errno.EINVAL;
    if (this.name !== undefined) return -Errno.EINVAL;
    if (this.type !== SockType.DGRAM) return -Errno.EOPNOTSUPP;
    let a = addr;
    if (a.path === "") a = { family: AF.UNIX, path: "\0" + randomBytes(3).toString("hex").slice(0, 5) }; // autobind
    const key = nameKey(a);
    if (bound.has(key)) return -Errno.EADDRINUSE;
    bound.set(key, this);
    this.name = a;
    return 0;
  }

  listen(): number {
    // Only a bound socket can listen; these never are (datagram sockets were refused before).
    return -Errno.EINVAL;
  }

  accept(): Outcome<Accepted> {
    return -Errno.EINVAL;
  }

  /** Looks up the datagram socket bound to `addr`. */
  private static find(addr: SockAddr): UnixSocket | number {
    if (addr.family !== AF.UNIX) return -Errno.EINVAL;
    const s = bound.get(nameKey(addr));
    if (s === undefined || s.closed) return addr.path.startsWith("\0") ? -Errno.ECONNREFUSED : -Errno.ENOENT;
    return s;
  }

  connect(addr: SockAddr): IoResult {
    if (this.type !== SockType.DGRAM) return this.connected ? -Errno.EISCONN : -Errno.EOPNOTSUPP;
    if (addr.family === AF.UNSPEC) {
      this.peer = undefined;
      return 0;
    }
    const target = UnixSocket.find(addr);
    if (typeof target === "number") return target;
    this.peer = target;
    return 0;
  }

  send(data: Uint8Array, flags: number, to?: SockAddr, rights?: OpenFile[]): IoResult {
    return this.type === SockType.DGRAM ? this.sendDatagram(data, flags, to, rights) : this.sendConnected(data, flags, to, rights);
  }

  /** Stream and seqpacket sends, to the peer of the pair. */
  private sendConnected(data: Uint8Array, flags: number, to: SockAddr | undefined, rights: OpenFile[] | undefined): IoResult {
    if (to !== undefined) return this.connected ? -Errno.EISCONN : -Errno.EOPNOTSUPP;
    if (!this.connected) return -Errno.ENOTCONN;
    if (!this.isStream && data.length > DEFAULT_SNDBUF - 32) return -Errno.EMSGSIZE;
    const nonblock = this.nonblocking || (flags & Msg.DONTWAIT) !== 0;
    let done = 0;
    const attempt = (): number | undefined => {
      const peer = this.peer;
      if (this.shut & Shut.SEND || peer === undefined || peer.closed || peer.shut & Shut.RCV) return done > 0 ? done : -Errno.EPIPE;
      const room = DEFAULT_SNDBUF - this.inflight;
      if (this.isStream) {
        if (room > 0 && (done < data.length || data.length === 0)) {
          const n = Math.min(room, data.length - done);
          peer.enqueue({ data: data.slice(done, done + n), sender: this, from: this.localAddress(), ...(done === 0 && rights && { rights }) });
          done += n;
        }
        if (done === data.length) return done;
      } else if (room >= data.length) {
        peer.enqueue({ data: data.slice(), sender: this, from: this.localAddress(), ...(rights && { rights }) });
        return data.length;
      }
      return nonblock ? (done > 0 ? done : -Errno.EAGAIN) : undefined;
    };
    return this.wait<number>(attempt, false, this.sndTimeoutMs, () => (done > 0 ? done : -Errno.EINTR), () => (done > 0 ? done : -Errno.EAGAIN),
      (cb) => this.peer?.wq.add(cb) ?? (() => {}));
  }

  /** Datagram sends: to the connected peer, or to the socket bound to `to`. */
  private sendDatagram(data: Uint8Array, flags: number, to: SockAddr | undefined, rights: OpenFile[] | undefined): IoResult {
    let target: UnixSocket | number;
    if (to !== undefined && to.family !== AF.UNSPEC) target = UnixSocket.find(to);
    else if (this.peer !== undefined) {
      target = this.peer;
      if (target.closed) {
        this.peer = undefined;
        return -Errno.ECONNREFUSED;
      }
    } else return -Errno.ENOTCONN;
    if (typeof target === "number") return target;
    const dest = target;
    if (data.length > DEFAULT_SNDBUF - 32) return -Errno.EMSGSIZE;
    if (this.shut & Shut.SEND) return -Errno.EPIPE;
    const nonblock = this.nonblocking || (flags & Msg.DONTWAIT) !== 0;
    const attempt = (): number | undefined => {
      if (dest.closed) return -Errno.ECONNREFUSED;
      if (dest.shut & Shut.RCV) return -Errno.EPIPE;
      const queueFull = dest.peer !== this && dest.rx.length > MAX_DGRAM_QLEN;
      if (!queueFull && this.inflight + data.length <= DEFAULT_SNDBUF) {
        dest.enqueue({ data: data.slice(), sender: this, from: this.localAddress(), ...(rights && { rights }) });
        return data.length;
      }
      return nonblock ? -Errno.EAGAIN : undefined;
    };
    return this.wait<number>(attempt, false, this.sndTimeoutMs, undefined, undefined, (cb) => dest.wq.add(cb));
  }

  private enqueue(p: Packet): void {
    this.rx.push(p);
    this.rxBytes += p.data.length;
    p.sender.inflight += p.data.length;
    this.wake(PollEv.IN | PollEv.RDNORM);
  }

  /** Takes `n` bytes of the head packet off the queue (all of it for datagrams). */
  private consume(p: Packet, n: number): void {
    p.sender.inflight -= n;
    this.rxBytes -= n;
    if (n >= p.data.length) this.rx.shift();
    else p.data = p.data.subarray(n);
    // Room appeared: the sender may write again.
    this.wake(PollEv.OUT | PollEv.WRNORM);
    if (p.sender !== this) p.sender.wake(PollEv.OUT | PollEv.WRNORM);
  }

  recv(buf: Uint8Array, flags: number): Outcome<Received> {
    const nonblock = this.nonblocking || (flags & Msg.DONTWAIT) !== 0;
    const peek = (flags & Msg.PEEK) !== 0;
    if (!this.isStream) {
      const attempt = (): Received | number | undefined => {
        const p = this.rx[0];
        if (p === undefined) return this.emptyResult();
        const n = Math.min(buf.length, p.data.length);
        buf.set(p.data.subarray(0, n));
        const r: Received = { n: flags & Msg.TRUNC ? p.data.length : n, flags: p.data.length > n ? Msg.TRUNC : 0 };
        if (this.type === SockType.DGRAM) r.from = p.from;
        if (!peek) {
          if (p.rights) r.rights = p.rights;
          this.consume(p, p.data.length);
        }
        return r;
      };
      return this.wait<Received>(() => attempt() ?? (nonblock ? -Errno.EAGAIN : undefined), false, this.rcvTimeoutMs);
    }
    if (!this.connected) return -Errno.EINVAL;
    const waitAll = (flags & Msg.WAITALL) !== 0 && !peek;
    let got = 0;
    let rights: OpenFile[] | undefined;
    const attempt = (): Received | number | undefined => {
      let at = 0;
      while (got < buf.length && at < this.rx.length) {
        const p = this.rx[at];
        if (p.rights !== undefined && got > 0) break; // files arrive with their own data, never glued to earlier data
        const n = Math.min(buf.length - got, p.data.length);
        buf.set(p.data.subarray(0, n), got);
        got += n;
        if (peek) at++;
        else {
          if (p.rights !== undefined) { rights = p.rights; p.rights = undefined; }
          this.consume(p, n);
        }
        if (rights !== undefined) break;
      }
      const done = (): Received => ({ n: got, ...(rights && { rights }) });
      if (got === buf.length || rights !== undefined) return done();
      if (got > 0 && !waitAll) return done();
      const end = this.emptyResult();
      if (end !== undefined) return got > 0 ? done() : end;
      return nonblock ? (got > 0 ? done() : -Errno.EAGAIN) : undefined;
    };
    if (buf.length === 0) return { n: 0 };
    return this.wait<Received>(attempt, false, this.rcvTimeoutMs, () => (got > 0 ? { n: got } : -Errno.EINTR), () => (got > 0 ? { n: got } : -Errno.EAGAIN));
  }

  /** What a receive on an empty queue returns without waiting: a pending error, end of file, or undefined (wait). */
  private emptyResult(): Received | number | undefined {
    if (this.error !== 0) {
      const e = this.error;
      this.error = 0;
      return -e;
    }
    if (this.shut & Shut.RCV) return { n: 0 };
    if (this.type === SockType.SEQPACKET && !this.connected) return -Errno.ENOTCONN;
    return undefined;
  }

  localAddress(): SockAddr {
    return this.name ?? { family: AF.UNIX, path: "" };
  }

  peerAddress(): SockAddr | undefined {
    if (this.peer === undefined) return undefined;
    return this.peer.name ?? { family: AF.UNIX, path: "" };
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -Errno.EINVAL;
    const mode = how + 1;
    this.shut |= mode;
    this.wake(PollEv.IN | PollEv.OUT | PollEv.HUP | PollEv.RDHUP);
    const peer = this.peer;
    if (peer !== undefined && this.type !== SockType.DGRAM) {
      peer.shut |= (mode & Shut.RCV ? Shut.SEND : 0) | (mode & Shut.SEND ? Shut.RCV : 0);
      peer.wake(PollEv.IN | PollEv.OUT | PollEv.HUP | PollEv.RDHUP);
    }
    return 0;
  }

  poll(events: number): number {
    let ready = 0;
    if (this.error !== 0) ready |= PollEv.ERR;
    if (this.shut === Shut.BOTH) ready |= PollEv.HUP;
    if (this.shut & Shut.RCV) ready |= PollEv.IN | PollEv.RDNORM | PollEv.RDHUP;
    if (this.rx.length > 0) ready |= PollEv.IN | PollEv.RDNORM;
    if (this.type !== SockType.DGRAM && !this.connected) ready |= PollEv.HUP;
    let writable = this.inflight * 4 <= DEFAULT_SNDBUF;
    const peer = this.peer;
    if (this.type === SockType.DGRAM && peer !== undefined && peer.peer !== this && peer.rx.length > MAX_DGRAM_QLEN) writable = false;
    if (writable) ready |= PollEv.OUT | PollEv.WRNORM;
    return ready & (events | PollEv.ERR | PollEv.HUP);
  }

  readable(): number {
    if (this.isStream) return this.rxBytes;
    return this.rx[0]?.data.length ?? 0;
  }

  release(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.name !== undefined && bound.get(nameKey(this.name)) === this) bound.delete(nameKey(this.name));
    const unread = this.rx.length > 0;
    for (const p of this.rx) {
      p.sender.inflight -= p.data.length;
      if (p.sender !== this) p.sender.wake(PollEv.OUT | PollEv.WRNORM);
      if (p.rights) this.dropRights(p.rights);
    }
    this.rx.length = 0;
    this.rxBytes = 0;
    const peer = this.peer;
    if (peer !== undefined && this.type !== SockType.DGRAM) {
      peer.shut = Shut.BOTH;
      if (unread) peer.error = Errno.ECONNRESET;
      peer.wake(PollEv.IN | PollEv.OUT | PollEv.HUP | PollEv.RDHUP | PollEv.ERR);
    }
    this.wake(PollEv.IN | PollEv.OUT | PollEv.HUP);
  }
}
