/**
 * The page cache of MAP_SHARED file mappings. Every MAP_SHARED mapping of one
 * host file (device and inode) in the guest RAM of a run uses the frames of one
 * FileMemory, as Linux's page cache gives every mapping of a file the same
 * pages: a store through one process's mapping is seen at once through every
 * other's. A page is read from the file when first touched; pages go back to
 * the file on msync, munmap and exit (SharedMappings), and before a read(2) of
 * the same bytes; a write(2) to the file updates the pages it covers (HostFile
 * calls beforeRead and afterWrite).
 */
import * as fs from "node:fs";
import { SharedMemory } from "./shared-memory.js";
import { fileKey } from "./file-locks.js";
import { PAGE_SIZE, type Ram } from "../mem/ram.js";
import type { FrameAllocator } from "../mem/frames.js";
import type { DecodeCache } from "../cpu/riscv/decode-cache.js";
import type { OpenFile } from "./fd-table.js";

/** Live FileMemory objects by file identity ("dev:ino"); one per guest RAM (usually one). */
const cache = new Map<string, FileMemory[]>();

/** The shared pages of one host file: page index = file offset / PAGE_SIZE. */
export class FileMemory extends SharedMemory {
  /** Whether `fd` was opened for writing (a read-only file is never written back). */
  private readonly writable: boolean;

  private constructor(
    private readonly key: string,
    private readonly ram: Ram,
    readonly allocator: FrameAllocator,
    private readonly decoded: DecodeCache,
    /** The FileMemory's own descriptor of the file (the guest may close its own). */
    private readonly fd: number,
    writable: boolean,
  ) {
    super();
    this.users = 0; // the address spaces that map it count themselves in (mmap)
    this.writable = writable;
  }

  /** The FileMemory of `file`'s host file in the RAM of `space`, made on first use. */
  static of(file: OpenFile, space: { ram: Ram; frames: FrameAllocator; cache: DecodeCache }): FileMemory | undefined {
    const key = fileKey(file);
    if (typeof key !== "string" || file.hostFd === undefined) return undefined;
    const list = cache.get(key) ?? [];
    let mem = list.find((m) => m.allocator === space.frames);
    if (mem === undefined) {
      const { fd, writable } = reopen(file.hostFd);
      mem = new FileMemory(key, space.ram, space.frames, space.cache, fd, writable);
      list.push(mem);
      cache.set(key, list);
    }
    return mem;
  }

  override fill(index: number, frame: number): void {
    try {
      fs.readSync(this.fd, this.ram.u8, frame, PAGE_SIZE, index * PAGE_SIZE);
    } catch { /* a page past the end of the file stays zero */ }
  }

  /** Writes the materialised pages overlapping the file bytes [from, to) back to the file (not past its end). */
  writeBack(from: number, to: number): void {
    if (!this.writable || this.frames.size === 0) return;
    const size = fs.fstatSync(this.fd).size;
    this.forEachPage(from, Math.min(to, size), (pos, hostOffset, n) => fs.writeSync(this.fd, this.ram.u8, hostOffset, n, pos));
  }

  /** Reads the file bytes [from, to) into the materialised pages that hold them. */
  reload(from: number, to: number): void {
    this.forEachPage(from, to, (pos, hostOffset, n) => {
      fs.readSync(this.fd, this.ram.u8, hostOffset, n, pos);
      this.decoded.invalidateFrame(hostOffset - (pos % PAGE_SIZE));
    });
  }

  /** Calls f(file position, host offset, length) for each materialised piece of the file bytes [from, to). */
  private forEachPage(from: number, to: number, f: (pos: number, hostOffset: number, n: number) => void): void {
    for (const [index, frame] of this.frames) {
      const s = Math.max(from, index * PAGE_SIZE), e = Math.min(to, (index + 1) * PAGE_SIZE);
      if (s < e) f(s, frame + (s - index * PAGE_SIZE), e - s);
    }
  }

  override release(frames: FrameAllocator, decoded: DecodeCache): void {
    super.release(frames, decoded);
    if (this.users > 0) return;
    const list = cache.get(this.key)?.filter((m) => m !== this) ?? [];
    if (list.length > 0) cache.set(this.key, list);
    else cache.delete(this.key);
    fs.closeSync(this.fd);
  }
}

/** A descriptor of its own for the file behind host fd `hostFd`: read-write when allowed, else read-only. */
function reopen(hostFd: number): { fd: number; writable: boolean } {
  const path = `/proc/self/fd/${hostFd}`;
  try {
    return { fd: fs.openSync(path, "r+"), writable: true };
  } catch {
    return { fd: fs.openSync(path, "r"), writable: false };
  }
}

/** The FileMemory objects of `file`'s host file, when any exists (cheap when no file is shared-mapped). */
function memoriesOf(file: OpenFile): FileMemory[] | undefined {
  if (cache.size === 0) return undefined;
  const key = fileKey(file);
  return typeof key === "string" ? cache.get(key) : undefined;
}

/** Before a read(2) of the file bytes [pos, pos+len): pages stored to through mappings reach the file first. */
export function beforeRead(file: OpenFile, pos: number, len: number): void {
  for (const m of memoriesOf(file) ?? []) m.writeBack(pos, pos + len);
}

/** After a write(2) (or another change) of the file bytes [pos, pos+len): mapped pages take the new bytes. */
export function afterWrite(file: OpenFile, pos: number, len: number): void {
  for (const m of memoriesOf(file) ?? []) m.reload(pos, pos + len);
}
