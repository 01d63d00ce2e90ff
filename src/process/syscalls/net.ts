/**
 * Socket system calls. They decode the guest's arguments (socket addresses,
 * struct msghdr, control messages, option values) and hand them to the
 * socket objects of src/process/socket*.ts.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { AT_FDCWD, PathError, resolvePath } from "./paths.js";
import { interruptible, raiseSigpipe } from "./io.js";
import { mapResult, type IoResult, type OpenFile } from "../fd-table.js";
import { AF, Msg, So, SockType, Socket, Sol, decodeSockAddr, encodeSockAddr, type Accepted, type Outcome, type Received, type SockAddr } from "../socket.js";
import { TcpSocket } from "../socket-tcp.js";
import { UdpSocket } from "../socket-udp.js";
import { UnixSocket, type Credentials } from "../socket-unix.js";
import { NetlinkSocket, NETLINK_ROUTE } from "../socket-netlink.js";
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

/** sizeof(struct sockaddr_storage): the longest address a call accepts. */
const SOCKADDR_MAX = 128;
/** SOL_SOCKET control message types. */
const SCM_RIGHTS = 1;
/** The most descriptors one SCM_RIGHTS message may carry (SCM_MAX_FD). */
const SCM_MAX_FD = 253;
const IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_UDPLITE = 136;
const TCP_INFO = 11, TCP_CONGESTION = 13;
const SO_BINDTODEVICE = 25;
/** "Socket type not supported" (not in Errno). */
const ESOCKTNOSUPPORT = 94;

function credentials(p: Process): Credentials {
  return { pid: p.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** Releases files that were in flight (dropped with a discarded message). */
function dropper(p: Process): (files: OpenFile[]) => void {
  return (files) => { for (const f of files) p.fds.unretain(f); };
}

/** The socket at `fd`, or -EBADF / -ENOTSOCK. */
function socketAt(p: Process, fd: number): Socket | number {
  const f = p.fds.get(fd);
  if (f === undefined) return -Errno.EBADF;
  return f instanceof Socket ? f : -Errno.ENOTSOCK;
}

/** Reads and decodes a socket address argument; AF_UNIX paths also get the host path they stand for. */
function readAddr(p: Process, addr: number, len: number): SockAddr | number {
  if (len < 0 || len > SOCKADDR_MAX) return -Errno.EINVAL;
  const a = decodeSockAddr(p.space.read(addr, len));
  if (typeof a === "number" || a.family !== AF.UNIX || a.path === "" || a.path.startsWith("\0")) return a;
  try {
    return { ...a, hostPath: resolvePath(p, AT_FDCWD, a.path) };
  } catch (e) {
    if (e instanceof PathError) return e.errno;
    throw e;
  }
}

/** Writes a socket address to (addr, *lenPtr) as the kernel does: truncated to the room given, the full length stored. */
function writeAddr(p: Process, addr: number, lenPtr: number, a: SockAddr | undefined): number {
  if (addr === 0 || lenPtr === 0) return 0;
  const room = p.space.readU32(lenPtr) | 0;
  if (room < 0) return -Errno.EINVAL;
  const bytes = a === undefined ? new Uint8Array(0) : encodeSockAddr(a);
  if (bytes.length > 0) p.space.write(addr, bytes.subarray(0, Math.min(room, bytes.length)));
  p.space.writeU32(lenPtr, bytes.length);
  return 0;
}

/** Makes a socket of (domain, type, protocol), or a negative errno. */
function makeSocket(p: Process, domain: number, type: number, protocol: number, flags: number): Socket | number {
  switch (domain) {
    case AF.INET: case AF.INET6:
      if (type === SockType.STREAM) {
        if (protocol !== 0 && protocol !== IPPROTO_TCP) return -Errno.EPROTONOSUPPORT;
        return new TcpSocket(domain, type, IPPROTO_TCP, flags);
      }
      if (type === SockType.DGRAM) {
        // UDP-Lite travels as UDP datagrams on the host (Node has no UDP-Lite): guests of the run
        // talk to each other, with the coverage options kept, but not to a real UDP-Lite peer.
        if (protocol === IPPROTO_UDPLITE) return new UdpSocket(domain, type, IPPROTO_UDPLITE, flags);
        if (protocol !== 0 && protocol !== IPPROTO_UDP) return -Errno.EPROTONOSUPPORT;
        return new UdpSocket(domain, type, IPPROTO_UDP, flags);
      }
      if (type === SockType.RAW) return -Errno.EPERM;
      return -ESOCKTNOSUPPORT;
    case AF.UNIX:
      if (protocol !== 0 && protocol !== AF.UNIX) return -Errno.EPROTONOSUPPORT;
      if (type === SockType.STREAM) return new TcpSocket(domain, type, 0, flags);
      if (type === SockType.DGRAM || type === SockType.SEQPACKET) return new UnixSocket(type, flags, credentials(p), dropper(p));
      return -ESOCKTNOSUPPORT;
    case AF.NETLINK:
      if (type !== SockType.RAW && type !== SockType.DGRAM) return -ESOCKTNOSUPPORT;
      // Only the routing family (interfaces and addresses) is answered; others are absent, as without their modules.
      if (protocol !== NETLINK_ROUTE) return -Errno.EPROTONOSUPPORT;
      return new NetlinkSocket(type, flags, p.pid);
  }
  return -Errno.EAFNOSUPPORT;
}

/** Splits socket()'s type argument into the type and the SOCK_NONBLOCK/SOCK_CLOEXEC flags; -EINVAL for unknown bits. */
function splitType(raw: number): [number, number] | number {
  const flags = raw & (SockType.NONBLOCK | SockType.CLOEXEC);
  const rest = raw & ~flags;
  if (rest & ~0xf) return -Errno.EINVAL;
  return [rest, flags];
}

define(198, "socket", "ddd", (p, _t, a) => {
  const split = splitType(a.int(1));
  if (typeof split === "number") return split;
  const s = makeSocket(p, a.int(0), split[0], a.int(2), split[1]);
  if (typeof s === "number") return s;
  return p.fds.add(s, (split[1] & SockType.CLOEXEC) !== 0);
});

define(199, "socketpair", "dddx", (p, _t, a) => {
  const split = splitType(a.int(1));
  if (typeof split === "number") return split;
  const [type, flags] = split;
  const domain = a.int(0), protocol = a.int(2);
  if (domain === AF.INET || domain === AF.INET6) return -Errno.EOPNOTSUPP;
  if (domain !== AF.UNIX) return -Errno.EAFNOSUPPORT;
  if (protocol !== 0 && protocol !== AF.UNIX) return -Errno.EPROTONOSUPPORT;
  if (type !== SockType.STREAM && type !== SockType.DGRAM && type !== SockType.SEQPACKET) return -ESOCKTNOSUPPORT;
  const [s0, s1] = UnixSocket.pair(type, flags, credentials(p), dropper(p));
  const cloexec = (flags & SockType.CLOEXEC) !== 0;
  const fd0 = p.fds.add(s0, cloexec);
  if (fd0 < 0) return fd0;
  const fd1 = p.fds.add(s1, cloexec);
  if (fd1 < 0) {
    p.fds.close(fd0);
    return fd1;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setInt32(0, fd0, true);
  new DataView(out.buffer).setInt32(4, fd1, true);
  try {
    p.space.write(a.u64(3), out);
  } catch (e) {
    p.fds.close(fd0);
    p.fds.close(fd1);
    throw e;
  }
  return 0;
});

define(200, "bind", "dxd", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  const addr = readAddr(p, a.u64(1), a.int(2));
  if (typeof addr === "number") return addr;
  return s.bind(addr);
});

define(201, "listen", "dd", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  if (s.type !== SockType.STREAM && s.type !== SockType.SEQPACKET) return -Errno.EOPNOTSUPP;
  return s.listen(a.int(1));
});

function accept(p: Process, t: Thread, fd: number, addr: number, lenPtr: number, flags: number) {
  if (flags & ~(SockType.NONBLOCK | SockType.CLOEXEC)) return -Errno.EINVAL;
  const s = socketAt(p, fd);
  if (typeof s === "number") return s;
  if (s.type !== SockType.STREAM && s.type !== SockType.SEQPACKET) return -Errno.EOPNOTSUPP;
  const install = (r: Accepted | number): number => {
    if (typeof r === "number") return r;
    if (flags & SockType.NONBLOCK) r.socket.flags |= SockType.NONBLOCK;
    const nfd = p.fds.add(r.socket, (flags & SockType.CLOEXEC) !== 0);
    if (nfd < 0) {
      r.socket.release();
      return nfd;
    }
    try {
      writeAddr(p, addr, lenPtr, r.peer);
    } catch (e) {
      p.fds.close(nfd);
      throw e;
    }
    return nfd;
  };
  return interruptible(t, mapResult(s.accept(false), install));
}

define(202, "accept", "dxx", (p, t, a) => accept(p, t, a.int(0), a.u64(1), a.u64(2), 0));
define(242, "accept4", "dxxx", (p, t, a) => accept(p, t, a.int(0), a.u64(1), a.u64(2), a.int(3)));

define(203, "connect", "dxd", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  const addr = readAddr(p, a.u64(1), a.int(2));
  if (typeof addr === "number") return addr;
  return interruptible(t, s.connect(addr, s.nonblocking));
});

define(204, "getsockname", "dxx", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  return writeAddr(p, a.u64(1), a.u64(2), s.localAddress());
});

define(205, "getpeername", "dxx", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  const peer = s.peerAddress();
  if (peer === undefined) return -Errno.ENOTCONN;
  return writeAddr(p, a.u64(1), a.u64(2), peer);
});

/** Sends and raises SIGPIPE on EPIPE unless MSG_NOSIGNAL. */
function sendOn(p: Process, t: Thread, s: Socket, data: Uint8Array, flags: number, to: SockAddr | undefined, rights?: OpenFile[]): IoResult {
  const r = s.send(data, flags, to, rights);
  return interruptible(t, flags & Msg.NOSIGNAL ? r : raiseSigpipe(p, t, r));
}

define(206, "sendto", "dxuxxd", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  const data = p.space.read(a.u64(1), Math.min(a.u64(2), 1 << 24));
  let to: SockAddr | undefined;
  if (a.u64(4) !== 0) {
    const addr = readAddr(p, a.u64(4), a.int(5));
    if (typeof addr === "number") return addr;
    to = addr;
  }
  return sendOn(p, t, s, data, a.int(3), to);
});

/** A receive's result once known: the byte count, after `deliver` stored the rest. */
function afterRecv(r: Outcome<Received>, deliver: (got: Received) => void): IoResult {
  return mapResult(r, (v) => {
    if (typeof v === "number") return v;
    deliver(v);
    return v.n;
  });
}

define(207, "recvfrom", "dxuxxx", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  // The source address's buffer is read now: `a` holds another call's arguments once this one blocks.
  const addr = a.u64(1), fromAddr = a.u64(4), fromLenAddr = a.u64(5);
  const buf = new Uint8Array(Math.min(a.u64(2), 1 << 24));
  return interruptible(t, afterRecv(s.recv(buf, a.int(3)), (got) => {
    if (got.rights) dropper(p)(got.rights);
    const n = Math.min(got.n, buf.length);
    if (n > 0) p.space.write(addr, buf.subarray(0, n));
    writeAddr(p, fromAddr, fromLenAddr, got.from);
  }));
});

/** struct msghdr (56 bytes on a 64-bit target). */
interface MsgHdr {
  name: number;
  nameLen: number;
  iov: [number, number][];
  control: number;
  controlLen: number;
}

function readMsgHdr(p: Process, at: number): MsgHdr | number {
  const v = new DataView(p.space.read(at, 56).buffer);
  const iovAt = Number(v.getBigUint64(16, true)), iovLen = Number(v.getBigUint64(24, true));
  if (iovLen > 1024) return -Errno.EMSGSIZE; // UIO_MAXIOV
  const iov: [number, number][] = [];
  if (iovLen > 0) {
    const raw = new DataView(p.space.read(iovAt, iovLen * 16).buffer);
    for (let i = 0; i < iovLen; i++) iov.push([Number(raw.getBigUint64(i * 16, true)), Number(raw.getBigUint64(i * 16 + 8, true))]);
  }
  return {
    name: Number(v.getBigUint64(0, true)), nameLen: v.getInt32(8, true), iov,
    control: Number(v.getBigUint64(32, true)), controlLen: Number(v.getBigUint64(40, true)),
  };
}

const align8 = (n: number) => (n + 7) & ~7;

/** Files named by the SCM_RIGHTS control messages of `hdr` (retained for the flight), or -errno. */
function takeRights(p: Process, s: Socket, hdr: MsgHdr): OpenFile[] | undefined | number {
  if (hdr.control === 0 || hdr.controlLen < 16) return undefined;
  const ctl = p.space.read(hdr.control, Math.min(hdr.controlLen, 1 << 16));
  const v = new DataView(ctl.buffer);
  const files: OpenFile[] = [];
  for (let at = 0; at + 16 <= ctl.length; ) {
    const len = Number(v.getBigUint64(at, true)), level = v.getInt32(at + 8, true), type = v.getInt32(at + 12, true);
    if (len < 16 || at + len > ctl.length) return -Errno.EINVAL;
    if (level === Sol.SOCKET && type === SCM_RIGHTS) {
      if (s.domain !== AF.UNIX) return -Errno.EINVAL;
      for (let k = at + 16; k + 4 <= at + len; k += 4) {
        const f = p.fds.get(v.getInt32(k, true));
        if (f === undefined) return -Errno.EBADF;
        files.push(f);
      }
    }
    at += align8(len);
  }
  if (files.length > SCM_MAX_FD) return -Errno.EINVAL;
  if (files.length === 0) return undefined;
  if (!(s instanceof UnixSocket)) return -Errno.EOPNOTSUPP; // path sockets run over the host's network stack
  for (const f of files) p.fds.retain(f);
  return files;
}

function sendmsg(p: Process, t: Thread, s: Socket, at: number, flags: number): IoResult {
  const hdr = readMsgHdr(p, at);
  if (typeof hdr === "number") return hdr;
  let to: SockAddr | undefined;
  if (hdr.name !== 0 && hdr.nameLen > 0) {
    const addr = readAddr(p, hdr.name, hdr.nameLen);
    if (typeof addr === "number") return addr;
    to = addr;
  }
  const data = Buffer.concat(hdr.iov.map(([base, len]) => p.space.read(base, len)));
  const rights = takeRights(p, s, hdr);
  if (typeof rights === "number") return rights;
  return mapResult(sendOn(p, t, s, data, flags, to, rights), (n) => {
    if (n < 0 && rights) dropper(p)(rights);
    return n;
  });
}

define(211, "sendmsg", "dxx", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  return sendmsg(p, t, s, a.u64(1), a.int(2));
});

/** Fills in the guest's msghdr after a receive: data, address, SCM_RIGHTS descriptors, msg_flags. */
function deliverMsg(p: Process, at: number, hdr: MsgHdr, buf: Uint8Array, got: Received, flags: number): void {
  let left = Math.min(got.n, buf.length), off = 0;
  for (const [base, len] of hdr.iov) {
    if (left <= 0) break;
    const k = Math.min(len, left);
    p.space.write(base, buf.subarray(off, off + k));
    off += k;
    left -= k;
  }
  let msgFlags = got.flags ?? 0;
  if (hdr.name !== 0) {
    const bytes = got.from === undefined ? new Uint8Array(0) : encodeSockAddr(got.from);
    p.space.write(hdr.name, bytes.subarray(0, Math.min(Math.max(hdr.nameLen, 0), bytes.length)));
    p.space.writeU32(at + 8, bytes.length);
  } else p.space.writeU32(at + 8, 0);
  let used = 0;
  if (got.rights !== undefined) {
    const room = Math.max(0, Math.floor((hdr.controlLen - 16) / 4));
    const fit = hdr.control === 0 ? 0 : Math.min(room, got.rights.length);
    if (fit < got.rights.length) msgFlags |= Msg.CTRUNC;
    if (fit > 0) {
      const cmsg = new Uint8Array(16 + fit * 4);
      const v = new DataView(cmsg.buffer);
      v.setBigUint64(0, BigInt(16 + fit * 4), true);
      v.setInt32(8, Sol.SOCKET, true);
      v.setInt32(12, SCM_RIGHTS, true);
      got.rights.slice(0, fit).forEach((f, i) => {
        const fd = p.fds.add(f, (flags & Msg.CMSG_CLOEXEC) !== 0);
        v.setInt32(16 + i * 4, fd, true);
      });
      p.space.write(hdr.control, cmsg);
      used = Math.min(align8(cmsg.length), hdr.controlLen);
    }
    dropper(p)(got.rights); // the in-flight references; installed descriptors hold their own
  }
  p.space.writeU64(at + 40, used);
  p.space.writeU32(at + 48, msgFlags);
}

function recvmsg(p: Process, t: Thread, s: Socket, at: number, flags: number): IoResult {
  const hdr = readMsgHdr(p, at);
  if (typeof hdr === "number") return hdr;
  const total = hdr.iov.reduce((n, [, len]) => n + len, 0);
  const buf = new Uint8Array(Math.min(total, 1 << 24));
  return interruptible(t, afterRecv(s.recv(buf, flags), (got) => deliverMsg(p, at, hdr, buf, got, flags)));
}

define(212, "recvmsg", "dxx", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  return recvmsg(p, t, s, a.u64(1), a.int(2));
});

/** struct mmsghdr: a msghdr and the byte count of that message (64 bytes with padding). */
const MMSGHDR_SIZE = 64;
const MSG_WAITFORONE = 0x10000;

/**
 * sendmmsg/recvmmsg: one message after another; stops at the first failure
 * (reported only if nothing was done) and, for recvmmsg with
 * MSG_WAITFORONE, waits only for the first.
 */
function eachMessage(p: Process, vec: number, count: number, flags: number, one: (at: number, flags: number) => IoResult): IoResult {
  const limit = Math.min(count, 1024);
  let done = 0;
  const nextFlags = () => (flags & ~MSG_WAITFORONE) | (flags & MSG_WAITFORONE && done > 0 ? Msg.DONTWAIT : 0);
  /** Records one message's result; returns the call's result once it is over. */
  const record = (n: number): number | undefined => {
    if (n < 0) return done > 0 ? done : n;
    p.space.writeU32(vec + done * MMSGHDR_SIZE + 56, n);
    done++;
    return done >= limit ? done : undefined;
  };
  const later = async (pending: Promise<number>): Promise<number> => {
    let r: IoResult = pending;
    for (;;) {
      const end = record(await r);
      if (end !== undefined) return end;
      r = one(vec + done * MMSGHDR_SIZE, nextFlags());
    }
  };
  if (limit === 0) return 0;
  for (;;) {
    const r = one(vec + done * MMSGHDR_SIZE, nextFlags());
    if (r instanceof Promise) return later(r);
    const end = record(r);
    if (end !== undefined) return end;
  }
}

define(269, "sendmmsg", "dxux", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  return eachMessage(p, a.u64(1), a.u32(2), a.int(3), (at, f) => sendmsg(p, t, s, at, f));
});

define(243, "recvmmsg", "dxuxx", (p, t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  // TODO: the timeout argument (a.u64(4)) is not honoured; the calls wait as recvmsg does.
  return eachMessage(p, a.u64(1), a.u32(2), a.int(3), (at, f) => recvmsg(p, t, s, at, f));
});

define(210, "shutdown", "dd", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  return s.shutdown(a.int(1));
});

/** Reads a struct timeval option as milliseconds; -EINVAL / -EDOM when malformed. */
function readTimeval(p: Process, at: number, len: number): number {
  if (len < 16) return -Errno.EINVAL;
  const sec = Number(BigInt.asIntN(64, p.space.readBig(at))), usec = Number(BigInt.asIntN(64, p.space.readBig(at + 8)));
  if (usec < 0 || usec >= 1_000_000) return -Errno.EDOM;
  if (sec < 0) return 0;
  return sec * 1000 + Math.ceil(usec / 1000);
}

define(208, "setsockopt", "dddxd", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  const level = a.int(1), name = a.int(2), at = a.u64(3), len = a.int(4);
  if (len < 0) return -Errno.EINVAL;
  if (level === Sol.SOCKET) {
    switch (name) {
      case So.RCVTIMEO: case So.RCVTIMEO_NEW: case So.SNDTIMEO: case So.SNDTIMEO_NEW: {
        const ms = readTimeval(p, at, len);
        if (ms < 0) return ms;
        if (name === So.RCVTIMEO || name === So.RCVTIMEO_NEW) s.rcvTimeoutMs = ms;
        else s.sndTimeoutMs = ms;
        return 0;
      }
      case So.LINGER: {
        if (len < 8) return -Errno.EINVAL;
        s.linger = [p.space.readU32(at) | 0, p.space.readU32(at + 4) | 0];
        return 0;
      }
      case SO_BINDTODEVICE:
        return 0;
    }
  }
  if (level === IPPROTO_TCP && name === TCP_CONGESTION) {
    // Any algorithm name is taken (and ignored): the host's stack does the congestion control.
    if (s.domain === AF.UNIX) return -Errno.EOPNOTSUPP;
    return s.type === SockType.STREAM ? 0 : -Errno.ENOPROTOOPT;
  }
  if (len < 4) return -Errno.EINVAL;
  return s.setOption(level, name, p.space.readU32(at) | 0);
});

define(209, "getsockopt", "dddxx", (p, _t, a) => {
  const s = socketAt(p, a.int(0));
  if (typeof s === "number") return s;
  const level = a.int(1), name = a.int(2), at = a.u64(3), lenPtr = a.u64(4);
  const room = p.space.readU32(lenPtr) | 0;
  if (room < 0) return -Errno.EINVAL;
  const give = (bytes: Uint8Array) => {
    const n = Math.min(room, bytes.length);
    p.space.write(at, bytes.subarray(0, n));
    p.space.writeU32(lenPtr, n);
    return 0;
  };
  const ints = (...xs: number[]) => {
    const b = new Uint8Array(xs.length * 4);
    xs.forEach((x, i) => new DataView(b.buffer).setInt32(i * 4, x, true));
    return b;
  };
  if (level === Sol.SOCKET) {
    switch (name) {
      case So.RCVTIMEO: case So.RCVTIMEO_NEW: case So.SNDTIMEO: case So.SNDTIMEO_NEW: {
        const ms = name === So.RCVTIMEO || name === So.RCVTIMEO_NEW ? s.rcvTimeoutMs : s.sndTimeoutMs;
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigInt64(0, BigInt(Math.floor(ms / 1000)), true);
        new DataView(b.buffer).setBigInt64(8, BigInt((ms % 1000) * 1000), true);
        return give(b);
      }
      case So.LINGER:
        return give(ints(...s.linger));
      case So.PEERCRED: {
        if (s instanceof UnixSocket) {
          const c = s.peer?.cred;
          return give(c ? ints(c.pid, c.uid, c.gid) : ints(0, -1, -1));
        }
        if (s.domain === AF.UNIX) { const c = credentials(p); return give(ints(c.pid, c.uid, c.gid)); }
        return give(ints(0, 65534, 65534));
      }
      case SO_BINDTODEVICE:
        p.space.writeU32(lenPtr, 0);
        return 0;
    }
  }
  if (level === IPPROTO_TCP && s.domain !== AF.UNIX && s.type === SockType.STREAM) {
    if (name === TCP_INFO) {
      const info = new Uint8Array(232);
      info[0] = s.peerAddress() !== undefined ? 1 /* TCP_ESTABLISHED */ : 7 /* TCP_CLOSE */;
      return give(info);
    }
    if (name === TCP_CONGESTION) return give(new Uint8Array([...Buffer.from("cubic"), ...new Array<number>(11).fill(0)]));
  }
  const v = s.getOption(level, name);
  if (v === undefined) return -Errno.ENOPROTOOPT;
  return give(ints(v));
});
