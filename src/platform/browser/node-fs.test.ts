/**
 * The in-memory file system behind the browser's node:fs, checked against the
 * real thing: the same operations run on a directory of this host's file
 * system (Linux, through Node's node:fs) and on the in-memory one, and each
 * must give the same result or fail with the same error code.
 */
import assert from "node:assert/strict";
import * as real from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as mem from "./node-fs.js";

/** The operations both file systems offer, as the process VM calls them. */
type Fs = Pick<typeof real, "openSync" | "closeSync" | "readSync" | "writeSync" | "fstatSync" | "statSync" | "lstatSync" | "mkdirSync" |
  "rmdirSync" | "unlinkSync" | "renameSync" | "linkSync" | "symlinkSync" | "readlinkSync" | "ftruncateSync" | "truncateSync" | "opendirSync">;

const C = real.constants;

/** Steps of a session: each gets the file system and the session's root, and returns something to compare. */
const STEPS: [string, (fs: Fs, at: string) => unknown][] = [
  ["mkdir", (fs, at) => fs.mkdirSync(`${at}/d`, 0o755)],
  ["mkdir again", (fs, at) => fs.mkdirSync(`${at}/d`, 0o755)],
  ["mkdir without parent", (fs, at) => fs.mkdirSync(`${at}/no/such`, 0o755)],
  ["create and write", (fs, at) => {
    const fd = fs.openSync(`${at}/d/f`, C.O_CREAT | C.O_WRONLY | C.O_TRUNC, 0o644);
    const n = fs.writeSync(fd, new TextEncoder().encode("hello, world\n"));
    fs.closeSync(fd);
    return n;
  }],
  ["exclusive create of an existing file", (fs, at) => fs.openSync(`${at}/d/f`, C.O_CREAT | C.O_EXCL | C.O_WRONLY, 0o644)],
  ["open a missing file", (fs, at) => fs.openSync(`${at}/d/missing`, C.O_RDONLY)],
  ["open a file as a directory", (fs, at) => fs.openSync(`${at}/d/f`, C.O_RDONLY | C.O_DIRECTORY)],
  ["open a directory for writing", (fs, at) => fs.openSync(`${at}/d`, C.O_WRONLY)],
  ["a path through a file", (fs, at) => fs.statSync(`${at}/d/f/x`)],
  ["pread and append", (fs, at) => {
    const fd = fs.openSync(`${at}/d/f`, C.O_RDWR | C.O_APPEND);
    fs.writeSync(fd, new TextEncoder().encode("more\n"));
    const buf = new Uint8Array(64);
    const n = fs.readSync(fd, buf, 0, 64, 7);
    fs.closeSync(fd);
    return new TextDecoder().decode(buf.subarray(0, n));
  }],
  ["sparse write and truncate", (fs, at) => {
    const fd = fs.openSync(`${at}/d/g`, C.O_CREAT | C.O_RDWR, 0o600);
    fs.writeSync(fd, Uint8Array.of(1, 2, 3), 0, 3, 10);
    const grown = fs.fstatSync(fd).size;
    fs.ftruncateSync(fd, 4);
    const buf = new Uint8Array(8);
    const n = fs.readSync(fd, buf, 0, 8, 0);
    fs.closeSync(fd);
    return [grown, n, [...buf.subarray(0, n)]];
  }],
  ["symlink, stat and lstat", (fs, at) => {
    fs.symlinkSync("f", `${at}/d/l`);
    const l = fs.lstatSync(`${at}/d/l`), s = fs.statSync(`${at}/d/l`);
    return [l.isSymbolicLink(), l.size, s.isFile(), s.size, fs.readlinkSync(`${at}/d/l`)];
  }],
  ["readlink of a file", (fs, at) => fs.readlinkSync(`${at}/d/f`)],
  ["a symlink loop", (fs, at) => { fs.symlinkSync("loop", `${at}/d/loop`); return fs.statSync(`${at}/d/loop`); }],
  ["a dangling symlink", (fs, at) => { fs.symlinkSync("nowhere", `${at}/d/dangling`); return fs.statSync(`${at}/d/dangling`); }],
  ["create through a dangling symlink", (fs, at) => { fs.closeSync(fs.openSync(`${at}/d/dangling`, C.O_CREAT | C.O_WRONLY, 0o644)); return fs.statSync(`${at}/d/nowhere`).isFile(); }],
  ["O_NOFOLLOW on a symlink", (fs, at) => fs.openSync(`${at}/d/l`, C.O_RDONLY | C.O_NOFOLLOW)],
  ["hard link counts", (fs, at) => { fs.linkSync(`${at}/d/f`, `${at}/d/h`); return [fs.statSync(`${at}/d/f`).nlink, fs.statSync(`${at}/d`).nlink]; }],
  ["hard link to a directory", (fs, at) => fs.linkSync(`${at}/d`, `${at}/d2`)],
  ["directory link counts", (fs, at) => { fs.mkdirSync(`${at}/d/sub`, 0o755); return [fs.statSync(`${at}/d`).nlink, fs.statSync(`${at}/d/sub`).nlink]; }],
  ["rmdir of a non-empty directory", (fs, at) => fs.rmdirSync(`${at}/d`)],
  ["unlink of a directory", (fs, at) => fs.unlinkSync(`${at}/d/sub`)],
  ["rmdir of a file", (fs, at) => fs.rmdirSync(`${at}/d/f`)],
  ["rename a file over a file", (fs, at) => { fs.renameSync(`${at}/d/h`, `${at}/d/g`); return fs.statSync(`${at}/d/g`).size; }],
  ["rename a file over a directory", (fs, at) => fs.renameSync(`${at}/d/g`, `${at}/d/sub`)],
  ["rename a directory over a file", (fs, at) => fs.renameSync(`${at}/d/sub`, `${at}/d/g`)],
  ["rename a directory into itself", (fs, at) => fs.renameSync(`${at}/d`, `${at}/d/sub/x`)],
  ["rename a directory over a non-empty one", (fs, at) => { fs.mkdirSync(`${at}/e`, 0o755); return fs.renameSync(`${at}/e`, `${at}/d`); }],
  ["rename a directory", (fs, at) => { fs.renameSync(`${at}/d/sub`, `${at}/e/sub`); return [fs.statSync(`${at}/d`).nlink, fs.statSync(`${at}/e`).nlink]; }],
  ["dot and dot-dot", (fs, at) => fs.statSync(`${at}/e/sub/../../d/./f`).size],
  ["trailing slash on a file", (fs, at) => fs.statSync(`${at}/d/f/`)],
  ["truncate a directory", (fs, at) => fs.truncateSync(`${at}/d`, 0)],
  ["list a directory", (fs, at) => {
    const dir = fs.opendirSync(`${at}/d`);
    const names: string[] = [];
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) names.push(`${e.name}:${e.isFile() ? "f" : e.isDirectory() ? "d" : e.isSymbolicLink() ? "l" : "?"}`);
    dir.closeSync();
    return names.sort();
  }],
  ["unlink then rmdir", (fs, at) => {
    for (const n of ["f", "g", "l", "loop", "dangling", "nowhere"]) fs.unlinkSync(`${at}/d/${n}`);
    fs.rmdirSync(`${at}/d`);
    return fs.lstatSync(`${at}/d`);
  }],
];

/** What a step gave: its value, or the code of the error it threw. */
function outcome(f: () => unknown): unknown {
  try {
    const v = f();
    return v === undefined ? "ok" : v;
  } catch (e) {
    const err = e as { code?: string; errno?: number };
    return { code: err.code, errno: err.errno };
  }
}

test("the in-memory file system answers as Linux's does, error codes and link counts included", () => {
  const host = real.mkdtempSync(join(tmpdir(), "typevisor-memfs-"));
  mem.mkdirSync("/session", 0o755);
  try {
    for (const [name, step] of STEPS) {
      const want = outcome(() => step(real as Fs, host));
      const got = outcome(() => step(mem as unknown as Fs, "/session"));
      assert.deepEqual(got, want, name);
    }
  } finally {
    real.rmSync(host, { recursive: true, force: true });
  }
});

test("a write moves the file's mtime on; a closed descriptor is EBADF", () => {
  const fd = mem.openSync("/stamp", C.O_CREAT | C.O_RDWR, 0o644);
  const before = mem.fstatSync(fd, { bigint: true }).mtimeNs as bigint;
  const spin = performance.now() + 2;
  while (performance.now() < spin) { /* let the clock move */ }
  mem.writeSync(fd, Uint8Array.of(1));
  assert.ok((mem.fstatSync(fd, { bigint: true }).mtimeNs as bigint) > before);
  mem.closeSync(fd);
  assert.throws(() => mem.fstatSync(fd), { code: "EBADF" });
});
