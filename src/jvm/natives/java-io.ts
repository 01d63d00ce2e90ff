/**
 * Natives of java.io that need no file system: FileDescriptor's handles and
 * Console (the streams and files are in java-io-files.ts).
 */

import type { Natives } from "../runtime/natives.js";

/** Registers the java.io natives that need no file system. */
export function registerJavaIo(n: Natives): void {
  n.register("java/io/FileDescriptor", {
    "getHandle(I)J": () => -1n,
    "getAppend(I)Z": () => 0,
  });
  n.register("java/io/Console", {
    "istty()Z": () => 0,
    "encoding()Ljava/lang/String;": () => null,
    "echo(Z)Z": () => 1,
  });
}
