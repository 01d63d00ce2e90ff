/** virtio-rng, driven through virtio-mmio by a fake driver. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MmioReg, VIRTIO_F_VERSION_1 } from "../virtio/mmio.js";
import { FakeDriver } from "../virtio/testing.js";
import { VirtioRng } from "./virtio-rng.js";

describe("virtio-rng", () => {
  test("it is an entropy device (id 4) offering VERSION_1 and nothing device-specific", () => {
    const d = new FakeDriver(new VirtioRng());
    assert.equal(d.r32(MmioReg.DeviceId), 4);
    assert.equal(d.offered() & 0xffffffn, 0n);
    assert.equal(d.offered() & VIRTIO_F_VERSION_1, VIRTIO_F_VERSION_1);
  });

  test("every device-writable buffer of a chain is filled and the used length is their total", () => {
    let n = 0;
    const d = new FakeDriver(new VirtioRng((b) => { for (let i = 0; i < b.length; i++) b[i] = ++n; }));
    d.init(1);
    const { head, addrs } = d.add(0, [{ in: 3 }, { in: 5 }]);
    d.notify(0);
    assert.deepEqual(d.used(0), [{ id: head, len: 8 }]);
    assert.deepEqual([...d.bytes(addrs[0], 3)], [1, 2, 3]);
    assert.deepEqual([...d.bytes(addrs[1], 5)], [4, 5, 6, 7, 8]);
    assert.equal(d.ack(), 1);
  });

  test("the host's generator gives bytes that are not all the same", () => {
    const d = new FakeDriver(new VirtioRng());
    d.init(1);
    const { addrs } = d.add(0, [{ in: 64 }]);
    d.notify(0);
    const bytes = d.bytes(addrs[0], 64);
    assert.ok(new Set(bytes).size > 8, `64 random bytes with ${new Set(bytes).size} distinct values`);
  });
});
