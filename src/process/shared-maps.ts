/**
 * The MAP_SHARED file mappings of one process. Their pages are the frames of
 * the file's FileMemory (page-cache.ts), shared with every other mapping of the
 * file; this list says which file bytes each mapping covers, so that msync,
 * munmap and process exit write them back to the file. A mapping keeps the
 * open file alive (as the kernel does) even after the guest closes its
 * descriptor.
 */
import type { OpenFile } from "./fd-table.js";
import type { FileMemory } from "./page-cache.js";
import type { Process } from "./process.js";

interface SharedMapping {
  start: number;
  end: number;
  file: OpenFile;
  mem: FileMemory;
  /** File offset of `start`. */
  offset: number;
}

/** The shared file mappings of one process. */
export class SharedMappings {
  private list: SharedMapping[] = [];

  constructor(private readonly p: Process) {}

  /** Records that [start, start+len) maps `file` (pages `mem`) from `offset`, shared. */
  add(start: number, len: number, file: OpenFile, mem: FileMemory, offset: number): void {
    this.p.fds.retain(file);
    this.list.push({ start, end: start + len, file, mem, offset });
  }

  /** The same mappings for a forked child (each holds its own file reference). */
  cloneFor(child: Process): SharedMappings {
    const c = new SharedMappings(child);
    for (const m of this.list) {
      child.fds.retain(m.file);
      c.list.push({ ...m });
    }
    return c;
  }

  /** Writes the pages of [start, end) that map files back to them (msync). */
  sync(start: number, end: number): void {
    for (const m of this.list) {
      const s = Math.max(m.start, start), e = Math.min(m.end, end);
      if (s < e) m.mem.writeBack(m.offset + (s - m.start), m.offset + (e - m.start));
    }
  }

  /** Syncs and forgets the mappings of [start, end) (munmap, or a new mapping over them). */
  remove(start: number, end: number): void {
    if (this.list.length === 0) return;
    this.sync(start, end);
    const kept: SharedMapping[] = [];
    for (const m of this.list) {
      if (m.end <= start || m.start >= end) { kept.push(m); continue; }
      // Each surviving piece holds its own reference to the file; the old mapping's goes.
      if (m.start < start) { kept.push({ ...m, end: start }); this.p.fds.retain(m.file); }
      if (m.end > end) { kept.push({ ...m, start: end, offset: m.offset + (end - m.start) }); this.p.fds.retain(m.file); }
      this.p.fds.unretain(m.file);
    }
    this.list = kept;
  }

  /** Writes everything back (process exit). */
  syncAll(): void {
    for (const m of this.list) this.sync(m.start, m.end);
  }
}
