/**
 * A `virt`-like board with one hart: RAM, CLINT, a 16550A UART and the SiFive
 * test finisher at QEMU virt's addresses (memory-map.ts), plus HTIF for ELF
 * files that define `tohost`. Devices reach the hart only through IrqLines
 * wired here.
 */
import { Hart, Priv } from "../cpu/riscv/hart.js";
import { DecodeCache } from "../cpu/riscv/decode-cache.js";
import { Irq, PrivCsrs } from "../cpu/riscv/priv/csr.js";
import { SvTranslator } from "../cpu/riscv/priv/sv.js";
import { Mmu } from "../mem/mmu.js";
import { Ram } from "../mem/ram.js";
import { IrqLine } from "../devices/device.js";
import { Clint } from "../devices/clint/clint.js";
import { Uart16550 } from "../devices/uart16550/uart.js";
import { SifiveTest, type FinisherEvent } from "../devices/sifive-test/sifive-test.js";
import { PhysBus } from "./bus.js";
import { Htif } from "./htif.js";
import { BootError, loadBareMetalElf } from "./elf.js";
import { loadFirmware, type FirmwareLayout, type Image, type InitrdRange } from "./firmware.js";
import { addPlicNode, addVirtioMmioNode, virtDeviceTree, type VirtTree } from "./dts.js";
import {
  CLINT_BASE, PLIC_BASE, PLIC_NDEV, RAM_BASE, TEST_BASE, TIMEBASE_HZ, UART0_BASE, VIRTIO_BASE, VIRTIO_IRQ, VIRTIO_SLOT_SIZE, VIRTIO_SLOTS,
} from "./memory-map.js";
import { Plic, PLIC_SIZE } from "../devices/plic/plic.js";
import { VirtioMmio, type VirtioDeviceModel } from "../devices/virtio/mmio.js";
import { RamGuestMemory } from "../devices/virtio/guest-memory.js";
import { VirtioBlk } from "../devices/virtio-blk/virtio-blk.js";
import { VirtioRng } from "../devices/virtio-rng/virtio-rng.js";

/** Why the machine stopped. */
export type StopReason =
  | { kind: "poweroff"; code: number }
  | { kind: "reset" }
  | { kind: "timeout" }
  | { kind: "stuck"; message: string };

export interface BoardOptions {
  /** RAM size in MiB. */
  memoryMiB: number;
  /** Receives every byte the guest writes to its console (UART or HTIF). */
  console: (byte: number) => void;
  /** Raw disk images, one virtio-blk device each (in virtio-mmio slots from the first). */
  disks?: { path: string; readonly?: boolean }[];
}

export class VirtBoard {
  readonly ram: Ram;
  readonly bus: PhysBus;
  readonly hart: Hart;
  readonly csrs: PrivCsrs;
  readonly clint: Clint;
  readonly uart: Uart16550;
  readonly plic: Plic;
  /** The virtio-mmio slots in use, in slot order. */
  readonly virtio: VirtioMmio[] = [];
  private readonly disks: VirtioBlk[] = [];
  /** Set by a device when the guest powers off or resets; the system VM stops at the end of the slice. */
  stop: StopReason | undefined = undefined;

  constructor(private readonly opts: BoardOptions) {
    this.ram = new Ram(opts.memoryMiB * 1024 * 1024);
    this.bus = new PhysBus(this.ram, RAM_BASE);
    const csrs = new PrivCsrs(0, () => this.clint.mtime());
    this.csrs = csrs;
    const mmu = new Mmu(this.ram, { translate: () => 0 });
    this.hart = new Hart(mmu, new DecodeCache());
    mmu.translator = new SvTranslator(this.hart, csrs, this.bus);
    mmu.io = this.bus;
    csrs.onTranslationChange = () => mmu.flush();
    this.hart.csrFile = csrs;
    this.hart.priv = Priv.Machine;

    this.clint = new Clint(
      [new IrqLine((l) => csrs.setPending(Irq.MSI, l))],
      [new IrqLine((l) => csrs.setPending(Irq.MTI, l))],
      TIMEBASE_HZ,
    );
    this.uart = new Uart16550(opts.console);
    const finisher = new SifiveTest((e: FinisherEvent) => { this.stop = e; });
    this.bus.map(TEST_BASE, finisher);
    this.bus.map(CLINT_BASE, this.clint);
    this.bus.map(UART0_BASE, this.uart);

    this.plic = new Plic([new IrqLine((l) => csrs.setPending(Irq.MEI, l)), new IrqLine((l) => csrs.setPending(Irq.SEI, l))], PLIC_NDEV);
    this.bus.map(PLIC_BASE, this.plic);
    // Device DMA writes RAM behind the TLB: drop decoded code of the pages written.
    const dma = new RamGuestMemory(this.ram.u8, RAM_BASE, (pa, len) => {
      for (let p = pa - (pa % 4096); p < pa + len; p += 4096) this.hart.cache.invalidateFrame(p - RAM_BASE);
    });
    const models: VirtioDeviceModel[] = [];
    for (const d of opts.disks ?? []) {
      const blk = new VirtioBlk({ path: d.path, readonly: d.readonly });
      this.disks.push(blk);
      models.push(blk);
    }
    models.push(new VirtioRng());
    if (models.length > VIRTIO_SLOTS) throw new BootError(`at most ${VIRTIO_SLOTS - 1} disks`);
    models.forEach((m, i) => {
      const dev = new VirtioMmio(m, dma, this.plic.source(VIRTIO_IRQ + i));
      this.bus.map(VIRTIO_BASE + i * VIRTIO_SLOT_SIZE, dev);
      this.virtio.push(dev);
    });
  }

  /** Flushes and closes the disk images (at poweroff, reset or exit). */
  close(): void {
    for (const d of this.disks) d.close();
  }

  /**
   * The board's device tree (dts.ts) with `bootargs` as the kernel command
   * line. Devices wired later (PLIC, virtio) add their nodes here.
   */
  deviceTree(bootargs?: string, initrd?: InitrdRange): VirtTree {
    const t = virtDeviceTree({ memoryBytes: this.ram.size, bootargs, initrd });
    const plic = addPlicNode(t, PLIC_BASE, PLIC_SIZE, PLIC_NDEV);
    this.virtio.forEach((_, i) => addVirtioMmioNode(t, VIRTIO_BASE + i * VIRTIO_SLOT_SIZE, VIRTIO_SLOT_SIZE, plic, VIRTIO_IRQ + i));
    return t;
  }

  /**
   * Loads firmware (OpenSBI fw_jump / fw_dynamic) and a kernel as QEMU's virt
   * board does (firmware.ts) and starts the hart in M-mode at the firmware
   * with a0 = hartid, a1 = the device tree, a2 = fw_dynamic_info.
   */
  loadFirmware(firmware: Image, kernel: Image | undefined, bootargs?: string, initrd?: Image): FirmwareLayout {
    const layout = loadFirmware(this.ram, firmware, kernel, (rd) => this.deviceTree(bootargs, rd).fdt.toBlob(), initrd);
    const h = this.hart;
    h.pc = BigInt(layout.entry);
    h.setX(10, BigInt(this.csrs.hartId));
    h.setX(11, BigInt(layout.dtb));
    h.setX(12, BigInt(layout.dynamicInfo));
    h.cache.invalidateAll();
    h.mmu.flush();
    return layout;
  }

  /**
   * Loads a bare-metal ELF (--bios none): segments at their physical
   * addresses, HTIF if it defines tohost, and the hart at its entry in M-mode
   * with a0 = hartid and a1 = 0 (no device tree yet).
   */
  loadBareMetal(data: Uint8Array, what: string): void {
    const img = loadBareMetalElf(data, what, this.ram, RAM_BASE);
    if (img.tohost !== undefined && img.tohost >= RAM_BASE && img.tohost + 8 <= RAM_BASE + this.ram.size && img.tohost % 8 === 0) {
      const page = img.tohost - (img.tohost % 4096);
      const from = img.fromhost !== undefined && img.fromhost - (img.fromhost % 4096) === page ? img.fromhost - page : -1;
      this.bus.overlay(page, new Htif(this.ram, page - RAM_BASE, img.tohost - page, from,
        (code) => { this.stop = { kind: "poweroff", code }; }, this.opts.console));
    }
    const h = this.hart;
    h.pc = BigInt(img.entry);
    h.setX(10, BigInt(this.csrs.hartId));
    h.setX(11, 0n);
    h.cache.invalidateAll();
    h.mmu.flush();
  }
}
