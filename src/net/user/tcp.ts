/**
 * One TCP connection of user-mode networking: the guest's TCP talks to this
 * endpoint as if to the remote host, and the endpoint relays the byte stream
 * to a host socket (a NAT at the stream level, as QEMU's slirp does). It is
 * a small RFC 9293 implementation tuned for a lossless virtual link:
 * in-order delivery only (an out-of-order segment is answered with a
 * duplicate ACK and the guest resends), go-back-N retransmission on timeout
 * or three duplicate ACKs, window scaling both ways (RFC 7323), flow control
 * from the host socket's write buffer to the window we advertise, and from
 * the guest's window to pausing the host socket.
 *
 * Opened either by the guest (a SYN: the host connect happens first, and the
 * guest gets SYN-ACK once it succeeded, RST if it was refused) or by a host
 * forward (a host client connected: we send the guest a SYN).
 */
import { connect, type Socket } from "node:net";
import { buildSegment, seqAdd, seqDiff, TcpFlag, type Endpoints, type Segment } from "./tcp-segment.js";

/** What a connection needs from user-mode networking. */
export interface TcpOwner {
  /** Sends a frame to the guest. */
  toGuest(frame: Uint8Array): void;
  /** The connection is over: drop it from the table. */
  forget(c: TcpConnection): void;
}

/** Connection states (a subset of RFC 9293's; the FIN exchange is tracked by flags). */
const enum State {
  /** The guest sent SYN; the host connect is in progress. */
  Connecting,
  /** The host connect succeeded and SYN-ACK went to the guest; its ACK is awaited. */
  SynAckSent,
  /** A host forward sent SYN to the guest; its SYN-ACK is awaited. */
  SynSent,
  Established,
  Closed,
}

/** The MSS we advertise and never exceed: a 1500-byte MTU less IPv4 and TCP headers. */
const OUR_MSS = 1460;
/** Our window scale shift (windows up to 8 MiB). */
const OUR_WINDOW_SCALE = 7;
/** Bytes the guest may send ahead of the host socket taking them (our receive buffer). */
const RCV_BUFFER = 512 * 1024;
/** Bytes read from the host socket and not yet acknowledged by the guest before we stop reading. */
const SND_BUFFER = 1024 * 1024;
/** First retransmission timeout: the guest is emulated, so its ACKs may take a few time slices. */
const RTO_INITIAL_MS = 500;
const RTO_MAX_MS = 8000;
/** Retransmissions without progress before the connection is reset. */
const MAX_RETRIES = 8;
/** Duplicate ACKs that trigger a retransmission. */
const DUP_ACK_THRESHOLD = 3;

export class TcpConnection {
  private state: State;
  private socket: Socket | undefined;
  /** Our initial sequence number, first unacknowledged and next to send. */
  private readonly iss = (Math.random() * 0x100000000) >>> 0;
  private sndUna: number;
  private sndNxt: number;
  /** The guest's receive window in bytes, and the shift its window field takes. */
  private sndWnd = 0;
  private sndScale = 0;
  /** Largest segment to send the guest. */
  private mss = 536;
  /** Next byte expected from the guest. */
  private rcvNxt = 0;
  /** Shift of the window we advertise (0 unless the guest scales too). */
  private rcvScale = 0;
  /** rcvNxt when we last sent an ACK, and the window it carried. */
  private ackedTo = 0;
  private windowSent = 0;
  /** Bytes from the host not yet acknowledged by the guest, oldest first; `head` bytes of the first are acknowledged. */
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private queued = 0;
  private hostPaused = false;
  private hostEnded = false;
  private finSent = false;
  private finAcked = false;
  private guestFin = false;
  private dupAcks = 0;
  private rto = RTO_INITIAL_MS;
  private retries = 0;
  private timer: NodeJS.Timeout | undefined;
  private delayedAck: NodeJS.Immediate | undefined;

  private constructor(private readonly owner: TcpOwner, readonly ends: Endpoints, state: State) {
    this.state = state;
    this.sndUna = this.sndNxt = this.iss;
  }

  /** The table key of a connection: guest port and the peer it talks to. */
  static key(guestPort: number, peerAddr: number, peerPort: number): string {
    return `${guestPort}/${peerAddr}/${peerPort}`;
  }

  /** This connection's table key. */
  get key(): string {
    return TcpConnection.key(this.ends.guestPort, this.ends.peerAddr, this.ends.peerPort);
  }

  /** A connection the guest opened with `syn`: connects to host:port first, then answers. */
  static fromGuest(owner: TcpOwner, ends: Endpoints, syn: Segment, host: string, port: number): TcpConnection {
    const c = new TcpConnection(owner, ends, State.Connecting);
    c.rcvNxt = seqAdd(syn.seq, 1);
    c.takeSynOptions(syn);
    const socket = connect({ host, port, allowHalfOpen: true });
    c.adopt(socket);
    socket.once("connect", () => {
      if (c.state !== State.Connecting) return;
      c.state = State.SynAckSent;
      c.sendSyn();
    });
    return c;
  }

  /** A connection for a host client of a host forward: sends the guest a SYN (the socket is paused until the guest accepts). */
  static toGuest(owner: TcpOwner, ends: Endpoints, socket: Socket): TcpConnection {
    const c = new TcpConnection(owner, ends, State.SynSent);
    c.adopt(socket);
    c.sendSyn();
    return c;
  }

  /** Ends the connection at once (the backend closes): resets both sides. */
  abort(): void {
    if (this.state === State.Closed) return;
    if (this.state !== State.Connecting) this.send(TcpFlag.Rst | TcpFlag.Ack, this.sndNxt, 0);
    this.close();
  }

  private takeSynOptions(syn: Segment): void {
    this.mss = Math.min(syn.mss > 0 ? syn.mss : 536, OUR_MSS);
    if (syn.windowScale >= 0) {
      this.sndScale = syn.windowScale;
      this.rcvScale = OUR_WINDOW_SCALE;
    }
    this.sndWnd = syn.window; // a SYN's window is never scaled
  }

  private adopt(socket: Socket): void {
    this.socket = socket;
    socket.on("data", (b: Buffer) => this.fromHost(b));
    socket.on("end", () => { this.hostEnded = true; this.pump(); });
    socket.on("drain", () => { if (this.windowSent < RCV_BUFFER / 2) this.ackNow(); });
    socket.on("error", () => {}); // reported by "close"
    socket.on("close", (hadError) => {
      if (this.state === State.Closed) return;
      if (hadError || !this.hostEnded) {
        // Refused, reset or failed: the guest sees a reset (a refused connect answers its SYN).
        if (this.state === State.Connecting) this.send(TcpFlag.Rst | TcpFlag.Ack, 0, 0, this.rcvNxt);
        else this.send(TcpFlag.Rst | TcpFlag.Ack, this.sndNxt, 0);
        this.close();
      }
    });
  }

  private fromHost(b: Buffer): void {
    this.chunks.push(b);
    this.queued += b.length;
    if (this.queued >= SND_BUFFER && !this.hostPaused) {
      this.hostPaused = true;
      this.socket?.pause();
    }
    this.pump();
  }

  /** A segment from the guest for this connection. */
  input(f: Uint8Array, s: Segment): void {
    if ((s.flags & TcpFlag.Rst) !== 0) { this.close(); return; }
    switch (this.state) {
      case State.Connecting:
        return; // a repeated SYN while the host connect is in progress
      case State.SynSent:
        if ((s.flags & (TcpFlag.Syn | TcpFlag.Ack)) === (TcpFlag.Syn | TcpFlag.Ack) && s.ack === seqAdd(this.iss, 1)) {
          this.rcvNxt = seqAdd(s.seq, 1);
          if (s.windowScale < 0) this.rcvScale = 0;
          this.takeSynOptions(s);
          if (s.windowScale < 0) this.sndScale = 0;
          this.sndUna = this.sndNxt = seqAdd(this.iss, 1);
          this.established();
          this.ackNow();
          this.socket?.resume();
        } else if ((s.flags & TcpFlag.Ack) !== 0) {
          this.send(TcpFlag.Rst, s.ack, 0);
        }
        return;
      case State.SynAckSent:
        if ((s.flags & TcpFlag.Syn) !== 0) { this.sendSyn(); return; }
        if ((s.flags & TcpFlag.Ack) === 0 || s.ack !== seqAdd(this.iss, 1)) return;
        this.sndUna = this.sndNxt = s.ack;
        this.established();
        break;
      case State.Closed:
        return;
      case State.Established:
        if ((s.flags & TcpFlag.Syn) !== 0) { this.ackNow(); return; } // its SYN-ACK was lost
        break;
    }
    if ((s.flags & TcpFlag.Ack) !== 0) this.acknowledged(s);
    this.receive(f, s);
    this.pump();
    if (this.guestFin && this.finAcked) this.close();
  }

  private established(): void {
    this.state = State.Established;
    this.stopTimer();
    this.retries = 0;
    this.rto = RTO_INITIAL_MS;
  }

  /** The guest acknowledged up to s.ack and opened its window to s.window. */
  private acknowledged(s: Segment): void {
    const acked = seqDiff(s.ack, this.sndUna);
    const window = s.window << this.sndScale;
    if (acked > 0 && seqDiff(s.ack, this.sndNxt) <= 0) {
      let bytes = acked;
      if (this.finSent && s.ack === this.sndNxt) { this.finAcked = true; bytes--; }
      this.consume(bytes);
      this.sndUna = s.ack;
      this.dupAcks = 0;
      this.retries = 0;
      this.rto = RTO_INITIAL_MS;
      this.stopTimer();
    } else if (acked === 0 && s.dataLength === 0 && this.sndNxt !== this.sndUna && window === this.sndWnd) {
      if (++this.dupAcks === DUP_ACK_THRESHOLD) this.sndNxt = this.sndUna; // resend from the hole
    }
    this.sndWnd = window;
  }

  /** Drops `n` acknowledged bytes from the front of the send queue (and reads on from the host when it drained). */
  private consume(n: number): void {
    this.queued -= n;
    while (n > 0) {
      const c = this.chunks[0], left = c.length - this.head;
      if (n < left) { this.head += n; break; }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
    if (this.hostPaused && this.queued < SND_BUFFER / 2) {
      this.hostPaused = false;
      this.socket?.resume();
    }
  }

  /** Takes the data and FIN of a segment when it is the next in sequence. */
  private receive(f: Uint8Array, s: Segment): void {
    let start = s.data, length = s.dataLength;
    const fin = (s.flags & TcpFlag.Fin) !== 0;
    if (length === 0 && !fin) return;
    const late = seqDiff(this.rcvNxt, s.seq);
    if (late < 0 || this.guestFin) { this.ackNow(); return; } // out of order (or after its FIN): tell it where we are
    if (late > 0) {
      if (late >= length + (fin ? 1 : 0)) { this.ackNow(); return; } // a duplicate
      start += late;
      length -= late;
    }
    if (length > 0) {
      const sock = this.socket;
      if (sock !== undefined && !sock.destroyed && sock.writable) sock.write(f.slice(start, start + length));
      this.rcvNxt = seqAdd(this.rcvNxt, length);
    }
    if (fin) {
      this.rcvNxt = seqAdd(this.rcvNxt, 1);
      this.guestFin = true;
      this.socket?.end();
    }
    if (fin || (s.flags & TcpFlag.Psh) !== 0 || seqDiff(this.rcvNxt, this.ackedTo) >= 2 * this.mss) this.ackNow();
    else this.delayedAck ??= setImmediate(() => { this.delayedAck = undefined; if (this.state === State.Established) this.ackNow(); });
  }

  /** Sends what the guest's window allows, then our FIN once the host ended and everything is sent. */
  private pump(): void {
    if (this.state !== State.Established) return;
    for (;;) {
      const inFlight = seqDiff(this.sndNxt, this.sndUna) - (this.finSent ? 1 : 0);
      const unsent = this.queued - inFlight;
      const room = this.sndWnd - inFlight;
      if (unsent <= 0 || room <= 0 || this.finSent) break;
      const n = Math.min(this.mss, unsent, room);
      this.sendData(inFlight, n);
    }
    const allSent = this.queued - (seqDiff(this.sndNxt, this.sndUna) - (this.finSent ? 1 : 0)) <= 0;
    if (this.hostEnded && !this.finSent && allSent) {
      this.send(TcpFlag.Fin | TcpFlag.Ack, this.sndNxt, 0);
      this.sndNxt = seqAdd(this.sndNxt, 1);
      this.finSent = true;
    }
    if (this.timer === undefined && (this.sndNxt !== this.sndUna || this.queued > 0)) this.startTimer();
  }

  /** Sends `n` queued bytes starting `offset` bytes after sndUna, at sndNxt. */
  private sendData(offset: number, n: number): void {
    const flags = TcpFlag.Ack | (offset + n === this.queued ? TcpFlag.Psh : 0);
    this.send(flags, this.sndNxt, n, this.rcvNxt, (frame, at) => {
      let skip = this.head + offset, put = 0;
      for (const c of this.chunks) {
        if (skip >= c.length) { skip -= c.length; continue; }
        const take = Math.min(c.length - skip, n - put);
        frame.set(c.subarray(skip, skip + take), at + put);
        put += take;
        skip = 0;
        if (put === n) break;
      }
    });
    this.sndNxt = seqAdd(this.sndNxt, n);
  }

  private sendSyn(): void {
    const flags = this.state === State.SynSent ? TcpFlag.Syn : TcpFlag.Syn | TcpFlag.Ack;
    const f = buildSegment(this.ends, this.iss, this.rcvNxt, flags, Math.min(RCV_BUFFER, 0xffff), 0, undefined,
      { mss: OUR_MSS, windowScale: OUR_WINDOW_SCALE });
    this.owner.toGuest(f);
    this.startTimer();
  }

  /** Sends a pure ACK with our window now. */
  private ackNow(): void {
    this.send(TcpFlag.Ack, this.sndNxt, 0);
  }

  /** The window we advertise: what the host socket can still take, in units of our scale. */
  private window(): number {
    const buffered = this.socket?.writableLength ?? 0;
    return Math.max(0, RCV_BUFFER - buffered) >>> this.rcvScale;
  }

  private send(flags: number, seq: number, n: number, ack = this.rcvNxt, fill?: (f: Uint8Array, at: number) => void): void {
    const window = this.window();
    const f = buildSegment(this.ends, seq, (flags & TcpFlag.Ack) !== 0 ? ack : 0, flags, window, n, fill);
    if ((flags & TcpFlag.Ack) !== 0) {
      this.ackedTo = ack;
      this.windowSent = window << this.rcvScale;
      if (this.delayedAck !== undefined) { clearImmediate(this.delayedAck); this.delayedAck = undefined; }
    }
    this.owner.toGuest(f);
  }

  private startTimer(): void {
    this.stopTimer();
    this.timer = setTimeout(() => this.timeout(), this.rto);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
  }

  /** No progress for a retransmission timeout: resend (or probe a closed window), or give up. */
  private timeout(): void {
    this.timer = undefined;
    if (++this.retries > MAX_RETRIES) { this.abort(); return; }
    this.rto = Math.min(this.rto * 2, RTO_MAX_MS);
    if (this.state === State.SynSent || this.state === State.SynAckSent) { this.sendSyn(); return; }
    if (this.state !== State.Established) return;
    if (this.finSent && this.queued === 0) {
      this.send(TcpFlag.Fin | TcpFlag.Ack, seqAdd(this.sndNxt, -1), 0); // our FIN again
      this.startTimer();
      return;
    }
    this.sndNxt = this.sndUna;
    this.finSent = false;
    if (this.sndWnd === 0 && this.queued > 0) {
      this.sendData(0, 1); // a window probe: one byte past the closed window
      this.startTimer();
      return;
    }
    this.pump();
  }

  private close(): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.stopTimer();
    if (this.delayedAck !== undefined) clearImmediate(this.delayedAck);
    this.socket?.destroy();
    this.owner.forget(this);
  }
}
