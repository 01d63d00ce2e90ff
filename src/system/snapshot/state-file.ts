/**
 * The state file: the board's configuration (what to build) and the state of
 * every hart and device (what to put in it), as UTF-8 JSON inside the
 * envelope (envelope.ts). Each State type belongs to its device or CPU
 * module; this file only gathers them. RAM is in the memory file.
 */
import type { HartState } from "../../cpu/riscv/hart.js";
import type { PrivCsrsState } from "../../cpu/riscv/priv/csr.js";
import type { ClintState } from "../../devices/clint/clint.js";
import type { GoldfishRtcState } from "../../devices/goldfish-rtc/goldfish-rtc.js";
import type { PlicState } from "../../devices/plic/plic.js";
import type { SifiveTestState } from "../../devices/sifive-test/sifive-test.js";
import type { UartState } from "../../devices/uart16550/uart.js";
import type { VirtioMmioState } from "../../devices/virtio/mmio.js";
import { MAX_HARTS } from "../board.js";
import { isGroupMac, parseMac } from "../../net/link.js";
import type { HtifState } from "../htif.js";
import { envelope, FileKind, open, seal } from "./envelope.js";
import { SnapshotError } from "./errors.js";

/** What the board was built with: a restore builds the same board from it. */
export interface SnapshotConfig {
  /** RAM in MiB. */
  memoryMiB: number;
  /** Number of harts. */
  harts: number;
  /** The disk images, one virtio-blk device each, in slot order. They stay on the host: only their paths are kept. */
  disks: { path: string; readonly: boolean }[];
  /**
   * The network cards, one virtio-net device each after the disks, by MAC
   * address (absent: none). Their backends are host sockets: a restore is
   * given new ones, or gets the NICs unplugged.
   */
  nics?: { mac: string }[];
  /** Where HTIF is, when the board has it (a bare-metal program that defines tohost). */
  htif?: HtifState;
  /** false when the harts lack the hypervisor extension (absent: they have it, or the snapshot predates it). */
  hExtension?: false;
}

/** One hart: its registers, its privileged CSRs, and whether it waits in wfi. */
export interface HartSnapshot {
  hart: HartState;
  csrs: PrivCsrsState;
  /** The system VM's wfi flag for it. */
  waiting: boolean;
}

/** Everything in a state file. */
export interface MachineState {
  config: SnapshotConfig;
  /** By hart id. */
  harts: HartSnapshot[];
  clint: ClintState;
  plic: PlicState;
  rtc: GoldfishRtcState;
  uart: UartState;
  test: SifiveTestState;
  /** The virtio-mmio slots in use, in slot order (the disks, the NICs, then virtio-rng). */
  virtio: VirtioMmioState[];
  /** The front end's own description of the machine (such as the images a guest reset boots again), kept as given. */
  meta?: object;
}

/** The state file of `state`. */
export function encodeState(state: MachineState): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const { file, body } = envelope(FileKind.State, json.length);
  body.set(json);
  return seal(file);
}

/** Checks the state file `bytes` (`what` names it in errors) and returns what it holds; throws SnapshotError when it is not a sound one. */
export function decodeState(bytes: Uint8Array, what: string): MachineState {
  const body = open(bytes, FileKind.State, what);
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (e) {
    throw new SnapshotError("corrupt", `${what} is malformed: its body is not JSON (${(e as Error).message})`);
  }
  const why = shapeProblem(state);
  if (why !== undefined) throw new SnapshotError("corrupt", `${what} is malformed: ${why}`);
  return state as MachineState;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isUnicastMac = (text: string): boolean => {
  const mac = parseMac(text);
  return mac !== undefined && !isGroupMac(mac);
};
const isCount = (v: unknown, max: number): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/**
 * What is wrong with the outline of a decoded state (the configuration and
 * the parts a board is built and sized from), or undefined. The devices check
 * their own parts as they take them.
 */
function shapeProblem(s: unknown): string | undefined {
  if (!isObject(s) || !isObject(s.config)) return "no board configuration";
  const c = s.config;
  if (!isCount(c.memoryMiB, 2048)) return `memory size ${String(c.memoryMiB)} MiB`;
  if (!isCount(c.harts, MAX_HARTS)) return `${String(c.harts)} harts`;
  if (!Array.isArray(c.disks) || !c.disks.every((d) => isObject(d) && typeof d.path === "string" && typeof d.readonly === "boolean")) {
    return "a disk without a path or read-only flag";
  }
  const nics = c.nics ?? [];
  if (!Array.isArray(nics) || !nics.every((n) => isObject(n) && typeof n.mac === "string" && isUnicastMac(n.mac))) {
    return "a network card without a unicast MAC address";
  }
  if (c.htif !== undefined && !(isObject(c.htif) && [c.htif.pageOffset, c.htif.tohost, c.htif.fromhost].every(Number.isInteger))) {
    return "an HTIF place that is not three integers";
  }
  if (!Array.isArray(s.harts) || s.harts.length !== c.harts) return `state for ${Array.isArray(s.harts) ? s.harts.length : 0} harts, not ${c.harts}`;
  if (!Array.isArray(s.virtio) || s.virtio.length !== c.disks.length + nics.length + 1) {
    return "a virtio slot list that does not match the disks and network cards";
  }
  for (const k of ["clint", "plic", "rtc", "uart", "test"]) if (!isObject(s[k])) return `no ${k} state`;
  if (s.meta !== undefined && !isObject(s.meta)) return "a front-end description that is not an object";
  return undefined;
}
