/**
 * The physical address space of a board: RAM at one range and devices at
 * others (sorted, half-open ranges). It resolves physical pages for the
 * page-table walker and the TLB (RAM pages to host offsets, everything else
 * to ioPage markers) and carries accesses to I/O pages to the device mapped
 * there. A physical address nothing answers is an access fault.
 */
import { Access, type IoBus, ioPage } from "../mem/mmu.js";
import type { Ram } from "../mem/ram.js";
import type { PhysicalMemory } from "../cpu/riscv/priv/sv.js";
import { Cause, Trap } from "../cpu/riscv/trap.js";
import type { Device } from "../devices/device.js";

/** A device at [base, end), and how many loads and stores reached it (trap accounting). */
export interface Mapping {
  readonly base: number;
  readonly end: number;
  readonly device: Device;
  accesses: number;
}

const FAULT = [Cause.LoadAccessFault, Cause.StoreAccessFault, Cause.InsnAccessFault];

export class PhysBus implements IoBus, PhysicalMemory {
  private readonly maps: Mapping[] = [];
  /** RAM pages (page addresses) that are served by a device instead (HTIF's tohost page). */
  private readonly overlays = new Map<number, Mapping>();

  constructor(
    readonly ram: Ram,
    /** Physical address of the first byte of RAM. */
    readonly ramBase: number,
  ) {}

  /** Maps `device` at [base, base + device.size); ranges must not overlap each other or RAM. */
  map(base: number, device: Device): void {
    const end = base + device.size;
    for (const m of this.maps) {
      if (base < m.end && m.base < end) throw new Error(`${device.name} at 0x${base.toString(16)} overlaps ${m.device.name}`);
    }
    if (base < this.ramBase + this.ram.size && this.ramBase < end) throw new Error(`${device.name} overlaps RAM`);
    this.maps.push({ base, end, device, accesses: 0 });
    this.maps.sort((a, b) => a.base - b.base);
  }

  /** Routes the RAM page at `pagePa` to `device` (offsets from the page start); the device sees all accesses to that page. */
  overlay(pagePa: number, device: Device): void {
    this.overlays.set(pagePa, { base: pagePa, end: pagePa + 4096, device, accesses: 0 });
  }

  resolve(pa: number): number {
    const off = pa - this.ramBase;
    if (off >= 0 && off < this.ram.size && (this.overlays.size === 0 || !this.overlays.has(pa))) return off;
    return ioPage(pa);
  }

  private find(pa: number): Mapping | undefined {
    const o = this.overlays.size === 0 ? undefined : this.overlays.get(pa - (pa % 4096));
    if (o !== undefined) return o;
    for (const m of this.maps) if (pa >= m.base && pa < m.end) return m;
    return undefined;
  }

  load(pa: number, size: number, lo: number, hi: number): number {
    const m = (pa % size) === 0 ? this.find(pa) : undefined;
    if (m === undefined) throw new Trap(Cause.LoadAccessFault, lo, hi);
    m.accesses++;
    return m.device.read(pa - m.base, size);
  }

  store(pa: number, size: number, v: number, lo: number, hi: number): void {
    const m = (pa % size) === 0 ? this.find(pa) : undefined;
    if (m === undefined) throw new Trap(Cause.StoreAccessFault, lo, hi);
    m.accesses++;
    m.device.write(pa - m.base, size, v);
  }

  fault(access: Access, lo: number, hi: number): never {
    throw new Trap(FAULT[access], lo, hi);
  }

  /** Set by a device write that should end the writing hart's slice (an IPI to another hart). */
  yieldRequested = false;

  storeDone(): void {
    if (!this.yieldRequested) return;
    this.yieldRequested = false;
    throw new Trap(Cause.Yield, 0, 0);
  }

  /** The mapped devices in address order, then the overlays, with their access counts (for trap accounting). */
  mappings(): readonly Mapping[] {
    return [...this.maps, ...this.overlays.values()];
  }

  /** The mapped devices as [base, size, name], in address order (for --help and diagnostics). */
  describe(): [number, number, string][] {
    return this.maps.map((m) => [m.base, m.end - m.base, m.device.name]);
  }
}
