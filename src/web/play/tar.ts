/**
 * A POSIX ustar archive of files, written into a disk's bytes: what the play
 * page puts on its "files" disk so that the guest can unpack them with
 * `tar -xf /dev/vda`. Names are kept to the 100 bytes of a ustar name field
 * (longer ones are refused), every file is mode 0644, owned by root.
 */

/** A file to archive. */
export interface TarFile {
  name: string;
  bytes: Uint8Array;
  /** Modification time, seconds since the epoch. */
  mtime: number;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/** Writes `text` (ASCII) at `at` of `h`. */
function put(h: Uint8Array, at: number, text: string): void {
  h.set(encoder.encode(text), at);
}

/** An octal field of `width` bytes: digits, NUL-terminated. */
function octal(h: Uint8Array, at: number, width: number, value: number): void {
  put(h, at, value.toString(8).padStart(width - 1, "0"));
}

/** The bytes an archive of `files` needs (headers, data padded to blocks, two zero blocks at the end). */
export function tarSize(files: readonly TarFile[]): number {
  return files.reduce((n, f) => n + BLOCK + Math.ceil(f.bytes.length / BLOCK) * BLOCK, 0) + 2 * BLOCK;
}

/**
 * Writes the archive of `files` at the start of `disk` and zeroes the block
 * after it; throws a one-line Error when a name does not fit or the disk is too small.
 */
export function writeTar(disk: Uint8Array, files: readonly TarFile[]): void {
  const size = tarSize(files);
  if (size > disk.length) throw new Error(`the files need ${(size / 1048576).toFixed(1)} MiB; the disk holds ${disk.length / 1048576} MiB`);
  let at = 0;
  for (const f of files) {
    const name = encoder.encode(f.name);
    if (name.length === 0 || name.length > 100 || f.name.includes("/")) throw new Error(`'${f.name}' cannot be a file name in the archive (1-100 bytes, no '/')`);
    const h = disk.subarray(at, at + BLOCK);
    h.fill(0);
    h.set(name, 0);
    octal(h, 100, 8, 0o644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, f.bytes.length);
    octal(h, 136, 12, Math.max(0, Math.floor(f.mtime)));
    h.fill(0x20, 148, 156); // the checksum field counts as spaces while it is summed
    h[156] = 0x30; // typeflag '0': a regular file
    put(h, 257, "ustar\u000000");
    put(h, 265, "root");
    put(h, 297, "root");
    let sum = 0;
    for (const b of h) sum += b;
    put(h, 148, sum.toString(8).padStart(6, "0"));
    h[154] = 0;
    h[155] = 0x20;
    at += BLOCK;
    disk.set(f.bytes, at);
    const padded = Math.ceil(f.bytes.length / BLOCK) * BLOCK;
    disk.fill(0, at + f.bytes.length, at + padded);
    at += padded;
  }
  disk.fill(0, at, at + 2 * BLOCK);
}
