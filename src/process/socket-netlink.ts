/**
 * AF_NETLINK sockets of protocol NETLINK_ROUTE, answered inside the process
 * VM: a request sent to the kernel (port 0) is answered with the messages of
 * netlink-route.ts, queued as datagrams for recv, one message each, as the
 * kernel's dumps may come. Multicast groups (link and address change
 * notifications) are accepted at bind and never deliver anything: the host's
 * interfaces do not change under a guest as far as it can see.
 */
import { Errno } from "./syscalls/errno.js";
import { PollEv, type IoResult } from "./fd-table.js";
import { AF, Msg, Socket, type Accepted, type Outcome, type Received, type SockAddr } from "./socket.js";
import { NLMSG_HDRLEN, Nlm, nlmsg, routeReply } from "./netlink-route.js";

/** The netlink protocols: only NETLINK_ROUTE is served. */
export const NETLINK_ROUTE = 0;

/** The kernel's own address: port 0, no groups. */
const KERNEL: SockAddr = { family: AF.NETLINK, pid: 0, groups: 0 };

/** A NETLINK_ROUTE socket (SOCK_RAW or SOCK_DGRAM). */
export class NetlinkSocket extends Socket {
  /** Port id: the process's pid once bound or once it has sent (autobind), as Linux gives the first socket. */
  private port = 0;
  private groups = 0;
  private readonly queue: Uint8Array[] = [];
  private shut = false;

  constructor(type: number, flags: number, private readonly pid: number) {
    super(AF.NETLINK, type, NETLINK_ROUTE, flags);
  }

  get listening(): boolean {
    return false;
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF.NETLINK) return -Errno.EINVAL;
    if (this.port !== 0 && addr.pid !== 0 && addr.pid !== this.port) return -Errno.EINVAL;
    this.port = addr.pid !== 0 ? addr.pid : this.port || this.pid;
    this.groups = addr.groups;
    return 0;
  }

  listen(): number {
    return -Errno.EOPNOTSUPP;
  }

  accept(): Outcome<Accepted> {
    return -Errno.EOPNOTSUPP;
  }

  connect(addr: SockAddr): IoResult {
    if (addr.family !== AF.NETLINK && addr.family !== AF.UNSPEC) return -Errno.EINVAL;
    if (this.port === 0) this.port = this.pid;
    return 0;
  }

  /** Takes the requests in `data` (one or more nlmsghdr-framed messages) and queues the answers. */
  send(data: Uint8Array, _flags: number, to?: SockAddr): IoResult {
    if (to !== undefined && to.family === AF.NETLINK && to.pid !== 0) return -Errno.ECONNREFUSED; // only the kernel answers
    if (this.port === 0) this.port = this.pid;
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    for (let at = 0; at + NLMSG_HDRLEN <= data.length; ) {
      const len = v.getUint32(at, true), type = v.getUint16(at + 4, true), flags = v.getUint16(at + 6, true), seq = v.getUint32(at + 8, true);
      if (len < NLMSG_HDRLEN || at + len > data.length) break;
      if ((flags & Nlm.F_REQUEST) !== 0) {
        const family = len > NLMSG_HDRLEN ? data[at + NLMSG_HDRLEN] : 0;
        const index = len >= NLMSG_HDRLEN + 8 ? v.getInt32(at + NLMSG_HDRLEN + 4, true) : 0;
        const reply = routeReply(type, flags, seq, this.port, family, index);
        if (typeof reply === "object") this.queue.push(...reply);
        if (typeof reply !== "object" || (flags & Nlm.F_ACK) !== 0) {
          this.queue.push(this.errorMessage(typeof reply === "number" ? reply : reply === undefined ? -Errno.EOPNOTSUPP : 0, data.subarray(at, at + NLMSG_HDRLEN), seq));
        }
      }
      at += (len + 3) & ~3;
    }
    this.wake(PollEv.IN | PollEv.RDNORM);
    return data.length;
  }

  /** NLMSG_ERROR carrying `errno` (0: an acknowledgement) and the request's header. */
  private errorMessage(errno: number, request: Uint8Array, seq: number): Uint8Array {
    const body = new Uint8Array(4 + request.length);
    new DataView(body.buffer).setInt32(0, errno, true);
    body.set(request, 4);
    return nlmsg(Nlm.ERROR, 0, seq, this.port, body);
  }

  recv(buf: Uint8Array, flags: number): Outcome<Received> {
    const peek = (flags & Msg.PEEK) !== 0;
    return this.wait<Received>(() => {
      const m = this.queue[0];
      if (m === undefined) return this.shut ? { n: 0, from: KERNEL } : undefined;
      if (!peek) this.queue.shift();
      buf.set(m.subarray(0, Math.min(buf.length, m.length)));
      const truncated = m.length > buf.length;
      // MSG_TRUNC asks for the datagram's real length.
      return { n: (flags & Msg.TRUNC) !== 0 ? m.length : Math.min(buf.length, m.length), from: KERNEL, ...(truncated && { flags: Msg.TRUNC }) };
    }, this.nonblocking || (flags & Msg.DONTWAIT) !== 0, this.rcvTimeoutMs);
  }

  localAddress(): SockAddr {
    return { family: AF.NETLINK, pid: this.port, groups: this.groups };
  }

  peerAddress(): SockAddr {
    return KERNEL;
  }

  shutdown(): number {
    this.shut = true;
    this.wake(PollEv.IN | PollEv.RDNORM);
    return 0;
  }

  poll(events: number): number {
    const ready = PollEv.OUT | PollEv.WRNORM | (this.queue.length > 0 || this.shut ? PollEv.IN | PollEv.RDNORM : 0);
    return ready & (events | PollEv.ERR | PollEv.HUP);
  }

  release(): void {
    this.queue.length = 0;
  }
}
