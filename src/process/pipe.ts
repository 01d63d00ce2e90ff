/**
 * Anonymous pipes (pipe2). The buffer is modelled as Linux keeps it, a ring
 * of page-sized slots (16 by default: 64 KiB), so the capacity a guest
 * measures, the atomicity of writes up to PIPE_BUF and the merging of small
 * writes into the last page all behave as on a Linux host.
 */
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, WaitQueue, blockOn, type IoResult, type OpenFile, type ReadyCallback } from "./fd-table.js";

/** Bytes per slot (the page size). */
const PAGE = 4096;
/** Writes up to this size are atomic (never interleaved with other writers). */
export const PIPE_BUF = 4096;
/** Slots of a new pipe (PIPE_DEF_BUFFERS). */
const DEFAULT_SLOTS = 16;
/** /proc/sys/fs/pipe-max-size: the largest size an unprivileged F_SETPIPE_SZ may ask for. */
const PIPE_MAX_SIZE = 1 << 20;

/** One page of pipe data: bytes [off, off+len) of `data` are unread. */
interface Slot {
  data: Uint8Array;
  off: number;
  len: number;
  /** Written in packet mode (O_DIRECT): never merged with later writes. */
  packet: boolean;
}

/** O_DIRECT: packet mode (each write is one packet, each read takes at most one). */
export const O_DIRECT = 0o40000;

/** The buffer shared by the two ends of a pipe. */
export class Pipe {
  private readonly slots: Slot[] = [];
  private maxSlots = DEFAULT_SLOTS;
  /** Unread bytes. */
  bytes = 0;
  /** Open read and write ends (open file descriptions, not descriptors). */
  readers = 0;
  writers = 0;
  /** Woken with IN when data arrives or the last writer goes, OUT when room appears or the last reader goes. */
  readonly wq = new WaitQueue();

  /** Capacity in bytes (F_GETPIPE_SZ). */
  get capacity(): number {
    return this.maxSlots * PAGE;
  }

  /** F_SETPIPE_SZ: resizes to `size` rounded up to a power-of-two number of pages; returns the new size or -errno. */
  resize(size: number, privileged: boolean): number {
    if (size < 0) return -Errno.EINVAL;
    let pages = 1;
    while (pages * PAGE < size) pages *= 2;
    if (pages * PAGE > PIPE_MAX_SIZE && !privileged) return -Errno.EPERM;
    if (pages < this.slots.length) return -Errno.EBUSY;
    this.maxSlots = pages;
    this.wq.wake(PollEv.OUT);
    return pages * PAGE;
  }

  /**
   * Reads what is there, across slots (a packet-mode reader takes one slot
   * and drops what does not fit); -EAGAIN when empty but a writer remains,
   * 0 at end of file.
   */
  tryRead(buf: Uint8Array, packet = false): number {
    if (buf.length === 0) return 0;
    let copied = 0;
    while (copied < buf.length && this.slots.length > 0) {
      const s = this.slots[0];
      const n = Math.min(buf.length - copied, s.len);
      buf.set(s.data.subarray(s.off, s.off + n), copied);
      s.off += n;
      s.len -= n;
      copied += n;
      if (packet) {
        this.bytes -= s.len;
        s.len = 0;
      }
      if (s.len === 0) this.slots.shift();
      if (packet) break;
    }
    if (copied > 0) {
      this.bytes -= copied;
      this.wq.wake(PollEv.OUT | PollEv.WRNORM);
      return copied;
    }
    return this.writers === 0 ? 0 : -Errno.EAGAIN;
  }

  /**
   * One pass of a write, continuing at `data[done]`: fills free slots and
   * returns how far it got. `first` is set on the first pass of a call, which
   * may also merge the unaligned tail of the write into the last page (as
   * Linux does, so small writes share pages).
   */
  writeStep(data: Uint8Array, done: number, first: boolean, packet: boolean): number {
    if (first && this.bytes > 0 && !packet) {
      const chars = data.length % PAGE;
      const last = this.slots[this.slots.length - 1];
      if (chars > 0 && !last.packet && last.off + last.len + chars <= PAGE) {
        last.data.set(data.subarray(0, chars), last.off + last.len);
        last.len += chars;
        done += chars;
      }
    }
    while (done < data.length && this.slots.length < this.maxSlots) {
      const n = Math.min(PAGE, data.length - done);
      const page = new Uint8Array(PAGE);
      page.set(data.subarray(done, done + n));
      this.slots.push({ data: page, off: 0, len: n, packet });
      done += n;
    }
    return done;
  }

  /** Copies up to buf.length unread bytes into `buf` without consuming them (tee); returns how many. */
  peek(buf: Uint8Array): number {
    let copied = 0;
    for (const s of this.slots) {
      if (copied >= buf.length) break;
      const n = Math.min(buf.length - copied, s.len);
      buf.set(s.data.subarray(s.off, s.off + n), copied);
      copied += n;
    }
    return copied;
  }

  /** Bytes a write is sure to place now, in free pages (splice and tee fill no more than this, as Linux fills free slots). */
  get room(): number {
    return (this.maxSlots - this.slots.length) * PAGE;
  }

  /** Whether another page can be added (the write end's POLLOUT). */
  get hasRoom(): boolean {
    return this.slots.length < this.maxSlots;
  }

  /** Grows `done` by whatever fits and wakes readers when it moved anything. */
  write(data: Uint8Array, done: number, first: boolean, packet: boolean): number {
    const now = this.writeStep(data, done, first, packet);
    if (now > done) {
      this.bytes += now - done;
      this.wq.wake(PollEv.IN | PollEv.RDNORM);
    }
    return now;
  }
}

/** One end of a pipe: the read end (O_RDONLY) or the write end (O_WRONLY). */
export class PipeEnd implements OpenFile {
  readonly kind = "pipe";
  private released = false;

  constructor(readonly pipe: Pipe, public flags: number) {
    if (this.isReader) pipe.readers++;
    else pipe.writers++;
  }

  /** A new pipe: [read end, write end]; `flags` may carry O_NONBLOCK and O_DIRECT (O_CLOEXEC belongs to the descriptors). */
  static create(flags = 0): [PipeEnd, PipeEnd] {
    const pipe = new Pipe();
    const keep = flags & (OFlag.NONBLOCK | O_DIRECT);
    return [new PipeEnd(pipe, OFlag.RDONLY | keep), new PipeEnd(pipe, OFlag.WRONLY | keep)];
  }

  private get isReader(): boolean {
    return (this.flags & OFlag.ACCMODE) === OFlag.RDONLY;
  }

  /** Packet mode (O_DIRECT). */
  private get packet(): boolean {
    return (this.flags & O_DIRECT) !== 0;
  }

  private get nonblocking(): boolean {
    return (this.flags & OFlag.NONBLOCK) !== 0;
  }

  read(buf: Uint8Array): IoResult {
    if (!this.isReader) return -Errno.EBADF;
    const attempt = () => {
      const r = this.pipe.tryRead(buf, this.packet);
      return r === -Errno.EAGAIN && !this.nonblocking ? undefined : r;
    };
    return blockOn((cb) => this.pipe.wq.add(cb), attempt, { interrupted: () => -Errno.EINTR });
  }

  /**
   * Writes all of `data`, waiting for room as needed; a non-blocking write
   * moves what fits (nothing for a write of up to PIPE_BUF that does not fit
   * whole), and -EPIPE when no reader is left (the caller raises SIGPIPE).
   */
  write(data: Uint8Array): IoResult {
    if (this.isReader) return -Errno.EBADF;
    if (data.length === 0) return 0;
    const pipe = this.pipe;
    let done = 0, first = true;
    const attempt = (): number | undefined => {
      if (pipe.readers === 0) return done > 0 ? done : -Errno.EPIPE;
      done = pipe.write(data, done, first, this.packet);
      first = false;
      if (done === data.length) return done;
      if (this.nonblocking) return done > 0 ? done : -Errno.EAGAIN;
      return undefined;
    };
    return blockOn((cb) => pipe.wq.add(cb), attempt, { interrupted: () => (done > 0 ? done : -Errno.EINTR) });
  }

  poll(events: number): number {
    let ready = 0;
    if (this.isReader) {
      if (this.pipe.bytes > 0) ready |= PollEv.IN | PollEv.RDNORM;
      if (this.pipe.writers === 0) ready |= PollEv.HUP;
    } else {
      if (this.pipe.hasRoom) ready |= PollEv.OUT | PollEv.WRNORM;
      if (this.pipe.readers === 0) ready |= PollEv.ERR;
    }
    return ready & (events | PollEv.HUP | PollEv.ERR);
  }

  onReady(cb: ReadyCallback): () => void {
    return this.pipe.wq.add(cb);
  }

  readable(): number {
    return this.isReader ? this.pipe.bytes : 0;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.isReader) {
      this.pipe.readers--;
      if (this.pipe.readers === 0) this.pipe.wq.wake(PollEv.OUT | PollEv.ERR);
    } else {
      this.pipe.writers--;
      if (this.pipe.writers === 0) this.pipe.wq.wake(PollEv.IN | PollEv.HUP);
    }
  }
}
