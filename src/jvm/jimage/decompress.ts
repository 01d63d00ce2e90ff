/**
 * Compressed jimage resources (jlink `--compress`). A compressed resource's
 * stored bytes start with a 29-byte header in the image's byte order:
 * u4 magic 0xCAFEFAFA, u8 compressed size, u8 uncompressed size, u4 strings
 * offset of the decompressor's name, u4 unused, u1 is-terminal. The payload
 * follows. Plugins may be stacked, so the result is checked for another
 * header until none is left (jdk.internal.jimage.decompressor.Decompressor).
 */

import { JImageError } from "./header.js";
import type { ImageStrings } from "./strings.js";

/** The compressed-resource header's magic number. */
export const COMPRESSED_MAGIC = 0xcafefafa;
/** The compressed-resource header's size in bytes. */
export const COMPRESSED_HEADER_SIZE = 29;

/** One decompressor plugin, found by the name the header gives ("zip", "compact-cp"). */
export interface ResourceDecompressor {
  /** The plugin name as stored in the image's strings. */
  readonly name: string;
  /** Undoes the plugin on `payload` (the bytes after the header). */
  decompress(payload: Uint8Array, uncompressedSize: number): Uint8Array;
}

/** A decoded compressed-resource header. */
export interface CompressedResourceHeader {
  /** Bytes of the payload after the header. */
  readonly compressedSize: number;
  /** Bytes once this layer is undone. */
  readonly uncompressedSize: number;
  /** Strings offset of the decompressor's name. */
  readonly decompressorNameOffset: number;
  /** True when no further layer follows. */
  readonly isTerminal: boolean;
}

/** The header at the start of `bytes`, or undefined when there is none (too short or no magic). */
export function readCompressedHeader(bytes: Uint8Array, littleEndian: boolean): CompressedResourceHeader | undefined {
  if (bytes.length < COMPRESSED_HEADER_SIZE) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, COMPRESSED_HEADER_SIZE);
  if (view.getUint32(0, littleEndian) !== COMPRESSED_MAGIC) return undefined;
  return {
    compressedSize: Number(view.getBigUint64(4, littleEndian)),
    uncompressedSize: Number(view.getBigUint64(12, littleEndian)),
    decompressorNameOffset: view.getUint32(20, littleEndian),
    isTerminal: view.getUint8(28) === 1,
  };
}

/**
 * Undoes every compression layer of `stored` (a resource's stored bytes)
 * with the plugins in `decompressors`, naming `resource` in errors. A plugin
 * that is not registered is a JImageError naming it.
 */
export function decompressResource(
  stored: Uint8Array,
  resource: string,
  littleEndian: boolean,
  strings: ImageStrings,
  decompressors: ReadonlyMap<string, ResourceDecompressor>,
): Uint8Array {
  let bytes = stored;
  for (let header = readCompressedHeader(bytes, littleEndian); header !== undefined; header = readCompressedHeader(bytes, littleEndian)) {
    const plugin = strings.get(header.decompressorNameOffset);
    const decompressor = decompressors.get(plugin);
    if (decompressor === undefined) {
      const known = [...decompressors.keys()].join(", ") || "none";
      throw new JImageError(`${resource}: compressed with the "${plugin}" plugin, which this reader does not support (supported: ${known})`);
    }
    const payload = bytes.subarray(COMPRESSED_HEADER_SIZE, COMPRESSED_HEADER_SIZE + header.compressedSize);
    try {
      bytes = decompressor.decompress(payload, header.uncompressedSize);
    } catch (e) {
      throw new JImageError(`${resource}: "${plugin}" decompression failed: ${(e as Error).message}`);
    }
    if (bytes.length !== header.uncompressedSize) {
      throw new JImageError(`${resource}: "${plugin}" gave ${bytes.length} bytes, the header says ${header.uncompressedSize}`);
    }
  }
  return bytes;
}
