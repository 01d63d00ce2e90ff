/**
 * The memory file: guest RAM, with only the pages that are not all zeros
 * (a fresh board's RAM is zeros, so those need not be written or read back).
 * The body (inside the envelope, envelope.ts), little-endian:
 *
 * ```
 * offset  size  field
 * 0       8     RAM size in bytes (u64)
 * 8       4     page size (4096)
 * 12      4     number of page records P
 * 16      ...   P records in increasing page order: page index (u32), then the page's 4096 bytes
 * ```
 */
import { PAGE_SHIFT, PAGE_SIZE, type Ram } from "../../mem/ram.js";
import { envelope, FileKind, open, seal } from "./envelope.js";
import { SnapshotError } from "./errors.js";

const BODY_HEADER = 16;
const RECORD = 4 + PAGE_SIZE;

/** Whether the page at byte offset `at` of `words` (RAM as 32-bit words) holds anything but zeros. */
function nonZero(words: Uint32Array, at: number): boolean {
  const end = (at + PAGE_SIZE) >>> 2;
  for (let i = at >>> 2; i < end; i++) if (words[i] !== 0) return true;
  return false;
}

/** The memory file of `ram`. */
export function encodeMemory(ram: Ram): Uint8Array {
  const pages: number[] = [];
  for (let p = 0, n = ram.size >>> PAGE_SHIFT; p < n; p++) if (nonZero(ram.u32, p << PAGE_SHIFT)) pages.push(p);
  const { file, body } = envelope(FileKind.Memory, BODY_HEADER + pages.length * RECORD);
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  v.setBigUint64(0, BigInt(ram.size), true);
  v.setUint32(8, PAGE_SIZE, true);
  v.setUint32(12, pages.length, true);
  pages.forEach((p, k) => {
    const at = BODY_HEADER + k * RECORD;
    v.setUint32(at, p, true);
    body.set(ram.u8.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), at + 4);
  });
  return seal(file);
}

/** A checked memory file: the RAM size it holds and its page records. */
export interface MemoryImage {
  /** RAM size in bytes. */
  readonly ramBytes: number;
  /** Number of page records. */
  readonly pageCount: number;
  /** Writes the pages into `ram` (of ramBytes; the pages not in the file are left as they are, zeros on a new board). */
  applyTo(ram: Ram): void;
}

/** Checks the memory file `bytes` (`what` names it in errors); throws SnapshotError when it is not a sound one. */
export function decodeMemory(bytes: Uint8Array, what: string): MemoryImage {
  const body = open(bytes, FileKind.Memory, what);
  const bad = (why: string) => new SnapshotError("corrupt", `${what} is malformed: ${why}`);
  if (body.length < BODY_HEADER) throw bad(`its body has ${body.length} bytes, less than its header`);
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const ramBig = v.getBigUint64(0, true), pageSize = v.getUint32(8, true), count = v.getUint32(12, true);
  if (pageSize !== PAGE_SIZE) throw bad(`page size ${pageSize}, not ${PAGE_SIZE}`);
  if (ramBig === 0n || ramBig % BigInt(PAGE_SIZE) !== 0n || ramBig > 0x80000000n) throw bad(`RAM size ${ramBig} is not a multiple of 4 KiB up to 2 GiB`);
  const ramBytes = Number(ramBig);
  if (body.length !== BODY_HEADER + count * RECORD) throw bad(`${count} page records do not fill its ${body.length}-byte body`);
  let last = -1;
  for (let k = 0; k < count; k++) {
    const p = v.getUint32(BODY_HEADER + k * RECORD, true);
    if (p <= last || p >= ramBytes / PAGE_SIZE) throw bad(`page record ${k} is for page ${p}, out of order or outside ${ramBytes} bytes of RAM`);
    last = p;
  }
  return {
    ramBytes,
    pageCount: count,
    applyTo(ram: Ram): void {
      if (ram.size !== ramBytes) throw new SnapshotError("mismatch", `${what} holds ${ramBytes} bytes of RAM, the board has ${ram.size}`);
      for (let k = 0; k < count; k++) {
        const at = BODY_HEADER + k * RECORD;
        ram.u8.set(body.subarray(at + 4, at + RECORD), v.getUint32(at, true) * PAGE_SIZE);
      }
    },
  };
}
