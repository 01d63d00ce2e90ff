/**
 * Moving data between descriptors without a user buffer: sendfile,
 * copy_file_range, splice, tee and vmsplice. The kernel moves page
 * references; here the bytes are copied, with Linux's rules for what may be
 * joined to what, its errors, and its waiting: a pipe end waits (only the
 * calling guest thread) for data or room unless SPLICE_F_NONBLOCK or the
 * pipe's O_NONBLOCK says otherwise, and a pipe is filled with at most its
 * free room per call, as the kernel fills free slots.
 */
import * as fs from "node:fs";
import { define, type SyscallArgs } from "./table.js";
import { Errno } from "./errno.js";
import { PipeEnd, type Pipe } from "../pipe.js";
import { OFlag, blockOn, mapResult, type OpenFile, type Subscribe } from "../fd-table.js";
import { interruptible, raiseSigpipe } from "./io.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";
import { readIovecs, scatter, UIO_MAXIOV } from "./iovec.js";

/** splice flags (linux/splice.h). */
const enum SpliceF {
  MOVE = 1, NONBLOCK = 2, MORE = 4, GIFT = 8,
  ALL = MOVE | NONBLOCK | MORE | GIFT,
}

/** The most one read or write moves (MAX_RW_COUNT: INT_MAX rounded down to a page). */
const MAX_RW_COUNT = 0x7ffff000;
/** Bytes copied per step between two files. */
const CHUNK = 1 << 20;

const canRead = (f: OpenFile) => (f.flags & OFlag.ACCMODE) !== OFlag.WRONLY;
const canWrite = (f: OpenFile) => (f.flags & OFlag.ACCMODE) !== OFlag.RDONLY;
/** Files with positions: pread/pwrite work on them (FMODE_PREAD/PWRITE). */
const seekable = (f: OpenFile) => f.kind === "file";
const pipeOf = (f: OpenFile): Pipe | undefined => (f instanceof PipeEnd ? f.pipe : undefined);

/** Waits on both pipes' wait queues at once. */
function subscribePipes(...pipes: Pipe[]): Subscribe {
  return (cb) => {
    const cancels = pipes.map((pp) => pp.wq.add(cb));
    return () => { for (const c of cancels) c(); };
  };
}

/** A guest loff_t pointer argument: its address (0: none) and value, or -EINVAL when negative. */
function offsetArg(p: Process, addr: number): number | undefined {
  if (addr === 0) return undefined;
  return Number(BigInt.asIntN(64, p.space.readBig(addr)));
}

/** Writes a new offset back through a loff_t pointer. */
function storeOffset(p: Process, addr: number, value: number): void {
  if (addr !== 0) p.space.writeU64(addr, value);
}

/** Reads up to `len` bytes from `f` (at `pos` when given): the bytes, a negative errno, or a promise of either. */
function readFrom(f: OpenFile, len: number, pos: number | undefined): Uint8Array | number | Promise<Uint8Array | number> {
  const buf = new Uint8Array(len);
  return mapResult(f.read(buf, pos), (n) => (n < 0 ? n : buf.subarray(0, n)));
}

/**
 * A wait whose attempt may itself answer with a promise (a read from a
 * stream): a promise resolved with a promise takes on its value, so the
 * result is a plain number or a promise of one, and a Blocking wait keeps
 * its interrupt().
 */
function flat(r: number | Promise<number> | Promise<number | Promise<number>>): number | Promise<number> {
  return r as number | Promise<number>;
}

/**
 * Fills the pipe of `out` from the non-pipe `inFile`: waits for room (or
 * answers EAGAIN/EPIPE), then reads at most the room and `len` bytes from
 * `inFile` at *offAddr or its position, and queues them. Shared by splice
 * (file to pipe) and sendfile (to a pipe).
 */
function fileToPipe(p: Process, t: Thread, inFile: OpenFile, offAddr: number, pipe: Pipe, len: number, nonblock: boolean): number | Promise<number> {
  const off = offsetArg(p, offAddr);
  const attempt = (): number | Promise<number> | undefined => {
    if (pipe.readers === 0) return -Errno.EPIPE;
    const room = pipe.room;
    if (room === 0) return nonblock ? -Errno.EAGAIN : undefined;
    return mapResult(readFrom(inFile, Math.min(len, room), off), (data) => {
      if (typeof data === "number") return data;
      if (data.length > 0) pipe.write(data, 0, true, false);
      if (off !== undefined) storeOffset(p, offAddr, off + data.length);
      return data.length;
    });
  };
  const r = flat(blockOn<number | Promise<number>>(subscribePipes(pipe), attempt, { interrupted: () => -Errno.EINTR }));
  return raiseSigpipe(p, t, interruptible(t, r)) as number | Promise<number>;
}

/**
 * Drains up to `len` bytes of `pipe` into the non-pipe `out` at *offAddr or
 * its position: waits for data (0 once no writer is left; EAGAIN when
 * non-blocking).
 */
function pipeToFile(p: Process, t: Thread, pipe: Pipe, out: OpenFile, offAddr: number, len: number, nonblock: boolean): number | Promise<number> {
  const off = offsetArg(p, offAddr);
  const attempt = (): number | Promise<number> | undefined => {
    if (pipe.bytes === 0) return pipe.writers === 0 ? 0 : nonblock ? -Errno.EAGAIN : undefined;
    const buf = new Uint8Array(Math.min(len, pipe.bytes));
    const n = pipe.tryRead(buf);
    if (n <= 0) return n;
    return mapResult(out.write(buf.subarray(0, n), off), (w) => {
      if (off !== undefined && w > 0) storeOffset(p, offAddr, off + w);
      return w;
    });
  };
  const r = flat(blockOn<number | Promise<number>>(subscribePipes(pipe), attempt, { interrupted: () => -Errno.EINTR }));
  return raiseSigpipe(p, t, interruptible(t, r)) as number | Promise<number>;
}

/** Moves (or with `keep`, copies: tee) up to `len` bytes from one pipe to another. */
function pipeToPipe(p: Process, t: Thread, from: Pipe, to: Pipe, len: number, nonblock: boolean, keep: boolean): number | Promise<number> {
  const attempt = (): number | undefined => {
    if (from.bytes === 0) return from.writers === 0 ? 0 : nonblock ? -Errno.EAGAIN : undefined;
    if (to.readers === 0) return -Errno.EPIPE;
    const room = to.room;
    if (room === 0) return nonblock ? -Errno.EAGAIN : undefined;
    const buf = new Uint8Array(Math.min(len, from.bytes, room));
    const n = keep ? from.peek(buf) : from.tryRead(buf);
    if (n > 0) to.write(buf.subarray(0, n), 0, true, false);
    return n;
  };
  return raiseSigpipe(p, t, interruptible(t, blockOn(subscribePipes(from, to), attempt, { interrupted: () => -Errno.EINTR }))) as number | Promise<number>;
}

/** What a copy between non-pipes moved, and where the explicit positions ended. */
interface Moved { n: number; inPos?: number; outPos?: number }

/**
 * Copies `count` bytes from file to file (sendfile and copy_file_range
 * between non-pipes), a chunk at a time, stopping at end of file. A write
 * that blocks (a socket with a full send buffer) is waited for, and the copy
 * goes on after it, as Linux's sendfile does for a blocking socket; a stream
 * source with nothing ready ends the copy with what was moved, or is waited
 * for when nothing was. Each wait can be interrupted by a signal (`t`), and
 * then what was moved is the result.
 */
function fileToFile(t: Thread, inFile: OpenFile, inPos: number | undefined, out: OpenFile, outPos: number | undefined, count: number): Moved | number | Promise<Moved | number> {
  const moved = (done: number): Moved => ({ n: done, ...(inPos !== undefined && { inPos: inPos + done }), ...(outPos !== undefined && { outPos: outPos + done }) });
  const afterWrite = (w: number, r: number, done: number): Moved | number | Promise<Moved | number> => {
    if (w < 0) return done > 0 ? moved(done) : w;
    return w < r ? moved(done + w) : step(done + w);
  };
  const afterRead = (buf: Uint8Array, r: number, done: number): Moved | number | Promise<Moved | number> => {
    if (r < 0) return done > 0 ? moved(done) : r;
    if (r === 0) return moved(done);
    const w = interruptible(t, out.write(buf.subarray(0, r), outPos === undefined ? undefined : outPos + done));
    return w instanceof Promise ? w.then((n) => afterWrite(n, r, done)) : afterWrite(w, r, done);
  };
  const step = (done: number): Moved | number | Promise<Moved | number> => {
    if (done >= count) return moved(done);
    const buf = new Uint8Array(Math.min(CHUNK, count - done));
    const r = inFile.read(buf, inPos === undefined ? undefined : inPos + done);
    if (!(r instanceof Promise)) return afterRead(buf, r, done);
    if (done > 0) return moved(done);
    interruptible(t, r);
    return r.then((n) => afterRead(buf, n, done));
  };
  return step(0);
}

// ---------------------------------------------------------------------------
// sendfile

define(71, "sendfile", "ddxu", (p, t, a) => {
  const outFd = a.int(0), inFd = a.int(1), offAddr = a.u64(2);
  let count = a.u64(3);
  const inFile = p.fds.get(inFd);
  if (inFile === undefined || !canRead(inFile)) return -Errno.EBADF;
  const off = offsetArg(p, offAddr);
  if (off !== undefined && !seekable(inFile)) return -Errno.ESPIPE;
  if (off !== undefined && off < 0) return -Errno.EINVAL;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  const out = p.fds.get(outFd);
  if (out === undefined || !canWrite(out)) return -Errno.EBADF;
  // The source must have splice_read, as files and sockets do; pipes, character devices, terminals
  // and the kernel's own files (eventfd, inotify, timerfd...) do not.
  if (inFile.kind !== "file" && inFile.kind !== "socket") return -Errno.EINVAL;
  const opipe = pipeOf(out);
  if (opipe !== undefined) {
    if (count === 0) return 0;
    return fileToPipe(p, t, inFile, offAddr, opipe, count, (out.flags & OFlag.NONBLOCK) !== 0);
  }
  if (out.flags & OFlag.APPEND) return -Errno.EINVAL;
  if (count === 0) return 0;
  return raiseSigpipe(p, t, mapResult(fileToFile(t, inFile, off, out, undefined, count), (r) => {
    if (typeof r === "number") return r;
    if (off !== undefined) storeOffset(p, offAddr, r.inPos!);
    return r.n;
  })) as number | Promise<number>;
});

// ---------------------------------------------------------------------------
// copy_file_range

define(285, "copy_file_range", "dxdxux", (p, t, a) => {
  const inFile = p.fds.get(a.int(0));
  if (inFile === undefined) return -Errno.EBADF;
  const out = p.fds.get(a.int(2));
  if (out === undefined) return -Errno.EBADF;
  const inAddr = a.u64(1), outAddr = a.u64(3);
  const inOff = offsetArg(p, inAddr), outOff = offsetArg(p, outAddr);
  let len = a.u64(4);
  if (a.u32(5) !== 0 || a.hi[5] !== 0) return -Errno.EINVAL;
  if (inFile.kind === "dir" || out.kind === "dir") return -Errno.EISDIR;
  if (inFile.kind !== "file" || out.kind !== "file" || inFile.hostFd === undefined || out.hostFd === undefined) return -Errno.EINVAL;
  if (!canRead(inFile) || !canWrite(out) || (out.flags & OFlag.APPEND)) return -Errno.EBADF;
  const posIn = inOff ?? (inFile as { pos?: number }).pos ?? 0;
  const posOut = outOff ?? (out as { pos?: number }).pos ?? 0;
  if (posIn < 0 || posOut < 0) return -Errno.EOVERFLOW; // the kernel's range check is done on unsigned sums
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  // Shortened to the end of the source; then no overlap within one file.
  const sizeIn = Number(fstatSize(inFile.hostFd));
  len = posIn >= sizeIn ? 0 : Math.min(len, sizeIn - posIn);
  if (sameInode(inFile.hostFd, out.hostFd) && posOut + len > posIn && posOut < posIn + len) return -Errno.EINVAL;
  if (len === 0) return 0;
  return mapResult(fileToFile(t, inFile, posIn, out, posOut, len), (r) => {
    if (typeof r === "number") return r;
    // Explicit offsets are advanced through their pointers; otherwise the files' own positions move.
    if (inOff !== undefined) storeOffset(p, inAddr, r.inPos!);
    else (inFile as { pos?: number }).pos = r.inPos;
    if (outOff !== undefined) storeOffset(p, outAddr, r.outPos!);
    else (out as { pos?: number }).pos = r.outPos;
    return r.n;
  });
});

function fstatSize(hostFd: number): number {
  return fs.fstatSync(hostFd).size;
}

function sameInode(a: number, b: number): boolean {
  const x = fs.fstatSync(a, { bigint: true }), y = fs.fstatSync(b, { bigint: true });
  return x.ino === y.ino && x.dev === y.dev;
}

// ---------------------------------------------------------------------------
// splice, tee

define(76, "splice", "dxdxux", (p, t, a) => {
  const inAddr = a.u64(1), outAddr = a.u64(3), flags = a.u32(5);
  let len = a.u64(4);
  if (len === 0) return 0;
  if (flags & ~SpliceF.ALL) return -Errno.EINVAL;
  const inFile = p.fds.get(a.int(0)), out = p.fds.get(a.int(2));
  if (inFile === undefined || out === undefined) return -Errno.EBADF;
  const ipipe = pipeOf(inFile), opipe = pipeOf(out);
  if ((ipipe !== undefined && inAddr !== 0) || (opipe !== undefined && outAddr !== 0)) return -Errno.ESPIPE;
  if (!canRead(inFile) || !canWrite(out)) return -Errno.EBADF;
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  const nonblockOf = (f: OpenFile) => (flags & SpliceF.NONBLOCK) !== 0 || (f.flags & OFlag.NONBLOCK) !== 0;
  if (ipipe !== undefined && opipe !== undefined) {
    if (ipipe === opipe) return -Errno.EINVAL;
    return pipeToPipe(p, t, ipipe, opipe, len, nonblockOf(inFile) || nonblockOf(out), false);
  }
  if (ipipe !== undefined) {
    if (outAddr !== 0 && !seekable(out)) return -Errno.EINVAL;
    if (out.flags & OFlag.APPEND) return -Errno.EINVAL;
    if (outAddr !== 0 && offsetArg(p, outAddr)! < 0) return -Errno.EINVAL;
    return pipeToFile(p, t, ipipe, out, outAddr, len, nonblockOf(inFile));
  }
  if (opipe !== undefined) {
    if (inAddr !== 0 && !seekable(inFile)) return -Errno.EINVAL;
    if (inAddr !== 0 && offsetArg(p, inAddr)! < 0) return -Errno.EINVAL;
    return fileToPipe(p, t, inFile, inAddr, opipe, len, nonblockOf(out));
  }
  return -Errno.EINVAL;
});

define(77, "tee", "ddux", (p, t, a) => {
  const flags = a.u32(3);
  let len = a.u64(2);
  if (flags & ~SpliceF.ALL) return -Errno.EINVAL;
  if (len === 0) return 0;
  const inFile = p.fds.get(a.int(0));
  if (inFile === undefined || !canRead(inFile)) return -Errno.EBADF;
  const out = p.fds.get(a.int(1));
  if (out === undefined || !canWrite(out)) return -Errno.EBADF;
  const ipipe = pipeOf(inFile), opipe = pipeOf(out);
  if (ipipe === undefined || opipe === undefined || ipipe === opipe) return -Errno.EINVAL;
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  const nonblock = (flags & SpliceF.NONBLOCK) !== 0 || ((inFile.flags | out.flags) & OFlag.NONBLOCK) !== 0;
  return pipeToPipe(p, t, ipipe, opipe, len, nonblock, true);
});

// ---------------------------------------------------------------------------
// vmsplice

/**
 * vmsplice: to a pipe's write end it queues the caller's bytes (copied, so
 * SPLICE_F_GIFT changes nothing), after waiting for room as splice does and
 * no more than fits; from a read end it fills the caller's buffers as readv.
 */
define(75, "vmsplice", "dxux", (p, t, a) => {
  const flags = a.u32(3);
  if (flags & ~SpliceF.ALL) return -Errno.EINVAL;
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  const iov = readIovecs(p, a.u64(1), a.u64(2) > UIO_MAXIOV ? -1 : a.int(2));
  if (typeof iov === "number") return iov;
  const total = Math.min(iov.reduce((n, [, len]) => n + len, 0), MAX_RW_COUNT);
  if (total === 0) return 0;
  const pipe = pipeOf(f);
  if (pipe === undefined) return -Errno.EBADF;
  const nonblock = (flags & SpliceF.NONBLOCK) !== 0;
  if (canWrite(f)) {
    const data = Buffer.concat(iov.map(([base, len]) => p.space.read(base, len))).subarray(0, total);
    const attempt = (): number | undefined => {
      if (pipe.readers === 0) return -Errno.EPIPE;
      const room = pipe.room;
      if (room === 0) return nonblock ? -Errno.EAGAIN : undefined;
      const n = Math.min(room, data.length);
      pipe.write(data.subarray(0, n), 0, true, false);
      return n;
    };
    return raiseSigpipe(p, t, interruptible(t, blockOn(subscribePipes(pipe), attempt, { interrupted: () => -Errno.EINTR }))) as number | Promise<number>;
  }
  const attempt = (): number | undefined => {
    if (pipe.bytes === 0) return pipe.writers === 0 ? 0 : nonblock ? -Errno.EAGAIN : undefined;
    const buf = new Uint8Array(Math.min(total, pipe.bytes));
    return scatter(p, iov, buf, pipe.tryRead(buf));
  };
  return interruptible(t, blockOn(subscribePipes(pipe), attempt, { interrupted: () => -Errno.EINTR }));
});
