/**
 * The envelope both snapshot files share: a fixed header, the body, and a
 * CRC-32 of everything before it (as Firecracker's snapshot files end with a
 * CRC-64 of their content). All integers are little-endian.
 *
 * ```
 * offset  size  field
 * 0       6     "TVSNAP"
 * 6       1     0
 * 7       1     kind: 'S' state file, 'M' memory file
 * 8       4     format version (u32)
 * 12      4     0 (reserved)
 * 16      8     body length N (u64)
 * 24      N     body
 * 24+N    4     CRC-32 (IEEE 802.3, zlib's) of bytes 0 .. 24+N
 * ```
 *
 * The header layout is the same in every format version, so a reader can
 * tell a truncated or corrupted file from a newer one: the length and the
 * checksum are checked before the version.
 */
import { crc32Update } from "../../platform/crc32.js";
import { SnapshotError } from "./errors.js";

/** The snapshot format version this code writes and reads. */
export const SNAPSHOT_VERSION = 1;

/** Which file of the pair. */
export const enum FileKind {
  State = 0x53, // 'S'
  Memory = 0x4d, // 'M'
}

const MAGIC = [0x54, 0x56, 0x53, 0x4e, 0x41, 0x50, 0x00]; // "TVSNAP\0"
/** Bytes before the body. */
export const HEADER_SIZE = 24;
/** Bytes after the body (the CRC). */
const TRAILER_SIZE = 4;

const KIND_NAME: Record<FileKind, string> = { [FileKind.State]: "state file", [FileKind.Memory]: "memory file" };

/** The CRC-32 of `bytes` (IEEE 802.3, as zlib computes it), as an unsigned number. */
export function checksum(bytes: Uint8Array): number {
  return crc32Update(0, bytes);
}

/**
 * A file of `kind` around a body of `bodyLength` bytes: returns the whole
 * file's bytes with the header written, and the body to fill in place. Call
 * seal() once the body is written.
 */
export function envelope(kind: FileKind, bodyLength: number, version = SNAPSHOT_VERSION): { file: Uint8Array; body: Uint8Array } {
  const file = new Uint8Array(HEADER_SIZE + bodyLength + TRAILER_SIZE);
  file.set(MAGIC);
  file[7] = kind;
  const v = new DataView(file.buffer);
  v.setUint32(8, version, true);
  v.setBigUint64(16, BigInt(bodyLength), true);
  return { file, body: file.subarray(HEADER_SIZE, HEADER_SIZE + bodyLength) };
}

/** Writes the CRC of a file made by envelope() (after its body is filled); returns the file. */
export function seal(file: Uint8Array): Uint8Array {
  const end = file.length - TRAILER_SIZE;
  new DataView(file.buffer, file.byteOffset, file.byteLength).setUint32(end, checksum(file.subarray(0, end)), true);
  return file;
}

/**
 * The body of a file of `kind`, after checking, in this order, its magic,
 * its length, its checksum and its version. `what` names the file in the
 * SnapshotError thrown when a check fails.
 */
export function open(bytes: Uint8Array, kind: FileKind, what: string): Uint8Array {
  const head = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < head; i++) {
    if (bytes[i] !== MAGIC[i]) throw new SnapshotError("foreign", `${what} is not a typevisor snapshot (it starts with ${hexStart(bytes)})`);
  }
  if (bytes.length < HEADER_SIZE + TRAILER_SIZE) {
    throw new SnapshotError("truncated", `${what} is truncated: ${bytes.length} bytes, less than a snapshot header`);
  }
  if (bytes[7] !== kind) {
    const other = bytes[7] === FileKind.State || bytes[7] === FileKind.Memory ? `a snapshot ${KIND_NAME[bytes[7] as FileKind]}` : "an unknown snapshot file";
    throw new SnapshotError("foreign", `${what} is ${other}, not a snapshot ${KIND_NAME[kind]}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bodyLength = v.getBigUint64(16, true);
  const want = BigInt(HEADER_SIZE + TRAILER_SIZE) + bodyLength;
  if (BigInt(bytes.length) < want) throw new SnapshotError("truncated", `${what} is truncated: ${bytes.length} bytes of ${want}`);
  if (BigInt(bytes.length) > want) {
    throw new SnapshotError("corrupt", `${what} is corrupted: ${BigInt(bytes.length) - want} bytes after the end its header gives`);
  }
  const end = bytes.length - TRAILER_SIZE;
  const stored = v.getUint32(end, true), computed = checksum(bytes.subarray(0, end));
  if (stored !== computed) {
    throw new SnapshotError("corrupt", `${what} is corrupted: checksum mismatch (CRC-32 stored ${hex32(stored)}, computed ${hex32(computed)})`);
  }
  const version = v.getUint32(8, true);
  if (version > SNAPSHOT_VERSION) {
    throw new SnapshotError("version", `${what} has snapshot format version ${version}, newer than this typevisor reads (${SNAPSHOT_VERSION})`);
  }
  if (version < 1) throw new SnapshotError("version", `${what} has snapshot format version ${version}, which no typevisor wrote`);
  return bytes.subarray(HEADER_SIZE, end);
}

const hex32 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/** The first bytes of a file in hex, for a message. */
function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
}
