/**
 * The physical memory map of the `virt` board, as QEMU lays it out
 * (hw/riscv/virt.c's memmap table; the same addresses appear in the device
 * tree QEMU passes to firmware, so OpenSBI and Linux find devices there).
 * Ranges are [base, base + size).
 */

/** SiFive test finisher (poweroff / reboot): QEMU virt "test" at 0x100000, 4 KiB. */
export const TEST_BASE = 0x0010_0000;
/** Goldfish RTC: QEMU virt "rtc" at 0x101000, 4 KiB, PLIC source RTC_IRQ. */
export const RTC_BASE = 0x0010_1000;
export const RTC_IRQ = 11;
/** CLINT (msip, mtimecmp, mtime): QEMU virt "clint" at 0x2000000, 64 KiB. */
export const CLINT_BASE = 0x0200_0000;
/** 16550A UART: QEMU virt "uart0" at 0x10000000, 256 bytes. */
export const UART0_BASE = 0x1000_0000;
/** PLIC source of uart0 (QEMU virt's UART0_IRQ). */
export const UART0_IRQ = 10;
/** Start of RAM: QEMU virt "dram" at 0x80000000; the size is the --memory option. */
export const RAM_BASE = 0x8000_0000;

/** Default RAM size in MiB (as QEMU's virt board). */
export const DEFAULT_MEMORY_MIB = 128;
/** Frequency of mtime and the `time` CSR: 10 MHz, QEMU virt's RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ. */
export const TIMEBASE_HZ = 10_000_000;
/** PLIC: QEMU virt "plic" at 0xc000000, 0x600000 bytes (hart contexts: M then S). */
export const PLIC_BASE = 0x0c00_0000;
/** Interrupt sources of the PLIC (QEMU 7's VIRT_IRQCHIP_NUM_SOURCES, riscv,ndev). */
export const PLIC_NDEV = 53;
/** virtio-mmio slots: QEMU virt "virtio" at 0x10001000, one 4 KiB slot each, eight of them. */
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_SLOT_SIZE = 0x1000;
export const VIRTIO_SLOTS = 8;
/** PLIC source of virtio slot i is VIRTIO_IRQ + i (QEMU virt's VIRTIO_IRQ). */
export const VIRTIO_IRQ = 1;
