/** Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise and friends. */
import { SharedMemory } from "../shared-memory.js";
import { FileMemory } from "../page-cache.js";
import * as fs from "node:fs";
import { define } from "./table.js";
import { Errno } from "./errno.js";
import { pageUp } from "../address-space.js";
import { Layout } from "../loader.js";
import { Prot } from "../vmas.js";
import type { Process } from "../process.js";
import { PAGE_SIZE } from "../../mem/ram.js";

/** mmap(2) flags. */
const enum Map {
  SHARED = 0x01, PRIVATE = 0x02, FIXED = 0x10, ANONYMOUS = 0x20, FIXED_NOREPLACE = 0x100000,
}

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
const MADV_DONTNEED = 4;

/** Picks where a new mapping of `len` bytes goes: the hint if free, else the highest free gap. */
export function place(p: Process, hint: number, len: number): number {
  if (hint !== 0 && hint % PAGE_SIZE === 0 && hint + len <= Layout.TaskSize && p.space.vmas.overlapping(hint, hint + len).length === 0) {
    return hint;
  }
  return p.space.findFree(len, Math.max(Layout.MmapFloor, p.brk + 64 * 1024 * 1024), Layout.MmapTop);
}

/** Whether the first `n` bytes of `b` are all zero. */
function isZero(b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[i] !== 0) return false;
  return true;
}

/** Bytes copied from a file per step when a mapping is filled. */
const FILL_CHUNK = 1 << 20;

/**
 * Copies a host file's bytes [off, off+len) into guest memory at `addr` (zero
 * past end of file), a chunk at a time. Returns the bytes copied, or -ENOMEM
 * when the file part is larger than guest memory (mappings are filled eagerly).
 */
function fillFromFile(p: Process, addr: number, len: number, hostFd: number, off: number): number {
  const size = fs.fstatSync(hostFd).size;
  const n = Math.max(0, Math.min(len, size - off));
  if (n === 0) return 0;
  if (n > p.ram.size) return -Errno.ENOMEM;
  const buf = new Uint8Array(Math.min(n, FILL_CHUNK));
  let got = 0;
  while (got < n) {
    const r = fs.readSync(hostFd, buf, 0, Math.min(buf.length, n - got), off + got);
    if (r <= 0) break;
    // Fresh pages are zero already: a hole in a sparse file costs no guest memory.
    if (!isZero(buf, r)) p.space.write(addr + got, buf.subarray(0, r), true);
    got += r;
  }
  return got;
}

define(214, "brk", "x", (p, _t, a) => {
  const want = a.u64(0);
  if (want < p.brkStart) return p.brk;
  const oldTop = pageUp(p.brk), newTop = pageUp(want);
  if (newTop > oldTop) {
    if (p.space.vmas.overlapping(oldTop, newTop).length > 0) return p.brk;
    p.space.map(oldTop, newTop - oldTop, Prot.Read | Prot.Write, "[heap]");
  } else if (newTop < oldTop) {
    p.space.unmap(newTop, oldTop - newTop);
  }
  p.brk = want;
  return want;
});

define(222, "mmap", "xuxxdx", (p, _t, a) => {
  const hint = a.u64(0), flags = a.int(3), fd = a.int(4), off = a.i64(5);
  let prot = a.int(2);
  if (a.u64(1) === 0 || off % PAGE_SIZE !== 0 || off < 0) return -Errno.EINVAL;
  const len = pageUp(a.u64(1));
  if (len > Layout.TaskSize) return -Errno.ENOMEM;
  const type = flags & 3;
  if (type !== Map.SHARED && type !== Map.PRIVATE && type !== 3) return -Errno.EINVAL;
  const anon = (flags & Map.ANONYMOUS) !== 0;
  const file = anon ? undefined : p.fds.get(fd);
  if (!anon && (file === undefined || file.hostFd === undefined)) return -Errno.EBADF;
  let addr: number;
  if (flags & (Map.FIXED | Map.FIXED_NOREPLACE)) {
    if (hint % PAGE_SIZE !== 0) return -Errno.EINVAL;
    if (hint + len > Layout.TaskSize) return -Errno.ENOMEM;
    if ((flags & Map.FIXED_NOREPLACE) && p.space.vmas.overlapping(hint, hint + len).length > 0) return -Errno.EEXIST;
    addr = hint;
  } else {
    addr = place(p, hint, len);
    if (addr < 0) return -Errno.ENOMEM;
  }
  prot &= Prot.Read | Prot.Write | Prot.Exec;
  p.shared.remove(addr, addr + len);
  if (file !== undefined && type === Map.SHARED) {
    // The file's pages in the page cache, read from the file as they are touched.
    p.space.unmap(addr, len); // first: what it held may be the last use of the same pages
    const mem = FileMemory.of(file, p.space);
    if (mem === undefined) return -Errno.ENODEV;
    if (!p.space.vmas.list.some((v) => v.shm === mem)) mem.users++; // this space becomes a user
    p.space.map(addr, len, prot, file.path ?? "", mem, addr - off);
    p.shared.add(addr, len, file, mem, off);
  } else {
    p.space.map(addr, len, prot, file?.path ?? "", anon && type === Map.SHARED ? new SharedMemory() : undefined);
    if (file !== undefined && fillFromFile(p, addr, len, file.hostFd!, off) < 0) {
      p.space.unmap(addr, len);
      return -Errno.ENOMEM;
    }
  }
  if (prot & Prot.Exec) p.space.cache.fenceI();
  return addr;
});

define(215, "munmap", "xu", (p, _t, a) => {
  const addr = a.u64(0), len = a.u64(1);
  if (addr % PAGE_SIZE !== 0 || len === 0) return -Errno.EINVAL;
  p.shared.remove(addr, addr + pageUp(len));
  p.space.unmap(addr, pageUp(len));
  return 0;
});

define(226, "mprotect", "xux", (p, _t, a) => {
  const addr = a.u64(0), len = pageUp(a.u64(1)), prot = a.int(2);
  if (addr % PAGE_SIZE !== 0) return -Errno.EINVAL;
  if (len === 0) return 0;
  if (!p.space.protect(addr, len, prot & 7)) return -Errno.ENOMEM;
  if (prot & Prot.Exec) p.space.cache.fenceI();
  return 0;
});

define(216, "mremap", "xuux", (p, _t, a) => {
  const old = a.u64(0), oldLen = pageUp(a.u64(1)), newLen = pageUp(a.u64(2)), flags = a.int(3);
  if (old % PAGE_SIZE !== 0 || newLen === 0) return -Errno.EINVAL;
  const v = p.space.vmaAt(old);
  if (v === undefined || !p.space.vmas.covers(old, old + oldLen)) return -Errno.EFAULT;
  if (newLen <= oldLen && !(flags & MREMAP_FIXED)) {
    if (newLen < oldLen) p.space.unmap(old + newLen, oldLen - newLen);
    return old;
  }
  if (!(flags & MREMAP_FIXED) && p.space.vmas.overlapping(old + oldLen, old + newLen).length === 0) {
    p.space.vmas.insert({ start: old + oldLen, end: old + newLen, prot: v.prot, name: v.name });
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -Errno.ENOMEM;
  const to = flags & MREMAP_FIXED ? a.u64(4) : place(p, 0, newLen);
  if (to < 0 || to % PAGE_SIZE !== 0) return -Errno.ENOMEM;
  const data = p.space.read(old, Math.min(oldLen, newLen));
  p.space.map(to, newLen, v.prot, v.name);
  p.space.write(to, data, true);
  p.space.unmap(old, oldLen);
  return to;
});

define(233, "madvise", "xud", (p, _t, a) => {
  const addr = a.u64(0), len = pageUp(a.u64(1));
  if (addr % PAGE_SIZE !== 0) return -Errno.EINVAL;
  if (a.int(2) === MADV_DONTNEED) {
    for (const v of p.space.vmas.overlapping(addr, addr + len)) {
      const s = Math.max(v.start, addr), e = Math.min(v.end, addr + len);
      p.space.map(s, e - s, v.prot, v.name);
    }
  }
  return 0;
});

define(227, "msync", "xud", (p, _t, a) => {
  const addr = a.u64(0);
  if (addr % PAGE_SIZE !== 0) return -Errno.EINVAL;
  const end = addr + pageUp(a.u64(1));
  if (!p.space.vmas.covers(addr, end)) return -Errno.ENOMEM;
  p.shared.sync(addr, end);
  return 0;
});
define(228, "mlock", "xu", () => 0);
/** mlock2 takes MLOCK_ONFAULT (1) only; like mlock, it has nothing to do. */
define(284, "mlock2", "xux", (_p, _t, a) => ((a.u32(2) & ~1) !== 0 ? -Errno.EINVAL : 0));
define(229, "munlock", "xu", () => 0);
define(230, "mlockall", "x", () => 0);
define(231, "munlockall", "", () => 0);
define(232, "mincore", "xux", () => -Errno.ENOSYS);
