/**
 * The jimage header and index layout. A jimage (`lib/modules`) starts with an
 * index: the header, the redirect table (s4 × table_length), the offsets
 * table (u4 × table_length), the location attribute streams
 * (locations_size bytes) and the strings (strings_size bytes). Resource
 * bytes follow the index; a location's offset counts from its end. All
 * fields are in the byte order of the machine that wrote the image, which
 * the magic reveals.
 */

/** A file that is not a jimage, or one whose index or resources are damaged. */
export class JImageError extends Error {
  override name = "JImageError";
}

/** The header's magic number (`IMAGE_MAGIC`). */
export const IMAGE_MAGIC = 0xcafedada;
/** The major version this reader understands (`MAJOR_VERSION`). */
export const MAJOR_VERSION = 1;
/** The header is seven u4 fields. */
export const HEADER_SIZE = 7 * 4;

/** The decoded header of a jimage, with the offsets of the index's parts. */
export interface ImageHeader {
  /** True when the image was written little-endian. */
  readonly littleEndian: boolean;
  /** Upper half of the version field. */
  readonly majorVersion: number;
  /** Lower half of the version field. */
  readonly minorVersion: number;
  /** Image flags (none are defined by JDK 17). */
  readonly flags: number;
  /** Number of resources (locations) in the image. */
  readonly resourceCount: number;
  /** Length of the redirect and offsets tables, in entries. */
  readonly tableLength: number;
  /** Bytes of location attribute streams. */
  readonly locationsSize: number;
  /** Bytes of the strings table. */
  readonly stringsSize: number;
  /** File offset of the redirect table. */
  readonly redirectOffset: number;
  /** File offset of the offsets table. */
  readonly offsetsOffset: number;
  /** File offset of the location attribute streams. */
  readonly locationsOffset: number;
  /** File offset of the strings table. */
  readonly stringsOffset: number;
  /** Bytes of the whole index; resource offsets count from here. */
  readonly indexSize: number;
}

/**
 * Decodes the header at the start of `bytes`, checking the magic, the
 * version and that the index fits in a file of `fileSize` bytes. `what`
 * names the file in error messages.
 */
export function parseHeader(bytes: Uint8Array, fileSize: number, what: string): ImageHeader {
  if (bytes.length < HEADER_SIZE) {
    throw new JImageError(`${what}: not a jimage (${fileSize} bytes, shorter than the ${HEADER_SIZE}-byte header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  let littleEndian: boolean;
  if (view.getUint32(0, true) === IMAGE_MAGIC) littleEndian = true;
  else if (view.getUint32(0, false) === IMAGE_MAGIC) littleEndian = false;
  else {
    const magic = view.getUint32(0, true).toString(16).padStart(8, "0");
    throw new JImageError(`${what}: not a jimage (magic 0x${magic}, expected 0x${IMAGE_MAGIC.toString(16)})`);
  }
  const u4 = (i: number): number => view.getUint32(i * 4, littleEndian);
  const version = u4(1);
  const majorVersion = version >>> 16;
  const minorVersion = version & 0xffff;
  if (majorVersion !== MAJOR_VERSION) {
    throw new JImageError(`${what}: jimage version ${majorVersion}.${minorVersion} is not supported (expected ${MAJOR_VERSION}.x)`);
  }
  const tableLength = u4(4);
  const locationsSize = u4(5);
  const stringsSize = u4(6);
  const redirectOffset = HEADER_SIZE;
  const offsetsOffset = redirectOffset + tableLength * 4;
  const locationsOffset = offsetsOffset + tableLength * 4;
  const stringsOffset = locationsOffset + locationsSize;
  const indexSize = stringsOffset + stringsSize;
  if (indexSize > fileSize) {
    throw new JImageError(`${what}: truncated jimage (index needs ${indexSize} bytes, file has ${fileSize})`);
  }
  return {
    littleEndian, majorVersion, minorVersion, flags: u4(2), resourceCount: u4(3), tableLength,
    locationsSize, stringsSize, redirectOffset, offsetsOffset, locationsOffset, stringsOffset, indexSize,
  };
}
