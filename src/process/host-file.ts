/**
 * An OpenFile backed by a host file descriptor. Regular files are read and
 * written synchronously; anything that may block (terminals, pipes, FIFOs,
 * character devices) is read through Node's thread pool, so a guest thread
 * waiting for input does not stop the others.
 */
import * as fs from "node:fs";
import { hostErrno } from "./syscalls/errno.js";
import type { IoResult, OpenFile } from "./fd-table.js";
import { PollEv } from "./fd-table.js";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A host file, directory, terminal or pipe opened by the guest (or inherited: stdin/stdout/stderr). */
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

  constructor(readonly hostFd: number, public flags: number, readonly path: string | undefined, private readonly owned = true) {
    let st: fs.Stats | undefined;
    try { st = fs.fstatSync(hostFd); } catch { st = undefined; }
    this.kind = st?.isDirectory() ? "dir" : st?.isFile() ? "file" : "stream";
    this.mayBlock = st !== undefined && !st.isFile() && !st.isDirectory() && !st.isBlockDevice();
    this.pos = owned && this.kind === "file" ? 0 : undefined;
  }

  /** Moves the file offset (lseek); returns the new offset or a negative errno. */
  seek(offset: number, whence: number): number {
    if (this.pos === undefined) return this.kind === "dir" ? 0 : -29; // ESPIPE
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? fs.fstatSync(this.hostFd).size : NaN;
    if (Number.isNaN(base)) return -22;
    const at = base + offset;
    if (at < 0) return -22;
    this.pos = at;
    return at;
  }

  read(buf: Uint8Array, pos?: number): IoResult {
    if (this.kind === "dir") return -21; // EISDIR
    if (this.mayBlock && pos === undefined) {
      return new Promise<number>((resolve) => {
        fs.read(this.hostFd, buf, 0, buf.length, null, (err, n) => resolve(err ? hostErrno(err) : n));
      });
    }
    try {
      const at = pos ?? this.pos;
      const n = fs.readSync(this.hostFd, buf, 0, buf.length, at ?? null);
      if (pos === undefined && this.pos !== undefined) this.pos += n;
      return n;
    } catch (e) {
      return hostErrno(e);
    }
  }

  write(data: Uint8Array, pos?: number): IoResult {
    let done = 0;
    if (pos === undefined && this.pos !== undefined && (this.flags & 0o2000) !== 0) this.pos = fs.fstatSync(this.hostFd).size;
    const at = pos ?? this.pos;
    for (;;) {
      try {
        done += fs.writeSync(this.hostFd, data, done, data.length - done, at === undefined ? null : at + done);
        if (done >= data.length) {
          if (pos === undefined && this.pos !== undefined) this.pos += done;
          return done;
        }
      } catch (e) {
        const r = hostErrno(e);
        if (r !== -11) { // not EAGAIN: report
          if (done > 0 && pos === undefined && this.pos !== undefined) this.pos += done;
          return done > 0 ? done : r;
        }
        Atomics.wait(sleeper, 0, 0, 1); // the host fd is non-blocking and full: wait for room
      }
    }
  }

  poll(events: number): number {
    return events & (PollEv.IN | PollEv.OUT);
  }

  onReady(cb: () => void): () => void {
    const t = setTimeout(cb, 10);
    return () => clearTimeout(t);
  }

  release(): void {
    if (!this.owned) return;
    try { fs.closeSync(this.hostFd); } catch { /* already gone */ }
  }
}
