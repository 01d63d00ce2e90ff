/**
 * Guest file descriptors. Each open file description is an OpenFile object
 * (a host file, a pipe end, a socket, an eventfd, an epoll instance...) behind
 * one interface; the table maps small integers to them, with the close-on-exec
 * flag per descriptor as Linux keeps it.
 */

/** poll(2) event bits. */
export const enum PollEv {
  IN = 0x1,
  PRI = 0x2,
  OUT = 0x4,
  ERR = 0x8,
  HUP = 0x10,
  NVAL = 0x20,
  RDHUP = 0x2000,
}

/** open(2) flags that an open file description keeps (octal values of the generic Linux ABI). */
export const enum OFlag {
  RDONLY = 0, WRONLY = 1, RDWR = 2, ACCMODE = 3,
  CREAT = 0o100, EXCL = 0o200, NOCTTY = 0o400, TRUNC = 0o1000, APPEND = 0o2000, NONBLOCK = 0o4000,
  DSYNC = 0o10000, DIRECTORY = 0o200000, NOFOLLOW = 0o400000, CLOEXEC = 0o2000000, PATH = 0o10000000,
  TMPFILE = 0o20200000,
}

/** Result of an I/O call: a byte count, a negative errno, or a promise of either (it blocks). */
export type IoResult = number | Promise<number>;

/** An open file description. */
export interface OpenFile {
  /** What it is, for /proc/self/fd and strace: "file", "pipe", "socket"... */
  readonly kind: string;
  /** Open flags (access mode, O_APPEND, O_NONBLOCK...). */
  flags: number;
  /** Reads up to buf.length bytes (at `pos` when given: pread). */
  read(buf: Uint8Array, pos?: number): IoResult;
  /** Writes data (at `pos` when given: pwrite). */
  write(data: Uint8Array, pos?: number): IoResult;
  /** Which of `events` (PollEv bits) are ready now. */
  poll(events: number): number;
  /** Registers a callback run once when readiness may have changed; returns a function that cancels it. */
  onReady(cb: () => void): () => void;
  /** Called when the last descriptor referring to it is closed. */
  release(): void;
  /** The host fd behind it, if any (for fstat, ioctl, lseek...). */
  readonly hostFd?: number;
  /** The host path it was opened from, if any (for getdents64, fchdir, *at calls). */
  readonly path?: string;
}

/** One descriptor slot: the file and its per-descriptor flags. */
interface Slot {
  file: OpenFile;
  cloexec: boolean;
}

/** Reference-counted files shared by descriptors (dup) and threads. */
export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];
  private readonly refs = new Map<OpenFile, number>();
  /** RLIMIT_NOFILE soft limit. */
  limit = 1024;

  /** The file at `fd`, or undefined if `fd` is not open. */
  get(fd: number): OpenFile | undefined {
    return fd >= 0 ? this.slots[fd]?.file : undefined;
  }

  /** Installs `file` at the lowest free descriptor >= `min`; returns it, or -EMFILE. */
  add(file: OpenFile, cloexec = false, min = 0): number {
    let fd = min;
    while (this.slots[fd] !== undefined) fd++;
    if (fd >= this.limit) return -24;
    this.place(fd, file, cloexec);
    return fd;
  }

  /** Installs `file` at `fd`, closing what was there (dup2/dup3). */
  place(fd: number, file: OpenFile, cloexec = false): void {
    this.refs.set(file, (this.refs.get(file) ?? 0) + 1);
    this.close(fd);
    this.slots[fd] = { file, cloexec };
  }

  /** Closes `fd`; returns false if it was not open. */
  close(fd: number): boolean {
    const s = fd >= 0 ? this.slots[fd] : undefined;
    if (s === undefined) return false;
    this.slots[fd] = undefined;
    const n = (this.refs.get(s.file) ?? 1) - 1;
    if (n <= 0) {
      this.refs.delete(s.file);
      s.file.release();
    } else this.refs.set(s.file, n);
    return true;
  }

  /** The close-on-exec flag of `fd`. */
  cloexec(fd: number): boolean {
    return this.slots[fd]?.cloexec ?? false;
  }

  /** Sets the close-on-exec flag of `fd`. */
  setCloexec(fd: number, on: boolean): void {
    const s = this.slots[fd];
    if (s) s.cloexec = on;
  }

  /** Open descriptors, ascending. */
  list(): number[] {
    const out: number[] = [];
    this.slots.forEach((s, i) => { if (s) out.push(i); });
    return out;
  }

  /** Closes everything (process exit). */
  closeAll(): void {
    for (const fd of this.list()) this.close(fd);
  }
}
