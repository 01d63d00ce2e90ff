/** futex(2): wait queues keyed by guest address, for pthread mutexes, condition variables and joins. */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import type { Process } from "../process.js";
import { afterNs, type HostTimer } from "../host-timer.js";

interface Waiter {
  bitset: number;
  wake: (v: number) => void;
}

const queues = new WeakMap<Process, Map<number, Waiter[]>>();

function queue(p: Process, addr: number): Waiter[] {
  let m = queues.get(p);
  if (m === undefined) { m = new Map(); queues.set(p, m); }
  let q = m.get(addr);
  if (q === undefined) { q = []; m.set(addr, q); }
  return q;
}

/** Wakes up to `n` waiters on `addr` whose bitset intersects `bitset`; returns how many woke. */
export function futexWake(p: Process, addr: number, n: number, bitset = -1): number {
  const q = queue(p, addr);
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
      const q = queue(p, addr);
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
    case Futex.WAKE: return futexWake(p, addr, val);
    case Futex.WAKE_BITSET: return futexWake(p, addr, val, a.int(5));
    case Futex.REQUEUE: case Futex.CMP_REQUEUE: {
      if (op === Futex.CMP_REQUEUE && (p.space.readU32(addr) | 0) !== a.int(5)) return -Errno.EAGAIN;
      const woke = futexWake(p, addr, val);
      const limit = a.u64(3) >>> 0, to = a.u64(4);
      const from = queue(p, addr), dest = queue(p, to);
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
      let n = futexWake(p, addr, val);
      const c = [old === cmparg, old !== cmparg, old < cmparg, old <= cmparg, old > cmparg, old >= cmparg][cmp];
      if (c) n += futexWake(p, addr2, a.u64(3) >>> 0);
      return n;
    }
  }
  return -Errno.ENOSYS;
});
