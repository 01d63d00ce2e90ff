/**
 * Stream sockets over node:net: TCP (AF_INET, AF_INET6) and AF_UNIX
 * sockets with a path or an abstract name.
 *
 * Node cannot bind a socket without listening, so bind() starts a
 * net.Server at once: the kernel then picks the ephemeral port, which
 * getsockname must report before listen(). Until the guest calls listen(),
 * connections that arrive are dropped. A socket that is bound and then
 * connects instead closes its server and connects from the same address.
 *
 * Received data is buffered here (reading pauses while the guest lets
 * RX_HIGH bytes pile up); sends are handed to Node, and block while more
 * than TX_HIGH bytes wait to go out, as a full send buffer would.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import { Errno, hostErrno } from "./syscalls/errno.js";
import { PollEv, type IoResult } from "./fd-table.js";
import { AF, Msg, Shut, Sol, So, Socket, Tcp, IPV6_V6ONLY, inetAddress, unboundAddress, type Accepted, type Outcome, type Received, type SockAddr } from "./socket.js";

/** Buffered received bytes at which reading from the host pauses. */
const RX_HIGH = 256 * 1024;
/**
 * Bytes queued for sending at which send() blocks (or fails with EAGAIN):
 * the most Linux's autotuned send buffer holds (tcp_wmem's 4 MiB), so that a
 * non-blocking writer to a peer that does not read meets EAGAIN after about
 * as much data as on Linux (the host's own buffers take their share first).
 */
const TX_HIGH = 4 * 1024 * 1024;

const enum State {
  /** Neither bound, connected nor listening. */
  Idle,
  /** bind() succeeded: a net.Server holds the address. */
  Bound,
  Listening,
  Connecting,
  Connected,
}

/** The errno a Node socket error stands for (ECONNRESET when it has none). */
function errnoOf(e: unknown): number {
  try {
    return -hostErrno(e);
  } catch {
    return Errno.ECONNRESET;
  }
}

export class TcpSocket extends Socket {
  private state = State.Idle;
  private server: net.Server | undefined;
  /** The address bind() gave (what getsockname reports while bound or listening). */
  private boundAddr: SockAddr | undefined;
  /** Connections the host accepted that the guest has not. */
  private readonly backlog: net.Socket[] = [];
  private backlogMax = 128;
  private conn: net.Socket | undefined;
  private readonly rx: Buffer[] = [];
  private rxBytes = 0;
  /** The peer sent FIN. */
  private rxEof = false;
  /** The connection is gone (reset or closed). */
  private dead = false;
  private shut = 0;
  private local: SockAddr | undefined;
  private peer: SockAddr | undefined;

  constructor(domain: number, type: number, protocol: number, flags: number) {
    super(domain, type, protocol, flags);
  }

  /** Wraps a connection the host accepted for listening socket `from`. */
  private static accepted(from: TcpSocket, conn: net.Socket): TcpSocket {
    const s = new TcpSocket(from.domain, from.type, from.protocol, 0);
    s.state = State.Connected;
    s.local = from.domain === AF.UNIX ? from.boundAddr : inetAddress(from.domain, conn.localAddress ?? "", conn.localPort ?? 0);
    s.peer = from.domain === AF.UNIX ? { family: AF.UNIX, path: "" } : inetAddress(from.domain, conn.remoteAddress ?? "", conn.remotePort ?? 0);
    s.attach(conn);
    if (from.option(Sol.TCP, Tcp.NODELAY)) conn.setNoDelay(true);
    conn.resume();
    return s;
  }

  get listening(): boolean {
    return this.state === State.Listening;
  }

  /** Where Node should listen or connect for `addr`. */
  private static endpoint(addr: SockAddr): { host: string; port: number } | { path: string } | undefined {
    if (addr.family === AF.INET || addr.family === AF.INET6) return { host: addr.address, port: addr.port };
    if (addr.family === AF.UNIX) return { path: addr.path.startsWith("\0") ? addr.path : addr.hostPath ?? addr.path };
    return undefined;
  }

  bind(addr: SockAddr): number | Promise<number> {
    if (addr.family !== this.domain && !(this.domain === AF.INET && addr.family === AF.UNSPEC)) return -Errno.EAFNOSUPPORT;
    if (this.state !== State.Idle) return -Errno.EINVAL;
    let a = addr;
    if (a.family === AF.UNSPEC) a = unboundAddress(AF.INET);
    if (a.family === AF.UNIX && a.path === "") a = { family: AF.UNIX, path: `\0${Math.floor(Math.random() * 0xfffff).toString(16).padStart(5, "0")}` };
    return this.startServer(a);
  }

  /** Listens on `addr` in Node; resolves with 0 once the host bound it, or the errno. */
  private startServer(addr: SockAddr): Promise<number> {
    const where = TcpSocket.endpoint(addr)!;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.state = State.Bound;
    this.server = server;
    return new Promise<number>((resolve) => {
      const failed = (e: Error) => {
        this.state = State.Idle;
        this.server = undefined;
        resolve(-errnoOf(e));
      };
      server.once("error", failed);
      server.on("connection", (c) => this.arrived(c));
      const ipv6Only = this.domain === AF.INET6 && this.option(Sol.IPV6, IPV6_V6ONLY) !== 0;
      server.listen({ ...where, backlog: 511, ipv6Only, exclusive: true }, () => {
        server.off("error", failed);
        server.on("error", () => { /* reported to the guest through accept() failing */ });
        const got = server.address();
        this.boundAddr = typeof got === "object" && got !== null ? inetAddress(this.domain, got.address, got.port) : addr;
        resolve(0);
      });
    });
  }

  /** A connection reached the host's listening socket. */
  private arrived(c: net.Socket): void {
    c.on("error", () => {});
    if (this.state !== State.Listening || this.backlog.length > this.backlogMax) {
      c.destroy(); // not listening yet, or the queue is full: the client is turned away
      return;
    }
    this.backlog.push(c);
    this.wake(PollEv.IN | PollEv.RDNORM);
  }

  listen(backlog: number): number | Promise<number> {
    this.backlogMax = Math.max(0, Math.min(backlog, 4096));
    if (this.state === State.Listening) return 0;
    if (this.state === State.Bound) {
      this.state = State.Listening;
      return 0;
    }
    if (this.state !== State.Idle) return -Errno.EINVAL;
    if (this.domain === AF.UNIX) return -Errno.EINVAL;
    // listen() without bind() takes an ephemeral port on every address, as Linux's autobind does.
    return this.startServer(unboundAddress(this.domain)).then((r) => {
      if (r === 0) this.state = State.Listening;
      return r;
    });
  }

  accept(nonblock: boolean): Outcome<Accepted> {
    const attempt = (): Accepted | number | undefined => {
      if (this.state !== State.Listening) return -Errno.EINVAL;
      const c = this.backlog.shift();
      if (c === undefined) return undefined;
      const s = TcpSocket.accepted(this, c);
      return { socket: s, peer: s.peer! };
    };
    return this.wait<Accepted>(attempt, nonblock || this.nonblocking, this.rcvTimeoutMs);
  }

  connect(addr: SockAddr, nonblock: boolean): IoResult {
    switch (this.state) {
      case State.Connected: return -Errno.EISCONN;
      case State.Connecting: return -Errno.EALREADY;
      case State.Listening: return -Errno.EISCONN;
    }
    if (this.error !== 0) {
      // A connect that failed in the background: report how, once.
      const e = this.error;
      this.error = 0;
      return -e;
    }
    if (addr.family !== this.domain) return addr.family === AF.UNSPEC ? 0 : -Errno.EAFNOSUPPORT;
    const where = TcpSocket.endpoint(addr)!;
    const from = this.boundAddr;
    this.closeServer();
    const local = from !== undefined && (from.family === AF.INET || from.family === AF.INET6) ? { localAddress: from.address, localPort: from.port } : {};
    const conn = net.connect({ ...where, ...local, allowHalfOpen: true, noDelay: this.option(Sol.TCP, Tcp.NODELAY) !== 0 });
    this.state = State.Connecting;
    this.dead = false;
    this.rxEof = false;
    this.shut = 0;
    conn.once("connect", () => {
      this.state = State.Connected;
      if (this.domain === AF.UNIX) {
        this.local = { family: AF.UNIX, path: "" };
        this.peer = addr;
      } else {
        this.local = inetAddress(this.domain, conn.localAddress ?? "", conn.localPort ?? 0);
        this.peer = inetAddress(this.domain, conn.remoteAddress ?? "", conn.remotePort ?? 0);
      }
      if (this.option(Sol.SOCKET, So.KEEPALIVE)) conn.setKeepAlive(true);
      this.wake(PollEv.OUT | PollEv.WRNORM);
    });
    this.attach(conn);
    // A connection to a local path is made or refused at once on Linux: wait for it even when non-blocking.
    if (nonblock && this.domain !== AF.UNIX) return -Errno.EINPROGRESS;
    const attempt = (): number | undefined => {
      if (this.state === State.Connected) return 0;
      if (this.state === State.Connecting) return undefined;
      const e = this.error;
      this.error = 0;
      return e !== 0 ? -e : -Errno.ECONNABORTED;
    };
    return this.wait<number>(attempt, false, this.sndTimeoutMs, () => -Errno.EINTR, () => -Errno.EINPROGRESS) as IoResult;
  }

  /** Follows a connection's events into the receive buffer and state. */
  private attach(conn: net.Socket): void {
    this.conn = conn;
    conn.on("data", (chunk: Buffer) => {
      this.rx.push(chunk);
      this.rxBytes += chunk.length;
      if (this.rxBytes >= RX_HIGH) conn.pause();
      this.wake(PollEv.IN | PollEv.RDNORM);
    });
    conn.on("end", () => {
      this.rxEof = true;
      this.wake(PollEv.IN | PollEv.RDNORM | PollEv.RDHUP);
    });
    conn.on("drain", () => this.wake(PollEv.OUT | PollEv.WRNORM));
    conn.on("error", (e) => {
      if (this.conn !== conn) return; // a connection this socket gave up (a failed connect before a new one)
      this.error = errnoOf(e);
      this.dead = true;
      if (this.state === State.Connecting) this.state = State.Idle;
      this.wake(PollEv.IN | PollEv.OUT | PollEv.ERR | PollEv.HUP);
    });
    conn.on("close", () => {
      if (this.conn !== conn) return;
      this.dead = true;
      if (this.state === State.Connecting) this.state = State.Idle;
      this.wake(PollEv.IN | PollEv.OUT | PollEv.HUP);
    });
  }

  send(data: Uint8Array, flags: number): IoResult {
    const nonblock = this.nonblocking || (flags & Msg.DONTWAIT) !== 0;
    const attempt = (): number | undefined => {
      if (this.error !== 0) {
        const e = this.error;
        this.error = 0;
        return -e;
      }
      if (this.shut & Shut.SEND) return -Errno.EPIPE;
      if (this.state === State.Connecting) return undefined;
      const conn = this.conn;
      if (this.state !== State.Connected || conn === undefined || this.dead || conn.destroyed) return -Errno.EPIPE;
      if (data.length === 0) return 0;
      const queued = conn.writableLength;
      if (queued >= TX_HIGH) return undefined;
      // A non-blocking send takes what fits; a blocking one hands everything over.
      const n = nonblock ? Math.min(data.length, TX_HIGH - queued) : data.length;
      conn.write(Buffer.from(data.subarray(0, n)));
      return n;
    };
    return this.wait<number>(attempt, nonblock, this.sndTimeoutMs) as IoResult;
  }

  recv(buf: Uint8Array, flags: number): Outcome<Received> {
    const nonblock = this.nonblocking || (flags & Msg.DONTWAIT) !== 0;
    const peek = (flags & Msg.PEEK) !== 0;
    const waitAll = (flags & Msg.WAITALL) !== 0 && !peek;
    let got = 0;
    const attempt = (): Received | number | undefined => {
      if (this.state === State.Listening) return -Errno.ENOTCONN;
      let i = 0;
      while (got < buf.length && i < this.rx.length) {
        const chunk = this.rx[i];
        const n = Math.min(buf.length - got, chunk.length);
        buf.set(chunk.subarray(0, n), got);
        got += n;
        if (peek) i++;
        else if (n === chunk.length) this.rx.shift();
        else this.rx[0] = chunk.subarray(n);
      }
      if (!peek && got > 0) {
        this.rxBytes -= got;
        if (this.rxBytes < RX_HIGH / 2 && this.conn?.isPaused()) this.conn.resume();
      }
      if (got === buf.length || (got > 0 && !waitAll)) return { n: got };
      if (this.rxEof || this.shut & Shut.RCV) return { n: got };
      if (got === 0 && this.error !== 0) {
        const e = this.error;
        this.error = 0;
        return -e;
      }
      if (this.state !== State.Connected && this.state !== State.Connecting) return got > 0 ? { n: got } : -Errno.ENOTCONN;
      if (this.dead) return { n: got };
      return nonblock ? (got > 0 ? { n: got } : -Errno.EAGAIN) : undefined;
    };
    if (buf.length === 0) return { n: 0 };
    return this.wait<Received>(attempt, false, this.rcvTimeoutMs, () => (got > 0 ? { n: got } : -Errno.EINTR), () => (got > 0 ? { n: got } : -Errno.EAGAIN));
  }

  localAddress(): SockAddr {
    if (this.state === State.Connected || this.state === State.Connecting) return this.local ?? unboundAddress(this.domain);
    return this.boundAddr ?? unboundAddress(this.domain);
  }

  peerAddress(): SockAddr | undefined {
    return this.state === State.Connected ? this.peer : undefined;
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -Errno.EINVAL;
    if (this.state === State.Listening) {
      if (how === 0 || how === 2) {
        // Linux stops listening; threads blocked in accept() then fail.
        this.closeServer();
        this.state = State.Idle;
        for (const c of this.backlog.splice(0)) c.destroy();
        this.wake(PollEv.IN | PollEv.HUP);
      }
      return 0;
    }
    if (this.state !== State.Connected) return -Errno.ENOTCONN;
    const mode = how + 1;
    if (mode & Shut.SEND && !(this.shut & Shut.SEND)) this.conn?.end();
    this.shut |= mode;
    this.wake(PollEv.IN | PollEv.OUT | PollEv.RDHUP | PollEv.HUP);
    return 0;
  }

  poll(events: number): number {
    let ready = 0;
    if (this.error !== 0) ready |= PollEv.ERR;
    switch (this.state) {
      case State.Listening:
        if (this.backlog.length > 0) ready |= PollEv.IN | PollEv.RDNORM;
        break;
      case State.Connecting:
        break;
      case State.Connected: {
        const rdhup = this.rxEof || (this.shut & Shut.RCV) !== 0;
        if (this.rxBytes > 0 || rdhup) ready |= PollEv.IN | PollEv.RDNORM;
        if (rdhup) ready |= PollEv.RDHUP;
        if (this.dead || (rdhup && this.shut & Shut.SEND)) ready |= PollEv.HUP;
        if (this.dead && this.rxBytes === 0) ready |= PollEv.IN | PollEv.RDNORM;
        const queued = this.conn?.writableLength ?? 0;
        if (this.shut & Shut.SEND || this.dead || queued < TX_HIGH) ready |= PollEv.OUT | PollEv.WRNORM;
        break;
      }
      default:
        ready |= Socket.IDLE;
    }
    return ready & (events | PollEv.ERR | PollEv.HUP);
  }

  readable(): number {
    return this.rxBytes;
  }

  protected override optionSet(level: number, name: number, value: number): void {
    if (level === Sol.TCP && name === Tcp.NODELAY) this.conn?.setNoDelay(value !== 0);
    if (level === Sol.SOCKET && name === So.KEEPALIVE) this.conn?.setKeepAlive(value !== 0);
  }

  /**
   * Stops the host listening. Node removes the socket file of an AF_UNIX
   * server when it closes; Linux leaves it behind (connecting to it is then
   * refused, binding it again fails until it is unlinked), so the file is
   * kept by a second link while Node closes and put back after.
   */
  private closeServer(): void {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const a = this.boundAddr;
    const path = a?.family === AF.UNIX && a.path !== "" && !a.path.startsWith("\0") ? a.hostPath ?? a.path : undefined;
    let spare: string | undefined;
    if (path !== undefined) {
      spare = `${path}.typevisor-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      try { fs.linkSync(path, spare); } catch { spare = undefined; }
    }
    server.close();
    if (path !== undefined && spare !== undefined) {
      try { fs.renameSync(spare, path); } catch { try { fs.unlinkSync(spare); } catch { /* gone */ } }
    }
  }

  release(): void {
    this.closeServer();
    for (const c of this.backlog.splice(0)) c.destroy();
    const conn = this.conn;
    if (conn !== undefined && !conn.destroyed) {
      conn.removeAllListeners("data");
      if (this.domain === AF.UNIX) {
        // A Unix-domain stream has no reset to send (Node refuses resetAndDestroy on
        // a pipe handle) and ignores SO_LINGER: with unread data Linux only marks the
        // peer ECONNRESET, which ending the host connection approximates as end-of-file.
        if (this.rxBytes > 0) conn.destroy();
        else conn.end(() => conn.destroy());
      } else if (this.rxBytes > 0 || (this.linger[0] !== 0 && this.linger[1] === 0)) {
        // Closing with unread data (or SO_LINGER 0) resets the connection, as Linux does.
        // Node throws for a handle that is not TCP (ERR_INVALID_HANDLE_TYPE): then just close.
        try { conn.resetAndDestroy(); } catch { conn.destroy(); }
      } else {
        conn.end(() => conn.destroy());
      }
    }
    this.rx.length = 0;
    this.rxBytes = 0;
    this.state = State.Idle;
  }
}
