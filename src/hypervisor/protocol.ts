/**
 * Messages between the hypervisor's control plane (main thread) and a guest's
 * worker thread. The worker owns the Machine; the main thread never runs guest
 * code, and the worker never touches HTTP.
 */
import type { MachineConfig, MachineState } from "../system/machine.js";

/** What a worker is started with (workerData). */
export interface WorkerInit {
  config: MachineConfig;
  /** Restore from these snapshot files instead of booting the images; run on at once when `resume`, else stay paused. */
  restore?: { statePath: string; memPath: string; resume: boolean };
  /**
   * Or be a live migration's destination: gather RAM pages (incoming-pages)
   * until a start request brings the machine state, then run on.
   */
  incoming?: { memoryMiB: number };
}

/** A request the worker answers with a Reply of the same id. */
export type Request =
  /** Start the machine; a migration's destination gets the machine state with it. */
  | { type: "start"; id: number; state?: Uint8Array }
  /** Live migration, destination side: RAM page records. */
  | { type: "incoming-pages"; id: number; records: Uint8Array }
  | { type: "pause"; id: number }
  | { type: "resume"; id: number }
  | { type: "metrics"; id: number }
  | { type: "snapshot"; id: number; statePath: string; memPath: string }
  /** Live migration, source side: RAM pages changed since the last call (all non-zero pages the first time). */
  | { type: "migrate-pages"; id: number }
  /** Live migration, source side: the paused machine's state file bytes. */
  | { type: "migrate-state"; id: number }
  /** Open a GDB stub for the machine on 127.0.0.1:port (0: any free port); the reply's value is { port }. */
  | { type: "gdb"; id: number; port: number };

/** Messages to a worker. */
export type ToWorker =
  | Request
  | { type: "stop" }
  | { type: "input"; bytes: Uint8Array };

/** A worker's answer to a Request: a value, or an error with the HTTP status it should become. */
export type Reply = { type: "reply"; id: number; ok: true; value?: unknown } | { type: "reply"; id: number; ok: false; status: number; message: string };

/** Messages from a worker. */
export type FromWorker =
  | Reply
  | { type: "console"; bytes: Uint8Array }
  | { type: "state"; state: MachineState; reason?: string };

/** The metrics of a VM that has not run. */
export const NO_METRICS: VmMetrics = { instructions: 0, mips: 0, host_cpu_seconds: 0, uptime_seconds: 0, exits: {} };

/** Metrics a worker reports (GET /vms/{id}/metrics). */
export interface VmMetrics {
  instructions: number;
  /** Guest instructions per second of running time, in millions. */
  mips: number;
  /** Host CPU seconds the guest's thread has been busy (its event loop's active time). */
  host_cpu_seconds: number;
  uptime_seconds: number;
  /** Exits to the hypervisor by reason. */
  exits: object;
  /** Each network card's counters, by iface_id (absent before the VM first ran). */
  network_interfaces?: Record<string, NicMetrics>;
}

/** One network card's packets and bytes each way, and frames dropped. */
export interface NicMetrics {
  guest_mac: string;
  /** The backend: "user", "switch:NAME" or "unplugged" (a restore that could not plug it in). */
  backend: string;
  rx_packets: number;
  rx_bytes: number;
  rx_dropped: number;
  tx_packets: number;
  tx_bytes: number;
  tx_dropped: number;
}
