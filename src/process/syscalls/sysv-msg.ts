/** System V message queues: msgget, msgsnd, msgrcv and msgctl (the queues are in ../ipc/msg.ts). */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { ipcCtl, mayRaise, type IpcFamily } from "./sysv-ipc.js";
import { Ipc, S_IRUGO, S_IWUGO } from "../ipc/ids.js";
import { Msg, MsgLimit, MsgQueue, MSQID64_DS_SIZE, msgIds, msgInfo, removeQueue, setQueue } from "../ipc/msg.js";
import { GuestFault } from "../address-space.js";
import type { Process } from "../process.js";

/** The shared *ctl commands for message queues. */
function family(p: Process): IpcFamily<MsgQueue> {
  const ids = msgIds(p.kernel);
  return {
    ids, statCmd: Msg.STAT, statAnyCmd: Msg.STAT_ANY, infoCmd: Msg.INFO, dsSize: MSQID64_DS_SIZE,
    describe: (q) => q.describe(),
    info: (inUse) => msgInfo(ids, inUse),
    set: (q, v, creds) => setQueue(q, v, mayRaise(creds)),
    remove: (q) => removeQueue(ids, q),
  };
}

define(186, "msgget", "do", (p, _t, a) => {
  const key = a.int(0), flg = a.int(1), creds = p.creds;
  return msgIds(p.kernel).getOrCreate(key, flg, creds, MsgLimit.MSGMNI, () => new MsgQueue(key, creds, flg), () => 0);
});

define(189, "msgsnd", "dxux", (p, t, a) => {
  const id = a.int(0), msgp = a.u64(1), size = a.u64(2), flg = a.int(3);
  const mtype = BigInt.asIntN(64, p.space.readBig(msgp));
  if (size > MsgLimit.MSGMAX || id < 0) return -Errno.EINVAL;
  if (mtype < 1n) return -Errno.EINVAL;
  const text = p.space.read(msgp + 8, size);
  const q = msgIds(p.kernel).get(id);
  if (q === undefined) return -Errno.EINVAL;
  if (!q.perm.allows(p.creds, S_IWUGO)) return -Errno.EACCES;
  const attempt = (): number | undefined => {
    if (q.perm.deleted) return -Errno.EIDRM;
    if (!q.fits(size)) return (flg & Ipc.NOWAIT) !== 0 ? -Errno.EAGAIN : undefined;
    q.send({ mtype, text }, p.pid);
    return 0;
  };
  return attempt() ?? q.waiters.block(p, t, undefined, attempt);
});

define(188, "msgrcv", "dxudx", (p, t, a) => {
  const id = a.int(0), msgp = a.u64(1), bufsz = a.i64(2), msgtyp = BigInt.asIntN(64, a.big(3)), flg = a.int(4);
  if (id < 0 || bufsz < 0) return -Errno.EINVAL;
  if ((flg & Msg.COPY) !== 0) return -Errno.ENOSYS; // as a kernel without CONFIG_CHECKPOINT_RESTORE
  const q = msgIds(p.kernel).get(id);
  if (q === undefined) return -Errno.EINVAL;
  if (!q.perm.allows(p.creds, S_IRUGO)) return -Errno.EACCES;
  const attempt = (): number | undefined => {
    if (q.perm.deleted) return -Errno.EIDRM;
    const i = q.find(msgtyp, flg);
    if (i < 0) return (flg & Ipc.NOWAIT) !== 0 ? -Errno.ENOMSG : undefined;
    if (q.messages[i].text.length > bufsz && (flg & Msg.NOERROR) === 0) return -Errno.E2BIG;
    const m = q.take(i, p.pid);
    const n = Math.min(bufsz, m.text.length);
    try {
      p.space.writeU64(msgp, m.mtype);
      p.space.write(msgp + 8, m.text.subarray(0, n));
    } catch (e) {
      if (e instanceof GuestFault) return -Errno.EFAULT; // the message is gone, as on Linux
      throw e;
    }
    return n;
  };
  return attempt() ?? q.waiters.block(p, t, undefined, attempt);
});

define(187, "msgctl", "ddx", (p, _t, a) => {
  const id = a.int(0), cmd = a.int(1);
  if (id < 0 || cmd < 0) return -Errno.EINVAL;
  return ipcCtl(p, family(p), id, cmd, a.u64(2)) ?? -Errno.EINVAL;
});
