/**
 * How frames travel on a switch's Unix stream socket: each frame is a 16-bit
 * big-endian length followed by that many bytes, in both directions, nothing
 * else. A length above MAX_FRAME means the peer is not speaking this protocol
 * (or is broken): the reader reports it and the connection is dropped.
 */
import type { Socket } from "node:net";
import { MAX_FRAME } from "../link.js";

/** Bytes of the length prefix. */
export const LENGTH_BYTES = 2;

/** A frame with its length prefix, in a new buffer (the caller may reuse `frame`). */
export function encodeFrame(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(LENGTH_BYTES + frame.length);
  out.writeUInt16BE(frame.length, 0);
  out.set(frame, LENGTH_BYTES);
  return out;
}

/** Cuts a byte stream back into frames. */
export class FrameReader {
  #pending: Buffer | undefined;

  /** `onFrame` gets each frame as a view that is valid only during the call. */
  constructor(private readonly onFrame: (frame: Uint8Array) => void) {}

  /**
   * Feeds bytes read from the stream and hands out the frames they complete.
   * Returns false when a length prefix exceeds MAX_FRAME: the stream cannot
   * be trusted any more and the caller should close it.
   */
  push(chunk: Buffer): boolean {
    const data = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    let at = 0;
    while (data.length - at >= LENGTH_BYTES) {
      const length = data.readUInt16BE(at);
      if (length > MAX_FRAME) return false;
      if (data.length - at - LENGTH_BYTES < length) break;
      at += LENGTH_BYTES;
      this.onFrame(data.subarray(at, at + length));
      at += length;
    }
    if (at < data.length) this.#pending = data.subarray(at);
    return true;
  }
}

/**
 * Bytes a connection may have queued before frames to it are dropped: a
 * stalled peer then loses frames, as on a congested switch port, instead of
 * making this process buffer without bound.
 */
export const MAX_QUEUED_BYTES = 256 * 1024;

/** Queues `frame` on `socket` (never blocks); false when dropped because the socket is closed or congested. */
export function sendFrame(socket: Socket, frame: Uint8Array): boolean {
  if (!socket.writable || socket.writableLength > MAX_QUEUED_BYTES) return false;
  socket.write(encodeFrame(frame));
  return true;
}
