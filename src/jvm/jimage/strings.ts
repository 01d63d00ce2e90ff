/**
 * The jimage strings table and name hash. Strings are stored in modified
 * UTF-8 (each UTF-16 unit encoded alone, U+0000 as C0 80), NUL-terminated,
 * and addressed by byte offset. Names are hashed over those same bytes with
 * a 32-bit FNV-style hash (multiply, then xor) whose default seed is its
 * multiplier; the result is masked to 31 bits (ImageStringsReader.hashCode).
 */

import { JImageError } from "./header.js";

/** The hash's multiplier and default seed (`HASH_MULTIPLIER`). */
export const HASH_MULTIPLIER = 0x01000193;
/** The hash's result mask (`POSITIVE_MASK`). */
export const POSITIVE_MASK = 0x7fffffff;

/** `s` in modified UTF-8, without a terminator. */
export function mutf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0 && c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >>> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >>> 12), 0x80 | ((c >>> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Continues the hash over `bytes` from `seed`, without the final mask. */
export function unmaskedHash(bytes: Uint8Array, seed: number): number {
  let h = seed | 0;
  for (const b of bytes) h = Math.imul(h, HASH_MULTIPLIER) ^ b;
  return h;
}

/** The name hash of `name` with `seed` (the default seed for the first probe, a redirect value for the second). */
export function hashName(name: string, seed: number = HASH_MULTIPLIER): number {
  return unmaskedHash(mutf8Encode(name), seed) & POSITIVE_MASK;
}

/** Decodes modified UTF-8 `bytes[start, end)` to a string. */
export function mutf8Decode(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) { ascii = false; break; }
  if (ascii) return String.fromCharCode(...bytes.subarray(start, end));
  let s = "";
  for (let i = start; i < end;) {
    const b = bytes[i++]!;
    if (b < 0x80) s += String.fromCharCode(b);
    else if ((b & 0xe0) === 0xc0) s += String.fromCharCode(((b & 0x1f) << 6) | (bytes[i++]! & 0x3f));
    else {
      const c = ((b & 0x0f) << 12) | ((bytes[i]! & 0x3f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
      s += String.fromCharCode(c);
    }
  }
  return s;
}

/** The strings table of an image: NUL-terminated modified UTF-8 at byte offsets. */
export class ImageStrings {
  private readonly cache = new Map<number, string>();

  /** Wraps the table's bytes (kept by reference). */
  constructor(private readonly bytes: Uint8Array) {}

  /** The string starting at `offset`; a JImageError if it lies outside the table or is unterminated. */
  get(offset: number): string {
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit;
    if (offset < 0 || offset >= this.bytes.length) {
      throw new JImageError(`string offset ${offset} outside the strings table (${this.bytes.length} bytes)`);
    }
    const end = this.bytes.indexOf(0, offset);
    if (end < 0) throw new JImageError(`unterminated string at offset ${offset} of the strings table`);
    const s = mutf8Decode(this.bytes, offset, end);
    this.cache.set(offset, s);
    return s;
  }
}
