/**
 * The Node side of the jimage reader: a ByteSource over a file descriptor
 * (positioned reads, so the 128 MB `lib/modules` is never copied whole) and
 * `openJImage(path)`, which also registers the zlib-backed "zip" decompressor.
 * The reader itself (jimage.ts) imports neither node:fs nor node:zlib.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { inflateSync } from "node:zlib";
import type { ResourceDecompressor } from "./decompress.js";
import { JImage, JImageError } from "./jimage.js";
import type { ByteSource } from "./source.js";

/** A ByteSource reading a file through one open descriptor with pread. */
export class FileSource implements ByteSource {
  /** The file's length at open time. */
  readonly size: number;
  private fd: number | undefined;

  /** Opens `path` for reading; throws a JImageError naming the path if it cannot. */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "r");
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new JImageError(`${path}: ${(e as Error).message}`);
    }
  }

  /** Reads `length` bytes at `position` into a fresh buffer (short at the end of the file). */
  read(position: number, length: number): Uint8Array {
    if (this.fd === undefined) throw new JImageError(`${this.path}: read after close`);
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - position)));
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, position + done);
      if (n === 0) return out.subarray(0, done);
      done += n;
    }
    return out;
  }

  /** Closes the descriptor (idempotent). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * The jlink "zip" plugin's decompressor: the payload is a zlib stream
 * (java.util.zip.Deflater's default framing), inflated with node:zlib.
 */
export const zipDecompressor: ResourceDecompressor = {
  name: "zip",
  decompress(payload: Uint8Array, uncompressedSize: number): Uint8Array {
    return new Uint8Array(inflateSync(payload, { maxOutputLength: Math.max(1, uncompressedSize) }));
  },
};

/**
 * Opens the jimage at `path` (e.g. `$JAVA_HOME/lib/modules`) with positioned
 * reads of its file and the "zip" decompressor; `close()` the image when done.
 */
export function openJImage(path: string): JImage {
  const source = new FileSource(path);
  try {
    return JImage.fromSource(source, { decompressors: [zipDecompressor], name: path });
  } catch (e) {
    source.close();
    throw e;
  }
}
