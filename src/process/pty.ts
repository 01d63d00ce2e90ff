/**
 * Pseudo-terminals (Linux's devpts and drivers/tty/pty.c), emulated inside
 * the process VM: open("/dev/ptmx") makes a master and a slave numbered N
 * (TIOCGPTN), locked until TIOCSPTLCK; /dev/pts/N opens more slave
 * descriptions. Every guest process of the run shares them through their
 * descriptor tables, as pipes are shared.
 *
 * Bytes written to the master go through the slave's line discipline
 * (n-tty.ts) into its read buffer; bytes written to the slave come out of
 * the master after output processing. When the last slave description goes,
 * the master reads EIO (after what is left) and polls HUP; when the master
 * goes, the slave is hung up: reads give 0, writes and ioctls EIO, and the
 * session it controls gets SIGHUP.
 */
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, WaitQueue, blockOn, isBlocking, type Blocking, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";
import { NTty } from "./n-tty.js";
import { Cc, defaultTermios } from "./termios.js";

/** Bytes written to the master and not yet taken by the line discipline (the slave port's flip buffers). */
const INPUT_CAPACITY = 65536;
/** Bytes the slave's output may hold for the master to read. */
const OUTPUT_CAPACITY = 65536;

/** Major device numbers: the slaves (UNIX98_PTY_SLAVE_MAJOR) and /dev/ptmx (TTYAUX_MAJOR, minor 2). */
export const PTS_MAJOR = 136, PTMX_MAJOR = 5, PTMX_MINOR = 2;

/** struct winsize. */
export interface WinSize {
  row: number;
  col: number;
  xpixel: number;
  ypixel: number;
}

/** What a pty asks of the processes around it: signals to a process group or a session's leader. */
export interface TtyHost {
  /** Sends `signo` to every process of group `pgrp`. */
  signalGroup(pgrp: number, signo: number): void;
  /** The master went: SIGHUP and SIGCONT to the session's leader, and no process keeps `pty` as its controlling terminal. */
  hangup(pty: Pty): void;
}

/** The ptys that exist, by index (their /dev/pts number). */
const PTYS = new Map<number, Pty>();

/** The pty numbered `index`, if it exists. */
export function findPty(index: number): Pty | undefined {
  return PTYS.get(index);
}

/** Indices of the ptys that exist, ascending (the entries of /dev/pts). */
export function ptyIndices(): number[] {
  return [...PTYS.keys()].sort((a, b) => a - b);
}

/** One master/slave pair. */
export class Pty {
  /** The /dev/pts number. */
  readonly index: number;
  /** TIOCSPTLCK: the slave cannot be opened while locked. */
  locked = true;
  /** The slave's line discipline and modes (TCGETS on either side reports them). */
  readonly ldisc: NTty;
  winsize: WinSize = { row: 0, col: 0, xpixel: 0, ypixel: 0 };
  /** Slave output for the master to read. */
  private readonly toMaster: number[] = [];
  /** Master input the line discipline has not taken yet. */
  private readonly input: number[] = [];
  /** Open slave descriptions. */
  slaves = 0;
  /** Set once a slave has been opened: from then on, no slave means the master reads EIO. */
  private slaveSeen = false;
  /** Cleared when the master goes: the slave is hung up. */
  masterOpen = true;
  /** The session this is the controlling terminal of, and its foreground process group. */
  session: number | undefined;
  pgrp: number | undefined;
  /** Woken whenever either side's readiness may have changed. */
  readonly wq = new WaitQueue();

  /** `uid` owns the slave (the opener of /dev/ptmx). */
  constructor(private readonly host: TtyHost, readonly uid: number) {
    let index = 0;
    while (PTYS.has(index)) index++;
    this.index = index;
    PTYS.set(index, this);
    const sink = {
      put: (bytes: number[]) => { for (const b of bytes) this.toMaster.push(b); },
      room: () => OUTPUT_CAPACITY - this.toMaster.length,
      flush: () => { this.toMaster.length = 0; },
    };
    this.ldisc = new NTty(defaultTermios(), sink, (signo) => { if (this.pgrp !== undefined) host.signalGroup(this.pgrp, signo); });
  }

  /** The slave's path. */
  get name(): string {
    return `/dev/pts/${this.index}`;
  }

  /** The last slave went and none came back: the master reads EIO and polls HUP (TTY_OTHER_CLOSED). */
  get slaveClosed(): boolean {
    return this.slaveSeen && this.slaves === 0;
  }

  /** Lets the line discipline take pending master input while its buffer has room. */
  private pump(): void {
    let i = 0;
    while (i < this.input.length && this.ldisc.hasRoom()) this.ldisc.receive(this.input[i++]);
    if (i > 0) this.input.splice(0, i);
  }

  /** Processes input again and wakes both sides (after anything that may change readiness). */
  changed(): void {
    this.pump();
    this.wq.wake();
  }

  /** Master side: takes what fits of `data` as input for the slave; returns how much. */
  masterWrite(data: Uint8Array): number {
    const n = Math.min(data.length, INPUT_CAPACITY - this.input.length);
    for (let i = 0; i < n; i++) this.input.push(data[i]);
    if (n > 0) this.changed();
    return n;
  }

  /** Master side: copies out slave output; returns how much. */
  masterRead(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.toMaster.length);
    buf.set(this.toMaster.slice(0, n));
    this.toMaster.splice(0, n);
    if (n > 0) this.changed();
    return n;
  }

  /** Bytes of slave output the master has not read. */
  get pendingOutput(): number {
    return this.toMaster.length;
  }

  /** Discards what the master would read (`masterSide`) and what the slave would (`slaveSide`: processed or not). */
  flush(masterSide: boolean, slaveSide: boolean): void {
    if (masterSide) this.toMaster.length = 0;
    if (slaveSide) { this.input.length = 0; this.ldisc.flushInput(); }
    this.changed();
  }

  /** Whether the master may write now (room in the slave's input). */
  get inputRoom(): boolean {
    return this.input.length < INPUT_CAPACITY;
  }

  /** Whether the slave may write now. */
  get outputRoom(): boolean {
    return !this.ldisc.stopped && this.toMaster.length < OUTPUT_CAPACITY;
  }

  /** A new slave description (open of /dev/pts/N, TIOCGPTPEER); -EIO while locked. */
  openSlave(flags: number): PtySlave | number {
    if (this.locked || !this.masterOpen) return -Errno.EIO;
    return new PtySlave(this, flags);
  }

  /** Counts a slave description in or out. */
  slaveOpened(): void {
    this.slaves++;
    this.slaveSeen = true;
    this.changed();
  }

  slaveReleased(): void {
    this.slaves--;
    this.changed();
  }

  /** The master went: the pty disappears from /dev/pts and its slaves are hung up. */
  masterReleased(): void {
    this.masterOpen = false;
    PTYS.delete(this.index);
    this.host.hangup(this);
    this.session = this.pgrp = undefined;
    this.wq.wake();
  }

  /** TIOCSWINSZ: a change of size sends SIGWINCH to the foreground group. */
  setWinsize(w: WinSize): void {
    const old = this.winsize;
    this.winsize = w;
    if (old.row === w.row && old.col === w.col && old.xpixel === w.xpixel && old.ypixel === w.ypixel) return;
    if (this.pgrp !== undefined) this.host.signalGroup(this.pgrp, 28);
  }

  /** TIOCSTI: `c` arrives as if typed. */
  simulateInput(c: number): void {
    this.input.push(c);
    this.changed();
  }
}

/**
 * Follows the wait `r` with `next(result)` once it ends, unless a signal
 * ended it: the whole stays one wait that a signal can cut short.
 */
function thenWait(r: IoResult, wasInterrupted: () => boolean, next: (n: number) => IoResult): IoResult {
  if (!(r instanceof Promise)) return next(r);
  let current: IoResult = r;
  const chained = r.then((n) => (wasInterrupted() ? n : (current = next(n)))) as Blocking<number>;
  chained.interrupt = () => { if (isBlocking(current)) current.interrupt(); };
  return chained;
}

/** Common parts of both ends: the flags, readiness subscriptions. */
abstract class PtyEnd {
  protected released = false;

  constructor(readonly pty: Pty, public flags: number) {}

  protected get nonblocking(): boolean {
    return (this.flags & OFlag.NONBLOCK) !== 0;
  }

  onReady(cb: ReadyCallback): () => void {
    return this.pty.wq.add(cb);
  }

  /** Waits (unless non-blocking) until `attempt` has a result. */
  protected wait(attempt: () => number | undefined, interrupted: () => number, timeoutMs?: number, timedOut?: () => number): IoResult {
    return blockOn((cb) => this.pty.wq.add(cb), attempt, { interrupted, timeoutMs, timedOut });
  }
}

/** The master side (/dev/ptmx). */
export class PtyMaster extends PtyEnd implements OpenFile {
  readonly kind = "chr";
  readonly path = "/dev/ptmx";

  read(buf: Uint8Array): IoResult {
    if (buf.length === 0) return 0;
    return this.wait(() => {
      const n = this.pty.masterRead(buf);
      if (n > 0) return n;
      if (this.pty.slaveClosed) return -Errno.EIO;
      return this.nonblocking ? -Errno.EAGAIN : undefined;
    }, () => -Errno.EINTR);
  }

  write(data: Uint8Array): IoResult {
    let done = 0;
    return this.wait(() => {
      done += this.pty.masterWrite(data.subarray(done));
      if (done === data.length) return done;
      if (this.nonblocking) return done > 0 ? done : -Errno.EAGAIN;
      return undefined;
    }, () => (done > 0 ? done : -Errno.EINTR));
  }

  poll(events: number): number {
    let ready = 0;
    if (this.pty.pendingOutput > 0) ready |= PollEv.IN | PollEv.RDNORM;
    if (this.pty.slaveClosed) ready |= PollEv.HUP;
    if (this.pty.inputRoom) ready |= PollEv.OUT | PollEv.WRNORM;
    return ready & (events | PollEv.HUP | PollEv.ERR);
  }

  readable(): number {
    return this.pty.pendingOutput;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pty.masterReleased();
  }
}

/** A slave description (/dev/pts/N). */
export class PtySlave extends PtyEnd implements OpenFile {
  readonly kind = "chr";
  readonly path: string;

  constructor(pty: Pty, flags: number) {
    super(pty, flags & ~OFlag.CLOEXEC);
    this.path = pty.name;
    pty.slaveOpened();
  }

  /** After the master went, the slave is hung up (hung_up_tty_fops). */
  get hungUp(): boolean {
    return !this.pty.masterOpen;
  }

  /**
   * n_tty_read: a line at a time in canonical mode; otherwise as VMIN and
   * VTIME say (VMIN bytes, or what comes within VTIME tenths of a second,
   * or both: VTIME then times the wait after the first byte).
   */
  read(buf: Uint8Array): IoResult {
    if (this.hungUp) return 0;
    const ldisc = this.pty.ldisc;
    const idle = () => (this.hungUp ? 0 : this.nonblocking ? -Errno.EAGAIN : undefined);
    if (ldisc.icanon) {
      return this.wait(() => {
        const n = ldisc.readLine(buf);
        if (n !== undefined) { this.pty.changed(); return n; }
        return idle();
      }, () => -Errno.EINTR);
    }
    const min = ldisc.termios.cc[Cc.VMIN], time = ldisc.termios.cc[Cc.VTIME] * 100;
    let got = 0, interrupted = false;
    const take = () => {
      const n = ldisc.readRaw(buf.subarray(got));
      if (n > 0) { got += n; this.pty.changed(); }
      return n;
    };
    const cut = () => { interrupted = true; return got > 0 ? got : -Errno.EINTR; };
    if (min === 0) {
      if (time === 0) return take();
      return this.wait(() => (take() > 0 ? got : idle()), cut, time, () => got);
    }
    const target = Math.min(min, buf.length);
    const first = this.wait(() => {
      take();
      if (got >= target) return got;
      if (got > 0 && time > 0) return got; // the inter-byte timer takes over
      const i = idle();
      return i === undefined || got === 0 ? i : got;
    }, cut);
    return thenWait(first, () => interrupted, (n) => {
      if (n <= 0 || got >= target || this.nonblocking) return n;
      return this.wait(() => (take(), got >= target ? got : this.hungUp ? got : undefined), cut, time, () => got);
    });
  }

  write(data: Uint8Array): IoResult {
    if (this.hungUp) return -Errno.EIO;
    let done = 0;
    return this.wait(() => {
      if (this.hungUp) return done > 0 ? done : -Errno.EIO;
      const n = this.pty.ldisc.write(data.subarray(done));
      if (n > 0) { done += n; this.pty.changed(); }
      if (done === data.length) return done;
      if (this.nonblocking) return done > 0 ? done : -Errno.EAGAIN;
      return undefined;
    }, () => (done > 0 ? done : -Errno.EINTR));
  }

  poll(events: number): number {
    if (this.hungUp) return (PollEv.IN | PollEv.OUT | PollEv.ERR | PollEv.HUP | PollEv.RDNORM | PollEv.WRNORM) & (events | PollEv.HUP | PollEv.ERR);
    let ready = 0;
    if (this.pty.ldisc.available(true)) ready |= PollEv.IN | PollEv.RDNORM;
    if (this.pty.outputRoom) ready |= PollEv.OUT | PollEv.WRNORM;
    return ready & (events | PollEv.HUP | PollEv.ERR);
  }

  readable(): number {
    return this.pty.ldisc.readable();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pty.slaveReleased();
  }
}

/** Opens /dev/ptmx for user `uid`: a new pair, its slave locked; `host` signals the pair's processes. */
export function openPtmx(host: TtyHost, flags: number, uid: number): PtyMaster {
  return new PtyMaster(new Pty(host, uid), flags & ~OFlag.CLOEXEC);
}
