/**
 * futex(2): wait queues for pthread mutexes, condition variables and joins.
 * As Linux keys them: a private futex (FUTEX_PRIVATE_FLAG) by process and
 * address; a shared one in shared memory (MAP_SHARED, System V, a file's
 * pages) by that memory and the offset in it, so that processes mapping it
 * at different addresses meet; any other by process and address.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import type { Process } from "../process.js";
import { afterNs, type HostTimer } from "../host-timer.js";

interface Waiter {
  bitset: number;
  wake: (v: number) => void;
}

const queues = new WeakMap<object, Map<number, Waiter[]>>();

/** The wait queue of the futex at `addr` of `p` (`isPrivate`: FUTEX_PRIVATE_FLAG). */
function queue(p: Process, addr: number, isPrivate: boolean): Waiter[] {
  const shm = isPrivate ? undefined : p.space.vmaAt(addr);
  const owner: object = shm?.shm ?? p;
  const at = shm?.shm !== undefined ? addr - (shm.shmBase ?? 0) : addr;
  let m = queues.get(owner);
  if (m === undefined) { m = new Map(); queues.set(owner, m); }
  let q = m.get(at);
  if (q === undefined) { q = []; m.set(at, q); }
  return q;
}

/** Wakes up to `n` waiters on the futex at `addr` whose bitset intersects `bitset`; returns how many woke. */
export function futexWake(p: Process, addr: number, n: number, bitset = -1, isPrivate = false): number {
  const q = queue(p, addr, isPrivate);
  let woken = 0;
  for (let i = 0; i < q.length && woken < n; ) {
    if ((q[i].bitset & bitset) !== 0) {
      const [w] = q.splice(i, 1);
      w.wake(0);
      woken++;
    } else i++;
  }
  return woken;
}

const enum Futex {
  WAIT = 0, WAKE = 1, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, WAIT_BITSET = 9, WAKE_BITSET = 10,
  PRIVATE = 128, CLOCK_REALTIME = 256,
}

define(98, "futex", "xdxxxx", (p, t, a) => {
  const addr = a.u64(0), op = a.int(1) & ~(Futex.PRIVATE | Futex.CLOCK_REALTIME), val = a.int(2);
  const priv = (a.int(1) & Futex.PRIVATE) !== 0;
  if (addr % 4 !== 0) return -Errno.EINVAL;
  switch (op) {
    case Futex.WAIT: case Futex.WAIT_BITSET: {
      const bitset = op === Futex.WAIT_BITSET ? a.int(5) : -1;
      if (bitset === 0) return -Errno.EINVAL;
      if ((p.space.readU32(addr) | 0) !== val) return -Errno.EAGAIN;
      let timeoutNs: bigint | undefined;
      if (a.u64(3) !== 0) {
        const sec = p.space.readBig(a.u64(3)), nsec = p.space.readBig(a.u64(3) + 8);
        timeoutNs = sec * 1_000_000_000n + nsec;
        if (op === Futex.WAIT_BITSET) {
          // Absolute timeout on CLOCK_MONOTONIC (or REALTIME with the flag).
          const realtime = (a.int(1) & Futex.CLOCK_REALTIME) !== 0;
          const now = realtime ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
          timeoutNs = timeoutNs > now ? timeoutNs - now : 0n;
        }
      }
      const q = queue(p, addr, priv);
      return new Promise<number>((resolve) => {
        let timer: HostTimer | undefined;
        const w: Waiter = {
          bitset,
          wake: (v) => { timer?.clear(); t.interrupt = undefined; resolve(v); },
        };
        q.push(w);
        const leave = (v: number) => {
          const i = q.indexOf(w);
          if (i >= 0) q.splice(i, 1);
          w.wake(v);
        };
        if (timeoutNs !== undefined) timer = afterNs(timeoutNs, () => leave(-Errno.ETIMEDOUT));
        t.interrupt = () => leave(-Errno.EINTR);
      });
    }
    case Futex.WAKE: return futexWake(p, addr, val, -1, priv);
    case Futex.WAKE_BITSET: return futexWake(p, addr, val, a.int(5), priv);
    case Futex.REQUEUE: case Futex.CMP_REQUEUE: {
      if (op === Futex.CMP_REQUEUE && (p.space.readU32(addr) | 0) !== a.int(5)) return -Errno.EAGAIN;
      const woke = futexWake(p, addr, val, -1, priv);
      const limit = a.u64(3) >>> 0, to = a.u64(4);
      const from = queue(p, addr, priv), dest = queue(p, to, priv);
      const moved = from.splice(0, Math.min(limit, from.length));
      dest.push(...moved);
      return woke + moved.length;
    }
    case Futex.WAKE_OP: {
      const addr2 = a.u64(4), encoded = a.int(5);
      const opcode = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
      let oparg = (encoded << 8) >> 20;
      const cmparg = (encoded << 20) >> 20;
      if (encoded & (8 << 28)) oparg = 1 << (oparg & 31);
      const old = p.space.readU32(addr2) | 0;
      const ops = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg];
      p.space.writeU32(addr2, ops[opcode] ?? old);
      let n = futexWake(p, addr, val, -1, priv);
      const c = [old === cmparg, old !== cmparg, old < cmparg, old <= cmparg, old > cmparg, old >= cmparg][cmp];
      if (c) n += futexWake(p, addr2, a.u64(3) >>> 0, -1, priv);
      return n;
    }
  }
  return -Errno.ENOSYS;
});
