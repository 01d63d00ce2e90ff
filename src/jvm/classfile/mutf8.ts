/**
 * Modified UTF-8 (JVMS 4.4.7): U+0000 as the two bytes C0 80, characters above
 * U+FFFF as their two UTF-16 surrogates, each in three bytes; no four-byte forms.
 */

import { ClassFormatError } from "./errors.js";

const latin1 = new TextDecoder("latin1");

/** Decodes the `bytes` of a CONSTANT_Utf8_info into a JavaScript (UTF-16) string. */
export function decodeModifiedUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! === 0 || bytes[i]! >= 0x80) ascii = false;
  if (ascii) return latin1.decode(bytes);
  for (let i = 0; i < bytes.length; ) {
    const x = bytes[i]!;
    if (x !== 0 && x < 0x80) {
      units.push(x);
      i += 1;
    } else if ((x & 0xe0) === 0xc0) {
      const y = cont(bytes, i + 1);
      units.push(((x & 0x1f) << 6) | (y & 0x3f));
      i += 2;
    } else if ((x & 0xf0) === 0xe0) {
      const y = cont(bytes, i + 1);
      const z = cont(bytes, i + 2);
      units.push(((x & 0xf) << 12) | ((y & 0x3f) << 6) | (z & 0x3f));
      i += 3;
    } else {
      throw new ClassFormatError(`Illegal UTF8 string in constant pool: byte 0x${x.toString(16)} at ${i}`);
    }
  }
  let s = "";
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.slice(i, i + 8192));
  return s;
}

function cont(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b === undefined || (b & 0xc0) !== 0x80) throw new ClassFormatError("Illegal UTF8 string in constant pool");
  return b;
}

/** Encodes a string as modified UTF-8 (the inverse of decodeModifiedUtf8). */
export function encodeModifiedUtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0 && c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return new Uint8Array(out);
}
