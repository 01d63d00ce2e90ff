/** timerfd_create, timerfd_settime, timerfd_gettime. */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { clockNs } from "./time.js";
import { TimerFd, type TimerSpec } from "../timerfd.js";
import { OFlag } from "../fd-table.js";
import type { Process } from "../process.js";

const TFD_TIMER_ABSTIME = 1;
const NS = 1_000_000_000n;

function readSpec(p: Process, addr: number): TimerSpec | undefined {
  const f = (off: number) => BigInt.asIntN(64, p.space.readBig(addr + off));
  const isec = f(0), insec = f(8), vsec = f(16), vnsec = f(24);
  if (isec < 0n || vsec < 0n || insec < 0n || vnsec < 0n || insec >= NS || vnsec >= NS) return undefined;
  return { interval: isec * NS + insec, value: vsec * NS + vnsec };
}

function writeSpec(p: Process, addr: number, s: TimerSpec): void {
  p.space.writeU64(addr, s.interval / NS);
  p.space.writeU64(addr + 8, s.interval % NS);
  p.space.writeU64(addr + 16, s.value / NS);
  p.space.writeU64(addr + 24, s.value % NS);
}

define(85, "timerfd_create", "dx", (p, _t, a) => {
  const clock = a.int(0), flags = a.int(1);
  if (flags & ~(OFlag.CLOEXEC | OFlag.NONBLOCK)) return -Errno.EINVAL;
  if (![0, 1, 7].includes(clock) || clockNs(clock) === undefined) return -Errno.EINVAL;
  return p.fds.add(new TimerFd(clock, flags), (flags & OFlag.CLOEXEC) !== 0);
});

define(86, "timerfd_settime", "ddxx", (p, _t, a) => {
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof TimerFd)) return -Errno.EINVAL;
  const spec = readSpec(p, a.u64(2));
  if (spec === undefined) return -Errno.EINVAL;
  const old = f.set(spec, (a.int(1) & TFD_TIMER_ABSTIME) !== 0);
  if (a.u64(3) !== 0) writeSpec(p, a.u64(3), old);
  return 0;
});

define(87, "timerfd_gettime", "dx", (p, _t, a) => {
  const f = p.fds.get(a.int(0));
  if (f === undefined) return -Errno.EBADF;
  if (!(f instanceof TimerFd)) return -Errno.EINVAL;
  writeSpec(p, a.u64(1), f.get());
  return 0;
});
