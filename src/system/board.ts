/**
 * A `virt`-like board with 1 to MAX_HARTS harts: RAM, CLINT, PLIC, a 16550A
 * UART, the SiFive test finisher and virtio-mmio slots at QEMU virt's
 * addresses (memory-map.ts: the disks, then the NICs, then virtio-rng), plus
 * HTIF for ELF files that define `tohost`.
 * Devices reach the harts only through IrqLines wired here. The harts share
 * RAM and the decoded-instruction cache (keyed by physical frame; after a
 * fence.i on any hart, every hart's next use of a page checks its bytes);
 * each has its own TLB and privileged CSRs.
 */
import { FsState, Hart, Priv } from "../cpu/riscv/hart.js";
import { DecodeCache } from "../cpu/riscv/decode-cache.js";
import { Irq, PrivCsrs, TLB_SETS } from "../cpu/riscv/priv/csr.js";
import { SvTranslator } from "../cpu/riscv/priv/sv.js";
import { Mmu } from "../mem/mmu.js";
import { Ram } from "../mem/ram.js";
import { IrqLine } from "../devices/device.js";
import { Clint } from "../devices/clint/clint.js";
import { Uart16550 } from "../devices/uart16550/uart.js";
import { SifiveTest, type FinisherEvent } from "../devices/sifive-test/sifive-test.js";
import { PhysBus } from "./bus.js";
import { HartExits } from "./exits.js";
import { Htif, type HtifState } from "./htif.js";
import { BootError, loadBareMetalElf } from "./elf.js";
import { loadFirmware, type FirmwareLayout, type Image, type InitrdRange } from "./firmware.js";
import { addInterrupt, addPlicNode, addRtcNode, addVirtioMmioNode, virtDeviceTree, type VirtTree } from "./dts.js";
import {
  CLINT_BASE, PLIC_BASE, PLIC_NDEV, RAM_BASE, RTC_BASE, RTC_IRQ, TEST_BASE, TIMEBASE_HZ, UART0_BASE, UART0_IRQ,
  VIRTIO_BASE, VIRTIO_IRQ, VIRTIO_SLOT_SIZE, VIRTIO_SLOTS,
} from "./memory-map.js";
import { Plic, PLIC_SIZE } from "../devices/plic/plic.js";
import { GOLDFISH_RTC_SIZE, GoldfishRtc } from "../devices/goldfish-rtc/goldfish-rtc.js";
import { VirtioMmio, type VirtioDeviceModel } from "../devices/virtio/mmio.js";
import { RamGuestMemory } from "../devices/virtio/guest-memory.js";
import { VirtioBlk, type BlockStore } from "../devices/virtio-blk/virtio-blk.js";
import { VirtioRng } from "../devices/virtio-rng/virtio-rng.js";
import { VirtioNet } from "../devices/virtio-net/virtio-net.js";
import { formatMac, type NetBackend } from "../net/link.js";
import { fillRandom } from "../platform/host.js";

/** 32 random bytes for the device tree's rng-seed. */
function randomSeed(): Uint8Array {
  const b = new Uint8Array(32);
  fillRandom(b);
  return b;
}

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
  /**
   * Disks, one virtio-blk device each (in virtio-mmio slots from the first): a
   * raw image file on the host by path, or a store already open (bytes in
   * memory in a browser; `path` then only names it).
   */
  disks?: { path: string; readonly?: boolean; store?: BlockStore }[];
  /**
   * Network cards, one virtio-net device each (in the slots after the disks),
   * with their opened backends: the board attaches to them and closes them
   * in close(). A backend delivers frames from host events; the interrupt
   * that raises wakes a sleeping machine (onInterrupt).
   */
  nics?: { backend: NetBackend; mac: Uint8Array }[];
  /** Number of harts (1..MAX_HARTS, default 1). */
  harts?: number;
  /** Whether the harts implement the hypervisor extension (H), as QEMU's rv64 CPU does by default (default true). */
  hExtension?: boolean;
}

/** Most harts a board can have (the default guest's kernel is built for 4). */
export const MAX_HARTS = 8;

/** One hart of the board and its privileged state. */
export interface BoardHart {
  readonly hart: Hart;
  readonly csrs: PrivCsrs;
  /** Its page-table walker (the MMU's translator), which HLV/HSV use directly. */
  readonly sv: SvTranslator;
  /** Its exits to the hypervisor, by reason (trap accounting, exits.ts). */
  readonly exits: HartExits;
}

export class VirtBoard {
  readonly ram: Ram;
  readonly bus: PhysBus;
  /** The harts, by hart id (mhartid). */
  readonly harts: BoardHart[] = [];
  readonly clint: Clint;
  readonly uart: Uart16550;
  readonly plic: Plic;
  readonly rtc: GoldfishRtc;
  /** The SiFive test finisher (poweroff and reset). */
  readonly finisher: SifiveTest;
  /** The virtio-mmio slots in use, in slot order. */
  readonly virtio: VirtioMmio[] = [];
  private readonly disks: VirtioBlk[] = [];
  /** The network cards, in slot order (their counters are the NICs' metrics). */
  readonly nics: VirtioNet[] = [];
  /** Called when a device raises an external interrupt (the system VM wakes up if it sleeps). */
  onInterrupt: () => void = () => {};
  /** Set by a device when the guest powers off or resets; the system VM stops at the end of the slice. */
  stop: StopReason | undefined = undefined;
  /** Bytes the guest wrote to its console, UART or HTIF (trap accounting; the UART counts those read). */
  consoleBytesOut = 0;
  /** The console sink the devices write to: counts, then passes the byte on. */
  private readonly consoleOut = (byte: number): void => {
    this.consoleBytesOut++;
    this.opts.console(byte);
  };
  /** HTIF, when the loaded program defines `tohost`. */
  htif: Htif | undefined = undefined;

  /** Whether the harts implement the hypervisor extension (BoardOptions.hExtension). */
  readonly hExtension: boolean;

  constructor(private readonly opts: BoardOptions) {
    this.hExtension = opts.hExtension ?? true;
    this.ram = new Ram(opts.memoryMiB * 1024 * 1024);
    this.bus = new PhysBus(this.ram, RAM_BASE);
    const n = opts.harts ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > MAX_HARTS) throw new BootError(`the board has 1 to ${MAX_HARTS} harts, not ${n}`);
    const cache = new DecodeCache(this.ram.i32);
    for (let id = 0; id < n; id++) {
      const csrs = new PrivCsrs(id, () => this.clint.mtime(), this.hExtension);
      const mmu = new Mmu(this.ram, { translate: () => 0 }, TLB_SETS);
      const hart = new Hart(mmu, cache);
      const sv = new SvTranslator(hart, csrs, this.bus);
      mmu.translator = sv;
      mmu.io = this.bus;
      csrs.onTranslationChange = () => mmu.flush();
      csrs.onFlushSets = (first, end) => mmu.flush(first, end);
      csrs.onContextChange = () => mmu.select(csrs.tlbSetOf(hart));
      hart.csrFile = csrs;
      hart.priv = Priv.Machine;
      hart.mstatusFs = FsState.Off; // mstatus.FS resets to Off: firmware turns the FPU on
      csrs.onContextChange();
      const exits = new HartExits();
      hart.csrCounts = exits.csr;
      this.harts.push({ hart, csrs, sv, exits });
    }
    this.clint = new Clint(
      this.harts.map(({ csrs }) => new IrqLine((l) => csrs.setPending(Irq.MSI, l))),
      this.harts.map(({ csrs }) => new IrqLine((l) => csrs.setPending(Irq.MTI, l))),
      TIMEBASE_HZ,
    );
    this.finisher = new SifiveTest((e: FinisherEvent) => { this.stop = e; });
    this.bus.map(TEST_BASE, this.finisher);
    this.bus.map(CLINT_BASE, this.clint);
    // With several harts, the sender of an IPI ends its slice: the target (often waiting
    // in wfi for it, while the sender spins for its answer) runs next instead of a slice later.
    if (n > 1) this.clint.onIpi = () => { this.bus.yieldRequested = true; };

    // Two PLIC contexts per hart: machine then supervisor external interrupt. A device
    // interrupt raised from a host event (console input) wakes a sleeping system VM.
    const external = (csrs: PrivCsrs, irq: Irq) => new IrqLine((l) => { csrs.setPending(irq, l); if (l) this.onInterrupt(); });
    this.plic = new Plic(this.harts.flatMap(({ csrs }) => [external(csrs, Irq.MEI), external(csrs, Irq.SEI)]), PLIC_NDEV);
    this.bus.map(PLIC_BASE, this.plic);
    this.uart = new Uart16550(this.consoleOut, this.plic.source(UART0_IRQ));
    this.bus.map(UART0_BASE, this.uart);
    this.rtc = new GoldfishRtc(this.plic.source(RTC_IRQ));
    this.bus.map(RTC_BASE, this.rtc);
    // Device DMA writes RAM behind the TLB: drop decoded code of the pages written.
    const dma = new RamGuestMemory(this.ram.u8, RAM_BASE, (pa, len) => {
      for (let p = pa - (pa % 4096); p < pa + len; p += 4096) cache.invalidateFrame(p - RAM_BASE);
    });
    const models: VirtioDeviceModel[] = [];
    for (const d of opts.disks ?? []) {
      const blk = new VirtioBlk({ path: d.path, readonly: d.readonly, store: d.store });
      this.disks.push(blk);
      models.push(blk);
    }
    for (const n of opts.nics ?? []) {
      const nic = new VirtioNet({ backend: n.backend, mac: n.mac });
      this.nics.push(nic);
      models.push(nic);
    }
    models.push(new VirtioRng());
    if (models.length > VIRTIO_SLOTS) throw new BootError(`at most ${VIRTIO_SLOTS - 1} disks and network cards together`);
    models.forEach((m, i) => {
      const dev = new VirtioMmio(m, dma, this.plic.source(VIRTIO_IRQ + i));
      this.bus.map(VIRTIO_BASE + i * VIRTIO_SLOT_SIZE, dev);
      this.virtio.push(dev);
    });
  }

  /** Hart 0, the only one of a one-hart board. */
  get hart(): Hart {
    return this.harts[0].hart;
  }

  /** Hart 0's privileged CSRs. */
  get csrs(): PrivCsrs {
    return this.harts[0].csrs;
  }

  /** Instructions retired by all harts. */
  get retired(): number {
    return this.harts.reduce((n, { hart }) => n + hart.retired, 0);
  }

  /**
   * What the board was built with, less the console sink and the network
   * backends (a snapshot records it to build the same board again): the
   * NICs' MAC addresses, when it has NICs.
   */
  get config(): {
    memoryMiB: number; harts: number; disks: { path: string; readonly: boolean }[]; nics?: { mac: string }[]; hExtension?: false;
  } {
    const o = this.opts;
    const disks = (o.disks ?? []).map((d) => ({ path: d.path, readonly: d.readonly === true }));
    const nics = this.nics.map((n) => ({ mac: formatMac(n.mac) }));
    return {
      memoryMiB: o.memoryMiB, harts: this.harts.length, disks, ...(nics.length > 0 ? { nics } : {}),
      ...(this.hExtension ? {} : { hExtension: false as const }),
    };
  }

  /**
   * Flushes and closes the disk images and closes the network backends (at
   * poweroff, reset or exit). `keepBackends` leaves the backends open for the
   * board that replaces this one after a guest reset (it attaches to them).
   */
  close(opts: { keepBackends?: boolean } = {}): void {
    for (const d of this.disks) d.close();
    if (opts.keepBackends !== true) for (const n of this.nics) n.close();
  }

  /**
   * The board's device tree (dts.ts) with `bootargs` as the kernel command
   * line. Devices wired later (PLIC, virtio) add their nodes here.
   */
  deviceTree(bootargs?: string, initrd?: InitrdRange): VirtTree {
    const t = virtDeviceTree({ memoryBytes: this.ram.size, harts: this.harts.length, hExtension: this.hExtension, bootargs, initrd, rngSeed: randomSeed() });
    const plic = addPlicNode(t, PLIC_BASE, PLIC_SIZE, PLIC_NDEV);
    addInterrupt(t.serial, plic, UART0_IRQ);
    addRtcNode(t, RTC_BASE, GOLDFISH_RTC_SIZE, plic, RTC_IRQ);
    this.virtio.forEach((_, i) => addVirtioMmioNode(t, VIRTIO_BASE + i * VIRTIO_SLOT_SIZE, VIRTIO_SLOT_SIZE, plic, VIRTIO_IRQ + i));
    return t;
  }

  /**
   * Loads firmware (OpenSBI fw_jump / fw_dynamic) and a kernel as QEMU's virt
   * board does (firmware.ts) and starts every hart in M-mode at the firmware
   * with a0 = its hart id, a1 = the device tree, a2 = fw_dynamic_info.
   */
  loadFirmware(firmware: Image, kernel: Image | undefined, bootargs?: string, initrd?: Image): FirmwareLayout {
    const layout = loadFirmware(this.ram, firmware, kernel, (rd) => this.deviceTree(bootargs, rd).fdt.toBlob(), initrd);
    this.startHarts(layout.entry, layout.dtb, layout.dynamicInfo);
    return layout;
  }

  /** Every hart at `entry` in M-mode with a0 = hart id, a1, a2 as given; code caches and TLBs empty. */
  private startHarts(entry: number, a1: number, a2: number): void {
    for (const { hart, csrs } of this.harts) {
      hart.pc = BigInt(entry);
      hart.setX(10, BigInt(csrs.hartId));
      hart.setX(11, BigInt(a1));
      hart.setX(12, BigInt(a2));
      hart.mmu.flush();
    }
    this.harts[0].hart.cache.invalidateAll();
  }

  /**
   * Loads a bare-metal ELF (--bios none): segments at their physical
   * addresses, HTIF if it defines tohost, and every hart at its entry in
   * M-mode with a0 = hart id and a1 = 0 (no device tree).
   */
  loadBareMetal(data: Uint8Array, what: string): void {
    const img = loadBareMetalElf(data, what, this.ram, RAM_BASE);
    if (img.tohost !== undefined && img.tohost >= RAM_BASE && img.tohost + 8 <= RAM_BASE + this.ram.size && img.tohost % 8 === 0) {
      const page = img.tohost - (img.tohost % 4096);
      const from = img.fromhost !== undefined && img.fromhost - (img.fromhost % 4096) === page ? img.fromhost - page : -1;
      this.attachHtif({ pageOffset: page - RAM_BASE, tohost: img.tohost - page, fromhost: from });
    }
    this.startHarts(img.entry, 0, 0);
  }

  /** Serves HTIF where `at` says (loadBareMetal for a program with `tohost`; a restored snapshot with the saved place). */
  attachHtif(at: HtifState): void {
    if (!(at.pageOffset >= 0 && at.pageOffset % 4096 === 0 && at.pageOffset < this.ram.size && at.tohost >= 0 && at.tohost + 8 <= 4096)) {
      throw new BootError(`HTIF at RAM offset 0x${at.pageOffset.toString(16)} + 0x${at.tohost.toString(16)} is not inside this board's RAM`);
    }
    this.htif = new Htif(this.ram, at.pageOffset, at.tohost, at.fromhost,
      (code) => { this.stop = { kind: "poweroff", code }; }, this.consoleOut);
    this.bus.overlay(RAM_BASE + at.pageOffset, this.htif);
  }
}
