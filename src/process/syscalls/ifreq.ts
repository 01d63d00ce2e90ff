/**
 * The interface ioctls a socket answers with a struct ifreq (linux/if.h:
 * the name in 16 bytes, then a union): SIOCGIFINDEX and SIOCGIFNAME, which
 * glibc's if_nametoindex and if_indextoname use, and SIOCGIFFLAGS,
 * SIOCGIFMTU and SIOCGIFHWADDR, about the host's interfaces
 * (netlink-route.ts). Setting anything about an interface is EPERM, as for
 * a process without CAP_NET_ADMIN.
 */
import { Errno } from "./errno.js";
import { links, type Link } from "../netlink-route.js";
import type { OpenFile } from "../fd-table.js";
import type { Process } from "../process.js";

/** The requests (linux/sockios.h). */
const enum Sioc {
  GIFNAME = 0x8910, GIFFLAGS = 0x8913, SIFFLAGS = 0x8914, GIFMTU = 0x8921, SIFMTU = 0x8922,
  GIFHWADDR = 0x8927, GIFINDEX = 0x8933,
}

/** struct ifreq's size, and IFNAMSIZ. */
const IFREQ_SIZE = 40, IFNAMSIZ = 16;

/**
 * Answers interface ioctl `req` on socket `f` with the ifreq at `arg`;
 * undefined when `req` is not one of these (or `f` is not a socket).
 */
export function ifreqIoctl(p: Process, f: OpenFile, req: number, arg: number): number | undefined {
  if (f.kind !== "socket") return undefined;
  if (req === Sioc.SIFFLAGS || req === Sioc.SIFMTU) return -Errno.EPERM;
  if (req !== Sioc.GIFNAME && req !== Sioc.GIFFLAGS && req !== Sioc.GIFMTU && req !== Sioc.GIFHWADDR && req !== Sioc.GIFINDEX) return undefined;
  const ifr = p.space.read(arg, IFREQ_SIZE).slice();
  const v = new DataView(ifr.buffer);
  let link: Link | undefined;
  if (req === Sioc.GIFNAME) {
    link = links().find((l) => l.index === v.getInt32(IFNAMSIZ, true));
    if (link === undefined) return -Errno.ENODEV;
    ifr.fill(0, 0, IFNAMSIZ);
    ifr.set(Buffer.from(link.name, "utf8").subarray(0, IFNAMSIZ - 1));
  } else {
    const end = ifr.indexOf(0);
    const name = Buffer.from(ifr.subarray(0, end < 0 || end > IFNAMSIZ ? IFNAMSIZ : end)).toString("utf8");
    link = links().find((l) => l.name === name);
    if (link === undefined) return -Errno.ENODEV;
    switch (req) {
      case Sioc.GIFINDEX: v.setInt32(IFNAMSIZ, link.index, true); break;
      case Sioc.GIFFLAGS: v.setUint16(IFNAMSIZ, link.flags & 0xffff, true); break;
      case Sioc.GIFMTU: v.setInt32(IFNAMSIZ, link.mtu, true); break;
      case Sioc.GIFHWADDR:
        // A struct sockaddr: the ARPHRD type as the family, then the hardware address.
        ifr.fill(0, IFNAMSIZ, IFREQ_SIZE);
        v.setUint16(IFNAMSIZ, link.type, true);
        if (link.mac !== undefined) ifr.set(link.mac.subarray(0, 14), IFNAMSIZ + 2);
        break;
    }
  }
  p.space.write(arg, ifr);
  return 0;
}
