/** System calls that describe the process and the machine: uname, ids, limits, randomness, hwprobe. */
import * as os from "node:os";
import { randomFillSync } from "node:crypto";
import { define, type SyscallArgs } from "./table.js";
import type { Process } from "../process.js";
import { Cap } from "../creds.js";
import { Errno } from "./errno.js";
import { capPrctl } from "./creds.js";
import { newSession } from "../tty-session.js";

/** The kernel release reported by uname (a Linux version whose ABI we follow). */
export const UNAME_RELEASE = "6.1.0";

/** Length of a utsname field's text (__NEW_UTS_LEN); each field is one byte longer, for its NUL. */
const UTS_LEN = 64;

function field(s: string | Uint8Array): Uint8Array {
  const b = new Uint8Array(UTS_LEN + 1);
  b.set((typeof s === "string" ? Buffer.from(s, "utf8") : s).subarray(0, UTS_LEN));
  return b;
}

define(160, "uname", "x", (p, _t, a) => {
  const { nodename, domainname } = p.uts;
  const parts = ["Linux", nodename ?? os.hostname(), UNAME_RELEASE, "#1 SMP typevisor", "riscv64", domainname ?? "(none)"];
  const out = new Uint8Array((UTS_LEN + 1) * 6);
  parts.forEach((s, i) => out.set(field(s), i * (UTS_LEN + 1)));
  p.space.write(a.u64(0), out);
  return 0;
});

/** sethostname and setdomainname: need CAP_SYS_ADMIN, take at most 64 bytes, and change the names of the caller's UTS namespace only (Process.uts). */
function setUtsName(which: "nodename" | "domainname") {
  return (p: Process, _t: unknown, a: SyscallArgs): number => {
    const len = a.int(1);
    if (!p.creds.capable(Cap.SYS_ADMIN)) return -Errno.EPERM;
    if (len < 0 || len > UTS_LEN) return -Errno.EINVAL;
    p.uts[which] = p.space.read(a.u64(0), len).slice();
    return 0;
  };
}
define(161, "sethostname", "xd", setUtsName("nodename"));
define(162, "setdomainname", "xd", setUtsName("domainname"));

define(172, "getpid", "", (p) => p.pid);
// The first process's parent is typevisor's; an orphan's is init (1), as on Linux.
define(173, "getppid", "", (p) => p.parent?.pid ?? (p === p.kernel.processes[0] ? process.ppid : 1));
define(178, "gettid", "", (_p, t) => t.tid);
define(155, "getpgid", "d", (p, _t, a) => {
  const q = a.int(0) === 0 ? p : p.kernel.find(a.int(0));
  return q === undefined ? -Errno.ESRCH : q.pgid;
});
define(156, "getsid", "d", (p, _t, a) => (a.int(0) === 0 ? p : p.kernel.find(a.int(0)))?.sid ?? -Errno.ESRCH);
define(154, "setpgid", "dd", (p, _t, a) => {
  const pid = a.int(0), pgid = a.int(1);
  if (pgid < 0) return -Errno.EINVAL;
  const q = pid === 0 ? p : p.kernel.find(pid);
  if (q === undefined || (q !== p && q.parent !== p)) return -Errno.ESRCH;
  q.pgid = pgid === 0 ? q.pid : pgid;
  return 0;
});
define(157, "setsid", "", (p) => newSession(p));
define(166, "umask", "o", (p, _t, a) => {
  const old = p.umask;
  p.umask = a.u32(0) & 0o777;
  return old;
});
/** Thread names (PR_SET_NAME), 15 bytes at most as in the kernel's comm. */
const threadNames = new WeakMap<object, Uint8Array>();
define(167, "prctl", "dxxxx", (p, t, a) => {
  const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_VMA = 0x53564d41;
  const opt = a.int(0);
  if (opt === PR_SET_NAME) {
    threadNames.set(t, Buffer.from(p.space.readCString(a.u64(1), 15, true)).subarray(0, 15));
    return 0;
  }
  if (opt === PR_GET_NAME) {
    const name = new Uint8Array(16);
    name.set(threadNames.get(t) ?? Buffer.from(p.options.path.split("/").pop() ?? "").subarray(0, 15));
    p.space.write(a.u64(1), name);
    return 0;
  }
  if (opt === PR_SET_VMA) return 0;
  const cap = capPrctl(p, opt, a.int(1));
  if (cap !== undefined) return cap;
  return -Errno.EINVAL;
});
define(92, "personality", "x", () => 0);

/** Resource limits (RLIMIT_*), as a Linux default process has them; stored per process. */
const RLIM_INFINITY = 0xffffffffffffffffn;
const limits = new Map<number, [bigint, bigint]>([
  [3, [8n * 1024n * 1024n, RLIM_INFINITY]], // STACK
  [7, [1024n, 1048576n]], // NOFILE
]);

function rlimit(resource: number): [bigint, bigint] {
  return limits.get(resource) ?? [RLIM_INFINITY, RLIM_INFINITY];
}

define(261, "prlimit64", "ddxx", (p, _t, a) => {
  const pid = a.int(0), resource = a.int(1), newp = a.u64(2), oldp = a.u64(3);
  if (pid !== 0 && pid !== p.pid) return -Errno.ESRCH;
  if (resource < 0 || resource > 15) return -Errno.EINVAL;
  if (oldp !== 0) {
    const [cur, max] = rlimit(resource);
    p.space.writeU64(oldp, cur);
    p.space.writeU64(oldp + 8, max);
  }
  if (newp !== 0) {
    const cur = p.space.readBig(newp), max = p.space.readBig(newp + 8);
    if (cur > max) return -Errno.EINVAL;
    limits.set(resource, [cur, max]);
    if (resource === 7) p.fds.limit = Number(cur > 65536n ? 65536n : cur);
  }
  return 0;
});
define(163, "getrlimit", "dx", (p, _t, a) => {
  const [cur, max] = rlimit(a.int(0));
  p.space.writeU64(a.u64(1), cur);
  p.space.writeU64(a.u64(1) + 8, max);
  return 0;
});
define(164, "setrlimit", "dx", () => 0);

define(278, "getrandom", "xux", (p, _t, a) => {
  const len = Math.min(a.u64(1), 1 << 25);
  const buf = new Uint8Array(len);
  randomFillSync(buf);
  p.space.write(a.u64(0), buf);
  return len;
});

define(179, "sysinfo", "x", (p, _t, a) => {
  const b = new DataView(new ArrayBuffer(112));
  b.setBigInt64(0, BigInt(Math.floor(os.uptime())), true);
  const load = os.loadavg();
  for (let i = 0; i < 3; i++) b.setBigUint64(8 + i * 8, BigInt(Math.floor(load[i] * 65536)), true);
  b.setBigUint64(32, BigInt(os.totalmem()), true);
  b.setBigUint64(40, BigInt(os.freemem()), true);
  b.setUint16(80, 1, true); // procs
  b.setUint32(104, 1, true); // mem_unit
  p.space.write(a.u64(0), new Uint8Array(b.buffer));
  return 0;
});


define(124, "sched_yield", "", (p) => { p.yieldRequested = true; return 0; });


define(259, "riscv_flush_icache", "xxx", (p) => {
  p.space.cache.fenceI();
  return 0;
});

/** riscv_hwprobe keys (Linux Documentation/arch/riscv/hwprobe.rst). */
define(258, "riscv_hwprobe", "xuuxx", (p, _t, a) => {
  const pairs = a.u64(0), count = a.u64(1);
  const KEY_IMA_EXT_0 = 4, KEY_BASE_BEHAVIOR = 3, KEY_CPUPERF_0 = 5;
  const IMA_FD = 1, IMA_C = 2, BASE_IMA = 1, MISALIGNED_EMULATED = 1;
  for (let i = 0; i < count; i++) {
    const at = pairs + i * 16;
    const key = Number(p.space.readBig(at));
    let value: bigint;
    switch (key) {
      case 0: case 1: case 2: value = 0n; break; // mvendorid, marchid, mimpid
      case KEY_BASE_BEHAVIOR: value = BigInt(BASE_IMA); break;
      case KEY_IMA_EXT_0: value = BigInt(IMA_FD | IMA_C); break;
      case KEY_CPUPERF_0: value = BigInt(MISALIGNED_EMULATED); break;
      default: p.space.writeU64(at, -1n); continue;
    }
    p.space.writeU64(at + 8, value);
  }
  return 0;
});

/**
 * membarrier: every guest thread runs on the one host thread, so any barrier
 * is already satisfied once the call is made; QUERY lists the commands accepted.
 */
define(283, "membarrier", "dd", (_p, _t, a) => {
  const QUERY = 0, GLOBAL = 1, PRIVATE_EXPEDITED = 8, REGISTER_PRIVATE_EXPEDITED = 16;
  const supported = GLOBAL | PRIVATE_EXPEDITED | REGISTER_PRIVATE_EXPEDITED;
  const cmd = a.int(0);
  if (cmd === QUERY) return supported;
  return (cmd & supported) === cmd && cmd !== 0 && (cmd & (cmd - 1)) === 0 ? 0 : -Errno.EINVAL;
});
/**
 * rseq: restartable sequences. Registration is accepted as Linux does and the
 * area's cpu_id fields say CPU 0 (the only CPU a guest sees). Guest threads are
 * only switched between run slices, at instruction boundaries the guest
 * cannot observe, so no critical section ever needs aborting.
 */
const rseqAreas = new WeakMap<object, number>();
define(293, "rseq", "xudx", (p, t, a) => {
  const addr = a.u64(0), len = a.u32(1), flags = a.int(2);
  const RSEQ_FLAG_UNREGISTER = 1, RSEQ_MIN_LEN = 32;
  const current = rseqAreas.get(t);
  if (flags & RSEQ_FLAG_UNREGISTER) {
    if (current !== addr) return -Errno.EINVAL;
    rseqAreas.delete(t);
    return 0;
  }
  if (flags !== 0) return -Errno.EINVAL;
  if (current !== undefined) return current === addr ? -Errno.EBUSY : -Errno.EINVAL;
  if (len < RSEQ_MIN_LEN || addr % 32 !== 0) return -Errno.EINVAL;
  p.space.writeU32(addr, 0); // cpu_id_start
  p.space.writeU32(addr + 4, 0); // cpu_id
  rseqAreas.set(t, addr);
  return 0;
});
