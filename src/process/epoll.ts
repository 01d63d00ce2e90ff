/**
 * epoll instances. The interest list holds (file, descriptor) pairs; each
 * keeps a standing subscription to its file's readiness, and a file that
 * reports a change matching the registered events goes on the ready list,
 * in the order Linux would put it there. epoll_wait scans the ready list:
 * level-triggered items that are still ready go back on its tail,
 * edge-triggered ones wait for the next change, one-shot ones are disarmed
 * until EPOLL_CTL_MOD.
 */
import { Errno } from "./syscalls/errno.js";
import { OFlag, PollEv, WaitQueue, blockOn, type Blocking, type OpenFile, type ReadyCallback } from "./fd-table.js";

/** epoll event bits beyond the poll(2) ones. */
export const enum EpollEv {
  /** Wake only one of several epoll instances waiting on the file (accepted, not needed here). */
  EXCLUSIVE = 1 << 28,
  /** Keep the system awake (meaningless here). */
  WAKEUP = 1 << 29,
  /** Report once, then disarm until EPOLL_CTL_MOD. */
  ONESHOT = 1 << 30,
  /** Edge-triggered: report changes, not states. */
  ET = -2147483648,
}

/** Flags that describe how to report rather than what to report (EP_PRIVATE_BITS). */
const PRIVATE_BITS = EpollEv.EXCLUSIVE | EpollEv.WAKEUP | EpollEv.ONESHOT | EpollEv.ET;

/** epoll_ctl operations. */
export const enum EpollOp {
  ADD = 1,
  DEL = 2,
  MOD = 3,
}

/** One reported event (struct epoll_event). */
export interface EpollEvent {
  events: number;
  data: bigint;
}

/** One registration on the interest list. */
interface Interest {
  readonly fd: number;
  readonly file: OpenFile;
  /** Requested events; ERR and HUP are always added. Private bits say how to report. */
  events: number;
  data: bigint;
  /** On the ready list. */
  queued: boolean;
  /** Cancels the standing readiness subscription. */
  cancel: () => void;
  removed: boolean;
}

export class Epoll implements OpenFile {
  readonly kind = "epoll";
  flags = OFlag.RDWR;
  private readonly interest = new Map<OpenFile, Map<number, Interest>>();
  private ready: Interest[] = [];
  /** Woken (IN) when an item goes on the ready list: epoll_wait callers and epolls watching this one. */
  private readonly wq = new WaitQueue();

  /** `isOpen` tells whether a file is still open somewhere (a file closed everywhere leaves every interest list). */
  constructor(private readonly isOpen: (f: OpenFile) => boolean) {}

  /** epoll_ctl on (file, fd); returns 0 or a negative errno. */
  ctl(op: number, fd: number, file: OpenFile, events: number, data: bigint): number {
    if (file === this) return -Errno.EINVAL;
    let byFd = this.interest.get(file);
    const item = byFd?.get(fd);
    switch (op) {
      case EpollOp.ADD: {
        if (item !== undefined) return -Errno.EEXIST;
        if (file.kind === "file" || file.kind === "dir") return -Errno.EPERM;
        if (file instanceof Epoll && file.reaches(this)) return -Errno.ELOOP;
        const added: Interest = { fd, file, events: events | PollEv.ERR | PollEv.HUP, data, queued: false, cancel: () => {}, removed: false };
        if (byFd === undefined) { byFd = new Map(); this.interest.set(file, byFd); }
        byFd.set(fd, added);
        this.watch(added);
        this.queueIfReady(added);
        return 0;
      }
      case EpollOp.MOD: {
        if (item === undefined) return -Errno.ENOENT;
        if (events & EpollEv.EXCLUSIVE) return -Errno.EINVAL;
        item.events = events | PollEv.ERR | PollEv.HUP;
        item.data = data;
        this.queueIfReady(item);
        return 0;
      }
      case EpollOp.DEL: {
        if (item === undefined) return -Errno.ENOENT;
        this.remove(item);
        return 0;
      }
    }
    return -Errno.EINVAL;
  }

  /** Whether this instance watches `target`, directly or through nested instances (a loop is refused). */
  private reaches(target: Epoll): boolean {
    for (const file of this.interest.keys()) {
      if (file === target) return true;
      if (file instanceof Epoll && file.reaches(target)) return true;
    }
    return false;
  }

  /** Keeps a subscription to `item`'s file for as long as the item is registered. */
  private watch(item: Interest): void {
    const fired: ReadyCallback = (events) => {
      if (item.removed) return;
      item.cancel = item.file.onReady(fired);
      if ((item.events & ~PRIVATE_BITS) === 0) return; // one-shot, disarmed
      if (events !== undefined && (events & item.events) === 0) return;
      this.enqueue(item);
    };
    item.cancel = item.file.onReady(fired);
  }

  private queueIfReady(item: Interest): void {
    if (this.pollItem(item) !== 0) this.enqueue(item);
  }

  private enqueue(item: Interest): void {
    if (!item.queued) {
      item.queued = true;
      this.ready.push(item);
    }
    this.wq.wake(PollEv.IN | PollEv.RDNORM);
  }

  private pollItem(item: Interest): number {
    const wanted = item.events & ~PRIVATE_BITS;
    return wanted === 0 ? 0 : item.file.poll(wanted) & wanted;
  }

  private remove(item: Interest): void {
    item.removed = true;
    item.cancel();
    if (item.queued) {
      item.queued = false;
      this.ready = this.ready.filter((i) => i !== item);
    }
    const byFd = this.interest.get(item.file);
    byFd?.delete(item.fd);
    if (byFd?.size === 0) this.interest.delete(item.file);
  }

  /** Takes up to `max` events off the ready list (ep_send_events). */
  collect(max: number): EpollEvent[] {
    const out: EpollEvent[] = [];
    const scanning = this.ready;
    this.ready = [];
    let i = 0;
    for (; i < scanning.length && out.length < max; i++) {
      const item = scanning[i];
      item.queued = false;
      if (!this.isOpen(item.file)) {
        this.remove(item);
        continue;
      }
      const revents = this.pollItem(item);
      if (revents === 0) continue;
      out.push({ events: revents, data: item.data });
      if (item.events & EpollEv.ONESHOT) item.events &= PRIVATE_BITS;
      else if (!(item.events & EpollEv.ET)) {
        item.queued = true;
        this.ready.push(item);
      }
    }
    // Items not scanned stay ahead of those just re-queued.
    if (i < scanning.length) this.ready = [...scanning.slice(i), ...this.ready];
    return out;
  }

  /**
   * epoll_wait: up to `max` events, waiting up to `timeoutMs` (undefined:
   * forever, 0: not at all) for the first. A signal ends the wait with -EINTR.
   */
  wait(max: number, timeoutMs: number | undefined): EpollEvent[] | number | Blocking<EpollEvent[] | number> {
    const attempt = () => {
      const got = this.collect(max);
      return got.length > 0 || timeoutMs === 0 ? got : undefined;
    };
    return blockOn<EpollEvent[] | number>((cb) => this.wq.add(cb), attempt, {
      interrupted: () => -Errno.EINTR,
      timedOut: () => [],
      ...(timeoutMs !== undefined && { timeoutMs }),
    });
  }

  read(): number {
    return -Errno.EINVAL;
  }

  write(): number {
    return -Errno.EINVAL;
  }

  poll(events: number): number {
    const any = this.ready.some((item) => this.isOpen(item.file) && this.pollItem(item) !== 0);
    return any ? events & (PollEv.IN | PollEv.RDNORM) : 0;
  }

  onReady(cb: ReadyCallback): () => void {
    return this.wq.add(cb);
  }

  release(): void {
    for (const byFd of this.interest.values()) for (const item of byFd.values()) { item.removed = true; item.cancel(); }
    this.interest.clear();
    this.ready = [];
  }
}
