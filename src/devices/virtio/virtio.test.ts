/** The virtio-mmio transport and split virtqueues, driven through registers by a fake driver. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Interrupt, MmioReg, Status, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTIO_MMIO_MAGIC, type VirtioDeviceModel,
} from "./mmio.js";
import { gather, scatter, type Virtqueue } from "./queue.js";
import { FAKE_RAM_BASE, FakeDriver } from "./testing.js";

/** A test device: answers each chain with its readable bytes reversed, written into its writable buffers. */
class Reverser implements VirtioDeviceModel {
  readonly name = "reverser";
  readonly deviceId = 42;
  readonly features = 1n << 3n;
  readonly queueSizes = [8, 4];
  readonly config = new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
  resets = 0;
  notifications: number[] = [];
  accepted: bigint | undefined;

  notify(q: Virtqueue): void {
    this.notifications.push(q.index);
    for (let c = q.pop(); c !== undefined; c = q.pop()) {
      const data = gather(c.readable, 0, c.readableLength).reverse();
      q.push(c, scatter(c.writable, 0, data.subarray(0, c.writableLength)));
    }
  }

  negotiated(f: bigint): void {
    this.accepted = f;
  }

  reset(): void {
    this.resets++;
  }
}

const ALL = Status.Acknowledge | Status.Driver | Status.FeaturesOk | Status.DriverOk;

describe("virtio-mmio transport", () => {
  test("the registers identify a version 2 device of the model's type with its queues and features", () => {
    const d = new FakeDriver(new Reverser());
    assert.equal(d.r32(MmioReg.MagicValue), VIRTIO_MMIO_MAGIC);
    assert.equal(d.r32(MmioReg.Version), 2);
    assert.equal(d.r32(MmioReg.DeviceId), 42);
    assert.equal(d.r32(MmioReg.VendorId), 0x554d4551);
    assert.equal(d.offered(), (1n << 3n) | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC);
    d.w32(MmioReg.QueueSel, 1);
    assert.equal(d.r32(MmioReg.QueueNumMax), 4);
    d.w32(MmioReg.QueueSel, 2);
    assert.equal(d.r32(MmioReg.QueueNumMax), 0, "a queue that does not exist has size 0");
    assert.equal(d.r32(MmioReg.ShmLenLow), 0xffffffff, "no shared memory regions");
  });

  test("a driver that does not accept VIRTIO_F_VERSION_1 is refused FEATURES_OK", () => {
    const d = new FakeDriver(new Reverser());
    assert.equal(d.negotiate(1n << 3n) & Status.FeaturesOk, 0);
  });

  test("a driver that accepts a feature the device did not offer is refused FEATURES_OK", () => {
    const d = new FakeDriver(new Reverser());
    assert.equal(d.negotiate(VIRTIO_F_VERSION_1 | (1n << 5n)) & Status.FeaturesOk, 0);
  });

  test("an accepted subset of the features sets FEATURES_OK and reaches the model", () => {
    const m = new Reverser();
    const d = new FakeDriver(m);
    assert.equal(d.negotiate(VIRTIO_F_VERSION_1), Status.Acknowledge | Status.Driver | Status.FeaturesOk);
    assert.equal(m.accepted, VIRTIO_F_VERSION_1);
  });

  test("a notified chain is consumed, returned in the used ring with the bytes written, and interrupts until acknowledged", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    assert.equal(d.r32(MmioReg.Status), ALL);
    const { head, addrs } = d.add(0, [{ out: new Uint8Array([1, 2]) }, { out: new Uint8Array([3]) }, { in: 2 }, { in: 4 }]);
    assert.equal(d.irq.high, false);
    d.notify(0);
    assert.deepEqual(d.used(0), [{ id: head, len: 3 }]);
    assert.deepEqual([...d.bytes(addrs[2], 2)], [3, 2]);
    assert.deepEqual([...d.bytes(addrs[3], 4)], [1, 0, 0, 0], "the write continues across descriptors");
    assert.equal(d.irq.high, true);
    assert.equal(d.r32(MmioReg.InterruptStatus), Interrupt.UsedBuffer);
    d.w32(MmioReg.InterruptAck, Interrupt.UsedBuffer);
    assert.equal(d.irq.high, false);
    assert.equal(d.r32(MmioReg.InterruptStatus), 0);
  });

  test("the rings wrap around the queue size", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    for (let i = 0; i < 10; i++) {
      const { head, addrs } = d.add(1, [{ out: new Uint8Array([i, 100]) }, { in: 2 }]);
      d.notify(1);
      assert.deepEqual(d.used(1), [{ id: head, len: 2 }]);
      assert.deepEqual([...d.bytes(addrs[1], 2)], [100, i]);
    }
  });

  test("a driver may choose a queue smaller than QueueNumMax, and the rings wrap at its size", () => {
    const d = new FakeDriver(new Reverser());
    assert.ok((d.negotiate() & Status.FeaturesOk) !== 0);
    d.setupQueue(0, 2);
    d.w32(MmioReg.Status, ALL);
    for (let i = 0; i < 5; i++) {
      const { head } = d.add(0, [{ out: new Uint8Array([i]) }, { in: 1 }]);
      d.notify(0);
      assert.deepEqual(d.used(0), [{ id: head, len: 1 }]);
    }
    assert.equal(d.r32(MmioReg.Status), ALL);
  });

  test("a queue larger than QueueNumMax cannot be made ready and puts the device in DEVICE_NEEDS_RESET", () => {
    const d = new FakeDriver(new Reverser());
    assert.ok((d.negotiate() & Status.FeaturesOk) !== 0);
    d.w32(MmioReg.QueueSel, 1);
    d.w32(MmioReg.QueueNum, 8);
    d.w32(MmioReg.QueueReady, 1);
    assert.equal(d.r32(MmioReg.QueueReady), 0);
    assert.ok((d.r32(MmioReg.Status) & Status.DeviceNeedsReset) !== 0);
  });

  test("several chains made available at once are all served by one notification", () => {
    const m = new Reverser();
    const d = new FakeDriver(m);
    d.init(2);
    const a = d.add(0, [{ out: new Uint8Array([7]) }, { in: 1 }]);
    const b = d.add(0, [{ out: new Uint8Array([8]) }, { in: 1 }]);
    d.notify(0);
    assert.deepEqual(d.used(0), [{ id: a.head, len: 1 }, { id: b.head, len: 1 }]);
    assert.deepEqual(m.notifications, [0, 1, 0], "DRIVER_OK looks at every queue once, then the notification");
  });

  test("an indirect descriptor table is followed like a direct chain", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    const { head, addrs } = d.add(0, [{ out: new Uint8Array([9, 8, 7]) }, { in: 3 }], true);
    d.notify(0);
    assert.deepEqual(d.used(0), [{ id: head, len: 3 }]);
    assert.deepEqual([...d.bytes(addrs[1], 3)], [7, 8, 9]);
  });

  test("VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the used-buffer interrupt but not the used ring", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    d.suppressInterrupts(0, true);
    d.add(0, [{ out: new Uint8Array([1]) }, { in: 1 }]);
    d.notify(0);
    assert.equal(d.used(0).length, 1);
    assert.equal(d.irq.high, false);
    assert.equal(d.r32(MmioReg.InterruptStatus), 0);
  });

  test("a notification before DRIVER_OK is not served; DRIVER_OK serves what is waiting", () => {
    const d = new FakeDriver(new Reverser());
    assert.ok((d.negotiate() & Status.FeaturesOk) !== 0);
    d.setupQueue(0);
    d.add(0, [{ out: new Uint8Array([5]) }, { in: 1 }]);
    d.notify(0);
    assert.equal(d.used(0).length, 0);
    d.w32(MmioReg.Status, ALL);
    assert.equal(d.used(0).length, 1);
  });

  test("writing 0 to Status resets the queues, the features, the interrupt and the model", () => {
    const m = new Reverser();
    const d = new FakeDriver(m);
    d.init(2);
    d.add(0, [{ out: new Uint8Array([1]) }, { in: 1 }]);
    d.notify(0);
    assert.equal(d.irq.high, true);
    const before = m.resets;
    d.w32(MmioReg.Status, 0);
    assert.equal(m.resets, before + 1);
    assert.equal(d.r32(MmioReg.Status), 0);
    assert.equal(d.irq.high, false);
    assert.equal(d.r32(MmioReg.InterruptStatus), 0);
    d.w32(MmioReg.QueueSel, 0);
    assert.equal(d.r32(MmioReg.QueueReady), 0);
    assert.equal(d.r32(MmioReg.QueueDescLow), 0);
    assert.equal(d.dev.driverFeatureBits, 0n);
    d.init(2); // and the device works again from scratch
    const { head } = d.add(0, [{ out: new Uint8Array([1]) }, { in: 1 }]);
    d.notify(0);
    assert.deepEqual(d.used(0), [{ id: head, len: 1 }]);
  });

  test("the configuration space reads little-endian at 0x100 in 1, 2 and 4 bytes", () => {
    const d = new FakeDriver(new Reverser());
    assert.equal(d.dev.read(MmioReg.Config, 4), 0x44332211);
    assert.equal(d.dev.read(MmioReg.Config + 4, 4), 0x88776655);
    assert.equal(d.dev.read(MmioReg.Config + 2, 2), 0x4433);
    assert.equal(d.dev.read(MmioReg.Config + 7, 1), 0x88);
    assert.equal(d.dev.read(MmioReg.Config + 8, 1), 0, "beyond the configuration space reads 0");
  });

  test("a configuration change bumps ConfigGeneration and raises interrupt bit 1", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    const g = d.r32(MmioReg.ConfigGeneration);
    d.dev.configChanged();
    assert.equal(d.r32(MmioReg.ConfigGeneration), g + 1);
    assert.equal(d.irq.high, true);
    assert.equal(d.ack(), Interrupt.ConfigChange);
    assert.equal(d.irq.high, false);
  });

  test("a looping chain puts the device in DEVICE_NEEDS_RESET with a configuration interrupt", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    const { head } = d.add(0, [{ out: new Uint8Array([1]) }, { in: 1 }]);
    // make the second descriptor point back at the first
    const descTable = d.dev.queues[0].descAddr - FAKE_RAM_BASE;
    d.view.setUint16(descTable + 16 * (head + 1) + 12, 3, true); // WRITE | NEXT
    d.view.setUint16(descTable + 16 * (head + 1) + 14, head, true);
    d.notify(0);
    assert.equal(d.r32(MmioReg.Status), ALL | Status.DeviceNeedsReset);
    assert.equal(d.ack(), Interrupt.ConfigChange);
    assert.match(String(d.dev.lastError), /loops/);
    d.w32(MmioReg.Status, 0);
    assert.equal(d.r32(MmioReg.Status), 0, "a reset clears DEVICE_NEEDS_RESET");
  });

  test("a buffer outside guest RAM puts the device in DEVICE_NEEDS_RESET", () => {
    const d = new FakeDriver(new Reverser());
    d.init(2);
    const { head } = d.add(0, [{ out: new Uint8Array([1]) }, { in: 1 }]);
    const descTable = d.dev.queues[0].descAddr - FAKE_RAM_BASE;
    d.view.setUint32(descTable + 16 * head, 0x1000, true); // below RAM
    d.notify(0);
    assert.ok((d.r32(MmioReg.Status) & Status.DeviceNeedsReset) !== 0);
    assert.equal(d.used(0).length, 0);
  });
});
