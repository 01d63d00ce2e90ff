/**
 * The addresses of user-mode networking, as QEMU's `-netdev user` lays them
 * out, so that guest scripts written for QEMU work unchanged.
 */
import { parseIpv4 } from "../spec.js";

const ip = (s: string): number => parseIpv4(s)!;

/** The guest network, 10.0.2.0/24. */
export const NETWORK = ip("10.0.2.0");
export const NETMASK = ip("255.255.255.0");
/** The gateway, which is also how the guest reaches the host's loopback. */
export const GATEWAY = ip("10.0.2.2");
/** The DNS server, answered from the host's resolver. */
export const DNS_SERVER = ip("10.0.2.3");
/** The address DHCP hands out. */
export const GUEST = ip("10.0.2.15");
/** Limited broadcast. */
export const BROADCAST = 0xffffffff;
/** Host loopback, where 10.0.2.2 leads. */
export const HOST_LOOPBACK = ip("127.0.0.1");
/** The MAC address the gateway and the DNS server answer ARP with (QEMU's). */
export const GATEWAY_MAC = Uint8Array.of(0x52, 0x55, 0x0a, 0x00, 0x02, 0x02);
/** The broadcast MAC address. */
export const BROADCAST_MAC = Uint8Array.of(255, 255, 255, 255, 255, 255);
/** Seconds of a DHCP lease. */
export const LEASE_SECONDS = 86400;

/** Whether an address is inside the guest network. */
export const inNetwork = (addr: number): boolean => ((addr & NETMASK) >>> 0) === NETWORK;
