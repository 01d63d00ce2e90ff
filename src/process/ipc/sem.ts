/**
 * System V semaphore sets (Linux ipc/sem.c): arrays of counters changed by
 * atomic groups of operations (all or none), waits for a value to grow or
 * reach zero, SEM_UNDO adjustments applied when the process exits, and
 * struct semid64_ds / struct seminfo as asm-generic/sembuf.h and
 * linux/sem.h lay them out for riscv64.
 */
import type { Creds } from "../creds.js";
import type { Process } from "../process.js";
import { Errno } from "../syscalls/errno.js";
import { IPC64_PERM_SIZE, Ipc, IpcIds, IpcPerm, perKernel, nowSeconds } from "./ids.js";
import { WaitQueue } from "./wait.js";

/** Limits of linux/sem.h (the defaults of the kernel.sem sysctl). */
export const enum SemLimit {
  /** Sets per namespace. */
  SEMMNI = 32000,
  /** Semaphores per set. */
  SEMMSL = 32000,
  /** Semaphores per namespace (SEMMNI * SEMMSL). */
  SEMMNS = 1024000000,
  /** Operations per semop call. */
  SEMOPM = 500,
  /** Largest semaphore value. */
  SEMVMX = 32767,
  /** Largest undo adjustment (SEMVMX). */
  SEMAEM = 32767,
  /** sizeof(struct sem_undo) as seminfo reports it. */
  SEMUSZ = 20,
}

/** semop flags and semctl commands. */
export const enum Sem {
  /** Undo the operation when the process exits. */
  UNDO = 0x1000,
  GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17,
  STAT = 18, INFO = 19, STAT_ANY = 20,
}

/** Size of struct semid64_ds. */
export const SEMID64_DS_SIZE = 88;
/** Size of struct seminfo. */
export const SEMINFO_SIZE = 40;

/** One struct sembuf. */
export interface SemOp {
  num: number;
  op: number;
  flg: number;
}

/** What a blocked semop waits for: the operation that could not go on (GETNCNT/GETZCNT count by it). */
export interface SemWait {
  blocking: SemOp | undefined;
}

/** One semaphore set (struct sem_array). */
export class SemArray {
  readonly perm: IpcPerm;
  readonly values: number[];
  /** Pid of the last process to change each semaphore (GETPID). */
  readonly pids: number[];
  otime = 0;
  ctime = nowSeconds();
  /** Each process's SEM_UNDO adjustments (semadj), applied when it exits. */
  readonly undos = new Map<Process, number[]>();
  readonly waiters = new WaitQueue<SemWait>();

  constructor(key: number, creds: Creds, flg: number, nsems: number) {
    this.perm = new IpcPerm(key, creds, flg);
    this.values = new Array<number>(nsems).fill(0);
    this.pids = new Array<number>(nsems).fill(0);
  }

  /**
   * Performs `ops` for `p` all at once, or none of them: 0 when done, a
   * negative errno (ERANGE, EAGAIN with IPC_NOWAIT), or the operation that
   * must wait (perform_atomic_semop).
   */
  apply(p: Process, ops: SemOp[]): number | SemOp {
    const values = [...this.values];
    const adj = [...(this.undos.get(p) ?? new Array<number>(values.length).fill(0))];
    for (const s of ops) {
      const cur = values[s.num];
      if ((s.op === 0 && cur !== 0) || cur + s.op < 0) return (s.flg & Ipc.NOWAIT) !== 0 ? -Errno.EAGAIN : s;
      if (cur + s.op > SemLimit.SEMVMX) return -Errno.ERANGE;
      values[s.num] = cur + s.op;
      if ((s.flg & Sem.UNDO) !== 0) {
        adj[s.num] -= s.op;
        if (adj[s.num] < -SemLimit.SEMAEM - 1 || adj[s.num] > SemLimit.SEMAEM) return -Errno.ERANGE;
      }
    }
    values.forEach((v, i) => { this.values[i] = v; });
    if (ops.some((s) => (s.flg & Sem.UNDO) !== 0)) this.undos.set(p, adj);
    for (const s of ops) this.pids[s.num] = p.pid;
    this.otime = nowSeconds();
    if (ops.some((s) => s.op !== 0)) this.waiters.wake();
    return 0;
  }

  /** Sets semaphore `num` (every one when undefined) for SETVAL / SETALL, clearing its undo adjustments. */
  set(p: Process, num: number | undefined, values: number[]): void {
    for (let i = 0; i < this.values.length; i++) {
      if (num !== undefined && i !== num) continue;
      this.values[i] = num !== undefined ? values[0] : values[i];
      this.pids[i] = p.pid;
      for (const adj of this.undos.values()) adj[i] = 0;
    }
    this.ctime = nowSeconds();
    this.waiters.wake();
  }

  /** Processes waiting for semaphore `num` to grow (GETNCNT) or, with `zero`, to reach zero (GETZCNT). */
  waiting(num: number, zero: boolean): number {
    return this.waiters.waiters.filter((w) => {
      const b = w.data.blocking;
      return !w.p.exited && b !== undefined && b.num === num && (zero ? b.op === 0 : b.op < 0);
    }).length;
  }

  /** struct semid64_ds. */
  describe(): Uint8Array {
    const b = new Uint8Array(SEMID64_DS_SIZE), v = new DataView(b.buffer);
    this.perm.write(v, 0);
    v.setBigInt64(IPC64_PERM_SIZE, BigInt(this.otime), true);
    v.setBigInt64(IPC64_PERM_SIZE + 8, BigInt(this.ctime), true);
    v.setBigUint64(IPC64_PERM_SIZE + 16, BigInt(this.values.length), true);
    return b;
  }
}

/** The semaphore sets of a run's IPC namespace. */
export const semIds = perKernel<SemArray>();

/** struct seminfo for IPC_INFO (the limits) or SEM_INFO (with the sets and semaphores in use). */
export function semInfo(ids: IpcIds<SemArray>, inUse: boolean): Uint8Array {
  const b = new Uint8Array(SEMINFO_SIZE), v = new DataView(b.buffer);
  const used = ids.all().reduce((n, s) => n + s.values.length, 0);
  const fields = [
    SemLimit.SEMMNS, SemLimit.SEMMNI, SemLimit.SEMMNS, SemLimit.SEMMNS, SemLimit.SEMMSL, SemLimit.SEMOPM,
    SemLimit.SEMOPM, inUse ? ids.inUse : SemLimit.SEMUSZ, SemLimit.SEMVMX, inUse ? used : SemLimit.SEMAEM,
  ];
  fields.forEach((f, i) => v.setInt32(i * 4, f, true));
  return b;
}

/** Removes set `s` (IPC_RMID): its waiters end with EIDRM, its undo adjustments are dropped. */
export function removeSet(ids: IpcIds<SemArray>, s: SemArray): void {
  ids.remove(s);
  s.undos.clear();
  s.waiters.wake();
}

/** Applies the SEM_UNDO adjustments of exiting process `p` (exit_sem): values clamp to [0, SEMVMX]. */
export function semExit(p: Process): void {
  for (const s of semIds(p.kernel).all()) {
    const adj = s.undos.get(p);
    if (adj === undefined) continue;
    s.undos.delete(p);
    adj.forEach((d, i) => {
      if (d === 0) return;
      s.values[i] = Math.min(SemLimit.SEMVMX, Math.max(0, s.values[i] + d));
      s.pids[i] = p.pid;
    });
    s.waiters.wake();
  }
}
