/**
 * Guest file descriptors. Each open file description is an OpenFile object
 * (a host file, a pipe end, a socket, an eventfd, an epoll instance...) behind
 * one interface; the table maps small integers to them, with the close-on-exec
 * flag per descriptor as Linux keeps it.
 */
import { after, type HostTimer } from "./host-timer.js";

/** poll(2) event bits. */
export const enum PollEv {
  IN = 0x1,
  PRI = 0x2,
  OUT = 0x4,
  ERR = 0x8,
  HUP = 0x10,
  NVAL = 0x20,
  RDNORM = 0x40,
  RDBAND = 0x80,
  WRNORM = 0x100,
  WRBAND = 0x200,
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
  /**
   * Registers a callback run once when readiness may have changed; returns a
   * function that cancels it. `events` (PollEv bits), when given, says which
   * conditions the change concerns, as the key of a Linux wake-up does: a
   * write to a pipe wakes with IN, a read with OUT.
   */
  onReady(cb: ReadyCallback): () => void;
  /** Called when the last descriptor referring to it is closed. */
  release(): void;
  /** The host fd behind it, if any (for fstat, ioctl, lseek...). */
  readonly hostFd?: number;
  /** The host path it was opened from, if any (for getdents64, fchdir, *at calls). */
  readonly path?: string;
  /** Bytes that a read would return now without blocking (ioctl FIONREAD), when the file knows. */
  readable?(): number;
}

/** A readiness callback; `events` (PollEv bits) narrows what changed, undefined means anything may have. */
export type ReadyCallback = (events?: number) => void;

/**
 * The callbacks waiting on one object's readiness, as a Linux wait queue.
 * Each registration fires once; wake() runs them synchronously after the
 * object's state has changed. Callbacks only take note (epoll queues the
 * item; a blocked call schedules its retry, see blockOn): they must not
 * move data themselves.
 */
export class WaitQueue {
  private waiters = new Set<ReadyCallback>();

  /** Registers `cb` for the next wake-up; returns a function that cancels it. */
  add(cb: ReadyCallback): () => void {
    // Wrapped so the same function may be registered twice and cancelled once.
    const entry: ReadyCallback = (events) => cb(events);
    this.waiters.add(entry);
    return () => { this.waiters.delete(entry); };
  }

  /** Runs and forgets every registered callback. */
  wake(events?: number): void {
    if (this.waiters.size === 0) return;
    const now = [...this.waiters];
    this.waiters.clear();
    for (const cb of now) cb(events);
  }

  /** How many callbacks are registered. */
  get size(): number {
    return this.waiters.size;
  }
}

/**
 * A call that is waiting: a promise of its result, and interrupt(), which
 * makes it settle at once (a signal arrived) with what the call returns when
 * cut short: -EINTR, or the bytes already moved.
 */
export type Blocking<T> = Promise<T> & { interrupt(): void };

/** Subscribes a one-shot readiness callback; returns its cancel function (OpenFile.onReady, WaitQueue.add). */
export type Subscribe = (cb: ReadyCallback) => () => void;

/** How a blocking wait ends other than by `attempt` succeeding. */
export interface WaitOptions<T> {
  /** The result when a signal interrupts the wait. */
  interrupted: () => T;
  /** Give up after this many milliseconds (undefined: wait forever). */
  timeoutMs?: number;
  /** The result on timeout. */
  timedOut?: () => T;
}

/**
 * Runs `attempt` now and, while it returns undefined (it would block), again
 * each time `subscribe` reports that readiness may have changed. Returns the
 * first result directly when there is no need to wait, else a Blocking
 * promise of it.
 *
 * Retries run from a microtask, never inside the wake-up: the call that
 * changed the state finishes first, and a retry never runs in the middle of
 * another attempt (which could take the data and leave the other attempt
 * waiting for a wake-up that has already happened). A retry looks at the
 * state as it is when it runs, so wake-ups that come while it is pending
 * are not lost.
 */
export function blockOn<T>(subscribe: Subscribe, attempt: () => T | undefined, opts: WaitOptions<T>): T | Blocking<T> {
  const first = attempt();
  if (first !== undefined) return first;
  let settle!: (v: T) => void;
  const promise = new Promise<T>((resolve) => { settle = resolve; }) as Blocking<T>;
  let done = false, pending = false;
  let cancel: () => void = () => {};
  let timer: HostTimer | undefined;
  const finish = (v: T) => {
    if (done) return;
    done = true;
    cancel();
    timer?.clear();
    settle(v);
  };
  const retry = () => {
    pending = false;
    if (done) return;
    cancel();
    const r = attempt();
    if (r !== undefined) finish(r);
    else cancel = subscribe(woken);
  };
  const woken = () => {
    if (done || pending) return;
    pending = true;
    queueMicrotask(retry);
  };
  cancel = subscribe(woken);
  if (opts.timeoutMs !== undefined) {
    const timedOut = opts.timedOut ?? opts.interrupted;
    timer = after(opts.timeoutMs, () => finish(timedOut()));
  }
  promise.interrupt = () => finish(opts.interrupted());
  return promise;
}

/** Subscribes to several files at once: the callback fires (once) when any of them may have changed. */
export function subscribeAll(files: readonly OpenFile[]): Subscribe {
  return (cb) => {
    let fired = false;
    const once: ReadyCallback = (events) => {
      if (fired) return;
      fired = true;
      cancelAll();
      cb(events);
    };
    const cancels = files.map((f) => f.onReady(once));
    const cancelAll = () => { for (const c of cancels) c(); };
    return () => { fired = true; cancelAll(); };
  };
}

/** Applies `f` to the result `r` now, or when the wait ends; a Blocking wait stays interruptible. */
export function mapResult<T, U>(r: T | Promise<T>, f: (v: T) => U): U | Promise<U> {
  if (!(r instanceof Promise)) return f(r);
  const next = r.then(f);
  return isBlocking(r) ? Object.assign(next, { interrupt: () => r.interrupt() }) : next;
}

/** Whether an I/O result is a wait that a signal can cut short. */
export function isBlocking<T>(r: T | Promise<T>): r is Blocking<T> {
  return r instanceof Promise && typeof (r as Partial<Blocking<T>>).interrupt === "function";
}

/** One descriptor slot: the file and its per-descriptor flags. */
interface Slot {
  file: OpenFile;
  cloexec: boolean;
}

/**
 * References to each open file from every descriptor table (dup, fork) and
 * in-flight message: a file is released when the last one goes, so a pipe
 * sees end-of-file only when no process holds its write end.
 */
const REFS = new Map<OpenFile, number>();

/**
 * Called when a process closes a descriptor (`table` is its descriptor
 * table) and when an open file's last reference goes: POSIX record locks
 * and flock/OFD locks are dropped there (file-locks.ts).
 */
export const fileCloseHooks: { closed: ((table: FdTable, file: OpenFile) => void)[]; released: ((file: OpenFile) => void)[] } = { closed: [], released: [] };

/** A process's file descriptors, referring to reference-counted open files. */
export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];
  private readonly refs = REFS;
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
    this.retain(file);
    this.close(fd);
    this.slots[fd] = { file, cloexec };
  }

  /** Closes `fd`; returns false if it was not open. */
  close(fd: number): boolean {
    const s = fd >= 0 ? this.slots[fd] : undefined;
    if (s === undefined) return false;
    this.slots[fd] = undefined;
    for (const h of fileCloseHooks.closed) h(this, s.file);
    this.unretain(s.file);
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

  /** Whether some descriptor (or an in-flight reference) still refers to `file`. */
  isOpen(file: OpenFile): boolean {
    return this.refs.has(file);
  }

  /** Holds a reference to `file` without a descriptor (a descriptor in flight in an SCM_RIGHTS message). */
  retain(file: OpenFile): void {
    this.refs.set(file, (this.refs.get(file) ?? 0) + 1);
  }

  /** Drops a reference taken by retain(); the file is released when none remain. */
  unretain(file: OpenFile): void {
    const n = (this.refs.get(file) ?? 1) - 1;
    if (n <= 0) {
      this.refs.delete(file);
      for (const h of fileCloseHooks.released) h(file);
      file.release();
    } else this.refs.set(file, n);
  }

  /** Closes everything (process exit). */
  closeAll(): void {
    for (const fd of this.list()) this.close(fd);
  }

  /** A copy for fork(2): the same open files at the same descriptors, with their close-on-exec flags. */
  clone(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    this.slots.forEach((s, fd) => { if (s) t.place(fd, s.file, s.cloexec); });
    return t;
  }

  /** Closes the descriptors marked close-on-exec (execve). */
  closeOnExec(): void {
    for (const fd of this.list()) if (this.slots[fd]!.cloexec) this.close(fd);
  }
}
