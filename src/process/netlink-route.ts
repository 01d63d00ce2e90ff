/**
 * The host's network interfaces as rtnetlink (NETLINK_ROUTE) describes them:
 * the RTM_NEWLINK and RTM_NEWADDR messages a dump of RTM_GETLINK or
 * RTM_GETADDR answers with (linux/rtnetlink.h, linux/if_link.h,
 * linux/if_addr.h). glibc's if_nameindex and getifaddrs, getaddrinfo's
 * AI_ADDRCONFIG check and Go's net.Interfaces read them. Links come from
 * /sys/class/net, addresses from Node's os.networkInterfaces().
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { AF, parseIPv6 } from "./socket.js";
import { Errno } from "./syscalls/errno.js";

/** Netlink message types and flags (linux/netlink.h, linux/rtnetlink.h). */
export const enum Nlm {
  ERROR = 2, DONE = 3,
  RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22,
  F_REQUEST = 0x1, F_MULTI = 0x2, F_ACK = 0x4, F_DUMP = 0x300,
}

/** Size of struct nlmsghdr. */
export const NLMSG_HDRLEN = 16;

/** IFF_* flags used here (linux/if.h). */
const IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_RUNNING = 0x40, IFF_LOWER_UP = 0x10000;
/** rtattr types of a link and of an address. */
const IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4;
const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4;
/** Address scopes (rtm_scope): global, link-local, host. */
const RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
/** IFA_F_PERMANENT: an address configured by hand, not learnt (what the host's static addresses carry). */
const IFA_F_PERMANENT = 0x80;

/** One host interface as RTM_NEWLINK reports it. */
export interface Link {
  name: string;
  index: number;
  flags: number;
  type: number;
  mtu: number;
  mac?: Uint8Array;
  broadcast?: Uint8Array;
}

const NET = "/sys/class/net";

/** A /sys attribute of interface `name` as text, or undefined when it cannot be read. */
function attr(name: string, key: string): string | undefined {
  try { return fs.readFileSync(`${NET}/${name}/${key}`, "latin1").trim(); } catch { return undefined; }
}

/** "aa:bb:cc" as bytes. */
function hwaddr(text: string | undefined): Uint8Array | undefined {
  if (text === undefined || text === "") return undefined;
  return Uint8Array.from(text.split(":").map((h) => parseInt(h, 16)));
}

/** The host's interfaces, by index (also read by the SIOCGIF* ioctls: ifreq.ts). */
export function links(): Link[] {
  let names: string[];
  try { names = fs.readdirSync(NET); } catch { return []; }
  const out: Link[] = [];
  for (const name of names) {
    const index = Number(attr(name, "ifindex"));
    if (!(index > 0)) continue;
    let flags = Number(attr(name, "flags") ?? 0);
    // dev_get_flags adds the carrier's state to what /sys shows.
    if ((flags & IFF_UP) !== 0 && attr(name, "carrier") === "1") flags |= IFF_LOWER_UP | IFF_RUNNING;
    out.push({
      name, index, flags, type: Number(attr(name, "type") ?? 0), mtu: Number(attr(name, "mtu") ?? 0),
      mac: hwaddr(attr(name, "address")), broadcast: hwaddr(attr(name, "broadcast")),
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Appends rtattrs to a message body. */
class Attrs {
  readonly parts: Uint8Array[] = [];

  add(type: number, data: Uint8Array): this {
    const len = 4 + data.length;
    const b = new Uint8Array((len + 3) & ~3);
    const v = new DataView(b.buffer);
    v.setUint16(0, len, true);
    v.setUint16(2, type, true);
    b.set(data, 4);
    this.parts.push(b);
    return this;
  }

  u32(type: number, x: number): this {
    const d = new Uint8Array(4);
    new DataView(d.buffer).setUint32(0, x, true);
    return this.add(type, d);
  }

  str(type: number, s: string): this {
    return this.add(type, Buffer.from(s + "\0", "utf8"));
  }
}

/** A netlink message: header, fixed part and attributes. */
export function nlmsg(type: number, flags: number, seq: number, pid: number, fixed: Uint8Array, attrs: Attrs = new Attrs()): Uint8Array {
  const len = NLMSG_HDRLEN + fixed.length + attrs.parts.reduce((n, p) => n + p.length, 0);
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  v.setUint32(12, pid, true);
  b.set(fixed, NLMSG_HDRLEN);
  let at = NLMSG_HDRLEN + fixed.length;
  for (const p of attrs.parts) { b.set(p, at); at += p.length; }
  return b;
}

/** RTM_NEWLINK for one link: struct ifinfomsg and its name, MTU and hardware addresses. */
function linkMessage(l: Link, seq: number, pid: number, flags: number): Uint8Array {
  const info = new Uint8Array(16);
  const v = new DataView(info.buffer);
  v.setUint16(2, l.type, true);
  v.setInt32(4, l.index, true);
  v.setUint32(8, l.flags, true);
  const a = new Attrs().str(IFLA_IFNAME, l.name).u32(IFLA_MTU, l.mtu);
  if (l.mac !== undefined) a.add(IFLA_ADDRESS, l.mac);
  if (l.broadcast !== undefined) a.add(IFLA_BROADCAST, l.broadcast);
  return nlmsg(Nlm.RTM_NEWLINK, flags, seq, pid, info, a);
}

/** The scope Linux gives an address. */
function scopeOf(family: number, address: string): number {
  if (family === AF.INET) return address.startsWith("127.") ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  if (address === "::1") return RT_SCOPE_HOST;
  return /^fe[89ab]/i.test(address) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
}

/** RTM_NEWADDR messages for every address of the host's interfaces (IPv4 first, as Linux dumps them), of `family` or all. */
function addressMessages(family: number, seq: number, pid: number, flags: number): Uint8Array[] {
  const byName = new Map(links().map((l) => [l.name, l]));
  const v4: Uint8Array[] = [], v6: Uint8Array[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    const link = byName.get(name);
    if (link === undefined || addrs === undefined) continue;
    for (const a of addrs) {
      const fam = a.family === "IPv4" ? AF.INET : AF.INET6;
      if (family !== AF.UNSPEC && family !== fam) continue;
      const prefix = Number(a.cidr?.split("/")[1] ?? (fam === AF.INET ? 32 : 128));
      const fixed = new Uint8Array(8);
      const fv = new DataView(fixed.buffer);
      fixed[0] = fam;
      fixed[1] = prefix;
      fixed[2] = IFA_F_PERMANENT;
      fixed[3] = scopeOf(fam, a.address);
      fv.setUint32(4, link.index, true);
      const attrs = new Attrs();
      if (fam === AF.INET) {
        const bytes = Uint8Array.from(a.address.split(".").map(Number));
        attrs.add(IFA_ADDRESS, bytes).add(IFA_LOCAL, bytes);
        if ((link.flags & IFF_BROADCAST) !== 0 && prefix < 31) {
          const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
          const n = (((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0) | (~mask >>> 0);
          attrs.add(IFA_BROADCAST, Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
        }
        attrs.str(IFA_LABEL, name);
        v4.push(nlmsg(Nlm.RTM_NEWADDR, flags, seq, pid, fixed, attrs));
      } else {
        const bytes = parseIPv6(a.address.split("%")[0]);
        if (bytes === undefined) continue;
        attrs.add(IFA_ADDRESS, bytes);
        v6.push(nlmsg(Nlm.RTM_NEWADDR, flags, seq, pid, fixed, attrs));
      }
    }
  }
  return [...v4, ...v6];
}

/**
 * The answer to one NETLINK_ROUTE request (`type`, `flags`, `seq` and the
 * first byte of its body, the family filter; `index` for one link) from
 * socket `pid`: the dumped messages and NLMSG_DONE, a negative errno for the
 * error message, or undefined for a request this table does not answer.
 */
export function routeReply(type: number, flags: number, seq: number, pid: number, family: number, index: number): Uint8Array[] | number | undefined {
  const dump = (flags & Nlm.F_DUMP) === Nlm.F_DUMP;
  const done = () => {
    const zero = new Uint8Array(4);
    return nlmsg(Nlm.DONE, Nlm.F_MULTI, seq, pid, zero);
  };
  if (type === Nlm.RTM_GETLINK) {
    const all = links();
    if (dump) return [...all.map((l) => linkMessage(l, seq, pid, Nlm.F_MULTI)), done()];
    const one = all.find((l) => l.index === index);
    return one === undefined ? -Errno.ENODEV : [linkMessage(one, seq, pid, 0)];
  }
  if (type === Nlm.RTM_GETADDR && dump) return [...addressMessages(family, seq, pid, Nlm.F_MULTI), done()];
  return undefined;
}
