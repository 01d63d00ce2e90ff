/**
 * Booting through firmware, as QEMU's virt board does with `-bios`: the
 * firmware (OpenSBI fw_jump or fw_dynamic; an ELF file or a raw image) at
 * the start of RAM, the kernel (an ELF file at its physical addresses, or a
 * raw image such as a Linux `Image` at KERNEL_BASE), the device tree near the
 * top of RAM, and the hart starting in M-mode at the firmware with
 * a0 = hart id, a1 = device tree address and a2 = a struct fw_dynamic_info
 * (read by fw_dynamic, ignored by fw_jump; layout from OpenSBI's
 * docs/firmware/fw_dynamic.md).
 */
import type { Ram } from "../mem/ram.js";
import { BootError, isElf, loadBareMetalElf } from "./elf.js";
import { RAM_BASE } from "./memory-map.js";

/**
 * Where a raw kernel image goes: 2 MiB into RAM, the address OpenSBI's
 * generic fw_jump jumps to (FW_JUMP_ADDR; Debian's opensbi 1.1 has
 * 0x80200000 built in) and the alignment a RISC-V Linux Image needs.
 */
export const KERNEL_BASE = RAM_BASE + 0x20_0000;
/**
 * The device tree goes at the highest address below the end of RAM with this
 * alignment (or 8 bytes when that would overlap the images). RAM ends at 4 GiB
 * at most (--memory is at most 2 GiB), so 32-bit code reaches it too.
 */
export const DTB_ALIGN = 0x20_0000;

/** fw_dynamic_info fields (each an unsigned long, 8 bytes on RV64). */
const FW_DYNAMIC_MAGIC = 0x4942534f; // "OSBI"
const FW_DYNAMIC_VERSION = 2;
const FW_DYNAMIC_SIZE = 6 * 8;
/** next_mode values. */
const enum NextMode {
  Supervisor = 1,
}

/** What was loaded where, and how the hart starts. */
export interface FirmwareLayout {
  /** Firmware entry (the hart's first pc). */
  entry: number;
  /** [start, end) of the firmware image. */
  firmware: [number, number];
  /** [start, end) of the kernel, when one was given. */
  kernel: [number, number] | undefined;
  /** Kernel entry (fw_dynamic's next_addr): the ELF entry point or KERNEL_BASE. */
  kernelEntry: number;
  /** Address and size of the device tree blob. */
  dtb: number;
  dtbSize: number;
  /** Address of the fw_dynamic_info structure (a2). */
  dynamicInfo: number;
  /** Where the initial RAM disk went, when one was given. */
  initrd: InitrdRange | undefined;
}

/** A named image to load: its bytes and the name used in error messages. */
export interface Image {
  data: Uint8Array;
  name: string;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** Where an initial RAM disk was placed: [start, end) physical addresses. */
export interface InitrdRange {
  start: number;
  end: number;
}

/**
 * Loads the firmware and the kernel into `ram`, the initial RAM disk (if any)
 * page-aligned just below the device tree, and the blob made by `makeDtb`
 * (told where the RAM disk is, for /chosen) near the top of RAM. Throws
 * BootError (one line) for images that are not ELF or raw binaries, overlap,
 * or do not fit.
 */
export function loadFirmware(ram: Ram, firmware: Image, kernel: Image | undefined,
  makeDtb: (initrd?: InitrdRange) => Uint8Array, initrd?: Image): FirmwareLayout {
  // The tree's size does not depend on where the RAM disk is (fixed-size cells), so a first build sizes it.
  let dtb = makeDtb(initrd && { start: 0, end: 0 });
  const ramEnd = RAM_BASE + ram.size;
  const fw = loadImage(ram, firmware, RAM_BASE, "firmware");
  let k: { start: number; end: number; entry: number } | undefined;
  if (kernel !== undefined) {
    k = loadImage(ram, kernel, KERNEL_BASE, "kernel");
    if (k.start < fw.end && fw.start < k.end) {
      throw new BootError(`${kernel.name}: the kernel (${hex(k.start)}..${hex(k.end)}) overlaps the firmware (${hex(fw.start)}..${hex(fw.end)})`);
    }
  }
  const imagesEnd = Math.max(fw.end, k?.end ?? 0);
  const top = ramEnd;
  let dtbAt = alignDown(top - dtb.length, DTB_ALIGN);
  if (dtbAt < imagesEnd + FW_DYNAMIC_SIZE) dtbAt = alignDown(top - dtb.length, 8);
  const info = alignDown(dtbAt - FW_DYNAMIC_SIZE, 8);
  const rd = initrd && { start: alignDown(info - initrd.data.length, 4096), end: 0 };
  if (rd) rd.end = rd.start + initrd!.data.length;
  if ((rd?.start ?? info) < imagesEnd) {
    throw new BootError(`not enough memory: the images end at ${hex(imagesEnd)} and RAM at ${hex(ramEnd)}, ` +
      `leaving no room for the ${dtb.length}-byte device tree${rd ? ` and the ${initrd!.data.length}-byte initrd` : ""} (try a larger --memory)`);
  }
  if (rd) {
    ram.u8.set(initrd!.data, rd.start - RAM_BASE);
    dtb = makeDtb(rd);
  }
  ram.u8.set(dtb, dtbAt - RAM_BASE);
  const kernelEntry = k?.entry ?? KERNEL_BASE;
  const v = new DataView(ram.u8.buffer, ram.u8.byteOffset + (info - RAM_BASE), FW_DYNAMIC_SIZE);
  v.setBigUint64(0, BigInt(FW_DYNAMIC_MAGIC), true);
  v.setBigUint64(8, BigInt(FW_DYNAMIC_VERSION), true);
  v.setBigUint64(16, BigInt(kernelEntry), true); // next_addr
  v.setBigUint64(24, BigInt(NextMode.Supervisor), true); // next_mode
  v.setBigUint64(32, 0n, true); // options
  v.setBigUint64(40, 0n, true); // boot_hart: hart 0
  return {
    entry: fw.entry,
    firmware: [fw.start, fw.end],
    kernel: k && [k.start, k.end],
    kernelEntry,
    dtb: dtbAt,
    dtbSize: dtb.length,
    dynamicInfo: info,
    initrd: rd,
  };
}

/** Loads an ELF file at its physical addresses, or a raw image at `rawBase`. */
function loadImage(ram: Ram, img: Image, rawBase: number, what: string): { start: number; end: number; entry: number } {
  if (isElf(img.data)) {
    const e = loadBareMetalElf(img.data, img.name, ram, RAM_BASE);
    return { start: e.low, end: e.high, entry: e.entry };
  }
  if (img.data.length === 0) throw new BootError(`${img.name}: empty file, not a ${what} image`);
  if (looksLikeText(img.data)) throw new BootError(`${img.name}: not a ${what} image (neither an ELF file nor a raw binary: it is text)`);
  const start = rawBase, end = rawBase + img.data.length;
  if (end > RAM_BASE + ram.size) {
    throw new BootError(`${img.name}: the ${img.data.length}-byte ${what} image at ${hex(start)} does not fit in RAM ` +
      `(ends at ${hex(RAM_BASE + ram.size)}; try a larger --memory)`);
  }
  ram.u8.set(img.data, start - RAM_BASE);
  return { start, end, entry: start };
}

/** True when the first 4 KiB are all printable ASCII or white space: a text file given by mistake. */
function looksLikeText(data: Uint8Array): boolean {
  const n = Math.min(data.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = data[i];
    if (!((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d)) return false;
  }
  return true;
}

function alignDown(n: number, a: number): number {
  return n - (n % a);
}
