/**
 * How Ethernet frames leave and reach a guest's NIC. A NIC (virtio-net) owns
 * one NetBackend: it hands the backend every frame the guest transmits, and
 * the backend delivers frames for the guest through the function it was
 * attached with. Backends: user-mode networking (net/user/, a NAT to the
 * host's sockets) and a port on a virtual switch (net/switch/).
 *
 * Frames are whole Ethernet II frames without preamble or FCS: 14-byte header
 * (destination MAC, source MAC, EtherType) and payload, at most
 * MAX_FRAME bytes.
 */

/** Largest frame a backend carries: 1500-byte MTU plus the 14-byte Ethernet header. */
export const MAX_FRAME = 1514;
/** Smallest frame worth looking at: an Ethernet header. */
export const ETH_HEADER = 14;

/** The network side of one guest NIC. */
export interface NetBackend {
  /** Short description for messages and metrics ("user", "switch:lab"). */
  readonly kind: string;
  /**
   * Starts delivering frames for the guest to `deliver` (the NIC copies the
   * frame before deliver returns, so the backend may reuse its buffer).
   */
  attach(deliver: (frame: Uint8Array) => void): void;
  /**
   * A frame the guest transmitted. The backend must not keep `frame` past
   * the call (the NIC may reuse it): copy what it keeps.
   */
  transmit(frame: Uint8Array): void;
  /** Stops: closes host sockets and listeners, leaves the switch. */
  close(): void;
}

/** Packet and byte counters of one NIC, as metrics report them. */
export interface NetCounters {
  /** Frames the guest sent that left through the backend. */
  txPackets: number;
  txBytes: number;
  /** Frames delivered into the guest's receive buffers. */
  rxPackets: number;
  rxBytes: number;
  /** Frames dropped: malformed chains or frames from the guest, or no receive buffer free for too long. */
  txDropped: number;
  rxDropped: number;
}

/** A MAC address as six bytes. */
export type Mac = Uint8Array;

/** "52:54:00:12:34:56" for six bytes. */
export function formatMac(mac: Mac): string {
  return Array.from(mac.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}

/** Parses "52:54:00:12:34:56" (or with dashes); undefined when it is not a MAC address. */
export function parseMac(text: string): Mac | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** Whether a MAC address is a group (multicast or broadcast) address. */
export function isGroupMac(mac: Mac): boolean {
  return (mac[0] & 1) !== 0;
}
