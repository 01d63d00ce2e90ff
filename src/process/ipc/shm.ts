/**
 * System V shared memory segments (Linux ipc/shm.c): a SharedMemory object
 * whose frames every attach maps (in forked processes too), the attach
 * count, destruction after IPC_RMID once the last attach goes, and struct
 * shmid64_ds / shminfo64 / shm_info as asm-generic/shmbuf.h and
 * linux/shm.h lay them out for riscv64.
 */
import type { Kernel } from "../kernel.js";
import type { Creds } from "../creds.js";
import type { AddressSpace } from "../address-space.js";
import { SharedMemory } from "../shared-memory.js";
import { IPC64_PERM_SIZE, IpcIds, IpcPerm, perKernel, nowSeconds } from "./ids.js";
import { PAGE_SIZE } from "../../mem/ram.js";

/** Limits of linux/shm.h. */
export const enum ShmLimit {
  /** Smallest segment, in bytes. */
  SHMMIN = 1,
  /** Segments per namespace. */
  SHMMNI = 4096,
}

/** Largest segment in bytes, and most pages in all segments: ULONG_MAX - 2^24. */
export const SHMMAX = 0xffff_ffff_feff_ffffn;

/** shmat flags, shmctl commands and mode bits. */
export const enum Shm {
  /** Attach read-only. */
  RDONLY = 0o10000,
  /** Round the attach address down to SHMLBA. */
  RND = 0o20000,
  /** Replace what is mapped at the attach address. */
  REMAP = 0o40000,
  /** Attach executable. */
  EXEC = 0o100000,
  LOCK = 11, UNLOCK = 12, STAT = 13, INFO = 14, STAT_ANY = 15,
  /** Mode bit: IPC_RMID was asked; the segment goes with its last attach. */
  DEST = 0o1000,
  /** Mode bit: SHM_LOCK is in force. */
  LOCKED = 0o2000,
}

/** Size of struct shmid64_ds. */
export const SHMID64_DS_SIZE = 112;

/** One segment (struct shmid_kernel). */
export class ShmSegment {
  readonly perm: IpcPerm;
  /** The pages; the segment holds one of its users until it is destroyed. */
  readonly mem = new SharedMemory();
  atime = 0;
  dtime = 0;
  ctime = nowSeconds();
  lpid = 0;

  constructor(private readonly kernel: Kernel, key: number, creds: Creds, flg: number,
    /** Size in bytes, as asked (shm_segsz). */
    readonly size: number,
    /** Pid of the creator. */
    readonly cpid: number) {
    this.perm = new IpcPerm(key, creds, flg);
    segments.set(this.mem, this);
    this.mem.onDetach = () => {
      this.dtime = nowSeconds();
      this.destroyIfUnused();
    };
  }

  /** Attaches now in place: one per attach address in each address space, forked copies included (shm_nattch). */
  nattch(): number {
    const spaces = new Set<AddressSpace>(this.kernel.processes.map((q) => q.space));
    let n = 0;
    for (const s of spaces) n += new Set(s.vmas.list.filter((v) => v.shm === this.mem).map((v) => v.shmBase)).size;
    return n;
  }

  /** IPC_RMID: the segment goes now if nothing is attached, else with its last attach (SHM_DEST). */
  markDestroyed(): void {
    this.perm.mode |= Shm.DEST;
    this.perm.key = 0;
    this.destroyIfUnused();
  }

  private destroyIfUnused(): void {
    if ((this.perm.mode & Shm.DEST) === 0 || this.perm.deleted || this.nattch() > 0) return;
    shmIds(this.kernel).remove(this);
    this.mem.release(this.kernel.frames, this.kernel.cache);
  }

  /** struct shmid64_ds. */
  describe(): Uint8Array {
    const b = new Uint8Array(SHMID64_DS_SIZE), v = new DataView(b.buffer);
    this.perm.write(v, 0);
    const at = IPC64_PERM_SIZE;
    v.setBigUint64(at, BigInt(this.size), true);
    v.setBigInt64(at + 8, BigInt(this.atime), true);
    v.setBigInt64(at + 16, BigInt(this.dtime), true);
    v.setBigInt64(at + 24, BigInt(this.ctime), true);
    v.setInt32(at + 32, this.cpid, true);
    v.setInt32(at + 36, this.lpid, true);
    v.setBigUint64(at + 40, BigInt(this.nattch()), true);
    return b;
  }
}

const segments = new WeakMap<SharedMemory, ShmSegment>();

/** The System V segment whose pages `mem` are, if it is one (shmdt tells attaches from other mappings). */
export function segmentOf(mem: SharedMemory | undefined): ShmSegment | undefined {
  return mem === undefined ? undefined : segments.get(mem);
}

/** The shared memory segments of a run's IPC namespace. */
export const shmIds = perKernel<ShmSegment>();

/** struct shminfo64 (IPC_INFO) or struct shm_info (SHM_INFO: segments, pages and resident pages in use). */
export function shmInfo(ids: IpcIds<ShmSegment>, inUse: boolean): Uint8Array {
  const b = new Uint8Array(inUse ? 48 : 72), v = new DataView(b.buffer);
  if (!inUse) {
    [SHMMAX, BigInt(ShmLimit.SHMMIN), BigInt(ShmLimit.SHMMNI), BigInt(ShmLimit.SHMMNI), SHMMAX].forEach((f, i) => v.setBigUint64(i * 8, f, true));
    return b;
  }
  const all = ids.all();
  v.setInt32(0, ids.inUse, true);
  v.setBigUint64(8, BigInt(all.reduce((n, s) => n + Math.ceil(s.size / PAGE_SIZE), 0)), true);
  v.setBigUint64(16, BigInt(all.reduce((n, s) => n + s.mem.frames.size, 0)), true);
  return b;
}
