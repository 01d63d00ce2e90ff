/**
 * jimage locations: each resource's attributes are a byte stream in the
 * locations area. Every attribute starts with a byte whose upper five bits
 * are its kind and lower three bits its length minus one; the value follows,
 * big-endian, in that many bytes. Kind 0 ends the stream. A resource's name
 * is rebuilt from its strings as `/module/parent/base.extension`, each part
 * (with its separator) left out when empty.
 */

import { JImageError } from "./header.js";
import type { ImageStrings } from "./strings.js";

/** Attribute kinds of a location stream (ImageLocation.ATTRIBUTE_*). */
export const enum Attribute {
  /** End of the stream. */
  End = 0,
  /** Strings offset of the module name. */
  Module = 1,
  /** Strings offset of the directory path inside the module. */
  Parent = 2,
  /** Strings offset of the file name without its extension. */
  Base = 3,
  /** Strings offset of the extension, without the dot. */
  Extension = 4,
  /** Resource offset from the end of the index. */
  Offset = 5,
  /** Stored size when compressed, else 0. */
  Compressed = 6,
  /** Size of the resource's bytes once decompressed. */
  Uncompressed = 7,
  /** One past the last kind. */
  Count = 8,
}

/** A resource's location, decoded from its attribute stream. */
export interface ImageLocation {
  /** Module name ("java.base"), or "modules"/"packages" for directory entries, or "". */
  readonly module: string;
  /** Directory inside the module ("java/lang"), or "". */
  readonly parent: string;
  /** File name without extension ("Object"). */
  readonly base: string;
  /** Extension without the dot ("class"), or "". */
  readonly extension: string;
  /** Resource offset, counted from the end of the index. */
  readonly offset: number;
  /** Bytes stored in the image when compressed; 0 when stored as is. */
  readonly compressedSize: number;
  /** Bytes of the resource once decompressed. */
  readonly uncompressedSize: number;
}

/**
 * Decodes the attribute stream starting at `start` of `locations` (the
 * locations area), naming its parts through `strings`.
 */
export function decodeLocation(locations: Uint8Array, start: number, strings: ImageStrings): ImageLocation {
  const values = [0, 0, 0, 0, 0, 0, 0, 0];
  let at = start;
  for (;;) {
    if (at >= locations.length) throw new JImageError(`location stream at ${start} runs past the locations area`);
    const head = locations[at++]!;
    const kind = head >>> 3;
    if (kind === Attribute.End) break;
    if (kind >= Attribute.Count) throw new JImageError(`location stream at ${start}: invalid attribute kind ${kind}`);
    const length = (head & 7) + 1;
    if (at + length > locations.length) throw new JImageError(`location stream at ${start} runs past the locations area`);
    let value = 0;
    for (let i = 0; i < length; i++) value = value * 256 + locations[at++]!;
    values[kind] = value;
  }
  return {
    module: strings.get(values[Attribute.Module]!),
    parent: strings.get(values[Attribute.Parent]!),
    base: strings.get(values[Attribute.Base]!),
    extension: strings.get(values[Attribute.Extension]!),
    offset: values[Attribute.Offset]!,
    compressedSize: values[Attribute.Compressed]!,
    uncompressedSize: values[Attribute.Uncompressed]!,
  };
}

/** The full name of a location: `/module/parent/base.extension`, empty parts left out. */
export function locationName(loc: ImageLocation): string {
  let name = loc.module === "" ? "" : `/${loc.module}/`;
  if (loc.parent !== "") name += `${loc.parent}/`;
  name += loc.base;
  if (loc.extension !== "") name += `.${loc.extension}`;
  return name;
}

/** The name of a location inside its module (`parent/base.extension`), as `jimage list` prints it. */
export function pathInModule(loc: ImageLocation): string {
  const name = locationName(loc);
  return loc.module === "" ? name : name.slice(loc.module.length + 2);
}
