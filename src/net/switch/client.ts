/**
 * A port's connection to its switch's hub in another process (or another
 * port of this one): frames from the guest go up the socket, frames from the
 * hub come down to the guest. When the connection ends for any reason but
 * close(), the owner hears lost() and elects again.
 */
import { connect as netConnect, type Socket } from "node:net";
import { FrameReader, sendFrame } from "./framing.js";
import type { Member, MemberEvents } from "./member.js";

/** Connects to the Unix socket at `path`; rejects with Node's system error (its code says why). */
export function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(path);
    const failed = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once("error", failed);
    socket.once("connect", () => {
      socket.off("error", failed);
      resolve(socket);
    });
  });
}

/** A client of the hub, over a connected socket. */
export class ClientLink implements Member {
  readonly role = "client" as const;
  #closed = false;

  constructor(private readonly socket: Socket, events: MemberEvents) {
    const reader = new FrameReader((frame) => events.deliver(frame));
    socket.on("data", (chunk: Buffer) => {
      if (!reader.push(chunk)) socket.destroy();
    });
    socket.on("error", () => {
      // a reset or a broken pipe: 'close' follows
    });
    socket.on("close", () => {
      if (this.#closed) return;
      this.#closed = true;
      events.lost();
    });
  }

  /** Queues a frame for the hub; dropped when the connection is congested or gone. */
  transmit(frame: Uint8Array): void {
    sendFrame(this.socket, frame);
  }

  /** Ends the connection without telling the owner. */
  close(): void {
    this.#closed = true;
    this.socket.destroy();
  }
}
