/**
 * An OpenFile backed by a host file descriptor. Regular files are read and
 * written synchronously; anything that may block (terminals, pipes, FIFOs,
 * character devices) is read ahead through Node's thread pool, so a guest
 * thread waiting for input does not stop the others, and poll/epoll learn
 * when input is there: data read ahead waits in a buffer for the guest.
 */
import * as fs from "node:fs";
import { Errno, hostErrno } from "./syscalls/errno.js";
import type { IoResult, OpenFile, ReadyCallback } from "./fd-table.js";
import { OFlag, PollEv, WaitQueue, blockOn } from "./fd-table.js";
import { afterWrite, beforeRead } from "./page-cache.js";
import { In, notifyFile } from "./inotify.js";

/**
 * Bytes asked for by one read-ahead that poll/epoll start. A read-ahead
 * for a read() asks for what that read wants, so a guest reading a byte at
 * a time does not take input that another process sharing the stream
 * would have read.
 */
const READ_AHEAD = 65536;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** How often a write waiting for room in a full FIFO looks again (the host gives no wake-up for it). */
const FIFO_RETRY_MS = 2;

/** A host file, directory, terminal or pipe opened by the guest (or inherited: stdin/stdout/stderr). */
/** lseek whences beyond SEEK_SET/CUR/END (linux/fs.h). */
const SEEK_DATA = 3, SEEK_HOLE = 4;

export class HostFile implements OpenFile {
  readonly kind: string;
  private readonly mayBlock: boolean;
  /** Directory listing cursor for getdents64 (entries still to return). */
  dirents: { name: string; type: number; ino: bigint }[] | undefined;
  /**
   * File offset, kept here for files the guest opened (Node has no lseek), or
   * undefined for inherited descriptors, whose host offset is used as it is.
   */
  pos: number | undefined;
  /** Whether the host file is a pipe or FIFO (its end of file is a hang-up, and final). */
  private readonly fifo: boolean;
  /**
   * The host file is one of Linux's memory devices (character major 1:
   * /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom), where lseek
   * succeeds and leaves the offset at 0, rather than a stream (ESPIPE).
   */
  private readonly memDevice: boolean;
  /** The host descriptor has O_NONBLOCK (a FIFO opened so that writes can wait without stopping the run). */
  hostNonblocking = false;
  /** Input read ahead from a stream and not yet returned to the guest. */
  private ahead: Uint8Array[] = [];
  /** The last read-ahead hit end of file (or ^D on a terminal): the next read returns 0. */
  private aheadEof = false;
  /** The last read-ahead failed with this errno: the next read returns it. */
  private aheadError = 0;
  private fetching = false;
  private closeWhenFetched = false;
  private released = false;
  /**
   * A second, non-blocking descriptor for the same stream (reopened through
   * /proc/self/fd), to see at once whether input is there; null where that
   * cannot be done (sockets, hosts without /proc).
   */
  private peekFd: number | null | undefined;
  /** Woken (IN) when a read-ahead completes. */
  private readonly wq = new WaitQueue();

  constructor(readonly hostFd: number, public flags: number, readonly path: string | undefined, private readonly owned = true) {
    let st: fs.Stats | undefined;
    try { st = fs.fstatSync(hostFd); } catch { st = undefined; }
    this.kind = st?.isDirectory() ? "dir" : st?.isFile() ? "file" : "stream";
    this.mayBlock = st !== undefined && !st.isFile() && !st.isDirectory() && !st.isBlockDevice();
    this.fifo = st?.isFIFO() ?? false;
    this.memDevice = st !== undefined && st.isCharacterDevice() && ((st.rdev >>> 8) & 0xfff) === 1;
    this.pos = owned && this.kind === "file" ? 0 : undefined;
  }

  /** Moves the file offset (lseek); returns the new offset or a negative errno. */
  seek(offset: number, whence: number): number {
    if (this.pos === undefined && this.kind === "dir") {
      // rewinddir (lseek to 0): the next getdents64 lists the directory again from its start.
      if (whence === 0 && offset === 0) this.dirents = undefined;
      return 0;
    }
    if (this.pos === undefined) return this.memDevice ? 0 : -29; // ESPIPE
    if (whence === SEEK_DATA || whence === SEEK_HOLE) {
      // The file is all data, as on a file system that keeps no holes: data at the offset, a hole at the end.
      const size = fs.fstatSync(this.hostFd).size;
      if (offset < 0 || offset >= size) return -6; // ENXIO
      this.pos = whence === SEEK_DATA ? offset : size;
      return this.pos;
    }
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? fs.fstatSync(this.hostFd).size : NaN;
    if (Number.isNaN(base)) return -22;
    const at = base + offset;
    if (at < 0) return -22;
    this.pos = at;
    return at;
  }

  /** Whether this descriptor reads a stream that may block, through the read-ahead buffer. */
  private get readsAhead(): boolean {
    return this.mayBlock && (this.flags & OFlag.ACCMODE) !== OFlag.WRONLY;
  }

  /** Starts a read-ahead unless one is running or input is already waiting. */
  private fetch(size = READ_AHEAD): void {
    if (this.fetching || this.ahead.length > 0 || this.aheadEof || this.aheadError !== 0) return;
    this.fetching = true;
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(size, READ_AHEAD)));
    fs.read(this.hostFd, buf, 0, buf.length, null, (err, n) => {
      if (err && err.code === "EAGAIN") {
        // The host descriptor is non-blocking and empty: look again shortly.
        setTimeout(() => {
          this.fetching = false;
          if (this.closeWhenFetched) this.closeHost();
          else if (!this.released) this.fetch(size);
        }, 5);
        return;
      }
      this.fetching = false;
      if (this.closeWhenFetched) {
        this.closeHost();
        return;
      }
      if (err) {
        try { this.aheadError = hostErrno(err); } catch { this.aheadError = -Errno.EIO; }
      } else if (n === 0) this.aheadEof = true;
      else this.ahead.push(buf.subarray(0, n));
      this.wq.wake(PollEv.IN | PollEv.RDNORM);
    });
  }

  /**
   * Reads whatever is there right now through the non-blocking descriptor;
   * returns whether that settled the question (input, end of file or an
   * error). Never while a read-ahead runs, which could overtake it.
   */
  private peek(size = READ_AHEAD, untilEmpty = true): boolean {
    if (this.fetching || this.ahead.length > 0 || this.aheadEof || this.aheadError !== 0) return false;
    if (this.peekFd === undefined) {
      try {
        this.peekFd = fs.openSync(`/proc/self/fd/${this.hostFd}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      } catch {
        this.peekFd = null;
      }
    }
    if (this.peekFd === null) return false;
    // Read on until the stream is empty (or a few chunks came), to learn whether the end follows the data.
    for (let i = 0; i < (untilEmpty ? 4 : 1); i++) {
      const buf = Buffer.allocUnsafe(Math.max(1, Math.min(size, READ_AHEAD)));
      try {
        const n = fs.readSync(this.peekFd, buf, 0, buf.length, null);
        if (n === 0) {
          this.aheadEof = true;
          break;
        }
        this.ahead.push(buf.subarray(0, n));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") {
          try { fs.closeSync(this.peekFd); } catch { /* gone */ }
          this.peekFd = null;
        }
        break;
      }
    }
    return this.ahead.length > 0 || this.aheadEof;
  }

  /** Returns input read ahead (bytes, end of file or an error), or undefined if there is none yet. */
  private takeAhead(buf: Uint8Array): number | undefined {
    if (this.ahead.length > 0) {
      let n = 0;
      while (n < buf.length && this.ahead.length > 0) {
        const chunk = this.ahead[0];
        const k = Math.min(buf.length - n, chunk.length);
        buf.set(chunk.subarray(0, k), n);
        n += k;
        if (k === chunk.length) this.ahead.shift();
        else this.ahead[0] = chunk.subarray(k);
      }
      return n;
    }
    if (this.aheadError !== 0) {
      const e = this.aheadError;
      this.aheadError = 0;
      return e;
    }
    if (this.aheadEof) {
      // A terminal may deliver more after ^D; a pipe keeps reporting end of file by reading 0 again.
      this.aheadEof = false;
      return 0;
    }
    return undefined;
  }

  read(buf: Uint8Array, pos?: number): IoResult {
    if (this.kind === "dir") return -21; // EISDIR
    if (this.mayBlock && pos === undefined) {
      if (buf.length === 0) return 0;
      const attempt = () => {
        const r = this.takeAhead(buf) ?? (this.peek(buf.length, false) ? this.takeAhead(buf) : undefined);
        if (r !== undefined) return r;
        this.fetch(buf.length);
        return (this.flags & OFlag.NONBLOCK) !== 0 ? -Errno.EAGAIN : undefined;
      };
      return blockOn((cb) => this.wq.add(cb), attempt, { interrupted: () => -Errno.EINTR });
    }
    try {
      const at = pos ?? this.pos;
      if (at !== undefined && at > Number.MAX_SAFE_INTEGER) return 0; // past the end of any host file
      if (this.kind === "file" && at !== undefined) beforeRead(this, at, buf.length);
      const n = fs.readSync(this.hostFd, buf, 0, buf.length, at ?? null);
      if (pos === undefined && this.pos !== undefined) this.pos += n;
      if (n > 0) notifyFile(this, In.ACCESS);
      return n;
    } catch (e) {
      return hostErrno(e);
    }
  }

  write(data: Uint8Array, pos?: number): IoResult {
    if (this.fifo && this.hostNonblocking && pos === undefined) return this.writeFifo(data);
    let done = 0;
    if (pos === undefined && this.pos !== undefined && (this.flags & 0o2000) !== 0) this.pos = fs.fstatSync(this.hostFd).size;
    const at = pos ?? this.pos;
    if (at !== undefined && at + data.length > Number.MAX_SAFE_INTEGER) return -Errno.EFBIG; // beyond the largest host file
    for (;;) {
      try {
        done += fs.writeSync(this.hostFd, data, done, data.length - done, at === undefined ? null : at + done);
        if (done >= data.length) {
          if (this.kind === "file" && at !== undefined) afterWrite(this, at, done);
          if (done > 0) notifyFile(this, In.MODIFY);
          if (pos === undefined && this.pos !== undefined) this.pos += done;
          return done;
        }
      } catch (e) {
        const r = hostErrno(e);
        if (r !== -11) { // not EAGAIN: report
          if (done > 0 && this.kind === "file" && at !== undefined) afterWrite(this, at, done);
          if (done > 0) notifyFile(this, In.MODIFY);
          if (done > 0 && pos === undefined && this.pos !== undefined) this.pos += done;
          return done > 0 ? done : r;
        }
        Atomics.wait(sleeper, 0, 0, 1); // the host fd is non-blocking and full: wait for room
      }
    }
  }

  /**
   * A write to a FIFO whose host descriptor is non-blocking: what fits goes
   * now, and a blocking write waits for the rest (only the calling guest
   * thread, looking again every FIFO_RETRY_MS), so the reader may be another
   * guest thread or process of this run. The host keeps writes of up to
   * PIPE_BUF whole.
   */
  private writeFifo(data: Uint8Array): IoResult {
    let done = 0;
    const attempt = (): number | undefined => {
      while (done < data.length) {
        try {
          done += fs.writeSync(this.hostFd, data, done, data.length - done, null);
        } catch (e) {
          const r = hostErrno(e);
          if (r !== -Errno.EAGAIN) return done > 0 ? done : r;
          return (this.flags & OFlag.NONBLOCK) !== 0 ? (done > 0 ? done : -Errno.EAGAIN) : undefined;
        }
      }
      return done;
    };
    const later = (cb: () => void) => {
      const t = setTimeout(cb, FIFO_RETRY_MS);
      return () => clearTimeout(t);
    };
    return blockOn(later, attempt, { interrupted: () => (done > 0 ? done : -Errno.EINTR) });
  }

  poll(events: number): number {
    if (!this.readsAhead) return events & (PollEv.IN | PollEv.OUT | PollEv.RDNORM | PollEv.WRNORM);
    let ready = PollEv.OUT | PollEv.WRNORM;
    if (events & (PollEv.IN | PollEv.RDNORM)) this.peek();
    if (this.ahead.length > 0 || this.aheadError !== 0) ready |= PollEv.IN | PollEv.RDNORM;
    if (this.aheadEof) ready |= this.fifo ? PollEv.HUP : PollEv.IN | PollEv.RDNORM;
    if (ready === (PollEv.OUT | PollEv.WRNORM) && events & (PollEv.IN | PollEv.RDNORM)) this.fetch();
    return ready & (events | PollEv.HUP | PollEv.ERR);
  }

  onReady(cb: ReadyCallback): () => void {
    if (this.readsAhead) {
      // Someone waits for input: make sure a read-ahead will report it.
      this.fetch();
      return this.wq.add(cb);
    }
    if (this.mayBlock) return () => {}; // a write-only stream: always writable, nothing to report
    const t = setTimeout(cb, 10);
    return () => clearTimeout(t);
  }

  readable(): number {
    if (this.readsAhead) return this.ahead.reduce((n, c) => n + c.length, 0);
    if (this.kind !== "file") return 0;
    try {
      return Math.max(0, fs.fstatSync(this.hostFd).size - (this.pos ?? 0));
    } catch {
      return 0;
    }
  }

  release(): void {
    if (this.owned) notifyFile(this, (this.flags & OFlag.ACCMODE) === OFlag.RDONLY ? In.CLOSE_NOWRITE : In.CLOSE_WRITE);
    this.released = true;
    if (typeof this.peekFd === "number") {
      try { fs.closeSync(this.peekFd); } catch { /* gone */ }
      this.peekFd = null;
    }
    if (!this.owned) return;
    if (this.fetching) this.closeWhenFetched = true; // the thread pool still reads it: close afterwards
    else this.closeHost();
  }

  private closeHost(): void {
    try { fs.closeSync(this.hostFd); } catch { /* already gone */ }
  }
}
