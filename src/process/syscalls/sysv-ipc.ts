/**
 * The *ctl commands the three System V IPC families share (Linux's
 * msgctl/semctl/shmctl down to their common shape): IPC_RMID, IPC_SET,
 * IPC_STAT, IPC_INFO, the family's *_INFO, *_STAT and *_STAT_ANY, each with
 * Linux's lookups, checks and errors. The families are in sysv-msg.ts,
 * sysv-sem.ts and sysv-shm.ts, their objects in src/process/ipc/.
 */
import { Errno } from "./errno.js";
import { Ipc, IpcCap, IpcIds, S_IRUGO, capable, nowSeconds, type IpcObject } from "../ipc/ids.js";
import type { Process } from "../process.js";
import type { Creds } from "../creds.js";

/** How one family answers the shared commands. */
export interface IpcFamily<T extends IpcObject> {
  ids: IpcIds<T>;
  /** Its *_STAT, *_STAT_ANY and *_INFO command numbers. */
  statCmd: number;
  statAnyCmd: number;
  infoCmd: number;
  /** Size of its *id64_ds structure (IPC_SET reads that much). */
  dsSize: number;
  /** Its *id64_ds structure. */
  describe(o: T): Uint8Array;
  /** Its info structure, for IPC_INFO (`inUse` false) or *_INFO (true). */
  info(inUse: boolean): Uint8Array;
  /** IPC_SET from the structure in `v`; returns 0 or a negative errno. */
  set(o: T, v: DataView, creds: Creds): number;
  /** IPC_RMID. */
  remove(o: T): void;
}

/**
 * Runs a shared command `cmd` on `id` with buffer `buf`; undefined when the
 * command is the family's own (semctl's GETVAL, shmctl's SHM_LOCK...).
 */
export function ipcCtl<T extends IpcObject>(p: Process, fam: IpcFamily<T>, id: number, cmd: number, buf: number): number | undefined {
  const creds = p.creds;
  switch (cmd) {
    case Ipc.INFO: case fam.infoCmd: {
      p.space.write(buf, fam.info(cmd !== Ipc.INFO));
      return Math.max(0, fam.ids.maxIndex());
    }
    case Ipc.STAT: case fam.statCmd: case fam.statAnyCmd: {
      const o = cmd === Ipc.STAT ? fam.ids.get(id) : fam.ids.atIndex(id);
      if (o === undefined) return -Errno.EINVAL;
      if (cmd !== fam.statAnyCmd && !o.perm.allows(creds, S_IRUGO)) return -Errno.EACCES;
      p.space.write(buf, fam.describe(o));
      return cmd === Ipc.STAT ? 0 : o.perm.id;
    }
    case Ipc.SET: {
      const v = new DataView(p.space.read(buf, fam.dsSize).buffer);
      const o = fam.ids.get(id);
      if (o === undefined) return -Errno.EINVAL;
      if (!o.perm.ownedBy(creds)) return -Errno.EPERM;
      return fam.set(o, v, creds);
    }
    case Ipc.RMID: {
      const o = fam.ids.get(id);
      if (o === undefined) return -Errno.EINVAL;
      if (!o.perm.ownedBy(creds)) return -Errno.EPERM;
      fam.remove(o);
      return 0;
    }
  }
  return undefined;
}

/** Whether `creds` may raise a limit (CAP_SYS_RESOURCE), as IPC_SET of msg_qbytes needs. */
export function mayRaise(creds: Creds): boolean {
  return capable(creds, IpcCap.SYS_RESOURCE);
}

/** IPC_SET for the families whose only settable fields are the permissions (semaphores, shared memory). */
export function setPerm(o: IpcObject & { ctime: number }, v: DataView): number {
  o.perm.update(v, 0);
  o.ctime = nowSeconds();
  return 0;
}
