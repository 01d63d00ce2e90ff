/** virtio-blk over a temporary raw image, driven through virtio-mmio by a fake driver. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { MmioReg, VIRTIO_F_VERSION_1 } from "../virtio/mmio.js";
import { FakeDriver } from "../virtio/testing.js";
import {
  BLK_ID_BYTES, BlkConfig, BlkStatus, BlkType, DiskImageError, SECTOR, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH,
  MemoryBlockStore, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SEG_MAX, VirtioBlk, type VirtioBlkOptions,
} from "./virtio-blk.js";

const dir = mkdtempSync(join(tmpdir(), "typevisor-blk-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let images = 0;

/** A fresh image of `sectors` sectors where byte i of sector s is (s + i) & 0xff. */
function image(sectors = 16): string {
  const path = join(dir, `disk${images++}.img`);
  const data = new Uint8Array(sectors * SECTOR);
  for (let i = 0; i < data.length; i++) data[i] = (Math.floor(i / SECTOR) + i) & 0xff;
  writeFileSync(path, data);
  return path;
}

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setUint32(8, sector % 2 ** 32, true);
  v.setUint32(12, Math.floor(sector / 2 ** 32), true);
  return h;
}

/** A device on a fresh image with its driver initialised. */
function setup(opts: Partial<VirtioBlkOptions> = {}) {
  const path = opts.path ?? image();
  const blk = new VirtioBlk({ ...opts, path });
  const d = new FakeDriver(blk);
  d.init(1);
  return { path, blk, d };
}

/** Reads `sectors` sectors at `sector`; returns [status, data, used length]. */
function read(d: FakeDriver, sector: number, sectors: number, indirect = false): [number, Uint8Array, number] {
  const { addrs } = d.add(0, [{ out: header(BlkType.In, sector) }, { in: sectors * SECTOR }, { in: 1 }], indirect);
  d.notify(0);
  const [u] = d.used(0);
  return [d.bytes(addrs[2], 1)[0], d.bytes(addrs[1], sectors * SECTOR).slice(), u.len];
}

function write(d: FakeDriver, sector: number, data: Uint8Array): [number, number] {
  const { addrs } = d.add(0, [{ out: header(BlkType.Out, sector) }, { out: data }, { in: 1 }]);
  d.notify(0);
  const [u] = d.used(0);
  return [d.bytes(addrs[2], 1)[0], u.len];
}

function simple(d: FakeDriver, type: number, sector = 0, dataIn = 0): [number, Uint8Array, number] {
  const bufs = dataIn > 0 ? [{ out: header(type, sector) }, { in: dataIn }, { in: 1 }] : [{ out: header(type, sector) }, { in: 1 }];
  const { addrs } = d.add(0, bufs);
  d.notify(0);
  const [u] = d.used(0);
  const status = d.bytes(addrs[addrs.length - 1], 1)[0];
  return [status, dataIn > 0 ? d.bytes(addrs[1], dataIn).slice() : new Uint8Array(0), u.len];
}

describe("virtio-blk", () => {
  test("the device offers FLUSH, BLK_SIZE and SEG_MAX and shows the capacity in 512-byte sectors", () => {
    const blk = new VirtioBlk({ path: image(24) });
    const d = new FakeDriver(blk);
    assert.equal(d.r32(MmioReg.DeviceId), 2);
    assert.equal(d.offered() & (VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | VIRTIO_F_VERSION_1),
      VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_SEG_MAX | VIRTIO_F_VERSION_1);
    assert.equal(d.dev.read(MmioReg.Config + BlkConfig.Capacity, 4), 24);
    assert.equal(d.dev.read(MmioReg.Config + BlkConfig.Capacity + 4, 4), 0);
    assert.equal(d.dev.read(MmioReg.Config + BlkConfig.BlkSize, 4), 512);
    assert.equal(d.dev.read(MmioReg.Config + BlkConfig.SegMax, 4), 254);
    blk.close();
  });

  test("a read returns the image's sectors with status OK, and the used length counts data and status", () => {
    const { d, blk } = setup();
    const [status, data, len] = read(d, 3, 2);
    assert.equal(status, BlkStatus.Ok);
    assert.equal(len, 2 * SECTOR + 1);
    for (let i = 0; i < data.length; i++) assert.equal(data[i], (3 + Math.floor(i / SECTOR) + i) & 0xff);
    assert.equal(d.irq.high, true);
    blk.close();
  });

  test("a read through an indirect descriptor table gives the same bytes", () => {
    const { d, blk } = setup();
    assert.deepEqual(read(d, 5, 1, true), read(d, 5, 1, false));
    blk.close();
  });

  test("a write then a read of the same sectors gives back what was written", () => {
    const { d, blk } = setup();
    const data = new Uint8Array(3 * SECTOR).map((_, i) => (i * 7) & 0xff);
    assert.deepEqual(write(d, 4, data), [BlkStatus.Ok, 1]);
    const [status, back] = read(d, 4, 3);
    assert.equal(status, BlkStatus.Ok);
    assert.deepEqual(back, data);
    blk.close();
  });

  test("after a flush the host file holds what the guest wrote", () => {
    const { d, blk, path } = setup();
    const data = new Uint8Array(SECTOR).fill(0xab);
    write(d, 15, data);
    const [status, , len] = simple(d, BlkType.Flush);
    assert.equal(status, BlkStatus.Ok);
    assert.equal(len, 1);
    const file = readFileSync(path);
    assert.deepEqual(new Uint8Array(file.subarray(15 * SECTOR, 16 * SECTOR)), data);
    assert.equal(file[14 * SECTOR], 14, "the sector before is untouched");
    blk.close();
  });

  test("a request that reaches past the last sector fails with IOERR and writes no data", () => {
    const { d, blk, path } = setup();
    const before = readFileSync(path);
    assert.equal(read(d, 15, 2)[0], BlkStatus.IoErr);
    assert.equal(read(d, 2 ** 40, 1)[0], BlkStatus.IoErr);
    assert.deepEqual(write(d, 16, new Uint8Array(SECTOR)), [BlkStatus.IoErr, 1]);
    assert.deepEqual(readFileSync(path), before);
    assert.equal(read(d, 15, 1)[0], BlkStatus.Ok, "the last sector itself is readable");
    blk.close();
  });

  test("data that is not a whole number of sectors fails with IOERR", () => {
    const { d, blk } = setup();
    assert.equal(write(d, 0, new Uint8Array(100))[0], BlkStatus.IoErr);
    blk.close();
  });

  test("an unknown request type answers UNSUPP", () => {
    const { d, blk } = setup();
    assert.equal(simple(d, 11 /* discard, not offered */)[0], BlkStatus.Unsupp);
    assert.equal(simple(d, 0x7777)[0], BlkStatus.Unsupp);
    blk.close();
  });

  test("GET_ID returns the serial number, NUL-padded to 20 bytes", () => {
    const { d, blk } = setup({ serial: "disk-0042" });
    const [status, id, len] = simple(d, BlkType.GetId, 0, BLK_ID_BYTES);
    assert.equal(status, BlkStatus.Ok);
    assert.equal(len, BLK_ID_BYTES + 1);
    assert.equal(new TextDecoder().decode(id).replace(/\0+$/, ""), "disk-0042");
    assert.equal(id[BLK_ID_BYTES - 1], 0);
    blk.close();
  });

  test("a read-only image offers VIRTIO_BLK_F_RO, reads, and rejects writes with IOERR", () => {
    const path = image();
    const before = readFileSync(path);
    const { d, blk } = setup({ path, readonly: true });
    assert.equal(blk.readonly, true);
    assert.equal(d.offered() & VIRTIO_BLK_F_RO, VIRTIO_BLK_F_RO);
    assert.equal(read(d, 0, 1)[0], BlkStatus.Ok);
    assert.equal(write(d, 0, new Uint8Array(SECTOR))[0], BlkStatus.IoErr);
    assert.equal(simple(d, BlkType.Flush)[0], BlkStatus.Ok);
    assert.deepEqual(readFileSync(path), before);
    blk.close();
  });

  test("a missing image is a DiskImageError that names the file", () => {
    assert.throws(() => new VirtioBlk({ path: join(dir, "nope.img") }), (e: unknown) =>
      e instanceof DiskImageError && /nope\.img: no such file/.test(e.message));
    assert.throws(() => new VirtioBlk({ path: dir }), DiskImageError, "a directory is not an image");
  });

  test("requests after close fail with IOERR instead of touching the host", () => {
    const { d, blk } = setup();
    blk.close();
    assert.equal(read(d, 0, 1)[0], BlkStatus.IoErr);
  });

  test("a disk in memory (a browser's): reads the bytes, keeps the writes in place, refuses writes when read-only", () => {
    const bytes = readFileSync(image(8));
    const mem = new Uint8Array(bytes);
    const { d } = setup({ path: "mem0", store: new MemoryBlockStore("mem0", mem) });
    const [status, back] = read(d, 2, 2);
    assert.equal(status, BlkStatus.Ok);
    assert.deepEqual(back, new Uint8Array(bytes.subarray(2 * SECTOR, 4 * SECTOR)));
    const data = new Uint8Array(SECTOR).fill(0x5c);
    assert.deepEqual(write(d, 7, data), [BlkStatus.Ok, 1]);
    assert.deepEqual(mem.subarray(7 * SECTOR, 8 * SECTOR), data, "the write is in the store's bytes");
    assert.equal(write(d, 8, data)[0], BlkStatus.IoErr, "past the end");
    const ro = setup({ path: "mem1", store: new MemoryBlockStore("mem1", new Uint8Array(4 * SECTOR), true) });
    assert.ok((ro.blk.features & VIRTIO_BLK_F_RO) !== 0n);
    assert.equal(write(ro.d, 0, data)[0], BlkStatus.IoErr);
  });
});
