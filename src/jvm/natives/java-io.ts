/**
 * Natives of java.io: file descriptors and the byte streams over them
 * (FileOutputStream.writeBytes, FileInputStream.readBytes), through the VM's host.
 */

import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";

/** The int `fd` inside a stream's FileDescriptor. */
function fdOf(vm: Jvm, stream: JObject): number {
  return vm.getField(vm.getField(stream, "fd") as JObject, "fd") as number;
}

/** Registers the java.io natives. */
export function registerJavaIo(n: Natives): void {
  n.register("java/io/FileDescriptor", {
    "getHandle(I)J": () => -1n,
    "getAppend(I)Z": () => 0,
    "close0()V": () => {},
  });
  n.register("java/io/FileOutputStream", {
    "writeBytes([BIIZ)V": (vm, t, [s, b, off, len]) => {
      const data = (b as JObject).data as Int8Array;
      const o = off as number, l = len as number;
      if (o < 0 || l < 0 || o + l > data.length) vm.throwNew(t, "java/lang/IndexOutOfBoundsException");
      vm.host.write(fdOf(vm, s as JObject), new Uint8Array(data.buffer, data.byteOffset + o, l));
    },
    "write(IZ)V": (vm, _t, [s, b]) => {
      vm.host.write(fdOf(vm, s as JObject), new Uint8Array([b as number]));
    },
  });
  n.register("java/io/FileInputStream", {
    "readBytes([BII)I": (vm, _t, [s, b, off, len]) => {
      const data = (b as JObject).data as Int8Array;
      const buffer = new Uint8Array(data.buffer, data.byteOffset + (off as number), len as number);
      const got = vm.host.read(fdOf(vm, s as JObject), buffer);
      return got === 0 && (len as number) > 0 ? -1 : got;
    },
    "read0()I": (vm, _t, [s]) => {
      const one = new Uint8Array(1);
      return vm.host.read(fdOf(vm, s as JObject), one) === 0 ? -1 : one[0]!;
    },
    "available0()I": () => 0,
  });
}
