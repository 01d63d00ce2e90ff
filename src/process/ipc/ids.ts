/**
 * What the three System V IPC families share (Linux ipc/util.c): the
 * permission block of every object (struct kern_ipc_perm), the table that
 * hands out ids and finds objects by key or id (struct ipc_ids), the
 * permission checks (ipcperms, the owner check of IPC_SET/IPC_RMID), and
 * struct ipc64_perm as asm-generic/ipcbuf.h lays it out for riscv64.
 */
import type { Creds } from "../creds.js";
import type { Kernel } from "../kernel.js";
import { Errno } from "../syscalls/errno.js";

/** ipc.h flags and commands. */
export const enum Ipc {
  /** Key that always makes a new object. */
  PRIVATE = 0,
  /** Create if the key is unused. */
  CREAT = 0o1000,
  /** With CREAT: fail if the key is in use. */
  EXCL = 0o2000,
  /** Fail with EAGAIN / ENOMSG rather than wait. */
  NOWAIT = 0o4000,
  /** Remove the object. */
  RMID = 0,
  /** Set uid, gid, mode (and family extras) from a buffer. */
  SET = 1,
  /** Copy the object's description out. */
  STAT = 2,
  /** Copy the family's limits out. */
  INFO = 3,
}

/** Capabilities the IPC checks look at (linux/capability.h). */
export const enum IpcCap {
  IPC_LOCK = 14, IPC_OWNER = 15, SYS_ADMIN = 21, SYS_RESOURCE = 24,
}

/** Read and write permission bits as ipcperms takes them (S_IRUGO, S_IWUGO). */
export const S_IRUGO = 0o444, S_IWUGO = 0o222;

/** Ids are seq * IPCMNI + index (ipc_buildid). */
const IPCMNI = 32768;
/** Size of struct ipc64_perm. */
export const IPC64_PERM_SIZE = 48;

/** The permission block every IPC object starts with (struct kern_ipc_perm). */
export class IpcPerm {
  /** The key; IPC_PRIVATE once removed (so the key can be reused). */
  key: number;
  uid: number;
  gid: number;
  readonly cuid: number;
  readonly cgid: number;
  /** Permission bits (low 9) and family flags such as SHM_DEST. */
  mode: number;
  /** The id handed out for it. */
  id = -1;
  seq = 0;
  /** Set by IPC_RMID: waiters end with EIDRM and lookups fail. */
  deleted = false;

  constructor(key: number, creds: Creds, mode: number) {
    this.key = key;
    this.uid = this.cuid = creds.euid;
    this.gid = this.cgid = creds.egid;
    this.mode = mode & 0o777;
  }

  /** ipcperms: may `creds` access it with `flag` (S_IRUGO, S_IWUGO or a get call's mode bits)? */
  allows(creds: Creds, flag: number): boolean {
    const requested = (flag >> 6) | (flag >> 3) | flag;
    let granted = this.mode;
    if (creds.euid === this.cuid || creds.euid === this.uid) granted >>= 6;
    else if (inGroup(creds, this.cgid) || inGroup(creds, this.gid)) granted >>= 3;
    return (requested & ~granted & 0o7) === 0 || capable(creds, IpcCap.IPC_OWNER);
  }

  /** The owner check of IPC_SET and IPC_RMID (ipcctl_obtain_check): creator, owner or CAP_SYS_ADMIN. */
  ownedBy(creds: Creds): boolean {
    return creds.euid === this.cuid || creds.euid === this.uid || capable(creds, IpcCap.SYS_ADMIN);
  }

  /** Writes struct ipc64_perm at `at` of `v`. */
  write(v: DataView, at: number): void {
    v.setInt32(at, this.key, true);
    v.setUint32(at + 4, this.uid, true);
    v.setUint32(at + 8, this.gid, true);
    v.setUint32(at + 12, this.cuid, true);
    v.setUint32(at + 16, this.cgid, true);
    v.setUint32(at + 20, this.mode, true);
    v.setUint16(at + 24, this.seq, true);
  }

  /** IPC_SET's part (ipc_update_perm): uid, gid and the permission bits from struct ipc64_perm at `at`. */
  update(v: DataView, at: number): void {
    this.uid = v.getUint32(at + 4, true);
    this.gid = v.getUint32(at + 8, true);
    this.mode = (this.mode & ~0o777) | (v.getUint32(at + 20, true) & 0o777);
  }
}

/** Whether `gid` is the process's filesystem gid or one of its groups (in_group_p). */
function inGroup(creds: Creds, gid: number): boolean {
  return creds.fsgid === gid || creds.groups.includes(gid);
}

/** Whether `cap` is in the effective set. */
export function capable(creds: Creds, cap: IpcCap): boolean {
  return ((creds.capEff >> BigInt(cap)) & 1n) !== 0n;
}

/** An object of one IPC family. */
export interface IpcObject {
  readonly perm: IpcPerm;
}

/** The objects of one family in one IPC namespace (struct ipc_ids). */
export class IpcIds<T extends IpcObject> {
  private readonly byIndex = new Map<number, T>();
  private nextSeq = 0;

  /** How many objects exist (ipc_ids.in_use). */
  get inUse(): number {
    return this.byIndex.size;
  }

  /** Every object, by index. */
  all(): T[] {
    return [...this.byIndex.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
  }

  /** The highest index in use, or -1 (ipc_get_maxidx). */
  maxIndex(): number {
    return Math.max(-1, ...this.byIndex.keys());
  }

  /** The object at table index `index` (the *_STAT commands). */
  atIndex(index: number): T | undefined {
    return this.byIndex.get(index);
  }

  /** The live object with id `id` (ipc_obtain_object_check), or undefined (EINVAL). */
  get(id: number): T | undefined {
    if (id < 0) return undefined;
    const o = this.byIndex.get(id % IPCMNI);
    return o !== undefined && o.perm.id === id ? o : undefined;
  }

  /** The object with key `key` (never IPC_PRIVATE). */
  byKey(key: number): T | undefined {
    for (const o of this.byIndex.values()) if (o.perm.key === key && !o.perm.deleted) return o;
    return undefined;
  }

  /** Gives `o` the lowest free index and a new id; returns it, or -ENOSPC when `max` are in use. */
  add(o: T, max: number): number {
    if (this.byIndex.size >= max) return -Errno.ENOSPC;
    let index = 0;
    while (this.byIndex.has(index)) index++;
    o.perm.seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) % 65536;
    o.perm.id = o.perm.seq * IPCMNI + index;
    this.byIndex.set(index, o);
    return o.perm.id;
  }

  /** Takes `o` out of the table (ipc_rmid). */
  remove(o: T): void {
    if (this.byIndex.get(o.perm.id % IPCMNI) === o) this.byIndex.delete(o.perm.id % IPCMNI);
    o.perm.deleted = true;
    o.perm.key = Ipc.PRIVATE;
  }

  /**
   * The *get calls (ipcget): a new object for IPC_PRIVATE or an unused key
   * with IPC_CREAT, else the existing one after the EEXIST, permission and
   * family (`check`) tests. `create` makes the object or returns an errno.
   */
  getOrCreate(key: number, flg: number, creds: Creds, max: number, create: () => T | number, check: (o: T) => number): number {
    const old = key === Ipc.PRIVATE ? undefined : this.byKey(key);
    if (old === undefined) {
      if (key !== Ipc.PRIVATE && (flg & Ipc.CREAT) === 0) return -Errno.ENOENT;
      const o = create();
      return typeof o === "number" ? o : this.add(o, max);
    }
    if ((flg & Ipc.CREAT) !== 0 && (flg & Ipc.EXCL) !== 0) return -Errno.EEXIST;
    const err = check(old);
    if (err !== 0) return err;
    if (!old.perm.allows(creds, flg & 0o777)) return -Errno.EACCES;
    return old.perm.id;
  }
}

/** Seconds since the epoch, for the *_time fields. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A lookup of one family's table in each run's IPC namespace, made on first use. */
export function perKernel<T extends IpcObject>(): (k: Kernel) => IpcIds<T> {
  const tables = new WeakMap<Kernel, IpcIds<T>>();
  return (k) => {
    let ids = tables.get(k);
    if (ids === undefined) { ids = new IpcIds(); tables.set(k, ids); }
    return ids;
  };
}
