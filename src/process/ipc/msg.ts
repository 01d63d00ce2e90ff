/**
 * System V message queues (Linux ipc/msg.c): a queue of typed messages with
 * a byte limit (msg_qbytes), receivers choosing by type (msgtyp 0, positive,
 * negative, MSG_EXCEPT), and struct msqid64_ds / struct msginfo as
 * asm-generic/msgbuf.h and linux/msg.h lay them out for riscv64.
 */
import type { Creds } from "../creds.js";
import { Errno } from "../syscalls/errno.js";
import { IPC64_PERM_SIZE, IpcIds, IpcPerm, perKernel, nowSeconds } from "./ids.js";
import { WaitQueue } from "./wait.js";

/** Limits of linux/msg.h (the defaults of the msgmni, msgmax and msgmnb sysctls). */
export const enum MsgLimit {
  /** Queues per namespace. */
  MSGMNI = 32000,
  /** Bytes per message. */
  MSGMAX = 8192,
  /** Default bytes per queue. */
  MSGMNB = 16384,
  /** Size in kilobytes of the message pool (MSGMNI * MSGMNB / 1024). */
  MSGPOOL = 512000,
  MSGMAP = MSGMNB,
  MSGTQL = MSGMNB,
  MSGSSZ = 16,
  /** min(MSGPOOL * 1024 / MSGSSZ, 0xffff). */
  MSGSEG = 0xffff,
}

/** msgrcv and msgctl flags and commands. */
export const enum Msg {
  /** Truncate a message too long for the buffer instead of E2BIG. */
  NOERROR = 0o10000,
  /** With msgtyp > 0: the first message of any other type. */
  EXCEPT = 0o20000,
  /** Copy the message at index msgtyp (checkpoint/restore). */
  COPY = 0o40000,
  STAT = 11,
  INFO = 12,
  STAT_ANY = 13,
}

/** Size of struct msqid64_ds. */
export const MSQID64_DS_SIZE = 120;
/** Size of struct msginfo. */
export const MSGINFO_SIZE = 32;

/** One queued message. */
export interface Message {
  mtype: bigint;
  text: Uint8Array;
}

/** One message queue (struct msg_queue). */
export class MsgQueue {
  readonly perm: IpcPerm;
  readonly messages: Message[] = [];
  stime = 0;
  rtime = 0;
  ctime = nowSeconds();
  cbytes = 0;
  qbytes = MsgLimit.MSGMNB as number;
  lspid = 0;
  lrpid = 0;
  /** Blocked senders and receivers (both wait for a change of the queue). */
  readonly waiters = new WaitQueue<undefined>();

  constructor(key: number, creds: Creds, flg: number) {
    this.perm = new IpcPerm(key, creds, flg);
  }

  /** msgsnd's test (msg_fits_inqueue): room for `size` more bytes and one more message. */
  fits(size: number): boolean {
    return this.cbytes + size <= this.qbytes && this.messages.length + 1 <= this.qbytes;
  }

  /** Queues a message sent by `pid` and lets waiting receivers take it. */
  send(m: Message, pid: number): void {
    this.messages.push(m);
    this.cbytes += m.text.length;
    this.lspid = pid;
    this.stime = nowSeconds();
    this.waiters.wake();
  }

  /**
   * The index of the message msgrcv takes for `msgtyp` and `flg` (find_msg),
   * or -1: the first of any type (0), the first of that type (> 0; of
   * another type with MSG_EXCEPT), the first of the lowest type at most
   * |msgtyp| (< 0).
   */
  find(msgtyp: bigint, flg: number): number {
    if (msgtyp === 0n) return this.messages.length > 0 ? 0 : -1;
    if (msgtyp > 0n) {
      const except = (flg & Msg.EXCEPT) !== 0;
      return this.messages.findIndex((m) => (m.mtype === msgtyp) !== except);
    }
    let best = -1;
    for (let i = 0; i < this.messages.length; i++) {
      const t = this.messages[i].mtype;
      if (t <= -msgtyp && (best < 0 || t < this.messages[best].mtype)) best = i;
    }
    return best;
  }

  /** Takes message `i` off the queue for `pid` and lets waiting senders in. */
  take(i: number, pid: number): Message {
    const [m] = this.messages.splice(i, 1);
    this.cbytes -= m.text.length;
    this.lrpid = pid;
    this.rtime = nowSeconds();
    this.waiters.wake();
    return m;
  }

  /** struct msqid64_ds. */
  describe(): Uint8Array {
    const b = new Uint8Array(MSQID64_DS_SIZE), v = new DataView(b.buffer);
    this.perm.write(v, 0);
    const at = IPC64_PERM_SIZE;
    v.setBigInt64(at, BigInt(this.stime), true);
    v.setBigInt64(at + 8, BigInt(this.rtime), true);
    v.setBigInt64(at + 16, BigInt(this.ctime), true);
    v.setBigUint64(at + 24, BigInt(this.cbytes), true);
    v.setBigUint64(at + 32, BigInt(this.messages.length), true);
    v.setBigUint64(at + 40, BigInt(this.qbytes), true);
    v.setInt32(at + 48, this.lspid, true);
    v.setInt32(at + 52, this.lrpid, true);
    return b;
  }
}

/** The message queues of a run's IPC namespace. */
export const msgIds = perKernel<MsgQueue>();

/** struct msginfo for IPC_INFO (the limits) or MSG_INFO (the limits with what is in use). */
export function msgInfo(ids: IpcIds<MsgQueue>, inUse: boolean): Uint8Array {
  const b = new Uint8Array(MSGINFO_SIZE), v = new DataView(b.buffer);
  const queues = ids.all();
  const fields = [
    inUse ? ids.inUse : MsgLimit.MSGPOOL,
    inUse ? queues.reduce((n, q) => n + q.messages.length, 0) : MsgLimit.MSGMAP,
    MsgLimit.MSGMAX, MsgLimit.MSGMNB, MsgLimit.MSGMNI, MsgLimit.MSGSSZ,
    inUse ? queues.reduce((n, q) => n + q.cbytes, 0) : MsgLimit.MSGTQL,
  ];
  fields.forEach((f, i) => v.setInt32(i * 4, f, true));
  v.setUint16(28, MsgLimit.MSGSEG, true);
  return b;
}

/** Removes queue `q` (IPC_RMID): waiting senders and receivers end with EIDRM. */
export function removeQueue(ids: IpcIds<MsgQueue>, q: MsgQueue): void {
  ids.remove(q);
  q.waiters.wake();
}

/** Reads IPC_SET's fields of struct msqid64_ds: uid, gid, mode and msg_qbytes. */
export function setQueue(q: MsgQueue, v: DataView, mayRaise: boolean): number {
  const qbytes = Number(v.getBigUint64(IPC64_PERM_SIZE + 40, true));
  if (qbytes > MsgLimit.MSGMNB && !mayRaise) return -Errno.EPERM;
  q.perm.update(v, 0);
  q.qbytes = qbytes;
  q.ctime = nowSeconds();
  q.waiters.wake();
  return 0;
}
