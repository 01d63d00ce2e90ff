/**
 * The destination of a live migration, in the worker that will run the guest:
 * it is started (modules loaded, interpreter warmed up) when the migration
 * begins, gathers the RAM pages the source sends while its guest still runs,
 * and when the final state arrives the machine is restored from them at once,
 * so the guest's downtime does not include starting a thread.
 */
import { PAGE_SIZE, Ram } from "../../mem/ram.js";
import type { MemoryImage } from "../../system/snapshot/memory-file.js";
import { applyPages } from "./pages.js";

/** RAM pages received for one arriving VM. */
export class IncomingRam {
  private readonly ram: Ram;
  /** Pages written so far (each is copied into the board once at restore). */
  private readonly received: Uint8Array;

  constructor(memoryMiB: number) {
    this.ram = new Ram(memoryMiB * 1024 * 1024);
    this.received = new Uint8Array(this.ram.size / PAGE_SIZE);
  }

  /** Takes a batch of page records; false when they are malformed. */
  receive(records: Uint8Array): boolean {
    return applyPages(this.ram, records, this.received);
  }

  /** The pages received, as RAM for Machine.restoreImage. */
  image(): MemoryImage {
    const { ram, received } = this;
    return {
      ramBytes: ram.size,
      pageCount: received.reduce((n, r) => n + r, 0),
      applyTo(target: Ram): void {
        for (let p = 0; p < received.length; p++) {
          if (received[p] !== 0) target.u8.set(ram.u8.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), p * PAGE_SIZE);
        }
      },
    };
  }
}
