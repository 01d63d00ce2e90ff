/** AddressSpace: copy-on-write sharing after fork, and MAP_SHARED anonymous memory. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Ram } from "../mem/ram.js";
import { AddressSpace } from "./address-space.js";
import { Prot } from "./vmas.js";
import { SharedMemory } from "./shared-memory.js";

const BASE = 0x10000;

function parentWithPages(pages: number): AddressSpace {
  const space = new AddressSpace(new Ram(1 << 20));
  space.map(BASE, pages * 4096, Prot.Read | Prot.Write, "data");
  for (let i = 0; i < pages; i++) space.write(BASE + i * 4096, Uint8Array.of(i + 1));
  return space;
}

describe("copy-on-write fork", () => {
  test("fork shares every page; the first write on either side copies only that page", () => {
    const parent = parentWithPages(4);
    const before = parent.frames.used;
    const child = parent.fork();
    assert.equal(parent.frames.used, before, "no frame copied at fork");
    assert.deepEqual([...child.read(BASE, 1)], [1]);
    child.write(BASE, Uint8Array.of(42));
    assert.equal(parent.frames.used, before + 4096, "one page copied for the child's write");
    assert.deepEqual([...parent.read(BASE, 1)], [1], "the parent still sees its own byte");
    assert.deepEqual([...child.read(BASE, 1)], [42]);
    // The parent is now the only user of the original frame: its write copies nothing.
    parent.write(BASE, Uint8Array.of(7));
    assert.equal(parent.frames.used, before + 4096);
    assert.deepEqual([...child.read(BASE, 1)], [42]);
    // Another page, written by the parent first.
    parent.write(BASE + 4096, Uint8Array.of(9));
    assert.deepEqual([...child.read(BASE + 4096, 1)], [2]);
    assert.equal(parent.frames.used, before + 2 * 4096);
  });

  test("releasing one side frees only its private frames; the other keeps the shared ones", () => {
    const parent = parentWithPages(3);
    const before = parent.frames.used;
    const child = parent.fork();
    child.write(BASE, Uint8Array.of(5));
    child.release();
    assert.equal(parent.frames.used, before);
    assert.deepEqual([...parent.read(BASE, 3 * 4096)].filter((_, i) => i % 4096 === 0), [1, 2, 3]);
  });

  test("a forced write into a read-only shared page (as the loader does) copies it too", () => {
    const parent = parentWithPages(1);
    parent.protect(BASE, 4096, Prot.Read);
    const child = parent.fork();
    child.write(BASE, Uint8Array.of(99), true);
    assert.deepEqual([...parent.read(BASE, 1)], [1]);
    assert.deepEqual([...child.read(BASE, 1)], [99]);
  });

  test("a write through the MMU (a guest store) copies the page", () => {
    const parent = parentWithPages(1);
    const child = parent.fork();
    child.mmu.storeSlow(BASE + 8, 0, 4, 0x11223344);
    assert.deepEqual([...parent.read(BASE + 8, 4)], [0, 0, 0, 0]);
    assert.deepEqual([...child.read(BASE + 8, 4)], [0x44, 0x33, 0x22, 0x11]);
  });

  test("MAP_SHARED anonymous memory stays shared after fork, and is freed when the last space lets go", () => {
    const parent = new AddressSpace(new Ram(1 << 20));
    const base = parent.frames.used;
    parent.map(BASE, 2 * 4096, Prot.Read | Prot.Write, "", new SharedMemory());
    parent.write(BASE, Uint8Array.of(1));
    const child = parent.fork();
    child.write(BASE, Uint8Array.of(2));
    child.write(BASE + 4096, Uint8Array.of(3)); // a page nobody had touched
    assert.deepEqual([...parent.read(BASE, 1)], [2]);
    assert.deepEqual([...parent.read(BASE + 4096, 1)], [3]);
    assert.equal(parent.frames.used, base + 2 * 4096, "two frames for the two shared pages");
    child.release();
    assert.deepEqual([...parent.read(BASE + 4096, 1)], [3]);
    parent.unmap(BASE, 2 * 4096);
    assert.equal(parent.frames.used, base, "freed with the last mapping");
  });
});
