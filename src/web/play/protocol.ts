/** Messages between the play page and the Web Worker that runs its VM. */

/** To the worker. */
export type ToVm =
  /** Boot the built-in Linux guest with the images at these URLs. */
  | { type: "boot"; memoryMiB: number; images: { firmware: string; kernel: string; initrd: string }; append: string }
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
  /** The machine ended. */
  | { type: "stopped"; reason: string };
