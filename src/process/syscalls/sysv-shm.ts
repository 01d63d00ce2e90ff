/** System V shared memory: shmget, shmat, shmdt and shmctl (the segments are in ../ipc/shm.ts). */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { place } from "./mm.js";
import { ipcCtl, setPerm, type IpcFamily } from "./sysv-ipc.js";
import { IpcCap, S_IRUGO, S_IWUGO, capable } from "../ipc/ids.js";
import { SHMID64_DS_SIZE, SHMMAX, Shm, ShmLimit, ShmSegment, segmentOf, shmIds, shmInfo } from "../ipc/shm.js";
import { pageUp } from "../address-space.js";
import { Layout } from "../loader.js";
import { Prot } from "../vmas.js";
import { PAGE_SIZE } from "../../mem/ram.js";
import type { Process } from "../process.js";

/** The shared *ctl commands for shared memory segments. */
function family(p: Process): IpcFamily<ShmSegment> {
  const ids = shmIds(p.kernel);
  return {
    ids, statCmd: Shm.STAT, statAnyCmd: Shm.STAT_ANY, infoCmd: Shm.INFO, dsSize: SHMID64_DS_SIZE,
    describe: (s) => s.describe(),
    info: (inUse) => shmInfo(ids, inUse),
    set: setPerm,
    remove: (s) => s.markDestroyed(),
  };
}

define(194, "shmget", "dxo", (p, _t, a) => {
  const key = a.int(0), size = a.big(1), flg = a.int(2), creds = p.creds;
  const create = (): ShmSegment | number => {
    if (size < ShmLimit.SHMMIN || size > SHMMAX) return -Errno.EINVAL;
    if (size > BigInt(p.kernel.ram.size)) return -Errno.ENOMEM; // more than memory and swap: no commit
    return new ShmSegment(p.kernel, key, creds, flg, Number(size), p.pid);
  };
  return shmIds(p.kernel).getOrCreate(key, flg, creds, ShmLimit.SHMMNI, create, (s) => (BigInt(s.size) < size ? -Errno.EINVAL : 0));
});

define(196, "shmat", "dxx", (p, _t, a) => {
  const id = a.int(0), flg = a.int(2);
  let addr = a.u64(1);
  if (id < 0) return -Errno.EINVAL;
  if (addr !== 0) {
    if (addr % PAGE_SIZE !== 0) { // SHMLBA is the page size on riscv64
      if ((flg & Shm.RND) === 0) return -Errno.EINVAL;
      addr -= addr % PAGE_SIZE;
      if (addr === 0 && (flg & Shm.REMAP) !== 0) return -Errno.EINVAL;
    }
  } else if ((flg & Shm.REMAP) !== 0) return -Errno.EINVAL;
  const fixed = addr !== 0;
  const readOnly = (flg & Shm.RDONLY) !== 0;
  const prot = Prot.Read | (readOnly ? 0 : Prot.Write) | ((flg & Shm.EXEC) !== 0 ? Prot.Exec : 0);
  const s = shmIds(p.kernel).get(id);
  if (s === undefined) return -Errno.EINVAL;
  if (!s.perm.allows(p.creds, (readOnly ? S_IRUGO : S_IRUGO | S_IWUGO) | ((flg & Shm.EXEC) !== 0 ? 0o111 : 0))) return -Errno.EACCES;
  const len = pageUp(s.size);
  if (fixed) {
    if ((flg & Shm.REMAP) === 0 && p.space.vmas.overlapping(addr, addr + len).length > 0) return -Errno.EINVAL;
    if (addr + len > Layout.TaskSize) return -Errno.ENOMEM;
  } else {
    addr = place(p, 0, len);
    if (addr < 0) return -Errno.ENOMEM;
  }
  p.shared.remove(addr, addr + len);
  p.space.unmap(addr, len);
  if (!p.space.vmas.list.some((v) => v.shm === s.mem)) s.mem.users++; // this space becomes a user
  const name = `/SYSV${(s.perm.key >>> 0).toString(16).padStart(8, "0")} (deleted)`;
  p.space.map(addr, len, prot, name, s.mem, addr);
  if (prot & Prot.Exec) p.space.cache.fenceI();
  s.atime = Math.floor(Date.now() / 1000);
  s.lpid = p.pid;
  return addr;
});

define(197, "shmdt", "x", (p, _t, a) => {
  const addr = a.u64(0);
  if (addr % PAGE_SIZE !== 0) return -Errno.EINVAL;
  const s = segmentOf(p.space.vmaAt(addr)?.shm);
  if (s === undefined || p.space.vmaAt(addr)!.shmBase !== addr) return -Errno.EINVAL;
  s.lpid = p.pid;
  for (const v of p.space.vmas.overlapping(addr, addr + pageUp(s.size))) {
    if (v.shm === s.mem && v.shmBase === addr) p.space.unmap(v.start, v.end - v.start);
  }
  return 0;
});

define(195, "shmctl", "ddx", (p, _t, a) => {
  const id = a.int(0), cmd = a.int(1);
  if (id < 0 || cmd < 0) return -Errno.EINVAL;
  if (cmd === Shm.LOCK || cmd === Shm.UNLOCK) {
    const s = shmIds(p.kernel).get(id);
    if (s === undefined) return -Errno.EINVAL;
    if (!capable(p.creds, IpcCap.IPC_LOCK) && p.creds.euid !== s.perm.uid && p.creds.euid !== s.perm.cuid) return -Errno.EPERM;
    s.perm.mode = cmd === Shm.LOCK ? s.perm.mode | Shm.LOCKED : s.perm.mode & ~Shm.LOCKED;
    return 0;
  }
  return ipcCtl(p, family(p), id, cmd, a.u64(2)) ?? -Errno.EINVAL;
});
