/**
 * The guest's side of its pseudo-terminals (pty.ts): the device paths
 * (/dev/ptmx, /dev/pts/N, /dev/pts itself, /dev/tty once a pty is the
 * controlling terminal), what stat reports for them, and the terminal
 * ioctls (tty_ioctl, n_tty_ioctl_helper and pty_unix98_ioctl in Linux) on
 * either end of a pair.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Errno } from "./errno.js";
import { HostFile } from "../host-file.js";
import { OFlag, type OpenFile } from "../fd-table.js";
import { findPty, openPtmx, ptyIndices, PtyMaster, PtySlave, PTMX_MAJOR, PTMX_MINOR, PTS_MAJOR, type Pty } from "../pty.js";
import { decodeTermios, encodeTermios, TERMIOS_SIZE } from "../termios.js";
import { dropControllingTty, openedWithoutNoctty, setControllingTty, ttyHostOf } from "../tty-session.js";
import type { Process } from "../process.js";

/** Terminal and generic file ioctl request numbers (asm-generic/ioctls.h), for tty.ts and fs.ts's ioctl. */
export const enum Ioctl {
  TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a,
  TCFLSH = 0x540b, TIOCEXCL = 0x540c, TIOCNXCL = 0x540d, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411, TIOCSTI = 0x5412, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b,
  FIONBIO = 0x5421, TIOCNOTTY = 0x5422, TIOCSETD = 0x5423, TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCGSID = 0x5429,
  TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b, TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d,
  TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431, TIOCGDEV = 0x80045432, TIOCGPTLCK = 0x80045439, TIOCGPTPEER = 0x5441,
  FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452,
}

/** The requests the generic ioctl code answers for any file (FIONBIO, FIOCLEX, FIONCLEX, FIOASYNC). */
const GENERIC = new Set<number>([Ioctl.FIONBIO, Ioctl.FIOCLEX, Ioctl.FIONCLEX, Ioctl.FIOASYNC]);

/** struct termios2 adds c_ispeed and c_ospeed (B38400 reported as 38400). */
const TERMIOS2_SIZE = 44;
const SPEED = 38400;

/** The tty group devpts gives slaves (gid=5 as distributions mount it) and the slaves' mode. */
const TTY_GID = 5, SLAVE_MODE = 0o620;

/** The pair an open file is an end of. */
export function ptyOf(f: OpenFile): Pty | undefined {
  return f instanceof PtyMaster || f instanceof PtySlave ? f.pty : undefined;
}

/** Linux's new_encode_dev. */
function makedev(major: number, minor: number): bigint {
  return BigInt((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12));
}

/** The slave number in a /dev/pts/N path, if it is one. */
function ptsNumber(hostPath: string): number | undefined {
  const m = /^\/dev\/pts\/(\d+)$/.exec(path.resolve(hostPath));
  return m === null ? undefined : Number(m[1]);
}

/** The device of the host's /dev/pts, so a slave's st_dev looks like devpts's. */
function ptsDev(): bigint {
  try { return fs.statSync("/dev/pts", { bigint: true }).dev; } catch { return 0x19n; }
}

/** stat of slave `pty` (devpts gives slave N inode N + 3). */
function slaveStat(pty: Pty): fs.BigIntStats {
  const now = BigInt(Date.now()) * 1_000_000n;
  const fields = {
    dev: ptsDev(), ino: BigInt(pty.index + 3), mode: BigInt(0o020000 | SLAVE_MODE), nlink: 1n, uid: BigInt(pty.uid), gid: BigInt(TTY_GID),
    rdev: makedev(PTS_MAJOR, pty.index), size: 0n, blksize: 1024n, blocks: 0n, atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now,
  };
  return fields as unknown as fs.BigIntStats;
}

/** stat of the master: the host's /dev/ptmx, or a character device 5:2 like it. */
function masterStat(): fs.BigIntStats {
  try { return fs.statSync("/dev/ptmx", { bigint: true }); } catch { /* no host /dev/ptmx */ }
  const fields = { ...slaveStat({ index: -1, uid: 0 } as Pty), mode: BigInt(0o020666), rdev: makedev(PTMX_MAJOR, PTMX_MINOR), ino: 2n };
  return fields as unknown as fs.BigIntStats;
}

/** fstat of a pty end, or undefined for other files. */
export function ptyFstat(f: OpenFile): fs.BigIntStats | undefined {
  if (f instanceof PtyMaster) return masterStat();
  if (f instanceof PtySlave) return slaveStat(f.pty);
  return undefined;
}

/** stat of /dev/pts/N: the guest's slave N, -ENOENT when there is none; undefined for other paths. */
export function ptsPathStat(hostPath: string): fs.BigIntStats | number | undefined {
  const n = ptsNumber(hostPath);
  if (n === undefined) return undefined;
  const pty = findPty(n);
  return pty === undefined ? -Errno.ENOENT : slaveStat(pty);
}

/** Installs `f` as a new descriptor of `p`. */
function install(p: Process, f: OpenFile, flags: number): number {
  return p.fds.add(f, (flags & OFlag.CLOEXEC) !== 0);
}

/** A new slave description of `pty` for `p`, which may make it the controlling terminal. */
function openSlave(p: Process, pty: Pty, flags: number): number {
  const s = pty.openSlave(flags);
  if (typeof s === "number") return s;
  if ((flags & OFlag.NOCTTY) === 0) openedWithoutNoctty(p, pty);
  return install(p, s, flags);
}

/**
 * Opens the terminal devices the VM provides: /dev/ptmx (and /dev/pts/ptmx),
 * /dev/pts/N, the /dev/pts directory (listing the guest's slaves) and
 * /dev/tty when the controlling terminal is a pty (ENXIO without one).
 * Returns the descriptor or -errno, or undefined for any other path.
 */
export function openTtyPath(p: Process, hostPath: string, flags: number): number | undefined {
  const where = path.resolve(hostPath);
  if (where === "/dev/ptmx" || where === "/dev/pts/ptmx") {
    return install(p, openPtmx(ttyHostOf(p.kernel), flags, p.creds.euid), flags);
  }
  if (where === "/dev/tty") {
    if (p.ctty === "host") return undefined;
    if (p.ctty === undefined) return -Errno.ENXIO;
    const s = p.ctty.openSlave(flags);
    return typeof s === "number" ? s : install(p, s, flags);
  }
  if (where === "/dev/pts") {
    const dir = new HostFile(fs.openSync(where, flags & ~OFlag.NONBLOCK), flags, where);
    dir.dirents = [{ name: ".", type: 4, ino: 1n }, { name: "..", type: 4, ino: 1n }, { name: "ptmx", type: 2, ino: 2n },
      ...ptyIndices().map((i) => ({ name: String(i), type: 2, ino: BigInt(i + 3) }))];
    return install(p, dir, flags);
  }
  const n = ptsNumber(where);
  if (n === undefined) return undefined;
  const pty = findPty(n);
  return pty === undefined ? -Errno.ENOENT : openSlave(p, pty, flags);
}

/** Reads a struct winsize at `addr`. */
function readWinsize(p: Process, addr: number): Pty["winsize"] {
  const v = new DataView(p.space.read(addr, 8).slice().buffer);
  return { row: v.getUint16(0, true), col: v.getUint16(2, true), xpixel: v.getUint16(4, true), ypixel: v.getUint16(6, true) };
}

function writeWinsize(p: Process, addr: number, w: Pty["winsize"]): void {
  const v = new DataView(new ArrayBuffer(8));
  [w.row, w.col, w.xpixel, w.ypixel].forEach((x, i) => v.setUint16(i * 2, x, true));
  p.space.write(addr, new Uint8Array(v.buffer));
}

/** TCSETS and friends: new modes (`flush` discards pending input first, as TCSETSF does). */
function setModes(p: Process, pty: Pty, addr: number, flush: boolean): number {
  if (flush) pty.flush(false, true);
  pty.ldisc.setTermios(decodeTermios(p.space.read(addr, TERMIOS_SIZE).slice()));
  pty.changed();
  return 0;
}

/** TCFLSH on an end: TCIFLUSH what it would read, TCOFLUSH what it wrote and the other end has not taken. */
function flushQueues(pty: Pty, master: boolean, queue: number): number {
  if (queue < 0 || queue > 2) return -Errno.EINVAL;
  const ownInput = queue !== 1, ownOutput = queue !== 0;
  pty.flush(master ? ownInput : ownOutput, master ? ownOutput : ownInput);
  return 0;
}

/** The requests only the master answers (pty_unix98_ioctl). */
function masterIoctl(p: Process, f: PtyMaster, req: number, arg: number): number | undefined {
  const pty = f.pty;
  switch (req) {
    case Ioctl.TIOCGPTN: p.space.writeU32(arg, pty.index); return 0;
    case Ioctl.TIOCSPTLCK: pty.locked = p.space.readU32(arg) !== 0; return 0;
    case Ioctl.TIOCGPTLCK: p.space.writeU32(arg, pty.locked ? 1 : 0); return 0;
    case Ioctl.TIOCGPTPEER: return openSlave(p, pty, arg);
  }
  return undefined;
}

/** The process-group requests: TIOCGPGRP, TIOCSPGRP, TIOCGSID (a slave must be the caller's controlling terminal). */
function jobIoctl(p: Process, pty: Pty, isSlave: boolean, req: number, arg: number): number | undefined {
  const mine = p.ctty === pty;
  switch (req) {
    case Ioctl.TIOCGPGRP:
      if (isSlave && !mine) return -Errno.ENOTTY;
      p.space.writeU32(arg, pty.pgrp ?? 0);
      return 0;
    case Ioctl.TIOCGSID:
      if ((isSlave && !mine) || pty.session === undefined) return -Errno.ENOTTY;
      p.space.writeU32(arg, pty.session);
      return 0;
    case Ioctl.TIOCSPGRP: {
      if (!mine || pty.session !== p.sid) return -Errno.ENOTTY;
      const pgrp = p.space.readU32(arg) | 0;
      if (pgrp < 0) return -Errno.EINVAL;
      const members = p.kernel.processes.filter((q) => q.pgid === pgrp && !q.exited);
      if (members.length === 0) return -Errno.ESRCH;
      if (members.some((q) => q.sid !== p.sid)) return -Errno.EPERM;
      pty.pgrp = pgrp;
      return 0;
    }
  }
  return undefined;
}

/**
 * The ioctls of a pty end `f`; undefined when `f` is not a
 * pty or the request is one the generic code answers for every file.
 */
export function ttyIoctl(p: Process, f: OpenFile, req: number, arg: number): number | undefined {
  const pty = ptyOf(f);
  if (pty === undefined || GENERIC.has(req)) return undefined;
  const isSlave = f instanceof PtySlave;
  if (isSlave && f.hungUp) return req === Ioctl.TIOCSPGRP ? -Errno.ENOTTY : -Errno.EIO;
  if (f instanceof PtyMaster) {
    const r = masterIoctl(p, f, req, arg);
    if (r !== undefined) return r;
  }
  const job = jobIoctl(p, pty, isSlave, req, arg);
  if (job !== undefined) return job;
  switch (req) {
    case Ioctl.TCGETS: case Ioctl.TCGETS2: {
      const t = new Uint8Array(req === Ioctl.TCGETS ? TERMIOS_SIZE : TERMIOS2_SIZE);
      t.set(encodeTermios(pty.ldisc.termios));
      if (req === Ioctl.TCGETS2) new DataView(t.buffer).setUint32(36, SPEED, true), new DataView(t.buffer).setUint32(40, SPEED, true);
      p.space.write(arg, t);
      return 0;
    }
    case Ioctl.TCSETS: case Ioctl.TCSETSW: case Ioctl.TCSETS2: case Ioctl.TCSETSW2:
      return setModes(p, pty, arg, false);
    case Ioctl.TCSETSF: case Ioctl.TCSETSF2:
      return setModes(p, pty, arg, true);
    case Ioctl.TIOCGWINSZ: writeWinsize(p, arg, pty.winsize); return 0;
    case Ioctl.TIOCSWINSZ: pty.setWinsize(readWinsize(p, arg)); return 0;
    case Ioctl.FIONREAD: p.space.writeU32(arg, f.readable?.() ?? 0); return 0;
    case Ioctl.TIOCOUTQ: p.space.writeU32(arg, 0); return 0;
    case Ioctl.TCFLSH: return flushQueues(pty, !isSlave, arg);
    case Ioctl.TCXONC:
      if (arg > 3) return -Errno.EINVAL;
      if (arg <= 1) { pty.ldisc.stopped = arg === 0; pty.changed(); }
      return 0;
    case Ioctl.TCSBRK: case Ioctl.TCSBRKP: case Ioctl.TIOCEXCL: case Ioctl.TIOCNXCL: return 0;
    case Ioctl.TIOCGETD: p.space.writeU32(arg, 0); return 0;
    case Ioctl.TIOCSETD: return p.space.readU32(arg) === 0 ? 0 : -Errno.EINVAL;
    case Ioctl.TIOCGDEV: p.space.writeU32(arg, Number(makedev(PTS_MAJOR, pty.index))); return 0;
    case Ioctl.TIOCSCTTY: return setControllingTty(p, pty, arg === 1);
    case Ioctl.TIOCNOTTY: return isSlave ? dropControllingTty(p, pty) : -Errno.ENOTTY;
    case Ioctl.TIOCSTI:
      if (p.ctty !== pty && p.creds.euid !== 0) return -Errno.EPERM;
      pty.simulateInput(p.space.read(arg, 1)[0]);
      return 0;
  }
  return -Errno.ENOTTY;
}
