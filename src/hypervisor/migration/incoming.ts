/**
 * The destination of a live migration: the RAM pages the source sends while its
 * guest still runs, gathered here (on the control plane) until the final state
 * arrives; then a worker restores the machine from them and runs it on.
 */
import { Ram } from "../../mem/ram.js";
import { encodeMemory } from "../../system/snapshot/memory-file.js";
import { badRequest } from "../api/errors.js";
import { applyPages } from "./pages.js";

/** A migration arriving for one VM id. */
export class IncomingMigration {
  readonly ram: Ram;
  /** Page records received so far. */
  pages = 0;

  constructor(
    readonly id: string,
    readonly memoryMiB: number,
    readonly harts: number,
  ) {
    this.ram = new Ram(memoryMiB * 1024 * 1024);
  }

  /** Takes a batch of page records (400 when malformed). */
  receive(records: Uint8Array): void {
    if (!applyPages(this.ram, records)) throw badRequest(`migration pages for '${this.id}' are malformed`);
    this.pages += records.length / 4100;
  }

  /** The RAM received, as a snapshot memory file. */
  memoryFile(): Uint8Array {
    return encodeMemory(this.ram);
  }
}
