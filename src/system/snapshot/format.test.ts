/** The snapshot files: what a sound one holds, and how a damaged, foreign or newer one is refused. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Ram } from "../../mem/ram.js";
import { VirtBoard } from "../board.js";
import { SystemVm } from "../system-vm.js";
import { HEADER_SIZE, seal, SNAPSHOT_VERSION } from "./envelope.js";
import { SnapshotError, type SnapshotFault } from "./errors.js";
import { restoreSnapshotFiles, writeSnapshotFiles } from "./files.js";
import { restoreMachine, snapshotMachine, type MachineSnapshot } from "./machine.js";
import { decodeMemory, encodeMemory } from "./memory-file.js";
import { decodeState } from "./state-file.js";
import { computeProgram, loadProgram } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "typevisor-snapshot-format-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A snapshot of a small board with the test program loaded and not run. */
function snapshot(memoryMiB = 1, disks: { path: string }[] = []): MachineSnapshot {
  const board = new VirtBoard({ memoryMiB, console: () => {}, disks });
  loadProgram(board, computeProgram(1, 10, true), true);
  const snap = snapshotMachine(board, new SystemVm(board));
  board.close();
  return snap;
}

/** Asserts that restoring (state, memory) throws a SnapshotError of `fault` whose message matches `message` and is one line. */
function refused(state: Uint8Array, memory: Uint8Array, fault: SnapshotFault, message: RegExp): void {
  assert.throws(() => restoreMachine(state, memory, { console: () => {} }), (e) => {
    assert.ok(e instanceof SnapshotError, `a SnapshotError, not ${String(e)}`);
    assert.equal(e.fault, fault, e.message);
    assert.match(e.message, message);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

const flipped = (b: Uint8Array, at: number) => { const c = b.slice(); c[at] ^= 0x20; return c; };

describe("snapshot files", () => {
  test("the state file holds the board's configuration; the memory file only the pages that are not zero", () => {
    const snap = snapshot();
    const s = decodeState(snap.state, "state");
    assert.deepEqual(s.config, { memoryMiB: 1, harts: 1, disks: [], htif: { pageOffset: 0xe000, tohost: 0, fromhost: -1 } });
    assert.equal(s.harts.length, 1);
    const m = decodeMemory(snap.memory, "memory");
    assert.equal(m.ramBytes, 1 << 20);
    assert.equal(m.pageCount, 1, "one page of code; the rest of RAM is zeros");
  });

  test("a 128 MiB board right after loading writes a memory file of a few KiB, not 128 MiB", () => {
    const snap = snapshot(128);
    assert.ok(snap.memory.length < 64 * 1024, `${snap.memory.length} bytes`);
    const restored = restoreMachine(snap.state, snap.memory, { console: () => {} });
    assert.equal(restored.board.ram.size, 128 << 20);
    restored.board.close();
  });

  test("the memory file gives back exactly the pages it was made from", () => {
    const ram = new Ram(1 << 20);
    for (const p of [0, 7, 255]) ram.u8[p * 4096 + (p % 4096)] = p + 1;
    ram.u8[(1 << 20) - 1] = 0x5a;
    const copy = new Ram(1 << 20);
    decodeMemory(encodeMemory(ram), "memory").applyTo(copy);
    assert.ok(Buffer.from(copy.u8).equals(Buffer.from(ram.u8)));
    assert.throws(() => decodeMemory(encodeMemory(ram), "memory").applyTo(new Ram(2 << 20)), /holds 1048576 bytes of RAM, the board has 2097152/);
  });

  test("a flipped byte in either file is refused: checksum mismatch", () => {
    const { state, memory } = snapshot();
    refused(flipped(state, HEADER_SIZE + 40), memory, "corrupt", /state is corrupted: checksum mismatch/);
    refused(state, flipped(memory, memory.length - 100), "corrupt", /memory is corrupted: checksum mismatch/);
    refused(state, flipped(memory, memory.length - 1), "corrupt", /checksum mismatch/);
  });

  test("a truncated file is refused as truncated, wherever it was cut", () => {
    const { state, memory } = snapshot();
    refused(state.subarray(0, state.length >> 1), memory, "truncated", /state is truncated: \d+ bytes of \d+/);
    refused(state, memory.subarray(0, memory.length - 1), "truncated", /memory is truncated/);
    refused(state.subarray(0, 10), memory, "truncated", /truncated: 10 bytes, less than a snapshot header/);
    refused(new Uint8Array(0), memory, "truncated", /truncated: 0 bytes/);
  });

  test("a file that is not a snapshot, or the other file of the pair, is refused", () => {
    const { state, memory } = snapshot();
    refused(new TextEncoder().encode("#!/bin/sh\necho hello, this is no snapshot\n"), memory, "foreign", /state is not a typevisor snapshot \(it starts with 23 21 2f/);
    refused(memory, state, "foreign", /state is a snapshot memory file, not a snapshot state file/);
  });

  test("a file of a newer format version is refused as such, even with a sound checksum", () => {
    const { state, memory } = snapshot();
    const newer = state.slice();
    new DataView(newer.buffer).setUint32(8, SNAPSHOT_VERSION + 1, true);
    seal(newer);
    refused(newer, memory, "version", new RegExp(`format version ${SNAPSHOT_VERSION + 1}, newer than this typevisor reads \\(${SNAPSHOT_VERSION}\\)`));
  });

  test("files of two different machines do not restore together", () => {
    refused(snapshot(1).state, snapshot(2).memory, "mismatch", /holds 2097152 bytes of RAM, but the snapshot state is of a 1 MiB machine/);
  });

  test("on files, errors name the file; a missing disk image or file is refused", () => {
    const disk = join(dir, "disk.img");
    writeFileSync(disk, new Uint8Array(64 * 512));
    const board = new VirtBoard({ memoryMiB: 1, console: () => {}, disks: [{ path: disk }] });
    const paths = { statePath: join(dir, "a.state"), memoryPath: join(dir, "a.mem") };
    const meta = { kernel: "/images/Image", append: "console=ttyS0" };
    writeSnapshotFiles(board, new SystemVm(board), paths, meta);
    board.close();
    const restored = restoreSnapshotFiles(paths, { console: () => {} });
    assert.deepEqual(restored.meta, meta, "the front end's description comes back");
    assert.equal(restored.board.virtio[0].name, "virtio-blk");
    assert.deepEqual(restored.board.config.disks, [{ path: disk, readonly: false }]);
    restored.board.close();

    assert.throws(() => restoreSnapshotFiles(paths, { console: () => {}, disks: [{ path: join(dir, "gone.img") }] }),
      (e) => e instanceof SnapshotError && e.fault === "mismatch" && /cannot rebuild the snapshot's board: disk image .*gone.img: no such file/.test(e.message));
    assert.throws(() => restoreSnapshotFiles({ ...paths, memoryPath: join(dir, "nothing.mem") }, { console: () => {} }),
      (e) => e instanceof SnapshotError && e.fault === "io" && e.message === `cannot read snapshot memory file ${join(dir, "nothing.mem")}: no such file or directory`);
    writeFileSync(paths.statePath, flipped(readFileSync(paths.statePath), 100));
    assert.throws(() => restoreSnapshotFiles(paths, { console: () => {} }),
      (e) => e instanceof SnapshotError && e.message.startsWith(`snapshot state file ${paths.statePath} is corrupted: checksum mismatch`));
  });
});
