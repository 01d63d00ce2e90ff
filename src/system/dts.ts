/**
 * The device tree of the `virt` board, generated from its memory map
 * (memory-map.ts) and the devices the board wires: what OpenSBI and Linux
 * read to find the harts, RAM, the timer, the console and the poweroff
 * device. Node names, compatible strings and properties follow the
 * Devicetree Specification v0.4 and the Linux bindings of each device
 * (riscv/cpus, timer/sifive,clint, serial/8250, power/reset/syscon-poweroff),
 * and match what QEMU's virt board provides, so firmware built for it works.
 *
 * Devices added later (PLIC, virtio-mmio) add their nodes under `soc` through
 * the returned VirtTree, using `cpuIntc` for interrupts-extended.
 */
import { Fdt, type FdtNode } from "./fdt/fdt.js";
import { CLINT_BASE, RAM_BASE, TEST_BASE, TIMEBASE_HZ, UART0_BASE } from "./memory-map.js";
import { CLINT_SIZE } from "../devices/clint/clint.js";
import { UART_SIZE } from "../devices/uart16550/uart.js";
import { SIFIVE_TEST_SIZE } from "../devices/sifive-test/sifive-test.js";

/** The ISA string of the hart (riscv,isa): RV64GC with the Zicsr and Zifencei extensions written out. */
export const RISCV_ISA = "rv64imafdc_zicsr_zifencei";
/** The ISA string of a hart with the hypervisor extension. */
export const RISCV_ISA_H = "rv64imafdch_zicsr_zifencei";
/** The largest translation mode of the hart (mmu-type). */
export const MMU_TYPE = "riscv,sv48";
/** The UART's input clock as the device tree states it (clock-frequency), as on QEMU's virt: 3.6864 MHz. */
export const UART_CLOCK_HZ = 3_686_400;

export interface VirtTreeOptions {
  /** RAM size in bytes (RAM starts at RAM_BASE). */
  memoryBytes: number;
  /** Number of harts (ids 0..n-1). */
  harts?: number;
  /** Whether the harts implement the hypervisor extension (riscv,isa says "h"). */
  hExtension?: boolean;
  /** The kernel command line (/chosen/bootargs), when given. */
  bootargs?: string;
  /** An initial RAM disk in physical memory, [start, end). */
  initrd?: { start: number; end: number };
  /**
   * Random bytes for /chosen/rng-seed, as QEMU's virt board gives: Linux credits
   * them to its random pool at once, so it need not spend the boot gathering
   * timer jitter before its first getrandom() can be answered.
   */
  rngSeed?: Uint8Array;
}

/** The tree and the handles device code needs to add its own nodes. */
export interface VirtTree {
  fdt: Fdt;
  /** /soc, the bus holding the memory-mapped devices. */
  soc: FdtNode;
  /** The console UART's node (its interrupt is added when there is a PLIC: addInterrupt). */
  serial: FdtNode;
  /** Phandle of each hart's interrupt controller (riscv,cpu-intc), by hart id. */
  cpuIntc: number[];
}

/** reg = <address size> with two cells each (the root's and /soc's #address-cells and #size-cells are 2). */
const reg = (n: FdtNode, base: number, size: number) => n.u64("reg", base, size);
const hex = (n: number) => n.toString(16);

/** Builds the device tree of a virt board with `opts`. */
export function virtDeviceTree(opts: VirtTreeOptions): VirtTree {
  const fdt = new Fdt();
  const root = fdt.root;
  root.u32("#address-cells", 2).u32("#size-cells", 2)
    .strings("compatible", "typevisor,virt", "riscv-virtio")
    .string("model", "typevisor virt");

  const chosen = root.node("chosen");
  const memory = root.node(`memory@${hex(RAM_BASE)}`);
  memory.string("device_type", "memory");
  reg(memory, RAM_BASE, opts.memoryBytes);

  const cpus = root.node("cpus");
  cpus.u32("#address-cells", 1).u32("#size-cells", 0).u32("timebase-frequency", TIMEBASE_HZ);
  const cpuIntc: number[] = [];
  for (let id = 0; id < (opts.harts ?? 1); id++) {
    const cpu = cpus.node(`cpu@${id}`);
    cpu.string("device_type", "cpu").u32("reg", id).string("status", "okay")
      .string("compatible", "riscv").string("riscv,isa", opts.hExtension === true ? RISCV_ISA_H : RISCV_ISA).string("mmu-type", MMU_TYPE);
    const intc = cpu.node("interrupt-controller");
    intc.u32("#address-cells", 0).u32("#interrupt-cells", 1).empty("interrupt-controller").string("compatible", "riscv,cpu-intc");
    cpuIntc.push(intc.phandle());
  }

  const soc = root.node("soc");
  soc.u32("#address-cells", 2).u32("#size-cells", 2).string("compatible", "simple-bus").empty("ranges");

  // CLINT: each hart's machine software (3) and machine timer (7) interrupts.
  const clint = soc.node(`clint@${hex(CLINT_BASE)}`);
  clint.strings("compatible", "sifive,clint0", "riscv,clint0");
  reg(clint, CLINT_BASE, CLINT_SIZE);
  clint.u32("interrupts-extended", ...cpuIntc.flatMap((p) => [p, 3, p, 7]));

  // The 16550A: byte-wide registers at consecutive offsets (reg-shift 0, reg-io-width 1, the defaults).
  const serial = soc.node(`serial@${hex(UART0_BASE)}`);
  serial.string("compatible", "ns16550a");
  reg(serial, UART0_BASE, UART_SIZE);
  serial.u32("clock-frequency", UART_CLOCK_HZ);

  // The SiFive test device, also a syscon so the generic poweroff and reboot drivers can use it.
  const test = soc.node(`test@${hex(TEST_BASE)}`);
  test.strings("compatible", "sifive,test1", "sifive,test0", "syscon");
  reg(test, TEST_BASE, SIFIVE_TEST_SIZE);
  const testHandle = test.phandle();
  for (const [name, value] of [["poweroff", 0x5555], ["reboot", 0x7777]] as const) {
    root.node(name).string("compatible", `syscon-${name}`)
      .u32("regmap", testHandle).u32("offset", 0).u32("value", value);
  }

  chosen.string("stdout-path", `/soc/serial@${hex(UART0_BASE)}`);
  if (opts.bootargs !== undefined) chosen.string("bootargs", opts.bootargs);
  if (opts.rngSeed !== undefined) chosen.bytes("rng-seed", opts.rngSeed);
  if (opts.initrd !== undefined) {
    chosen.u64("linux,initrd-start", opts.initrd.start).u64("linux,initrd-end", opts.initrd.end);
  }
  return { fdt, soc, serial, cpuIntc };
}

/**
 * Adds a PLIC at `base` (Linux binding sifive,plic-1.0.0): `ndev` sources,
 * and per hart two contexts, the machine external interrupt (11) then the
 * supervisor one (9), in the order of the PLIC's context numbers. Returns its
 * phandle, for addInterrupt. Add it only when the PLIC is on the bus: OpenSBI
 * initialises every PLIC the tree names, and faults if nothing answers.
 */
export function addPlicNode(t: VirtTree, base: number, size: number, ndev: number): number {
  const plic = t.soc.node(`plic@${hex(base)}`);
  plic.strings("compatible", "sifive,plic-1.0.0", "riscv,plic0");
  reg(plic, base, size);
  plic.u32("#address-cells", 0).u32("#interrupt-cells", 1).empty("interrupt-controller")
    .u32("riscv,ndev", ndev)
    .u32("interrupts-extended", ...t.cpuIntc.flatMap((p) => [p, 11, p, 9]));
  return plic.phandle();
}

/** Gives `node` interrupt `irq` of the interrupt controller `parent` (a PLIC phandle). */
export function addInterrupt(node: FdtNode, parent: number, irq: number): void {
  node.u32("interrupt-parent", parent).u32("interrupts", irq);
}

/** Adds a Goldfish RTC at `base` (binding google,goldfish-rtc) raising PLIC source `irq`. */
export function addRtcNode(t: VirtTree, base: number, size: number, plic: number, irq: number): FdtNode {
  const n = t.soc.node(`rtc@${hex(base)}`);
  n.string("compatible", "google,goldfish-rtc");
  reg(n, base, size);
  addInterrupt(n, plic, irq);
  return n;
}

/** Adds a virtio-mmio slot at `base` (binding virtio,mmio) raising PLIC source `irq`. */
export function addVirtioMmioNode(t: VirtTree, base: number, size: number, plic: number, irq: number): FdtNode {
  const n = t.soc.node(`virtio_mmio@${hex(base)}`);
  n.string("compatible", "virtio,mmio");
  reg(n, base, size);
  addInterrupt(n, plic, irq);
  return n;
}
