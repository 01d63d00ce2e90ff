/** The interpreter warm-up: it covers the instruction table and runs to its end on both kinds of hart. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decode, newDecoded } from "../../isa/riscv/decode.js";
import { INSNS } from "../../isa/riscv/table.js";
import { VirtBoard } from "../../system/board.js";
import { warmUp, warmUpWords, WARM_UP_DATA_PAGES } from "./warm-up.js";
import { RAM_BASE } from "../../system/memory-map.js";
import { AddressSpace } from "../../process/address-space.js";
import { Ram } from "../../mem/ram.js";
import { Prot } from "../../process/vmas.js";
import { Hart } from "./hart.js";

describe("interpreter warm-up", () => {
  test("the program holds every instruction of the table", () => {
    const seen = new Set<number>();
    const d = newDecoded();
    for (const w of warmUpWords()) seen.add(decode(w & 0xffff, w >>> 16, d).op);
    const missing = INSNS.filter((r) => !seen.has(r.op)).map((r) => r.name);
    assert.deepEqual(missing, []);
  });

  test("it runs to its end on a system-VM hart (M-mode, physical addresses)", () => {
    const board = new VirtBoard({ memoryMiB: 1, console: () => {} });
    const before = board.hart.retired;
    warmUp(board.hart, RAM_BASE, 2);
    assert.ok(board.hart.retired - before > 2 * warmUpWords().length * 0.8, `retired ${board.hart.retired - before}`);
  });

  test("on a system-VM hart, whose mstatus.FS resets to Off, the FP instructions run instead of trapping", () => {
    const board = new VirtBoard({ memoryMiB: 1, console: () => {} });
    warmUp(board.hart, RAM_BASE, 2);
    const space = new AddressSpace(new Ram(1 << 20));
    space.map(0x10000, (2 + WARM_UP_DATA_PAGES) * 4096, Prot.Read | Prot.Write | Prot.Exec, "warm-up");
    const h = new Hart(space.mmu, space.cache);
    warmUp(h, 0x10000, 2);
    assert.ok(board.hart.retired >= h.retired, `system hart retired ${board.hart.retired}, process hart ${h.retired}`);
  });

  test("it runs to its end on a process-VM hart (U-mode, an address space)", () => {
    const space = new AddressSpace(new Ram(1 << 20));
    space.map(0x10000, (2 + WARM_UP_DATA_PAGES) * 4096, Prot.Read | Prot.Write | Prot.Exec, "warm-up");
    const h = new Hart(space.mmu, space.cache);
    warmUp(h, 0x10000, 2);
    assert.ok(h.retired > 2 * warmUpWords().length * 0.8, `retired ${h.retired}`);
  });
});
