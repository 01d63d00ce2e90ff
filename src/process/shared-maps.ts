/**
 * MAP_SHARED file mappings. Guest pages are copies of the file, so sharing is
 * kept up by copying both ways: msync, munmap and process exit write the
 * mapped pages back to the file, and a write(2) through a descriptor of the
 * same file reloads the mapped pages. The mapping keeps the open file alive
 * (as the kernel does) even after the guest closes its descriptor.
 */
import * as fs from "node:fs";
import type { OpenFile } from "./fd-table.js";
import type { Process } from "./process.js";

interface SharedMapping {
  start: number;
  end: number;
  file: OpenFile;
  hostFd: number;
  ino: bigint;
  dev: bigint;
  /** File offset of `start`. */
  offset: number;
}

/** The shared file mappings of one process. */
export class SharedMappings {
  private list: SharedMapping[] = [];

  constructor(private readonly p: Process) {}

  /** Records that [start, start+len) maps `file` from `offset`, shared. */
  add(start: number, len: number, file: OpenFile, offset: number): void {
    const hostFd = file.hostFd!;
    const st = fs.fstatSync(hostFd, { bigint: true });
    this.p.fds.retain(file);
    this.list.push({ start, end: start + len, file, hostFd, ino: st.ino, dev: st.dev, offset });
  }

  /** The same mappings for a forked child, which keeps them in step with the files too (each holds its own file reference). */
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
      if (s >= e) continue;
      const fileOff = m.offset + (s - m.start);
      const size = fs.fstatSync(m.hostFd).size;
      const n = Math.max(0, Math.min(e - s, size - fileOff));
      if (n === 0) continue;
      let data: Uint8Array;
      try { data = this.p.space.read(s, n); } catch { continue; } // unreadable (PROT_NONE): nothing written through it
      fs.writeSync(m.hostFd, data, 0, n, fileOff);
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

  /** After a write to `file`, reloads every mapping of the same host file from it. */
  refresh(file: OpenFile): void {
    if (this.list.length === 0 || file.hostFd === undefined) return;
    const st = fs.fstatSync(file.hostFd, { bigint: true });
    for (const m of this.list) {
      if (m.ino !== st.ino || m.dev !== st.dev) continue;
      const len = Math.min(m.end - m.start, Math.max(0, Number(st.size) - m.offset));
      const buf = new Uint8Array(Math.min(len, 1 << 20));
      for (let done = 0; done < len; ) {
        const n = fs.readSync(m.hostFd, buf, 0, Math.min(buf.length, len - done), m.offset + done);
        if (n <= 0) break;
        this.p.space.write(m.start + done, buf.subarray(0, n), true);
        done += n;
      }
    }
  }

  /** Writes everything back (process exit). */
  syncAll(): void {
    for (const m of this.list) this.sync(m.start, m.end);
  }
}
