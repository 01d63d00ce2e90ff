/** Placing firmware, kernel and device tree in RAM, as QEMU's virt board does. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Ram } from "../mem/ram.js";
import { BootError } from "./elf.js";
import { DTB_ALIGN, KERNEL_BASE, loadFirmware, type InitrdRange } from "./firmware.js";
import { RAM_BASE } from "./memory-map.js";

const bin = (n: number, fill: number) => ({ data: new Uint8Array(n).fill(fill), name: `img${fill}` });

describe("firmware loading", () => {
  test("raw firmware at RAM_BASE, a raw kernel at KERNEL_BASE, the device tree aligned near the top of RAM", () => {
    const ram = new Ram(64 << 20);
    const dtb = new Uint8Array(1000).fill(0xdd);
    const l = loadFirmware(ram, bin(0x1000, 1), bin(0x2000, 2), () => dtb);
    assert.equal(l.entry, RAM_BASE);
    assert.equal(ram.u8[0], 1);
    assert.equal(ram.u8[KERNEL_BASE - RAM_BASE], 2);
    assert.equal(l.kernelEntry, KERNEL_BASE);
    assert.equal(l.dtb % DTB_ALIGN, 0);
    assert.ok(l.dtb + dtb.length <= RAM_BASE + ram.size && l.dtb > RAM_BASE + ram.size - 2 * DTB_ALIGN);
    assert.equal(ram.u8[l.dtb - RAM_BASE], 0xdd);
    // fw_dynamic_info: magic "OSBI", version 2, next_addr, next_mode S
    const v = new DataView(ram.u8.buffer, l.dynamicInfo - RAM_BASE);
    assert.equal(v.getBigUint64(0, true), 0x4942534fn);
    assert.equal(v.getBigUint64(8, true), 2n);
    assert.equal(v.getBigUint64(16, true), BigInt(KERNEL_BASE));
    assert.equal(v.getBigUint64(24, true), 1n);
  });

  test("a small RAM puts the device tree right below its end, 8-byte aligned", () => {
    const ram = new Ram(3 << 20);
    const l = loadFirmware(ram, bin(0x1000, 1), bin(0x1000, 2), () => new Uint8Array(100));
    assert.equal(l.dtb % 8, 0);
    assert.ok(l.dtb >= KERNEL_BASE + 0x1000 && l.dtb + 100 <= RAM_BASE + ram.size);
  });

  test("images that overlap, do not fit, or are text are refused with one line", () => {
    assert.throws(() => loadFirmware(new Ram(4 << 20), bin(0x30_0000, 1), bin(16, 2), () => new Uint8Array(8)), /overlaps the firmware/);
    assert.throws(() => loadFirmware(new Ram(2 << 20), bin(16, 1), bin(16, 2), () => new Uint8Array(8)), /does not fit in RAM/);
    assert.throws(() => loadFirmware(new Ram(1 << 20), bin((1 << 20) - 8, 1), undefined, () => new Uint8Array(64)), /not enough memory/);
    const text = { data: new Uint8Array(Buffer.from("#!/bin/sh\necho hi\n")), name: "fw.sh" };
    assert.throws(() => loadFirmware(new Ram(4 << 20), text, undefined, () => new Uint8Array(8)),
      (e: unknown) => e instanceof BootError && /^fw\.sh: not a firmware image/.test(e.message) && !e.message.includes("\n"));
    assert.throws(() => loadFirmware(new Ram(4 << 20), { data: new Uint8Array(0), name: "e" }, undefined, () => new Uint8Array(8)), /empty file/);
  });
});

test("an initrd goes page-aligned below the device tree, which names it in /chosen", () => {
  const ram = new Ram(16 << 20);
  const seen: (InitrdRange | undefined)[] = [];
  const rd = { data: new Uint8Array(10_000).fill(7), name: "rd" };
  const l = loadFirmware(ram, bin(0x1000, 1), bin(0x2000, 2), (r) => { seen.push(r && { ...r }); return new Uint8Array(256); }, rd);
  assert.ok(l.initrd !== undefined);
  assert.equal(l.initrd.start % 4096, 0);
  assert.equal(l.initrd.end - l.initrd.start, 10_000);
  assert.ok(l.initrd.end <= l.dynamicInfo && l.initrd.start >= 0x8020_2000, "between the kernel and the firmware tables");
  assert.deepEqual(seen.at(-1), l.initrd, "the final tree was made with the initrd's real place");
  assert.equal(ram.u8[l.initrd.start - 0x8000_0000], 7);
  assert.throws(() => loadFirmware(new Ram(4 << 20), bin(0x1000, 1), bin(0x2000, 2), () => new Uint8Array(64),
    { data: new Uint8Array(3 << 20), name: "big" }), /initrd/);
});
