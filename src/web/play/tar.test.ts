import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tarSize, writeTar } from "./tar.js";

test("GNU tar lists and extracts what writeTar wrote, byte for byte, from a disk with junk after the archive", () => {
  const dir = mkdtempSync(join(tmpdir(), "tv-tar-"));
  try {
    const files = [
      { name: "hello.txt", bytes: new TextEncoder().encode("hello from the page\n"), mtime: 1_700_000_000 },
      { name: "blob.bin", bytes: Uint8Array.from({ length: 1500 }, (_, i) => (i * 31) & 255), mtime: 1_700_000_100 },
      { name: "empty", bytes: new Uint8Array(0), mtime: 0 },
    ];
    const disk = new Uint8Array(64 * 1024).fill(0xee); // a disk that held something else before
    writeTar(disk, files);
    assert.equal(tarSize(files), 512 + 512 + 512 + 3 * 512 + 512 + 1024);
    writeFileSync(join(dir, "disk.img"), disk);
    const listing = execFileSync("tar", ["-tvf", "disk.img"], { cwd: dir, encoding: "utf8" });
    assert.match(listing, /-rw-r--r-- root\/root\s+20 2023-11-14 \d\d:\d\d hello\.txt/);
    execFileSync("tar", ["-xf", "disk.img"], { cwd: dir });
    for (const f of files) assert.deepEqual(new Uint8Array(readFileSync(join(dir, f.name))), f.bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a name that does not fit, or files larger than the disk, are refused with one line", () => {
  assert.throws(() => writeTar(new Uint8Array(4096), [{ name: "x".repeat(101), bytes: new Uint8Array(1), mtime: 0 }]), /cannot be a file name/);
  assert.throws(() => writeTar(new Uint8Array(4096), [{ name: "a/b", bytes: new Uint8Array(1), mtime: 0 }]), /cannot be a file name/);
  assert.throws(() => writeTar(new Uint8Array(2048), [{ name: "big", bytes: new Uint8Array(4096), mtime: 0 }]), /need .* MiB; the disk holds/);
});
