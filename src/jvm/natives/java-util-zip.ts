/** Natives of java.util.zip's checksums: CRC32 and Adler32 over bytes, arrays and direct buffers. */

import { crc32Update } from "../../platform/crc32.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";

/** Adler-32 (RFC 1950) of `adler`'s data followed by `bytes`. */
function adler32Update(adler: number, bytes: ArrayLike<number>): number {
  let a = adler & 0xffff;
  let b = (adler >>> 16) & 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) | 0;
}

function slice(array: JObject, off: number, len: number): Uint8Array {
  const d = array.data as Int8Array;
  return new Uint8Array(d.buffer, d.byteOffset + off, len);
}

function native(vm: Jvm, address: bigint, off: number, len: number): Uint8Array {
  return vm.nativeMemory.bytes().subarray(Number(address) + off, Number(address) + off + len);
}

/** Registers the checksum natives. */
export function registerZipNatives(n: Natives): void {
  const crc = (c: number, b: ArrayLike<number>) => crc32Update(c >>> 0, b) | 0;
  n.register("java/util/zip/CRC32", {
    "update(II)I": (_vm, _t, [c, b]) => crc(c as number, [(b as number) & 0xff]),
    "updateBytes0(I[BII)I": (_vm, _t, [c, b, off, len]) => crc(c as number, slice(b as JObject, off as number, len as number)),
    "updateByteBuffer0(IJII)I": (vm, _t, [c, addr, off, len]) => crc(c as number, native(vm, addr as bigint, off as number, len as number)),
  });
  n.register("java/util/zip/Adler32", {
    "update(II)I": (_vm, _t, [a, b]) => adler32Update(a as number, [(b as number) & 0xff]),
    "updateBytes(I[BII)I": (_vm, _t, [a, b, off, len]) => adler32Update(a as number, slice(b as JObject, off as number, len as number)),
    "updateByteBuffer(IJII)I": (vm, _t, [a, addr, off, len]) => adler32Update(a as number, native(vm, addr as bigint, off as number, len as number)),
  });
}
