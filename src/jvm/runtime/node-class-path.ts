/**
 * Class-path entries on the host's file system: directories of class files
 * and jar (zip) archives, whose central directory is read once and whose
 * entries are inflated on demand.
 */

import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import type { ClassSource } from "./class-path.js";

/** A directory whose subdirectories follow the package names. */
export class DirectorySource implements ClassSource {
  constructor(readonly name: string) {}

  /** The file at `path` under the directory, or undefined. */
  read(path: string): Uint8Array | undefined {
    try {
      return readFileSync(join(this.name, path));
    } catch {
      return undefined;
    }
  }
}

/** The end-of-central-directory signature, "PK\x05\x06". */
const EOCD_SIGNATURE = 0x06054b50;
/** A central directory file header's signature, "PK\x01\x02". */
const CENTRAL_SIGNATURE = 0x02014b50;
/** A local file header's fixed size before the name. */
const LOCAL_HEADER_SIZE = 30;

interface ZipEntry {
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** A jar file: a zip archive read through its central directory (APPNOTE.TXT 4.3). */
export class JarSource implements ClassSource {
  private readonly entries = new Map<string, ZipEntry>();
  private readonly bytes: Uint8Array;

  /** Reads the archive at `name`; throws an Error with a one-line message if it is not a zip file. */
  constructor(readonly name: string) {
    this.bytes = readFileSync(name);
    const b = this.bytes;
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (view.getUint32(i, true) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`Invalid or corrupt jarfile ${name}`);
    const count = view.getUint16(eocd + 10, true);
    let p = view.getUint32(eocd + 16, true);
    for (let i = 0; i < count; i++) {
      if (p + 46 > b.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE) throw new Error(`Invalid or corrupt jarfile ${name}`);
      const nameLength = view.getUint16(p + 28, true);
      const extraLength = view.getUint16(p + 30, true);
      const commentLength = view.getUint16(p + 32, true);
      const entryName = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLength));
      this.entries.set(entryName, {
        method: view.getUint16(p + 10, true),
        compressedSize: view.getUint32(p + 20, true),
        size: view.getUint32(p + 24, true),
        localOffset: view.getUint32(p + 42, true),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** The inflated entry `path`, or undefined. */
  read(path: string): Uint8Array | undefined {
    const e = this.entries.get(path);
    if (e === undefined) return undefined;
    const b = this.bytes;
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const start = e.localOffset + LOCAL_HEADER_SIZE + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
    const raw = b.subarray(start, start + e.compressedSize);
    if (e.method === 0) return raw;
    return new Uint8Array(inflateRawSync(raw));
  }
}

/** Opens each entry of a class path ("dir:lib/a.jar"); entries that do not exist are skipped, as `java` skips them. */
export function openClassPath(classPath: string): ClassSource[] {
  const out: ClassSource[] = [];
  for (const entry of classPath.split(":")) {
    const path = entry === "" ? "." : entry;
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      continue;
    }
    out.push(isDir ? new DirectorySource(path) : new JarSource(path));
  }
  return out;
}

/** Reads the Main-Class attribute of a jar's manifest, or undefined. */
export function jarMainClass(jar: JarSource): string | undefined {
  const manifest = jar.read("META-INF/MANIFEST.MF");
  if (manifest === undefined) return undefined;
  const text = new TextDecoder().decode(manifest).replace(/\r?\n /g, "");
  const m = /^Main-Class:\s*(.+?)\s*$/m.exec(text);
  return m?.[1];
}
