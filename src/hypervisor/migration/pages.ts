/**
 * RAM pages on the wire during a live migration: records of a page index (u32,
 * little-endian) followed by the page's 4096 bytes. The source finds what to
 * send by comparing RAM with a shadow copy of what it has sent so far, so it
 * catches every change however it was made (stores, page-table A/D updates,
 * device DMA) and the fast path is untouched.
 */
import { PAGE_SIZE, type Ram } from "../../mem/ram.js";

const RECORD = 4 + PAGE_SIZE;

/** Source side: RAM against what the destination already has. */
export class PageTracker {
  private readonly shadow: Uint8Array;

  constructor(private readonly ram: Ram) {
    this.shadow = new Uint8Array(ram.size); // the destination starts with zeros
  }

  /** Records of every page that differs from what was sent, which now counts as sent. */
  changedPages(): Uint8Array {
    const ram = this.ram.u8, shadow = this.shadow, changed: number[] = [];
    for (let at = 0; at < ram.length; at += PAGE_SIZE) {
      if (Buffer.compare(ram.subarray(at, at + PAGE_SIZE), shadow.subarray(at, at + PAGE_SIZE)) !== 0) changed.push(at);
    }
    const out = new Uint8Array(changed.length * RECORD);
    const v = new DataView(out.buffer);
    changed.forEach((at, k) => {
      v.setUint32(k * RECORD, at / PAGE_SIZE, true);
      out.set(ram.subarray(at, at + PAGE_SIZE), k * RECORD + 4);
      shadow.set(ram.subarray(at, at + PAGE_SIZE), at);
    });
    return out;
  }
}

/** Number of page records in `records`. */
export function pageCount(records: Uint8Array): number {
  return records.length / RECORD;
}

/**
 * Destination side: writes page records into `ram`, marking each page in
 * `received`; false (and nothing written) when they are malformed (wrong
 * length, a page out of range).
 */
export function applyPages(ram: Ram, records: Uint8Array, received: Uint8Array): boolean {
  if (records.length % RECORD !== 0) return false;
  const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const pages = ram.size / PAGE_SIZE;
  for (let at = 0; at < records.length; at += RECORD) if (v.getUint32(at, true) >= pages) return false;
  for (let at = 0; at < records.length; at += RECORD) {
    const p = v.getUint32(at, true);
    ram.u8.set(records.subarray(at + 4, at + RECORD), p * PAGE_SIZE);
    received[p] = 1;
  }
  return true;
}
