/**
 * Natives of java.util.zip: the checksums (CRC32, Adler32) and Inflater. An
 * Inflater keeps all the input it was given and asks the host to inflate it
 * from the start (JvmHost.inflate), handing out the output not yet delivered;
 * input after the end of the stream is reported as not consumed, as zlib does.
 */

import { crc32Update } from "../../platform/crc32.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";

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

/** One Inflater's stream. */
interface InflateState {
  raw: boolean;
  input: Uint8Array;
  output: Uint8Array;
  delivered: number;
  complete: boolean;
  consumed: number;
}

const inflaters = new Map<number, InflateState>();
let nextInflater = 1;

/** Inflater.inflateBytesBytes: the packed result (bytes read, bytes written << 31, finished << 62). */
function inflate(vm: Jvm, t: JThread, handle: bigint, input: Uint8Array, out: Uint8Array): bigint {
  const st = inflaters.get(Number(handle))!;
  const inflateHost = vm.host.inflate;
  if (inflateHost === undefined) return vm.throwNew(t, "java/lang/InternalError", "no inflater in this host");
  let read = input.length;
  if (!st.complete && input.length > 0) {
    const joined = new Uint8Array(st.input.length + input.length);
    joined.set(st.input);
    joined.set(input, st.input.length);
    st.input = joined;
    let r;
    try {
      r = inflateHost(st.input, st.raw);
    } catch (e) {
      return vm.throwNew(t, "java/util/zip/DataFormatException", (e as Error).message);
    }
    st.output = r.output;
    st.complete = r.complete;
    if (r.complete) {
      const unused = st.input.length - r.consumed;
      read = Math.max(0, input.length - unused);
      st.consumed = r.consumed;
    }
  } else if (st.complete) read = 0;
  const n = Math.min(out.length, st.output.length - st.delivered);
  out.set(st.output.subarray(st.delivered, st.delivered + n));
  st.delivered += n;
  const finished = st.complete && st.delivered === st.output.length;
  return BigInt(read) | (BigInt(n) << 31n) | (finished ? 1n << 62n : 0n);
}

/** Registers the java.util.zip natives. */
export function registerZipNatives(n: Natives): void {
  const crc = (c: number, b: ArrayLike<number>) => crc32Update(c >>> 0, b) | 0;
  n.register("java/util/zip/CRC32", {
    "update(II)I": (_vm, _t, [c, b]) => crc(c as number, [(b as number) & 0xff]),
    "updateBytes0(I[BII)I": (_vm, _t, [c, b, off, len]) => crc(c as number, slice(b as JObject, off as number, len as number)),
    "updateByteBuffer0(IJII)I": (vm, _t, [c, addr, off, len]) => crc(c as number, native(vm, addr as bigint, off as number, len as number)),
  });
  n.register("java/util/zip/Inflater", {
    "init(Z)J": (_vm, _t, [nowrap]) => {
      const id = nextInflater++;
      inflaters.set(id, { raw: nowrap === 1, input: new Uint8Array(0), output: new Uint8Array(0), delivered: 0, complete: false, consumed: 0 });
      return BigInt(id);
    },
    "inflateBytesBytes(J[BII[BII)J": (vm, t, [, h, inp, ioff, ilen, outp, ooff, olen]) =>
      inflate(vm, t, h as bigint, slice(inp as JObject, ioff as number, ilen as number), slice(outp as JObject, ooff as number, olen as number)),
    "inflateBytesBuffer(J[BIIJI)J": (vm, t, [, h, inp, ioff, ilen, addr, olen]) =>
      inflate(vm, t, h as bigint, slice(inp as JObject, ioff as number, ilen as number), native(vm, addr as bigint, 0, olen as number)),
    "inflateBufferBytes(JJI[BII)J": (vm, t, [, h, addr, ilen, outp, ooff, olen]) =>
      inflate(vm, t, h as bigint, native(vm, addr as bigint, 0, ilen as number), slice(outp as JObject, ooff as number, olen as number)),
    "inflateBufferBuffer(JJIJI)J": (vm, t, [, h, iaddr, ilen, oaddr, olen]) =>
      inflate(vm, t, h as bigint, native(vm, iaddr as bigint, 0, ilen as number), native(vm, oaddr as bigint, 0, olen as number)),
    "getAdler(J)I": (_vm, _t, [h]) => {
      const st = inflaters.get(Number(h as bigint))!;
      return adler32Update(1, st.output.subarray(0, st.delivered));
    },
    "reset(J)V": (_vm, _t, [h]) => {
      const st = inflaters.get(Number(h as bigint))!;
      Object.assign(st, { input: new Uint8Array(0), output: new Uint8Array(0), delivered: 0, complete: false, consumed: 0 });
    },
    "end(J)V": (_vm, _t, [h]) => {
      inflaters.delete(Number(h as bigint));
    },
  });
  n.register("java/util/zip/Adler32", {
    "update(II)I": (_vm, _t, [a, b]) => adler32Update(a as number, [(b as number) & 0xff]),
    "updateBytes(I[BII)I": (_vm, _t, [a, b, off, len]) => adler32Update(a as number, slice(b as JObject, off as number, len as number)),
    "updateByteBuffer(IJII)I": (vm, _t, [a, addr, off, len]) => adler32Update(a as number, native(vm, addr as bigint, off as number, len as number)),
  });
}
