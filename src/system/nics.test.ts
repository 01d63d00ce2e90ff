/** Network cards on the board and the machine: slots, interrupts, backends' lifetime, snapshots, and the config. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Irq } from "../cpu/riscv/priv/csr.js";
import { encode } from "../isa/riscv/decode.js";
import { Op } from "../isa/riscv/table.js";
import { PlicReg } from "../devices/plic/plic.js";
import { MmioReg, Status } from "../devices/virtio/mmio.js";
import { FakeDriver } from "../devices/virtio/testing.js";
import { NetHdr, NetQueue } from "../devices/virtio-net/virtio-net.js";
import type { NetBackend } from "../net/link.js";
import { VirtBoard } from "./board.js";
import { BootError } from "./elf.js";
import { Machine, resolveConfig } from "./machine.js";
import { VIRTIO_BASE, VIRTIO_IRQ, VIRTIO_SLOT_SIZE } from "./memory-map.js";
import { SystemVm } from "./system-vm.js";
import { restoreMachine, snapshotMachine, SnapshotError } from "./snapshot/index.js";

/** A backend that records what happens to it. */
class FakeBackend implements NetBackend {
  readonly kind = "fake";
  readonly sent: Uint8Array[] = [];
  attached = 0;
  closed = 0;
  deliver: (frame: Uint8Array) => void = () => {};
  attach(deliver: (frame: Uint8Array) => void): void {
    this.attached++;
    this.deliver = deliver;
  }
  transmit(frame: Uint8Array): void {
    this.sent.push(frame.slice());
  }
  close(): void {
    this.closed++;
  }
}

const mac = (last: number) => Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, last);
const frame = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i < 6 ? 0xff : i & 0xff));

const dir = mkdtempSync(join(tmpdir(), "typevisor-nics-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let programs = 0;

/** An ELF file of `words` at 0x80000000, for a bare-metal machine. */
function elf(words: number[]): string {
  const code = new Uint8Array(new Uint32Array(words).buffer);
  const b = new Uint8Array(120 + code.length);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 243, true); // EM_RISCV
  v.setUint32(20, 1, true);
  v.setBigUint64(24, 0x8000_0000n, true); // entry
  v.setBigUint64(32, 64n, true); // phoff
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint32(64, 1, true); // PT_LOAD
  v.setUint32(68, 5, true);
  v.setBigUint64(72, 120n, true);
  v.setBigUint64(80, 0x8000_0000n, true);
  v.setBigUint64(88, 0x8000_0000n, true);
  v.setBigUint64(96, BigInt(code.length), true);
  v.setBigUint64(104, BigInt(code.length), true);
  b.set(code, 120);
  const path = join(dir, `prog${programs++}.elf`);
  writeFileSync(path, b);
  return path;
}

describe("network cards on the board", () => {
  test("each NIC is a virtio-net device in the slots after the disks and before virtio-rng, in the device tree", () => {
    const disk = join(dir, "disk.img");
    writeFileSync(disk, new Uint8Array(4096));
    const a = new FakeBackend(), b = new FakeBackend();
    const board = new VirtBoard({ memoryMiB: 1, console: () => {}, disks: [{ path: disk }], nics: [{ backend: a, mac: mac(0x56) }, { backend: b, mac: mac(0x57) }] });
    assert.deepEqual(board.virtio.map((d) => d.name), ["virtio-blk", "virtio-net", "virtio-net", "virtio-rng"]);
    assert.deepEqual(board.nics.map((n) => n.backend), [a, b]);
    assert.equal(a.attached, 1);
    assert.deepEqual(board.config.nics, [{ mac: "52:54:00:12:34:56" }, { mac: "52:54:00:12:34:57" }]);
    const { fdt } = board.deviceTree();
    for (let i = 0; i < 4; i++) assert.ok(fdt.find(`/soc/virtio_mmio@${(VIRTIO_BASE + i * VIRTIO_SLOT_SIZE).toString(16)}`), `slot ${i}`);
    assert.equal(fdt.find(`/soc/virtio_mmio@${(VIRTIO_BASE + 4 * VIRTIO_SLOT_SIZE).toString(16)}`), undefined);
    board.close({ keepBackends: true });
    assert.equal(a.closed, 0);
    board.close();
    assert.equal(a.closed, 1);
    assert.equal(b.closed, 1);
    assert.equal(new VirtBoard({ memoryMiB: 1, console: () => {} }).config.nics, undefined, "a board without NICs has the config it had");
  });

  test("more disks and NICs than virtio slots is a BootError", () => {
    const nics = Array.from({ length: 8 }, (_, i) => ({ backend: new FakeBackend(), mac: mac(i) }));
    assert.throws(() => new VirtBoard({ memoryMiB: 1, console: () => {}, nics }), BootError);
  });

  test("a frame delivered from a host event raises the NIC's PLIC source and wakes the machine", () => {
    const backend = new FakeBackend();
    const board = new VirtBoard({ memoryMiB: 2, console: () => {}, nics: [{ backend, mac: mac(0x56) }] });
    let wakes = 0;
    board.onInterrupt = () => { wakes++; };
    const source = VIRTIO_IRQ; // slot 0
    const sContext = 1; // hart 0's supervisor context
    board.plic.write(PlicReg.Priority + 4 * source, 4, 1);
    board.plic.write(PlicReg.Enable + PlicReg.EnableStride * sContext, 4, 1 << source);
    board.plic.write(PlicReg.Context + PlicReg.ContextStride * sContext, 4, 0);
    const d = new FakeDriver(board.nics[0], 0, { dev: board.virtio[0], ram: board.ram.u8 });
    d.init(2);
    assert.equal(d.r32(MmioReg.Status) & Status.DriverOk, Status.DriverOk);
    d.add(NetQueue.Receive, [{ in: 2048 }]);
    d.notify(NetQueue.Receive);
    assert.equal(wakes, 0);
    backend.deliver(frame(60));
    assert.deepEqual(d.used(NetQueue.Receive), [{ id: 0, len: NetHdr.Size + 60 }]);
    assert.equal(wakes, 1);
    assert.ok((board.csrs.mip & (1 << Irq.SEI)) !== 0, "SEIP is pending");
    // And a frame the guest sends reaches the backend.
    const out = frame(64);
    d.add(NetQueue.Transmit, [{ out: new Uint8Array(NetHdr.Size) }, { out }]);
    d.notify(NetQueue.Transmit);
    assert.deepEqual(backend.sent, [out]);
    board.close();
  });

  test("a snapshot records the NICs' MAC addresses; a restore takes new backends or leaves the NICs unplugged", () => {
    const backend = new FakeBackend();
    const board = new VirtBoard({ memoryMiB: 1, console: () => {}, nics: [{ backend, mac: mac(0x60) }] });
    const vm = new SystemVm(board);
    const d = new FakeDriver(board.nics[0], 0, { dev: board.virtio[0], ram: board.ram.u8 });
    d.init(2);
    d.add(NetQueue.Transmit, [{ out: new Uint8Array(NetHdr.Size) }, { out: frame(100) }]);
    d.notify(NetQueue.Transmit);
    const snap = snapshotMachine(board, vm);

    const fresh = new FakeBackend();
    const r = restoreMachine(snap.state, snap.memory, { console: () => {}, nics: [fresh] });
    assert.equal(r.board.nics.length, 1);
    assert.equal(r.board.nics[0].backend, fresh);
    assert.equal(fresh.attached, 1);
    assert.deepEqual(r.board.nics[0].mac, mac(0x60));
    assert.equal(r.board.nics[0].counters.txPackets, 1);
    assert.equal(r.board.virtio[0].deviceStatus & Status.DriverOk, Status.DriverOk);
    r.board.close();
    assert.equal(fresh.closed, 1);

    const unplugged = restoreMachine(snap.state, snap.memory, { console: () => {} });
    assert.equal(unplugged.board.nics[0].backend.kind, "unplugged");

    const other = new FakeBackend();
    assert.throws(() => restoreMachine(snap.state, snap.memory, { console: () => {}, nics: [other, new FakeBackend()] }), SnapshotError);
    assert.equal(other.closed, 0, "a failed restore leaves the backends to the caller");
    board.close();
  });
});

describe("network cards on the machine", () => {
  test("the resolved config gives each card its MAC address: its own, or 52:54:00:12:34:56 counting up", () => {
    const c = resolveConfig({ nets: [{ backend: "user", hostForwards: [] }, { backend: "switch", name: "lab", mac: "02:00:00:00:00:01" }, { backend: "user", hostForwards: [] }] });
    assert.deepEqual(c.nets?.map((n) => n.mac), ["52:54:00:12:34:56", "02:00:00:00:00:01", "52:54:00:12:34:58"]);
    assert.equal("nets" in resolveConfig({}), false, "no nets: the config is as it was");
    assert.throws(() => resolveConfig({ nets: [{ backend: "user", hostForwards: [], mac: "01:00:00:00:00:01" }] }), BootError);
  });

  test("a machine with nets needs their backends; Machine.create without nets is new Machine", async () => {
    const kernel = elf([0x10500073, 0xffdff06f]); // wfi; j .-4
    assert.throws(() => new Machine({ bios: "none", kernel, memoryMiB: 1, nets: [{ backend: "user", hostForwards: [] }] }, { console: () => {} }), BootError);
    const m = await Machine.create({ bios: "none", kernel, memoryMiB: 1 }, { console: () => {} });
    assert.equal(m.board.nics.length, 0);
    m.close();
  });

  test("a guest reset keeps the backends open for the rebooted board; the machine closes them when it stops", async () => {
    // Reads a byte typed at the console: 'A' resets the machine, anything else powers it off (pass).
    const T0 = 5, T1 = 6, T2 = 7, T3 = 28, T4 = 29;
    const kernel = elf([
      encode(Op.LUI, { rd: T0, imm: 0x1000_0000 }), // the UART
      encode(Op.LBU, { rd: T1, rs1: T0, imm: 5 }), // LSR: wait for data ready (the byte enters the receiver)
      encode(Op.ANDI, { rd: T1, rs1: T1, imm: 1 }),
      encode(Op.BEQ, { rs1: T1, rs2: 0, imm: -8 }),
      encode(Op.LBU, { rd: T1, rs1: T0, imm: 0 }), // RBR
      encode(Op.ADDI, { rd: T2, imm: 0x41 }),
      encode(Op.LUI, { rd: T3, imm: 0x10_0000 }), // the test finisher
      encode(Op.BNE, { rs1: T1, rs2: T2, imm: 20 }),
      encode(Op.LUI, { rd: T4, imm: 0x7000 }),
      encode(Op.ADDI, { rd: T4, rs1: T4, imm: 0x777 }), // reset
      encode(Op.SW, { rs1: T3, rs2: T4, imm: 0 }),
      encode(Op.JAL, { imm: 0 }),
      encode(Op.LUI, { rd: T4, imm: 0x5000 }),
      encode(Op.ADDI, { rd: T4, rs1: T4, imm: 0x555 }), // pass
      encode(Op.SW, { rs1: T3, rs2: T4, imm: 0 }),
      encode(Op.JAL, { imm: 0 }),
    ]);
    const backend = new FakeBackend();
    const m = new Machine({ bios: "none", kernel, memoryMiB: 1, nets: [{ backend: "switch", name: "x" }] }, { console: () => {}, nets: [backend] });
    m.input(new TextEncoder().encode("AAB")); // two resets, then poweroff
    const stop = await m.run({ timeoutMs: 10_000 });
    assert.deepEqual(stop, { kind: "poweroff", code: 0 });
    assert.equal(backend.attached, 3, "attached to the first board and to each rebooted one");
    assert.equal(backend.closed, 1, "closed once, when the machine stopped");
    assert.deepEqual(m.board.nics[0].mac, mac(0x56));
  });
});
