/**
 * Snapshot and restore of a whole system VM (in memory: the bytes of the two
 * files, also what a live migration sends). Taking one reads every hart's and
 * device's State; restoring builds a fresh board from the recorded
 * configuration and puts the states back, never replaying anything, as
 * Firecracker's persist.rs does. Caches (TLBs, decoded instructions) are not
 * saved: a restored board starts with them empty.
 */
import { VirtBoard } from "../board.js";
import { SystemVm } from "../system-vm.js";
import { decodeMemory, encodeMemory, type MemoryImage } from "./memory-file.js";
import { decodeState, encodeState, type MachineState } from "./state-file.js";
import { SnapshotError } from "./errors.js";
import { parseMac, type NetBackend } from "../../net/link.js";
import { UnpluggedNet } from "../../net/unplugged.js";
import type { BlockStore } from "../../devices/virtio-blk/block-store.js";

/** The two files of a snapshot, as bytes. */
export interface MachineSnapshot {
  /** The state file: configuration and hart/device state. */
  state: Uint8Array;
  /** The memory file: the non-zero pages of RAM. */
  memory: Uint8Array;
}

/** What a restored machine gets from its new host. */
export interface RestoreOptions {
  /** Receives every byte the guest writes to its console. */
  console: (byte: number) => void;
  /**
   * Disk images to use instead of the recorded paths (on another host, say):
   * as many as the snapshot has, in the same order, each the same size.
   */
  disks?: { path: string; readonly?: boolean; store?: BlockStore }[];
  /**
   * Opened network backends for the snapshot's NICs, as many as it has, in
   * order: the restored board owns them (its close() closes them); a restore
   * that fails leaves them open. Without them every NIC is unplugged
   * (UnpluggedNet).
   */
  nics?: NetBackend[];
}

/**
 * The state of `board` and its run loop `vm`, without RAM. Call it between
 * slices (from outside the run loop: always the case on the event loop),
 * best while `vm` is paused, whose stopped clock it records.
 */
export function captureState(board: VirtBoard, vm: SystemVm, meta?: object): MachineState {
  return {
    meta,
    config: { ...board.config, htif: board.htif?.save() },
    harts: board.harts.map(({ hart, csrs }, i) => ({ hart: hart.save(), csrs: csrs.save(), waiting: vm.waiting[i] })),
    clint: { ...board.clint.save(), mtime: vm.guestMtime },
    plic: board.plic.save(),
    rtc: board.rtc.save(),
    uart: board.uart.save(),
    test: board.finisher.save(),
    virtio: board.virtio.map((d) => d.save()),
  };
}

/**
 * A snapshot of `board` and its run loop `vm` (see captureState for when).
 * `meta`, plain JSON, is stored with it and given back by restoreMachine.
 */
export function snapshotMachine(board: VirtBoard, vm: SystemVm, meta?: object): MachineSnapshot {
  return { state: encodeState(captureState(board, vm, meta)), memory: encodeMemory(board.ram) };
}

/** What a restore gives: a board and run loop ready to run on, and the `meta` stored with the snapshot. */
export interface RestoredMachine {
  board: VirtBoard;
  vm: SystemVm;
  meta: object | undefined;
}

/**
 * A new board and run loop from a snapshot's two files, ready to run() on
 * from where the snapshot was taken (its mtime continues from the saved value
 * now). Both files are checked before anything is built; a refused snapshot
 * throws SnapshotError, naming the file as `names` says.
 */
export function restoreMachine(
  state: Uint8Array,
  memory: Uint8Array,
  options: RestoreOptions,
  names: { state: string; memory: string } = { state: "the snapshot state", memory: "the snapshot memory" },
): RestoredMachine {
  const s = decodeState(state, names.state); // the state file is checked first, so its faults are the ones named
  return rebuild(s, decodeMemory(memory, names.memory), options, names);
}

/**
 * As restoreMachine, with RAM from `mem` instead of a memory file (the pages a
 * live migration's destination gathered).
 */
export function restoreFromImage(
  state: Uint8Array,
  mem: MemoryImage,
  options: RestoreOptions,
  names: { state: string; memory: string } = { state: "the snapshot state", memory: "the snapshot memory" },
): RestoredMachine {
  return rebuild(decodeState(state, names.state), mem, options, names);
}

/** A new board built from the checked state `s`, with RAM from `mem`. */
function rebuild(s: MachineState, mem: MemoryImage, options: RestoreOptions, names: { state: string; memory: string }): RestoredMachine {
  const c = s.config;
  if (mem.ramBytes !== c.memoryMiB * 1024 * 1024) {
    throw new SnapshotError("mismatch", `${names.memory} holds ${mem.ramBytes} bytes of RAM, but ${names.state} is of a ${c.memoryMiB} MiB machine`);
  }
  const disks = options.disks ?? c.disks;
  if (disks.length !== c.disks.length) throw new SnapshotError("mismatch", `the snapshot has ${c.disks.length} disks, ${disks.length} were given`);
  const saved = c.nics ?? [];
  if (options.nics !== undefined && options.nics.length !== saved.length) {
    throw new SnapshotError("mismatch", `the snapshot has ${saved.length} network cards, ${options.nics.length} backends were given`);
  }
  const nics = saved.map((n, i) => ({ backend: options.nics?.[i] ?? new UnpluggedNet(), mac: parseMac(n.mac)! }));
  let board: VirtBoard;
  try {
    board = new VirtBoard({ memoryMiB: c.memoryMiB, harts: c.harts, console: options.console, disks, nics, hExtension: c.hExtension !== false });
  } catch (e) {
    throw new SnapshotError("mismatch", `cannot rebuild the snapshot's board: ${(e as Error).message}`, { cause: e });
  }
  try {
    const vm = new SystemVm(board);
    mem.applyTo(board.ram);
    applyState(board, vm, s);
    return { board, vm, meta: s.meta };
  } catch (e) {
    board.close({ keepBackends: true });
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError("mismatch", `${names.state} does not fit the board it describes: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Puts state `s` into `board` (built from s.config) and `vm`. Harts first,
 * then the PLIC, then the devices whose interrupt lines reach it, so every
 * line and pending bit ends as it was.
 */
function applyState(board: VirtBoard, vm: SystemVm, s: MachineState): void {
  if (s.config.htif !== undefined) board.attachHtif(s.config.htif);
  board.harts.forEach(({ hart, csrs }, i) => {
    hart.restore(s.harts[i].hart);
    csrs.restore(s.harts[i].csrs);
    vm.waiting[i] = s.harts[i].waiting === true;
  });
  board.plic.restore(s.plic);
  board.clint.restore(s.clint);
  board.rtc.restore(s.rtc);
  board.uart.restore(s.uart);
  board.finisher.restore(s.test);
  board.virtio.forEach((d, i) => d.restore(s.virtio[i]));
}
