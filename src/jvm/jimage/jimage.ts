/**
 * A reader of jimage files, the format of a JDK's `lib/modules` (written by
 * jlink, read by the JDK's jimage library and jrt-fs). The index is read
 * once (about 1.5 MB for JDK 17); resource bytes are read on demand through a
 * ByteSource, so the file is never held whole.
 *
 * Lookup follows the format's perfect hash: hash the name with the default
 * seed, take it modulo table_length, and read the redirect table there — a
 * negative value v means the entry is at index -1 - v, a positive value is
 * the seed of a second hash (modulo table_length again), and 0 means no
 * such name. The offsets table at that index gives the location stream,
 * whose rebuilt name must equal the name asked for.
 */

import { decompressResource, type ResourceDecompressor } from "./decompress.js";
import { HEADER_SIZE, JImageError, parseHeader, type ImageHeader } from "./header.js";
import { decodeLocation, locationName, pathInModule, type ImageLocation } from "./location.js";
import { MemorySource, type ByteSource } from "./source.js";
import { hashName, ImageStrings } from "./strings.js";

export { JImageError } from "./header.js";
export type { ImageHeader } from "./header.js";
export type { ImageLocation } from "./location.js";

/** How to open an image. */
export interface JImageOptions {
  /** Decompressor plugins for compressed resources, by name; none by default. */
  readonly decompressors?: readonly ResourceDecompressor[];
  /** What to call the image in error messages (a path); "jimage" by default. */
  readonly name?: string;
}

/** The tree entries jlink adds beside the resources: `/modules/<module>/<dir>` and `/packages/<pkg>/<module>`. */
const DIRECTORY_MODULES = new Set(["modules", "packages"]);

/** An open jimage: its header, lookup by name, resource bytes, and listings. */
export class JImage {
  /** The decoded header. */
  readonly header: ImageHeader;
  private readonly redirect: Int32Array;
  private readonly offsets: Uint32Array;
  private readonly locationBytes: Uint8Array;
  /** The strings table. */
  readonly strings: ImageStrings;
  private readonly decompressors: ReadonlyMap<string, ResourceDecompressor>;
  private readonly name: string;
  private all: ImageLocation[] | undefined;

  private constructor(private readonly source: ByteSource, options: JImageOptions) {
    this.name = options.name ?? "jimage";
    this.decompressors = new Map((options.decompressors ?? []).map((d) => [d.name, d]));
    const head = source.read(0, HEADER_SIZE);
    this.header = parseHeader(head, source.size, this.name);
    const h = this.header;
    const index = source.read(0, h.indexSize);
    if (index.length < h.indexSize) throw new JImageError(`${this.name}: truncated jimage (short read of the index)`);
    const view = new DataView(index.buffer, index.byteOffset, index.length);
    this.redirect = new Int32Array(h.tableLength);
    this.offsets = new Uint32Array(h.tableLength);
    for (let i = 0; i < h.tableLength; i++) {
      this.redirect[i] = view.getInt32(h.redirectOffset + i * 4, h.littleEndian);
      this.offsets[i] = view.getUint32(h.offsetsOffset + i * 4, h.littleEndian);
    }
    this.locationBytes = index.subarray(h.locationsOffset, h.stringsOffset);
    this.strings = new ImageStrings(index.subarray(h.stringsOffset, h.indexSize));
  }

  /** Opens the image whose bytes `source` serves (checks the header and reads the index). */
  static fromSource(source: ByteSource, options: JImageOptions = {}): JImage {
    return new JImage(source, options);
  }

  /** Opens an image held in memory (the bytes are kept, not copied). */
  static fromBytes(bytes: Uint8Array, options: JImageOptions = {}): JImage {
    return new JImage(new MemorySource(bytes), options);
  }

  /** Closes the underlying source. */
  close(): void {
    this.source.close?.();
  }

  /** The location of `name` ("/java.base/java/lang/Object.class"), or undefined if the image has none. */
  locate(name: string): ImageLocation | undefined {
    const length = this.header.tableLength;
    if (length === 0) return undefined;
    let index = hashName(name) % length;
    const value = this.redirect[index]!;
    if (value < 0) index = -1 - value;
    else if (value > 0) index = hashName(name, value) % length;
    else return undefined;
    if (index >= length) return undefined;
    const loc = this.locationAt(index);
    return locationName(loc) === name ? loc : undefined;
  }

  /** The bytes of resource `name`, decompressed; undefined if the image has no such resource. */
  find(name: string): Uint8Array | undefined {
    const loc = this.locate(name);
    return loc === undefined ? undefined : this.read(loc);
  }

  /** The bytes of the resource at `loc`, decompressed. */
  read(loc: ImageLocation): Uint8Array {
    const stored = loc.compressedSize !== 0 ? loc.compressedSize : loc.uncompressedSize;
    const position = this.header.indexSize + loc.offset;
    const bytes = this.source.read(position, stored);
    const what = `${this.name}: ${locationName(loc)}`;
    if (bytes.length !== stored) throw new JImageError(`${what}: truncated resource (${bytes.length} of ${stored} bytes at ${position})`);
    if (loc.compressedSize === 0) return bytes;
    return decompressResource(bytes, what, this.header.littleEndian, this.strings, this.decompressors);
  }

  /** Every location in the image, in offsets-table order (decoded once, then cached). */
  locations(): readonly ImageLocation[] {
    this.all ??= Array.from(this.offsets, (_, i) => this.locationAt(i));
    return this.all;
  }

  /** True when `loc` is one of jlink's directory entries under /modules/ or /packages/, not a module's resource. */
  static isDirectoryEntry(loc: ImageLocation): boolean {
    return DIRECTORY_MODULES.has(loc.module);
  }

  /** The full names of every location, directory entries included. */
  names(): string[] {
    return this.locations().map(locationName);
  }

  /** The names of the modules in the image, sorted, from the children of the `/modules` directory entry. */
  modules(): string[] {
    return (this.children("/modules") ?? []).map((name) => name.slice("/modules/".length)).sort();
  }

  /** The resources of `module` as paths inside it ("java/lang/Object.class"), sorted; empty for an unknown module. */
  resources(module: string): string[] {
    return this.locations()
      .filter((loc) => loc.module === module && !JImage.isDirectoryEntry(loc))
      .map(pathInModule)
      .sort();
  }

  /**
   * The full names of the entries in directory `name` ("/modules",
   * "/modules/java.base/java/lang", "/packages"): subdirectories by their
   * /modules/ or /packages/ names, files by their resource names. A
   * directory's content is the locations-area offsets (u4) of its children.
   * Undefined when `name` is not a directory entry.
   */
  children(name: string): string[] | undefined {
    const dir = this.locate(name);
    if (dir === undefined || (dir.module !== "" && !JImage.isDirectoryEntry(dir)) || name.startsWith("/packages/")) return undefined;
    return this.u4s(this.read(dir)).map((offset) => locationName(this.locationAtOffset(offset)));
  }

  /**
   * The modules that hold package `pkg` ("java.lang"), from the content of
   * its `/packages/<pkg>` entry: pairs of u4 (is-empty flag, strings offset
   * of the module name). `empty` is true for a module that has the package
   * only as a parent of others (java.lang in java.instrument). Undefined for
   * an unknown package.
   */
  packageModules(pkg: string): { module: string; empty: boolean }[] | undefined {
    const loc = this.locate(`/packages/${pkg}`);
    if (loc === undefined) return undefined;
    const words = this.u4s(this.read(loc));
    const out: { module: string; empty: boolean }[] = [];
    for (let i = 0; i + 1 < words.length; i += 2) out.push({ module: this.strings.get(words[i + 1]!), empty: words[i] !== 0 });
    return out;
  }

  private u4s(bytes: Uint8Array): number[] {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    return Array.from({ length: bytes.length >>> 2 }, (_, i) => view.getUint32(i * 4, this.header.littleEndian));
  }

  private locationAt(index: number): ImageLocation {
    return this.locationAtOffset(this.offsets[index]!);
  }

  private locationAtOffset(offset: number): ImageLocation {
    if (offset >= this.locationBytes.length) {
      throw new JImageError(`${this.name}: location offset ${offset} outside the locations area (${this.locationBytes.length} bytes)`);
    }
    try {
      return decodeLocation(this.locationBytes, offset, this.strings);
    } catch (e) {
      if (e instanceof JImageError) throw new JImageError(`${this.name}: ${e.message}`);
      throw e;
    }
  }
}
