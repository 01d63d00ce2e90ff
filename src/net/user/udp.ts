/**
 * UDP through user-mode networking: each guest source port that sends to the
 * outside gets a host UDP socket (a NAT binding), and datagrams arriving on
 * it go back to that guest port from the address they came from (the host's
 * loopback shows as 10.0.2.2). Host forwards of UDP ports send host clients'
 * datagrams to the guest from 10.0.2.2 and a port of their own, and the
 * guest's answers to that port back to the client. Bindings idle for
 * UDP_IDLE_MS are closed.
 */
import { createSocket, type Socket } from "node:dgram";
import { parseIpv4 } from "../spec.js";
import { GATEWAY, GATEWAY_MAC, HOST_LOOPBACK } from "./addresses.js";
import { fillL4Checksum, IpProto, ipv4Frame, L4, put16 } from "./wire.js";

/** A NAT binding is closed after this long without traffic either way. */
const UDP_IDLE_MS = 120_000;
const UDP_HEADER = 8;
/** Ports on 10.0.2.2 that stand for host clients of a UDP host forward. */
const FORWARD_PORT_FIRST = 40000, FORWARD_PORT_LAST = 44999;

/** What UDP needs from user-mode networking. */
export interface UdpOwner {
  toGuest(frame: Uint8Array): void;
  /** The guest's MAC, once learned. */
  readonly guestMac: Uint8Array | undefined;
}

/** A UDP datagram to the guest. */
export function udpFrame(guestMac: Uint8Array, src: number, srcPort: number, dst: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const f = ipv4Frame(guestMac, GATEWAY_MAC, src, dst, IpProto.Udp, UDP_HEADER + payload.length);
  put16(f, L4, srcPort);
  put16(f, L4 + 2, dstPort);
  put16(f, L4 + 4, UDP_HEADER + payload.length);
  f.set(payload, L4 + UDP_HEADER);
  fillL4Checksum(f, IpProto.Udp);
  return f;
}

interface Binding {
  socket: Socket;
  timer: NodeJS.Timeout;
}

interface ForwardClient {
  address: string;
  port: number;
  socket: Socket;
  guestAddr: number;
  guestPort: number;
}

export class UdpNat {
  /** NAT bindings by guest source port. */
  private readonly bindings = new Map<number, Binding>();
  /** Host clients of UDP forwards, by the 10.0.2.2 port that stands for them. */
  private readonly clients = new Map<number, ForwardClient>();
  private readonly clientPorts = new Map<string, number>();
  private nextForwardPort = FORWARD_PORT_FIRST;
  private readonly listeners: Socket[] = [];

  constructor(private readonly owner: UdpOwner) {}

  /** A datagram from the guest to a host address (already mapped from the guest's view) and port. */
  outbound(guestAddr: number, guestPort: number, dst: number, dstPort: number, hostAddr: string, payload: Uint8Array): void {
    if (dst === GATEWAY) {
      const client = this.clients.get(dstPort);
      if (client !== undefined) { client.socket.send(payload, client.port, client.address); return; }
    }
    let b = this.bindings.get(guestPort);
    if (b === undefined) {
      const socket = createSocket("udp4");
      socket.on("error", () => this.unbind(guestPort));
      socket.on("message", (msg, rinfo) => {
        const mac = this.owner.guestMac, from = parseIpv4(rinfo.address);
        if (mac === undefined || from === undefined) return;
        this.touch(guestPort);
        this.owner.toGuest(udpFrame(mac, from === HOST_LOOPBACK ? GATEWAY : from, rinfo.port, guestAddr, guestPort, msg));
      });
      socket.bind(0);
      socket.unref();
      b = { socket, timer: setTimeout(() => this.unbind(guestPort), UDP_IDLE_MS).unref() };
      this.bindings.set(guestPort, b);
    }
    this.touch(guestPort);
    b.socket.send(payload, dstPort, hostAddr);
  }

  /** Listens on a host UDP port and forwards its datagrams to guestAddr:guestPort (rejects when the port is taken). */
  async forward(hostAddr: string, hostPort: number, guestAddr: number, guestPort: number): Promise<void> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(hostPort, hostAddr || "0.0.0.0", () => { socket.off("error", reject); resolve(); });
    });
    socket.on("error", () => {});
    socket.on("message", (msg, rinfo) => {
      const mac = this.owner.guestMac;
      if (mac === undefined) return;
      const key = `${rinfo.address}:${rinfo.port}`;
      let port = this.clientPorts.get(key);
      if (port === undefined) {
        port = this.allocatePort();
        this.clientPorts.set(key, port);
        this.clients.set(port, { address: rinfo.address, port: rinfo.port, socket, guestAddr, guestPort });
      }
      this.owner.toGuest(udpFrame(mac, GATEWAY, port, guestAddr, guestPort, msg));
    });
    this.listeners.push(socket);
  }

  private allocatePort(): number {
    const port = this.nextForwardPort;
    this.nextForwardPort = port === FORWARD_PORT_LAST ? FORWARD_PORT_FIRST : port + 1;
    const old = this.clients.get(port);
    if (old !== undefined) this.clientPorts.delete(`${old.address}:${old.port}`);
    return port;
  }

  private touch(guestPort: number): void {
    this.bindings.get(guestPort)?.timer.refresh();
  }

  private unbind(guestPort: number): void {
    const b = this.bindings.get(guestPort);
    if (b === undefined) return;
    clearTimeout(b.timer);
    b.socket.close();
    this.bindings.delete(guestPort);
  }

  /** Closes every binding and forward. */
  close(): void {
    for (const port of [...this.bindings.keys()]) this.unbind(port);
    for (const s of this.listeners) s.close();
    this.listeners.length = 0;
  }
}

