/**
 * The `--net` option, parsed: which backend a guest NIC uses, its MAC
 * address, and for user-mode networking the host forwards. The syntax follows
 * QEMU's `-netdev user` where it can, so scripts carry over:
 *
 *   user[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...[,mac=MAC]
 *   switch:NAME[,mac=MAC]
 *
 * (`hostfwd=udp:...` too). An empty HOSTADDR means every host address, as in
 * QEMU; an empty GUESTADDR means the address DHCP hands out (10.0.2.15).
 */
import { formatMac, parseMac, type Mac } from "./link.js";

/** One host port forwarded into the guest. */
export interface HostForward {
  protocol: "tcp" | "udp";
  /** Host address to listen on ("" for all). */
  hostAddr: string;
  hostPort: number;
  /** Guest address ("" for the DHCP address). */
  guestAddr: string;
  guestPort: number;
}

/** A NIC's backend and address, as given on the command line or in the API. */
export type NetSpec = (
  | { backend: "user"; hostForwards: HostForward[] }
  | { backend: "switch"; name: string }
) & {
  mac?: string;
  /** The card's name in the hypervisor API (iface_id); absent for `boot --net`. */
  id?: string;
};

/** A `--net` value that does not parse. */
export class NetSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetSpecError";
  }
}

/** Names a switch may have: what fits in a socket file name. */
export const SWITCH_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Parses one `--net` value (throws NetSpecError with a one-line reason). */
export function parseNetSpec(text: string): NetSpec {
  const [head, ...opts] = text.split(",");
  let spec: NetSpec;
  if (head === "user") spec = { backend: "user", hostForwards: [] };
  else if (head.startsWith("switch:")) {
    const name = head.slice("switch:".length);
    if (!SWITCH_NAME.test(name)) throw new NetSpecError(`switch name '${name}' must be 1-64 letters, digits, '.', '_' or '-'`);
    spec = { backend: "switch", name };
  } else throw new NetSpecError(`'${head}' is not a network backend: use user[,hostfwd=...] or switch:NAME`);
  for (const opt of opts) {
    const eq = opt.indexOf("=");
    const key = eq < 0 ? opt : opt.slice(0, eq), value = eq < 0 ? "" : opt.slice(eq + 1);
    if (key === "mac") {
      const mac = parseMac(value);
      if (mac === undefined || (mac[0] & 1) !== 0) throw new NetSpecError(`mac=${value} is not a unicast MAC address like 52:54:00:12:34:56`);
      spec.mac = formatMac(mac);
    } else if (key === "hostfwd" && spec.backend === "user") {
      spec.hostForwards.push(parseHostForward(value));
    } else {
      throw new NetSpecError(`unknown option '${key}' for ${spec.backend} networking`);
    }
  }
  return spec;
}

/** Parses `tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT`. */
export function parseHostForward(text: string): HostForward {
  const m = /^(tcp|udp)?:([^:-]*):(\d+)-([^:]*):(\d+)$/.exec(text);
  if (m === null) throw new NetSpecError(`hostfwd=${text}: want tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT`);
  const hostPort = Number(m[3]), guestPort = Number(m[5]);
  for (const [what, port] of [["host", hostPort], ["guest", guestPort]] as const) {
    if (!(port >= 1 && port <= 65535)) throw new NetSpecError(`hostfwd=${text}: ${what} port ${port} is not in 1..65535`);
  }
  for (const addr of [m[2], m[4]]) {
    if (addr !== "" && parseIpv4(addr) === undefined) throw new NetSpecError(`hostfwd=${text}: '${addr}' is not an IPv4 address`);
  }
  return { protocol: (m[1] ?? "tcp") as "tcp" | "udp", hostAddr: m[2], hostPort, guestAddr: m[4], guestPort };
}

/** The dotted-quad IPv4 address as a 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const p = text.split(".");
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) return undefined;
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** A 32-bit IPv4 address in dotted-quad form. */
export function formatIpv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/**
 * The MAC address of NIC `index` when none was given: QEMU's 52:54:00:12:34:56
 * for the first NIC, with the last byte counting up; `salt` (a VM's id in the
 * hypervisor) makes guests of one host differ.
 */
export function defaultMac(index: number, salt = 0): Mac {
  const mac = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
  if (salt !== 0) { mac[3] = (salt >>> 16) & 255; mac[4] = (salt >>> 8) & 255; mac[5] = salt & 255; }
  mac[5] = (mac[5] + index) & 255;
  return mac;
}
