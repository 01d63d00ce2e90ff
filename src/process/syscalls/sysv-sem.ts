/** System V semaphores: semget, semop, semtimedop and semctl (the sets are in ../ipc/sem.ts). */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { ipcCtl, setPerm, type IpcFamily } from "./sysv-ipc.js";
import { S_IRUGO, S_IWUGO } from "../ipc/ids.js";
import { Sem, SemArray, SemLimit, SEMID64_DS_SIZE, removeSet, semIds, semInfo, type SemOp, type SemWait } from "../ipc/sem.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** The shared *ctl commands for semaphore sets. */
function family(p: Process): IpcFamily<SemArray> {
  const ids = semIds(p.kernel);
  return {
    ids, statCmd: Sem.STAT, statAnyCmd: Sem.STAT_ANY, infoCmd: Sem.INFO, dsSize: SEMID64_DS_SIZE,
    describe: (s) => s.describe(),
    info: (inUse) => semInfo(ids, inUse),
    set: setPerm,
    remove: (s) => removeSet(ids, s),
  };
}

define(190, "semget", "ddo", (p, _t, a) => {
  const key = a.int(0), nsems = a.int(1), flg = a.int(2), creds = p.creds;
  if (nsems < 0 || nsems > SemLimit.SEMMSL) return -Errno.EINVAL;
  return semIds(p.kernel).getOrCreate(key, flg, creds, SemLimit.SEMMNI,
    () => (nsems === 0 ? -Errno.EINVAL : new SemArray(key, creds, flg, nsems)),
    (s) => (nsems > s.values.length ? -Errno.EINVAL : 0));
});

/** A relative timeout in nanoseconds from the timespec at `addr`, or -EINVAL. */
function readTimeout(p: Process, addr: number): bigint | number {
  const sec = BigInt.asIntN(64, p.space.readBig(addr)), nsec = BigInt.asIntN(64, p.space.readBig(addr + 8));
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -Errno.EINVAL;
  return sec * 1_000_000_000n + nsec;
}

/** semtimedop (do_semtimedop): the checks in Linux's order, then the operations, waiting if they block. */
function semtimedop(p: Process, t: Thread, id: number, sops: number, nsops: number, timeoutAddr: number): number | Promise<number> {
  const timeout = timeoutAddr !== 0 ? readTimeout(p, timeoutAddr) : undefined;
  if (nsops < 1 || id < 0) return -Errno.EINVAL;
  if (nsops > SemLimit.SEMOPM) return -Errno.E2BIG;
  const raw = new DataView(p.space.read(sops, nsops * 6).buffer);
  const ops: SemOp[] = [];
  for (let i = 0; i < nsops; i++) ops.push({ num: raw.getUint16(i * 6, true), op: raw.getInt16(i * 6 + 2, true), flg: raw.getInt16(i * 6 + 4, true) });
  if (typeof timeout === "number") return timeout;
  const s = semIds(p.kernel).get(id);
  if (s === undefined) return -Errno.EINVAL;
  if (Math.max(...ops.map((o) => o.num)) >= s.values.length) return -Errno.EFBIG;
  const alter = ops.some((o) => o.op !== 0);
  if (!s.perm.allows(p.creds, alter ? S_IWUGO : S_IRUGO)) return -Errno.EACCES;
  const wait: SemWait = { blocking: undefined };
  const attempt = (): number | undefined => {
    if (s.perm.deleted) return -Errno.EIDRM;
    const r = s.apply(p, ops);
    if (typeof r === "number") return r;
    wait.blocking = r;
    return undefined;
  };
  return attempt() ?? s.waiters.block(p, t, wait, attempt, timeout);
}

define(193, "semop", "dxu", (p, t, a) => semtimedop(p, t, a.int(0), a.u64(1), a.u64(2), 0));
define(192, "semtimedop", "dxux", (p, t, a) => semtimedop(p, t, a.int(0), a.u64(1), a.u64(2), a.u64(3)));

/** The semctl commands of one set (semctl_main, semctl_setval). */
function semCommand(p: Process, id: number, num: number, cmd: number, arg: number, val: number): number {
  if (cmd === Sem.SETVAL && (val < 0 || val > SemLimit.SEMVMX)) return -Errno.ERANGE;
  const s = semIds(p.kernel).get(id);
  if (s === undefined) return -Errno.EINVAL;
  const n = s.values.length;
  if (cmd === Sem.SETVAL && (num < 0 || num >= n)) return -Errno.EINVAL;
  if (!s.perm.allows(p.creds, cmd === Sem.SETALL || cmd === Sem.SETVAL ? S_IWUGO : S_IRUGO)) return -Errno.EACCES;
  switch (cmd) {
    case Sem.GETALL: {
      const out = new DataView(new ArrayBuffer(n * 2));
      s.values.forEach((v, i) => out.setUint16(i * 2, v, true));
      p.space.write(arg, new Uint8Array(out.buffer));
      return 0;
    }
    case Sem.SETALL: {
      const raw = new DataView(p.space.read(arg, n * 2).buffer);
      const values = Array.from({ length: n }, (_, i) => raw.getUint16(i * 2, true));
      if (values.some((v) => v > SemLimit.SEMVMX)) return -Errno.ERANGE;
      s.set(p, undefined, values);
      return 0;
    }
    case Sem.SETVAL:
      s.set(p, num, [val]);
      return 0;
  }
  if (num < 0 || num >= n) return -Errno.EINVAL;
  switch (cmd) {
    case Sem.GETVAL: return s.values[num];
    case Sem.GETPID: return s.pids[num];
    case Sem.GETNCNT: return s.waiting(num, false);
    default: return s.waiting(num, true); // GETZCNT
  }
}

const SET_COMMANDS = new Set<number>([Sem.GETPID, Sem.GETVAL, Sem.GETALL, Sem.GETNCNT, Sem.GETZCNT, Sem.SETVAL, Sem.SETALL]);

define(191, "semctl", "dddx", (p, _t, a) => {
  const id = a.int(0), num = a.int(1), cmd = a.int(2);
  if (id < 0) return -Errno.EINVAL;
  if (SET_COMMANDS.has(cmd)) return semCommand(p, id, num, cmd, a.u64(3), a.int(3));
  return ipcCtl(p, family(p), id, cmd, a.u64(3)) ?? -Errno.EINVAL;
});
