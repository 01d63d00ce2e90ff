/** Messages between the play page and the Web Worker that runs its VM. */
import type { TarFile } from "./tar.js";

/** To the worker. */
export type ToVm =
  /** Boot the built-in Linux guest with the images at these URLs. */
  | { type: "boot"; memoryMiB: number; images: { firmware: string; kernel: string; initrd: string }; append: string }
  /** Go on from a snapshot's two files (saved in the browser) instead of booting. */
  | { type: "restore"; state: Uint8Array; memory: Uint8Array; disk: Uint8Array }
  /** Files for the guest: written as a tar archive onto its disk (/dev/vda). */
  | { type: "files"; files: TarFile[] }
  /** Take a snapshot (the machine pauses for it and runs on); answered by a "snapshot" message. */
  | { type: "snapshot" }
  /** Bytes typed at the console. */
  | { type: "input"; bytes: Uint8Array }
  /** Stop the machine. */
  | { type: "stop" };

/** From the worker. */
export type FromVm =
  /** What the guest wrote to its console. */
  | { type: "console"; bytes: Uint8Array }
  /** A line for the status bar (loading, booting...). */
  | { type: "status"; text: string }
  /** The counters, once a second: exits by kind (as GET /vms/{id}/metrics has them), instructions and MIPS. */
  | { type: "metrics"; exits: Record<string, unknown>; instructions: number; mips: number }
  /** A snapshot's two files, as `typevisor boot --snapshot` would write them. */
  | { type: "snapshot"; state: Uint8Array; memory: Uint8Array; disk: Uint8Array }
  /** The machine ended. */
  | { type: "stopped"; reason: string };
