/** virtio-mmio snapshot state: the transport and its queues continue on a new device exactly where they were. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DiskImageError, VirtioBlk } from "../virtio-blk/virtio-blk.js";
import { VirtioRng } from "../virtio-rng/virtio-rng.js";
import { MmioReg } from "./mmio.js";
import { FakeDriver } from "./testing.js";

/** An entropy device whose "random" bytes count up from 1, so two of them give the same answers. */
const countingRng = () => {
  let n = 0;
  return new VirtioRng((b) => { for (let i = 0; i < b.length; i++) b[i] = ++n & 0xff; });
};

const dir = mkdtempSync(join(tmpdir(), "typevisor-virtio-persist-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("virtio-mmio state", () => {
  test("round-trips; the restored device serves the next request at the same ring positions and keeps its interrupt", () => {
    const a = new FakeDriver(countingRng());
    a.init();
    for (let i = 0; i < 3; i++) { a.add(0, [{ in: 16 }]); a.notify(0); }
    assert.equal(a.used(0).length, 3);
    a.w32(MmioReg.QueueSel, 0);
    const saved = a.dev.save();
    assert.equal(saved.interruptStatus, 1, "the used-buffer interrupt is not acknowledged yet");

    const b = a.copyWith(countingRng());
    b.dev.restore(JSON.parse(JSON.stringify(saved)));
    assert.deepEqual(b.dev.save(), saved);
    assert.equal(b.irq.high, true, "the interrupt line is high again");
    for (const reg of [MmioReg.Status, MmioReg.QueueReady, MmioReg.QueueNum, MmioReg.QueueDescLow, MmioReg.QueueDeviceLow, MmioReg.InterruptStatus]) {
      assert.equal(b.r32(reg), a.r32(reg), `register 0x${reg.toString(16)}`);
    }

    // The same request on both: the same chain in the same used-ring slot.
    for (const d of [a, b]) { d.ack(); d.add(0, [{ in: 8 }]); d.notify(0); }
    const ua = a.used(0), ub = b.used(0);
    assert.deepEqual(ub, ua);
    assert.equal(ub.length, 1);
    assert.deepEqual(b.dev.save().queues, a.dev.save().queues);
  });

  test("a state for another kind of device is refused", () => {
    const rng = new FakeDriver(countingRng());
    const path = join(dir, "x.img");
    writeFileSync(path, new Uint8Array(4096));
    const model = new VirtioBlk({ path });
    assert.throws(() => new FakeDriver(model).dev.restore(rng.dev.save()), /does not fit virtio-blk/);
    model.close();
  });
});

describe("virtio-blk state", () => {
  test("keeps the capacity and refuses an image whose size changed", () => {
    const path = join(dir, "disk.img");
    writeFileSync(path, new Uint8Array(8 * 512));
    const a = new VirtioBlk({ path });
    const saved = a.save();
    assert.deepEqual(saved, { capacity: 8 });
    a.close();
    const same = new VirtioBlk({ path });
    same.restore(saved);
    same.close();
    truncateSync(path, 4 * 512);
    const shrunk = new VirtioBlk({ path });
    assert.throws(() => shrunk.restore(saved), (e) => e instanceof DiskImageError && /4 sectors now, but 8/.test(e.message));
    shrunk.close();
  });
});
