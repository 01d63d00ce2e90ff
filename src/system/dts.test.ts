/** The virt board's device tree: what firmware and Linux look up in it. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addInterrupt, addPlicNode, addVirtioMmioNode, virtDeviceTree } from "./dts.js";
import { VirtBoard } from "./board.js";
import { CLINT_BASE, RAM_BASE, TEST_BASE, TIMEBASE_HZ, UART0_BASE } from "./memory-map.js";

const be32 = (b: Uint8Array | undefined) => {
  assert.ok(b, "property present");
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length / 4 }, (_, i) => v.getUint32(i * 4));
};
const strs = (b: Uint8Array | undefined) => {
  assert.ok(b, "property present");
  return Buffer.from(b).toString("utf8").split("\0").slice(0, -1);
};

describe("virt board device tree", () => {
  const { fdt, cpuIntc } = virtDeviceTree({ memoryBytes: 256 << 20, bootargs: "console=ttyS0" });

  test("RAM is one memory node at RAM_BASE with the board's size", () => {
    const mem = fdt.find(`/memory@${RAM_BASE.toString(16)}`);
    assert.deepEqual(strs(mem?.props.get("device_type")), ["memory"]);
    assert.deepEqual(be32(mem?.props.get("reg")), [0, RAM_BASE, 0, 256 << 20]);
  });

  test("cpu@0 is an okay RV64GC hart with Sv48 and an interrupt controller; the timebase is the CLINT's", () => {
    assert.deepEqual(be32(fdt.find("/cpus")?.props.get("timebase-frequency")), [TIMEBASE_HZ]);
    const cpu = fdt.find("/cpus/cpu@0");
    assert.deepEqual(strs(cpu?.props.get("riscv,isa")), ["rv64imafdc_zicsr_zifencei"]);
    assert.deepEqual(strs(cpu?.props.get("mmu-type")), ["riscv,sv48"]);
    assert.deepEqual(strs(cpu?.props.get("status")), ["okay"]);
    const intc = fdt.find("/cpus/cpu@0/interrupt-controller");
    assert.deepEqual(strs(intc?.props.get("compatible")), ["riscv,cpu-intc"]);
    assert.deepEqual(be32(intc?.props.get("#interrupt-cells")), [1]);
    assert.deepEqual(be32(intc?.props.get("phandle")), [cpuIntc[0]]);
  });

  test("the CLINT sends machine software (3) and timer (7) interrupts to the hart", () => {
    const clint = fdt.find(`/soc/clint@${CLINT_BASE.toString(16)}`);
    assert.deepEqual(strs(clint?.props.get("compatible")), ["sifive,clint0", "riscv,clint0"]);
    assert.deepEqual(be32(clint?.props.get("interrupts-extended")), [cpuIntc[0], 3, cpuIntc[0], 7]);
  });

  test("the console is the 16550A named by /chosen/stdout-path, and bootargs carries --append", () => {
    const chosen = fdt.find("/chosen");
    const path = strs(chosen?.props.get("stdout-path"))[0];
    assert.equal(path, `/soc/serial@${UART0_BASE.toString(16)}`);
    assert.deepEqual(strs(fdt.find(path)?.props.get("compatible")), ["ns16550a"]);
    assert.deepEqual(strs(chosen?.props.get("bootargs")), ["console=ttyS0"]);
    assert.equal(virtDeviceTree({ memoryBytes: 1 << 20 }).fdt.find("/chosen")?.props.has("bootargs"), false);
  });

  test("poweroff and reboot write 0x5555 and 0x7777 to the SiFive test device through syscon", () => {
    const testNode = fdt.find(`/soc/test@${TEST_BASE.toString(16)}`);
    assert.deepEqual(strs(testNode?.props.get("compatible")), ["sifive,test1", "sifive,test0", "syscon"]);
    const handle = be32(testNode?.props.get("phandle"))[0];
    for (const [name, value] of [["poweroff", 0x5555], ["reboot", 0x7777]] as const) {
      const n = fdt.find(`/${name}`);
      assert.deepEqual(strs(n?.props.get("compatible")), [`syscon-${name}`]);
      assert.deepEqual(be32(n?.props.get("regmap")), [handle]);
      assert.deepEqual(be32(n?.props.get("value")), [value]);
    }
  });

  test("an initrd appears as linux,initrd-start and -end", () => {
    const t = virtDeviceTree({ memoryBytes: 1 << 26, initrd: { start: 0x8400_0000, end: 0x8410_0000 } });
    assert.deepEqual(be32(t.fdt.find("/chosen")?.props.get("linux,initrd-start")), [0, 0x8400_0000]);
    assert.deepEqual(be32(t.fdt.find("/chosen")?.props.get("linux,initrd-end")), [0, 0x8410_0000]);
  });
});

describe("virt board device tree: PLIC and virtio-mmio nodes for devices wired later", () => {
  test("the PLIC serves M and S external interrupts of each hart; the UART and a virtio slot raise its sources", () => {
    const t = virtDeviceTree({ memoryBytes: 1 << 26 });
    const plic = addPlicNode(t, 0x0c00_0000, 0x60_0000, 53);
    addInterrupt(t.serial, plic, 10);
    addVirtioMmioNode(t, 0x1000_1000, 0x1000, plic, 1);
    const p = t.fdt.find("/soc/plic@c000000");
    assert.deepEqual(strs(p?.props.get("compatible")), ["sifive,plic-1.0.0", "riscv,plic0"]);
    assert.deepEqual(be32(p?.props.get("interrupts-extended")), [t.cpuIntc[0], 11, t.cpuIntc[0], 9]);
    assert.deepEqual(be32(p?.props.get("riscv,ndev")), [53]);
    assert.deepEqual(be32(t.serial.props.get("interrupts")), [10]);
    assert.deepEqual(be32(t.serial.props.get("interrupt-parent")), [plic]);
    const v = t.fdt.find("/soc/virtio_mmio@10001000");
    assert.deepEqual(strs(v?.props.get("compatible")), ["virtio,mmio"]);
    assert.deepEqual(be32(v?.props.get("reg")), [0, 0x1000_1000, 0, 0x1000]);
    assert.deepEqual(be32(v?.props.get("interrupts")), [1]);
  });

  test("the board's tree has four harts with --smp 4, each with its CLINT and PLIC interrupts, a fresh rng-seed and the RTC", () => {
    const board = new VirtBoard({ memoryMiB: 64, harts: 4, console: () => {} });
    const a = board.deviceTree().fdt, b = board.deviceTree().fdt;
    for (let i = 0; i < 4; i++) assert.deepEqual(be32(a.find(`/cpus/cpu@${i}`)?.props.get("reg")), [i]);
    assert.equal(a.find("/cpus/cpu@4"), undefined);
    assert.equal(be32(a.find(`/soc/clint@${CLINT_BASE.toString(16)}`)?.props.get("interrupts-extended")).length, 4 * 4);
    assert.equal(be32(a.find("/soc/plic@c000000")?.props.get("interrupts-extended")).length, 4 * 4);
    assert.deepEqual(strs(a.find("/soc/rtc@101000")?.props.get("compatible")), ["google,goldfish-rtc"]);
    const seedA = a.find("/chosen")?.props.get("rng-seed"), seedB = b.find("/chosen")?.props.get("rng-seed");
    assert.equal(seedA?.length, 32);
    assert.notDeepEqual(seedA, seedB, "each boot gets its own seed");
  });
});
