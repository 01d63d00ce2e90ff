/**
 * Whole-machine snapshots of a deterministic bare-metal program: run part of
 * it, snapshot to files, restore on a new board, run to the end; everything
 * must be as after an uninterrupted run.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Exit, run } from "../../cpu/riscv/run.js";
import { VirtBoard } from "../board.js";
import { SystemVm } from "../system-vm.js";
import { restoreSnapshotFiles, writeSnapshotFiles } from "./files.js";
import { computeProgram, loadProgram } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "typevisor-snapshot-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ITERATIONS = 60_000;
const text = (bytes: number[]) => Buffer.from(bytes).toString("latin1");

/** A 1 MiB board with the program loaded, its console collected in `out`. */
function board(harts: number, htif: boolean, out: number[]): VirtBoard {
  const b = new VirtBoard({ memoryMiB: 1, harts, console: (c) => out.push(c) });
  loadProgram(b, computeProgram(harts, ITERATIONS, htif), htif);
  return b;
}

/**
 * Runs the program to its end without a snapshot, and again with one taken
 * after `budgets[i]` instructions of hart i (run() slices, as the system VM
 * gives them; a hart that reaches wfi waits, as the system VM makes it),
 * restored from files on a new board. Returns both boards and consoles.
 */
async function compare(harts: number, htif: boolean, budgets: number[], name: string) {
  const refOut: number[] = [];
  const ref = board(harts, htif, refOut);
  const refStop = await new SystemVm(ref).run({ timeoutMs: 30_000 });

  const firstOut: number[] = [];
  const first = board(harts, htif, firstOut);
  const firstVm = new SystemVm(first);
  first.harts.forEach(({ hart }, i) => {
    for (let left = budgets[i]; left > 0; left -= 100_000) {
      const exit = run(hart, Math.min(left, 100_000));
      if (exit === Exit.Wfi) { firstVm.waiting[i] = true; break; }
      assert.equal(exit, Exit.Budget, `hart ${i} ran without traps`);
    }
  });
  const paths = { statePath: join(dir, `${name}.state`), memoryPath: join(dir, `${name}.mem`) };
  writeSnapshotFiles(first, firstVm, paths);
  first.close();

  const restoredOut: number[] = [];
  const { board: restored, vm } = restoreSnapshotFiles(paths, { console: (c) => restoredOut.push(c) });
  const stop = await vm.run({ timeoutMs: 30_000 });
  assert.deepEqual(stop, refStop);
  assert.equal(text([...firstOut, ...restoredOut]), text(refOut), "the same console output");
  assert.ok(Buffer.from(restored.ram.u8).equals(Buffer.from(ref.ram.u8)), "the same RAM");
  return { ref, restored, refOut };
}

describe("whole-machine snapshot of a bare-metal program", () => {
  test("one hart, HTIF: snapshot half-way, restore from files, and the run ends exactly as an uninterrupted one", async () => {
    const { ref, restored, refOut } = await compare(1, true, [500_000], "one");
    assert.match(text(refOut), /^[0-9a-f]{16} [0-9a-f]{16} \n$/);
    assert.deepEqual(ref.htif?.save(), restored.htif?.save(), "HTIF is where it was");
    // One hart never waits on another: every register, the instructions retired and the CSRs are the same.
    assert.deepEqual(restored.hart.save(), ref.hart.save());
    assert.deepEqual(restored.csrs.save(), ref.csrs.save());
  });

  test("two harts, the finisher: one hart mid-loop, the other already waiting in wfi", async () => {
    const { ref, restored, refOut } = await compare(2, false, [300_000, 5_000_000], "two");
    assert.match(text(refOut), /^([0-9a-f]{16} [0-9a-f]{16} \n){2}$/);
    assert.equal(restored.htif, undefined);
    // Hart 0 spins until hart 1 is done, so its retired count depends on turns; nothing else does.
    const strip = (s: ReturnType<typeof ref.hart.save>) => ({ ...s, instret: 0 });
    assert.deepEqual(strip(restored.harts[0].hart.save()), strip(ref.harts[0].hart.save()));
    assert.deepEqual(restored.harts[1].hart.save(), ref.harts[1].hart.save(), "hart 1 stayed in wfi: not one instruction more");
  });
});
