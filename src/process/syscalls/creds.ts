/**
 * Identity calls: the uid/gid family, supplementary groups, capget/capset.
 * Each guest process has its own credentials (creds.ts), changed with the
 * permission rules of kernel/sys.c and security/commoncap.c: an
 * unprivileged caller may only move among its real, effective and saved
 * ids; CAP_SETUID/CAP_SETGID allow any.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { Cap, type Creds } from "../creds.js";
import { readFileSync } from "node:fs";
import type { Process } from "../process.js";

/** (uid_t)-1: "leave unchanged". */
const KEEP = 0xffffffff;
/** NGROUPS_MAX of linux/limits.h. */
const NGROUPS_MAX = 65536;

define(174, "getuid", "", (p) => p.creds.ruid);
define(175, "geteuid", "", (p) => p.creds.euid);
define(176, "getgid", "", (p) => p.creds.rgid);
define(177, "getegid", "", (p) => p.creds.egid);

function writeIds(p: Process, ptrs: number[], ids: number[]): number {
  ptrs.forEach((ptr, i) => p.space.writeU32(ptr, ids[i]));
  return 0;
}

define(148, "getresuid", "xxx", (p, _t, a) => writeIds(p, [a.u64(0), a.u64(1), a.u64(2)], [p.creds.ruid, p.creds.euid, p.creds.suid]));
define(150, "getresgid", "xxx", (p, _t, a) => writeIds(p, [a.u64(0), a.u64(1), a.u64(2)], [p.creds.rgid, p.creds.egid, p.creds.sgid]));

/** Whether an unprivileged caller may take id `v`: one of its current ids (or "unchanged"). */
function allowed(v: number, ...current: number[]): boolean {
  return v === KEEP || current.includes(v);
}

define(147, "setresuid", "ddd", (p, _t, a) => {
  const c = p.creds, r = a.u32(0), e = a.u32(1), s = a.u32(2);
  if (!c.capable(Cap.SETUID) && !(allowed(r, c.ruid, c.euid, c.suid) && allowed(e, c.ruid, c.euid, c.suid) && allowed(s, c.ruid, c.euid, c.suid))) return -Errno.EPERM;
  const euid = e === KEEP ? c.euid : e;
  c.setUids(r === KEEP ? c.ruid : r, euid, s === KEEP ? c.suid : s, euid);
  return 0;
});

define(149, "setresgid", "ddd", (p, _t, a) => {
  const c = p.creds, r = a.u32(0), e = a.u32(1), s = a.u32(2);
  if (!c.capable(Cap.SETGID) && !(allowed(r, c.rgid, c.egid, c.sgid) && allowed(e, c.rgid, c.egid, c.sgid) && allowed(s, c.rgid, c.egid, c.sgid))) return -Errno.EPERM;
  if (r !== KEEP) c.rgid = r;
  if (e !== KEEP) c.egid = e;
  if (s !== KEEP) c.sgid = s;
  c.fsgid = c.egid;
  return 0;
});

define(145, "setreuid", "dd", (p, _t, a) => {
  const c = p.creds, r = a.u32(0), e = a.u32(1);
  if (!c.capable(Cap.SETUID) && !(allowed(r, c.ruid, c.euid) && allowed(e, c.ruid, c.euid, c.suid))) return -Errno.EPERM;
  const ruid = r === KEEP ? c.ruid : r, euid = e === KEEP ? c.euid : e;
  // The saved id follows the effective one when the real id is set or the effective one leaves it.
  const suid = r !== KEEP || (e !== KEEP && e !== c.ruid) ? euid : c.suid;
  c.setUids(ruid, euid, suid, euid);
  return 0;
});

define(143, "setregid", "dd", (p, _t, a) => {
  const c = p.creds, r = a.u32(0), e = a.u32(1);
  if (!c.capable(Cap.SETGID) && !(allowed(r, c.rgid, c.egid) && allowed(e, c.rgid, c.egid, c.sgid))) return -Errno.EPERM;
  const rgid = r === KEEP ? c.rgid : r, egid = e === KEEP ? c.egid : e;
  if (r !== KEEP || (e !== KEEP && e !== c.rgid)) c.sgid = egid;
  c.rgid = rgid; c.egid = egid; c.fsgid = egid;
  return 0;
});

define(146, "setuid", "d", (p, _t, a) => {
  const c = p.creds, u = a.u32(0);
  if (u === KEEP) return -Errno.EINVAL;
  if (c.capable(Cap.SETUID)) c.setUids(u, u, u, u);
  else if (u === c.ruid || u === c.suid) c.setUids(c.ruid, u, c.suid, u);
  else return -Errno.EPERM;
  return 0;
});

define(144, "setgid", "d", (p, _t, a) => {
  const c = p.creds, g = a.u32(0);
  if (g === KEEP) return -Errno.EINVAL;
  if (c.capable(Cap.SETGID)) { c.rgid = c.egid = c.sgid = c.fsgid = g; }
  else if (g === c.rgid || g === c.sgid) { c.egid = c.fsgid = g; }
  else return -Errno.EPERM;
  return 0;
});

// setfsuid/setfsgid always return the old id; the change happens only when allowed.
define(151, "setfsuid", "d", (p, _t, a) => {
  const c = p.creds, u = a.u32(0), old = c.fsuid;
  if (u !== KEEP && ([c.ruid, c.euid, c.suid, c.fsuid].includes(u) || c.capable(Cap.SETUID))) c.setFsuid(u);
  return old;
});

define(152, "setfsgid", "d", (p, _t, a) => {
  const c = p.creds, g = a.u32(0), old = c.fsgid;
  if (g !== KEEP && ([c.rgid, c.egid, c.sgid, c.fsgid].includes(g) || c.capable(Cap.SETGID))) c.fsgid = g;
  return old;
});

define(158, "getgroups", "dx", (p, _t, a) => {
  const size = a.int(0), groups = p.creds.groups;
  if (size < 0) return -Errno.EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -Errno.EINVAL;
  const b = new Uint8Array(groups.length * 4), v = new DataView(b.buffer);
  groups.forEach((g, i) => v.setUint32(i * 4, g >>> 0, true));
  p.space.write(a.u64(1), b);
  return groups.length;
});

define(159, "setgroups", "dx", (p, _t, a) => {
  const size = a.int(0);
  if (size < 0 || size > NGROUPS_MAX) return -Errno.EINVAL;
  if (!p.creds.capable(Cap.SETGID)) return -Errno.EPERM;
  const b = p.space.read(a.u64(1), size * 4), v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const groups: number[] = [];
  for (let i = 0; i < size; i++) groups.push(v.getUint32(i * 4, true));
  p.creds.groups = groups.sort((x, y) => x - y); // the kernel keeps them sorted (groups_sort)
  return 0;
});

/** _LINUX_CAPABILITY_VERSION_1/2/3 and how many 32-bit data structs each carries. */
const CAP_VERSIONS = new Map<number, number>([[0x19980330, 1], [0x20071026, 2], [0x20080522, 2]]);
const CAP_VERSION_3 = 0x20080522;

/** The highest capability number this kernel knows (the host's cap_last_cap). */
const CAP_LAST_CAP = (() => {
  try { return Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8").trim()) || 40; } catch { return 40; }
})();
/** Capabilities this kernel knows: capset ignores the others. */
const CAP_VALID_MASK = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;

/** prctl options about capabilities (linux/prctl.h). */
export const enum CapPrctl { GET_KEEPCAPS = 7, SET_KEEPCAPS = 8, CAPBSET_READ = 23, CAPBSET_DROP = 24 }

/** prctl(PR_GET/SET_KEEPCAPS, PR_CAPBSET_READ/DROP); undefined for other options. */
export function capPrctl(p: Process, opt: number, arg: number): number | undefined {
  const c = p.creds;
  switch (opt) {
    case CapPrctl.GET_KEEPCAPS: return c.keepCaps ? 1 : 0;
    case CapPrctl.SET_KEEPCAPS:
      if (arg !== 0 && arg !== 1) return -Errno.EINVAL;
      c.keepCaps = arg === 1;
      return 0;
    case CapPrctl.CAPBSET_READ:
      if (arg < 0 || arg > CAP_LAST_CAP) return -Errno.EINVAL;
      return Number((c.capBnd >> BigInt(arg)) & 1n);
    case CapPrctl.CAPBSET_DROP:
      if (!c.capable(Cap.SETPCAP)) return -Errno.EPERM;
      if (arg < 0 || arg > CAP_LAST_CAP) return -Errno.EINVAL;
      c.capBnd &= ~(1n << BigInt(arg));
      return 0;
  }
  return undefined;
}

/** Reads the header's version; an unknown one gets the preferred version written back (cap_validate_magic). */
function capVersion(p: Process, hdr: number): number | undefined {
  const n = CAP_VERSIONS.get(p.space.readU32(hdr));
  if (n === undefined) p.space.writeU32(hdr, CAP_VERSION_3);
  return n;
}

define(90, "capget", "xx", (p, _t, a) => {
  const hdr = a.u64(0), data = a.u64(1);
  const n = capVersion(p, hdr);
  if (data === 0) return 0; // a probe: the version is reported, the call succeeds
  if (n === undefined) return -Errno.EINVAL;
  const pid = p.space.readU32(hdr + 4) | 0;
  if (pid < 0) return -Errno.EINVAL;
  const target = pid === 0 ? p : p.kernel.find(pid);
  if (target === undefined || target.exited) return -Errno.ESRCH;
  const c = target.creds;
  const out = new Uint8Array(12 * n), v = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const shift = BigInt(32 * i);
    v.setUint32(i * 12, Number((c.capEff >> shift) & 0xffffffffn), true);
    v.setUint32(i * 12 + 4, Number((c.capPrm >> shift) & 0xffffffffn), true);
    v.setUint32(i * 12 + 8, Number((c.capInh >> shift) & 0xffffffffn), true);
  }
  p.space.write(data, out);
  return 0;
});

define(91, "capset", "xx", (p, _t, a) => {
  const hdr = a.u64(0), data = a.u64(1);
  const n = capVersion(p, hdr);
  if (n === undefined) return -Errno.EINVAL;
  const pid = p.space.readU32(hdr + 4) | 0;
  if (pid !== 0 && pid !== p.pid) return -Errno.EPERM;
  const b = p.space.read(data, 12 * n), v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eff = 0n, prm = 0n, inh = 0n;
  for (let i = 0; i < n; i++) {
    const shift = BigInt(32 * i);
    eff |= BigInt(v.getUint32(i * 12, true)) << shift;
    prm |= BigInt(v.getUint32(i * 12 + 4, true)) << shift;
    inh |= BigInt(v.getUint32(i * 12 + 8, true)) << shift;
  }
  eff &= CAP_VALID_MASK; prm &= CAP_VALID_MASK; inh &= CAP_VALID_MASK;
  const c: Creds = p.creds;
  // cap_capset: the inheritable set grows only within inheritable|permitted (any, with CAP_SETPCAP),
  // the permitted set only shrinks, and the effective set stays within the new permitted one.
  const inhLimit = c.capable(Cap.SETPCAP) ? CAP_VALID_MASK : c.capInh | c.capPrm;
  if ((inh & ~inhLimit) !== 0n || (prm & ~c.capPrm) !== 0n || (eff & ~prm) !== 0n) return -Errno.EPERM;
  c.capEff = eff; c.capPrm = prm; c.capInh = inh;
  return 0;
});
