/** Time system calls: clocks, sleeps and process times. */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";
import { afterNs } from "../host-timer.js";

/** clockid_t values. */
const enum Clock {
  REALTIME = 0, MONOTONIC = 1, PROCESS_CPUTIME_ID = 2, THREAD_CPUTIME_ID = 3, MONOTONIC_RAW = 4,
  REALTIME_COARSE = 5, MONOTONIC_COARSE = 6, BOOTTIME = 7,
}

/** Host monotonic time at which the realtime clock read `realAnchor` (both in ns). */
const monoAnchor = process.hrtime.bigint();
const realAnchor = BigInt(Date.now()) * 1_000_000n;

/** Nanoseconds on clock `id`, or undefined for an unknown clock. */
export function clockNs(id: number): bigint | undefined {
  const mono = process.hrtime.bigint();
  switch (id) {
    case Clock.REALTIME: case Clock.REALTIME_COARSE: return realAnchor + (mono - monoAnchor);
    case Clock.MONOTONIC: case Clock.MONOTONIC_RAW: case Clock.MONOTONIC_COARSE: case Clock.BOOTTIME: return mono;
    case Clock.PROCESS_CPUTIME_ID: case Clock.THREAD_CPUTIME_ID: {
      const u = process.cpuUsage();
      return BigInt(u.user + u.system) * 1000n;
    }
  }
  return undefined;
}

function writeTimespec(p: Process, addr: number, ns: bigint): void {
  p.space.writeU64(addr, ns / 1_000_000_000n);
  p.space.writeU64(addr + 8, ns % 1_000_000_000n);
}

function readTimespec(p: Process, addr: number): bigint | undefined {
  const sec = BigInt.asIntN(64, p.space.readBig(addr)), nsec = BigInt.asIntN(64, p.space.readBig(addr + 8));
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return undefined;
  return sec * 1_000_000_000n + nsec;
}

/**
 * Nanoseconds on clock `id` as thread t of process p sees it: the fixed
 * clocks; the CPU-time clocks of the caller (CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID) and of a process or thread by id
 * (clock_getcpuclockid, pthread_getcpuclockid: ~pid << 3 | type, with 4 for
 * a thread), which count the host time its slices ran (Thread.cpuMs); or
 * undefined for an unknown clock or task.
 */
function guestClockNs(p: Process, t: Thread, id: number): bigint | undefined {
  if (id === Clock.PROCESS_CPUTIME_ID) return p.cpuNs();
  if (id === Clock.THREAD_CPUTIME_ID) return t.cpuNs();
  if (id >= 0) return clockNs(id);
  const pid = ~(id >> 3), perThread = (id & 4) !== 0;
  if ((id & 3) === 3) return undefined; // no such CPU clock type
  if (pid === 0) return perThread ? t.cpuNs() : p.cpuNs();
  if (perThread) {
    for (const q of p.kernel.processes) for (const th of q.threads) if (th.tid === pid) return th.cpuNs();
    return undefined;
  }
  return p.kernel.find(pid)?.cpuNs();
}

define(113, "clock_gettime", "dx", (p, t, a) => {
  const ns = guestClockNs(p, t, a.int(0));
  if (ns === undefined) return -Errno.EINVAL;
  writeTimespec(p, a.u64(1), ns);
  return 0;
});

define(114, "clock_getres", "dx", (p, t, a) => {
  if (guestClockNs(p, t, a.int(0)) === undefined) return -Errno.EINVAL;
  if (a.u64(1) !== 0) writeTimespec(p, a.u64(1), 1n);
  return 0;
});

// Setting the time would set the host's clock: the guest lacks CAP_SYS_TIME here, whoever runs typevisor.
define(112, "clock_settime", "dx", (p, _t, a) => {
  const id = a.int(0);
  if (id !== Clock.REALTIME) return -Errno.EINVAL; // the other clocks cannot be set
  return readTimespec(p, a.u64(1)) === undefined ? -Errno.EINVAL : -Errno.EPERM;
});
define(170, "settimeofday", "xx", () => -Errno.EPERM);

define(169, "gettimeofday", "xx", (p, _t, a) => {
  const ns = clockNs(Clock.REALTIME)!;
  if (a.u64(0) !== 0) {
    p.space.writeU64(a.u64(0), ns / 1_000_000_000n);
    p.space.writeU64(a.u64(0) + 8, (ns % 1_000_000_000n) / 1000n);
  }
  return 0;
});

/** Blocks thread `t` for `ns` nanoseconds; a signal ends the sleep early with -EINTR. */
export function sleep(t: Thread, ns: bigint, onInterrupt?: (remaining: bigint) => void): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise<number>((resolve) => {
    const timer = afterNs(ns, () => resolve(0));
    t.interrupt = () => {
      timer.clear();
      const left = ns - (process.hrtime.bigint() - start);
      onInterrupt?.(left > 0n ? left : 0n);
      resolve(-Errno.EINTR);
    };
  });
}

define(101, "nanosleep", "xx", (p, t, a) => {
  const ns = readTimespec(p, a.u64(0));
  if (ns === undefined) return -Errno.EINVAL;
  const rem = a.u64(1);
  return sleep(t, ns, (left) => { if (rem !== 0) writeTimespec(p, rem, left); });
});

define(115, "clock_nanosleep", "ddxx", (p, t, a) => {
  const TIMER_ABSTIME = 1;
  const id = a.int(0);
  const now = clockNs(id);
  if (now === undefined) return -Errno.EINVAL;
  let ns = readTimespec(p, a.u64(2));
  if (ns === undefined) return -Errno.EINVAL;
  if (a.int(1) & TIMER_ABSTIME) ns = ns > now ? ns - now : 0n;
  // Read every argument now: the args object is reused by later calls while this one sleeps.
  const rem = a.u64(3), absolute = (a.int(1) & TIMER_ABSTIME) !== 0;
  return sleep(t, ns, (left) => { if (rem !== 0 && !absolute) writeTimespec(p, rem, left); });
});

define(153, "times", "x", (p, _t, a) => {
  const u = process.cpuUsage();
  const ticks = (us: number) => BigInt(Math.floor(us / 10000));
  if (a.u64(0) !== 0) {
    p.space.writeU64(a.u64(0), ticks(u.user));
    p.space.writeU64(a.u64(0) + 8, ticks(u.system));
    p.space.writeU64(a.u64(0) + 16, 0n);
    p.space.writeU64(a.u64(0) + 24, 0n);
  }
  return Number(process.hrtime.bigint() / 10_000_000n);
});

define(165, "getrusage", "dx", (p, _t, a) => {
  const u = process.cpuUsage();
  const buf = new DataView(new ArrayBuffer(144));
  buf.setBigInt64(0, BigInt(Math.floor(u.user / 1e6)), true);
  buf.setBigInt64(8, BigInt(u.user % 1e6), true);
  buf.setBigInt64(16, BigInt(Math.floor(u.system / 1e6)), true);
  buf.setBigInt64(24, BigInt(u.system % 1e6), true);
  buf.setBigInt64(32, BigInt(Math.floor(process.memoryUsage().rss / 1024)), true);
  p.space.write(a.u64(1), new Uint8Array(buf.buffer));
  return 0;
});
