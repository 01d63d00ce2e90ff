/**
 * One virtual machine's life cycle, for every front end (`typevisor boot`, the
 * hypervisor's workers, later the browser): a MachineConfig in; a machine that
 * starts, pauses, resumes and stops, takes console input, and reports how it
 * stopped. A guest reset rebuilds the board from the same images and goes on,
 * as a real machine reboots (its network backends stay open, as a host's
 * link does). Front ends only parse, print and transport.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { VirtBoard } from "./board.js";
import { BootError } from "./elf.js";
import { DEFAULT_MEMORY_MIB } from "./memory-map.js";
import { SystemVm, type RunStop } from "./system-vm.js";
import { SystemDebugger } from "./debugger.js";
import { warmUpSystemVm } from "./warm-up.js";
import { captureState, restoreFromImage, restoreMachine, restoreSnapshotFiles, writeSnapshotFiles, type RestoredMachine, type SnapshotPaths } from "./snapshot/index.js";
import { decodeState, encodeState } from "./snapshot/state-file.js";
import type { MemoryImage } from "./snapshot/memory-file.js";
import { formatMac, isGroupMac, parseMac, type NetBackend } from "../net/link.js";
import { defaultMac, type NetSpec } from "../net/spec.js";

/** The default firmware: OpenSBI 1.1's fw_dynamic from Debian's opensbi package, shipped in images/ (images/get-firmware.sh). */
export const DEFAULT_BIOS = fileURLToPath(new URL("../../../images/fw_dynamic.bin", import.meta.url));

/** The built-in guest shipped in the package's images/ folder: Linux 6.1 with a busybox shell. */
export const DEFAULT_GUEST = {
  kernel: fileURLToPath(new URL("../../../images/Image", import.meta.url)),
  initrd: fileURLToPath(new URL("../../../images/initramfs.cpio", import.meta.url)),
  append: "console=ttyS0",
};

/** The images folder of the package (always readable by the hypervisor API). */
export const IMAGES_DIR = fileURLToPath(new URL("../../../images/", import.meta.url));

/** What a machine is made of. Omitted parts take `typevisor boot`'s defaults (the built-in guest). */
export interface MachineConfig {
  /** RAM in MiB (default 128). */
  memoryMiB?: number;
  /** Harts, 1-8 (default 1). */
  harts?: number;
  /** Firmware file, or "none" to run the kernel as a bare-metal M-mode program (default: images/fw_dynamic.bin). */
  bios?: string;
  /** Kernel: an S-mode payload for the firmware, or the bare-metal ELF with bios "none" (default: the built-in Linux). */
  kernel?: string;
  /** Initial RAM disk (default: the built-in guest's, when the kernel is the default one). */
  initrd?: string;
  /** Kernel command line (default "console=ttyS0" for the built-in guest). */
  append?: string;
  /** Raw disk images, one virtio-blk device each. */
  disks?: { path: string; readonly?: boolean }[];
  /**
   * Network cards, one virtio-net device each (after the disks), by the
   * backend each uses; Machine.create opens the backends. A card without a
   * MAC address gets defaultMac(its index), salted by macSalt when it is on
   * a switch (where other guests' cards are).
   */
  nets?: NetSpec[];
  /**
   * Makes the default MAC addresses of switch cards differ between guests of
   * one host (a VM's number in the hypervisor, a process id for boot); 0 or
   * absent: QEMU's 52:54:00:12:34:56 counting up, as for user networking.
   */
  macSalt?: number;
  /** Share of one host core the guest may use, 1-100 (default 100). */
  cpuQuotaPercent?: number;
  /** Whether the harts implement the hypervisor extension H (default true, as QEMU's rv64 CPU). */
  hExtension?: boolean;
}

/** A config with every default filled in. */
export interface ResolvedConfig {
  memoryMiB: number;
  harts: number;
  bios: string;
  kernel: string;
  initrd?: string;
  append?: string;
  disks: { path: string; readonly: boolean }[];
  /** The network cards, each with its MAC address; absent when there are none. */
  nets?: NetSpec[];
  cpuQuotaPercent: number;
  /** false when the harts lack the hypervisor extension; absent: they have it. */
  hExtension?: false;
}

/** Fills in the defaults of `c` (the built-in guest when no kernel is given). Throws BootError for impossible combinations. */
export function resolveConfig(c: MachineConfig): ResolvedConfig {
  const bios = c.bios ?? DEFAULT_BIOS;
  const bare = bios === "none";
  if (bare && (c.append !== undefined || c.initrd !== undefined)) {
    throw new BootError(`${c.initrd !== undefined ? "an initrd" : "a kernel command line"} needs firmware (a device tree to carry it), not bios none`);
  }
  if (bare && c.kernel === undefined) throw new BootError("bios none needs a kernel (a bare-metal ELF program)");
  const builtIn = c.kernel === undefined;
  const nets = (c.nets ?? []).map((n, i): NetSpec => {
    const mac = n.mac !== undefined ? parseMac(n.mac) : defaultMac(i, n.backend === "switch" ? c.macSalt : 0);
    if (mac === undefined || isGroupMac(mac)) throw new BootError(`network card ${i}: '${n.mac}' is not a unicast MAC address`);
    return { ...n, mac: formatMac(mac) };
  });
  return {
    memoryMiB: c.memoryMiB ?? DEFAULT_MEMORY_MIB,
    harts: c.harts ?? 1,
    bios,
    kernel: c.kernel ?? DEFAULT_GUEST.kernel,
    initrd: c.initrd ?? (builtIn ? DEFAULT_GUEST.initrd : undefined),
    append: c.append ?? (builtIn ? DEFAULT_GUEST.append : undefined),
    disks: (c.disks ?? []).map((d) => ({ path: d.path, readonly: d.readonly ?? false })),
    ...(nets.length > 0 ? { nets } : {}),
    cpuQuotaPercent: c.cpuQuotaPercent ?? 100,
    ...(c.hExtension === false ? { hExtension: false as const } : {}),
  };
}

/** The life-cycle states, named as Firecracker names them. */
export type MachineState = "NotStarted" | "Running" | "Paused" | "Stopped";

/** Where a machine's console goes, and its network cards' opened backends. */
export interface MachineIo {
  /** Receives every byte the guest writes to its console. */
  console: (byte: number) => void;
  /** Called after each batch of guest work and when the machine stops (to pass buffered output on). */
  flush?: () => void;
  /**
   * The opened backends of the config's nets, in order (Machine.create opens
   * them); the machine owns them and closes them when it stops. For a
   * restore: backends for the snapshot's NICs (without them they are unplugged).
   */
  nets?: NetBackend[];
}

/** Reads one image file, or throws a BootError naming it and why. */
function readImage(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (e as Error).message;
    throw new BootError(`${what} ${path}: ${why}`);
  }
}

/**
 * Opens the backends of `specs` in order; rejects with NetOpenError (a host
 * port taken, a switch that cannot be reached) after closing those already open.
 */
async function openNets(specs: readonly NetSpec[]): Promise<NetBackend[]> {
  if (specs.length === 0) return [];
  const { openNetBackend } = await import("../net/open.js"); // the network stack is loaded only by machines that have one
  const backends: NetBackend[] = [];
  try {
    for (const spec of specs) backends.push(await openNetBackend(spec));
  } catch (e) {
    for (const b of backends) b.close();
    throw e;
  }
  return backends;
}

/**
 * Opens the backends of `specs`, then builds a machine with them by `make`;
 * closes them if that throws.
 */
async function withNets(specs: readonly NetSpec[], make: (nets: NetBackend[]) => Machine): Promise<Machine> {
  const nets = await openNets(specs);
  try {
    return make(nets);
  } catch (e) {
    for (const n of nets) n.close();
    throw e;
  }
}

/**
 * Restores a machine by `restore` with the network backends its cards had,
 * opened anew from the specs recorded in snapshot state `state` (named
 * `what` in errors) by Machine.snapshot; they are closed if the restore fails.
 */
export function restoreWithNets(state: Uint8Array, what: string, restore: (nets: NetBackend[]) => Machine): Promise<Machine> {
  const meta = decodeState(state, what).meta as { machine?: ResolvedConfig } | undefined;
  return withNets(meta?.machine?.nets ?? [], restore);
}

/** One virtual machine. */
export class Machine {
  readonly config: ResolvedConfig;
  /** The current board and run loop (a guest reset replaces them). */
  board: VirtBoard;
  vm: SystemVm;
  /** The debugger attached by attachDebugger(), kept over a guest reset. */
  private debugger: SystemDebugger | undefined;
  state: MachineState = "NotStarted";
  /** How the machine stopped, once it has. */
  stopReason: RunStop | undefined = undefined;
  /** performance.now() at start, and milliseconds spent paused. */
  private startedAt = 0;
  private pausedMs = 0;
  private pausedAt = 0;
  private stoppedAt = 0;
  /** Instructions retired on boards a reset replaced. */
  private retiredBefore = 0;
  /** The network cards' backends and MAC addresses, the same for every board a reset builds. */
  private readonly nics: { backend: NetBackend; mac: Uint8Array }[];
  /** The images, read when the machine is built (or, for a restored one, at its first reboot). */
  private images: { bios?: Uint8Array; kernel: Uint8Array; initrd?: Uint8Array } | undefined = undefined;

  /**
   * Reads the images and builds the board; throws BootError or DiskImageError
   * on bad input. A config with nets needs their opened backends in
   * `io.nets` (Machine.create opens them). With `restored`, the machine goes
   * on from a snapshot's board and run loop instead, with its NICs (its
   * images are read only if the guest reboots).
   */
  constructor(config: MachineConfig, private readonly io: MachineIo, restored?: { board: VirtBoard; vm: SystemVm }) {
    this.config = resolveConfig(config);
    if (restored !== undefined) {
      ({ board: this.board, vm: this.vm } = restored);
      this.vm.cpuQuotaPercent = this.config.cpuQuotaPercent;
      this.nics = restored.board.nics.map((n) => ({ backend: n.backend, mac: n.mac.slice() }));
    } else {
      const specs = this.config.nets ?? [], backends = io.nets ?? [];
      if (backends.length !== specs.length) {
        throw new BootError(`the machine has ${specs.length} network cards, but ${backends.length} backends were given (Machine.create opens them)`);
      }
      this.nics = specs.map((spec, i) => ({ backend: backends[i], mac: parseMac(spec.mac!)! }));
      [this.board, this.vm] = this.build();
    }
  }

  /**
   * As the constructor, opening the network backends of `config.nets` first,
   * in order: rejects with NetOpenError (a host port taken, a switch that
   * cannot be reached), after closing those already open; a machine that
   * cannot be built closes them too. Without nets it is `new Machine(config, io)`.
   */
  static async create(config: MachineConfig, io: MachineIo): Promise<Machine> {
    const specs = resolveConfig(config).nets ?? []; // a bad config fails before any host port is taken
    if (specs.length === 0) return new Machine(config, io);
    return withNets(specs, (nets) => new Machine(config, { ...io, nets }));
  }

  /**
   * A machine that goes on from the snapshot in `paths` (see snapshot/): its
   * config is the one the snapshot recorded. Throws SnapshotError when the
   * files are refused; nothing is built then.
   */
  static restore(paths: SnapshotPaths, io: MachineIo): Machine {
    return Machine.fromRestored(restoreSnapshotFiles(paths, { console: io.console, nics: io.nets }), io);
  }

  /** As restore(), from the two files' bytes (a live migration's destination). */
  static restoreBytes(state: Uint8Array, memory: Uint8Array, io: MachineIo): Machine {
    return Machine.fromRestored(restoreMachine(state, memory, { console: io.console, nics: io.nets }), io);
  }

  /** As restore(), from a state file's bytes and RAM given as a MemoryImage (a live migration's destination). */
  static restoreImage(state: Uint8Array, memory: MemoryImage, io: MachineIo): Machine {
    return Machine.fromRestored(restoreFromImage(state, memory, { console: io.console, nics: io.nets }), io);
  }

  private static fromRestored(r: RestoredMachine, io: MachineIo): Machine {
    const meta = r.meta as { machine?: ResolvedConfig } | undefined;
    const c = r.board.config;
    return new Machine(meta?.machine ?? { memoryMiB: c.memoryMiB, harts: c.harts, disks: c.disks, ...(c.hExtension === false ? { hExtension: false } : {}) }, io, r);
  }

  /** Writes a snapshot of the machine (paused, or not yet started) to the two files. */
  snapshot(paths: SnapshotPaths): void {
    if (this.state === "Running") throw new Error("pause the machine before taking a snapshot");
    writeSnapshotFiles(this.board, this.vm, paths, { machine: this.config });
  }

  /** The snapshot state file's bytes (no RAM) of the paused machine: what a live migration sends last. */
  stateBytes(): Uint8Array {
    if (this.state === "Running") throw new Error("pause the machine before capturing its state");
    return encodeState(captureState(this.board, this.vm, { machine: this.config }));
  }

  /** A fresh board with the images loaded and every hart at its entry. */
  private build(): [VirtBoard, SystemVm] {
    const c = this.config;
    const img = this.images ??= {
      kernel: readImage(c.kernel, "kernel"),
      bios: c.bios === "none" ? undefined : readImage(c.bios, "firmware"),
      initrd: c.initrd === undefined ? undefined : readImage(c.initrd, "initrd"),
    };
    const board = new VirtBoard({
      memoryMiB: c.memoryMiB, harts: c.harts, console: this.io.console, disks: c.disks, nics: this.nics, hExtension: c.hExtension !== false,
    });
    if (img.bios === undefined) board.loadBareMetal(img.kernel, c.kernel);
    else board.loadFirmware({ data: img.bios, name: c.bios }, { data: img.kernel, name: c.kernel }, c.append,
      img.initrd && { data: img.initrd, name: c.initrd! });
    const vm = new SystemVm(board);
    vm.cpuQuotaPercent = c.cpuQuotaPercent;
    return [board, vm];
  }

  /**
   * Runs the machine until the guest powers off, gets stuck or stop() is called
   * (or `timeoutMs` passes); a guest reset reboots it. Resolves with how it stopped.
   */
  async run(opts: { timeoutMs?: number; paused?: boolean } = {}): Promise<RunStop> {
    if (this.state !== "NotStarted") throw new Error(`the machine is ${this.state}, not NotStarted`);
    this.state = "Running";
    this.startedAt = performance.now();
    warmUpSystemVm();
    if (opts.paused) { // parked before its first instruction
      void this.vm.pause();
      this.state = "Paused";
      this.pausedAt = this.startedAt;
    }
    let stop: RunStop;
    try {
      for (;;) {
        const left = opts.timeoutMs === undefined ? undefined : opts.timeoutMs - (performance.now() - this.startedAt);
        if (left !== undefined && left <= 0) { // a guest that resets at once, again and again, still times out
          this.board.close();
          stop = { kind: "timeout" };
          break;
        }
        let ended: RunStop | undefined;
        try {
          ended = await this.vm.run({ timeoutMs: left, flush: this.io.flush });
        } finally {
          this.board.close({ keepBackends: ended?.kind === "reset" }); // the rebooted board attaches to them
        }
        stop = ended;
        if (stop.kind !== "reset") break;
        this.retiredBefore += this.board.retired;
        const typed = this.board.uart.takePendingInput(); // console input the guest had not taken goes to the rebooted one
        try {
          [this.board, this.vm] = this.build();
        } catch (e) {
          for (const n of this.nics) n.backend.close();
          throw e;
        }
        this.vm.debugger = this.debugger;
        this.board.uart.receive(typed);
      }
    } finally {
      if ((this.state as MachineState) === "Paused") this.pausedMs += performance.now() - this.pausedAt;
      this.state = "Stopped";
      this.stoppedAt = performance.now();
    }
    this.stopReason = stop;
    return stop;
  }

  /** Stops executing guest code (resolves once it has); a paused guest costs no host CPU and its clock stands still. */
  async pause(): Promise<void> {
    if (this.state !== "Running") throw new Error(`the machine is ${this.state}, not Running`);
    await this.vm.pause();
    this.state = "Paused";
    this.pausedAt = performance.now();
  }

  /**
   * Attaches a debugger target (boot --gdb) to the harts; with `held`, no
   * hart runs until the debugger lets them (boot -S).
   */
  attachDebugger(held: boolean): SystemDebugger {
    const d = new SystemDebugger(() => this.board, held);
    d.wake = () => this.vm.wakeUp();
    d.end = () => this.vm.stop();
    this.debugger = this.vm.debugger = d;
    return d;
  }

  /** Continues a paused machine. */
  resume(): void {
    if (this.state !== "Paused") throw new Error(`the machine is ${this.state}, not Paused`);
    this.pausedMs += performance.now() - this.pausedAt;
    this.state = "Running";
    this.vm.resume();
  }

  /** Ends the machine (run() resolves with { kind: "stopped" }); disk images are flushed and closed, network backends closed. */
  stop(): void {
    this.vm.stop();
  }

  /**
   * Closes the disk images and network backends of a machine that will not
   * run (run() closes them when the machine stops; closing twice is harmless).
   */
  close(): void {
    if (this.state === "Running" || this.state === "Paused") throw new Error(`the machine is ${this.state}: stop() it instead`);
    this.board.close();
  }

  /** Bytes typed at the console; queued until the guest reads them, never dropped. */
  input(bytes: Uint8Array): void {
    this.board.uart.receive(bytes);
  }

  /** Instructions retired by all harts since start (across resets). */
  get retired(): number {
    return this.retiredBefore + this.board.retired;
  }

  /** Milliseconds the machine has been running, not counting pauses. */
  get uptimeMs(): number {
    if (this.state === "NotStarted") return 0;
    const now = this.state === "Stopped" ? this.stoppedAt : performance.now();
    const paused = this.pausedMs + (this.state === "Paused" ? now - this.pausedAt : 0);
    return now - this.startedAt - paused;
  }
}
