/**
 * The Web Worker of the play page: it fetches the built-in guest's images,
 * builds the virt board and runs the system VM — the same code as
 * `typevisor boot`, with no server behind it — streaming the console out and
 * taking keystrokes in, and posting the exit counters once a second. It also
 * takes snapshots (the two files, for the page to keep in IndexedDB) and goes
 * on from one instead of booting.
 */
import { VirtBoard } from "../../system/board.js";
import { SystemVm } from "../../system/system-vm.js";
import { exitMetrics } from "../../system/exits.js";
import { warmUpSystemVm } from "../../system/warm-up.js";
import { describeStop } from "../../hypervisor/stop-reason.js";
import { restoreMachine, snapshotMachine } from "../../system/snapshot/machine.js";
import { MemoryBlockStore } from "../../devices/virtio-blk/block-store.js";
import { writeTar } from "./tar.js";

/** Size of the guest's disk for files from the page (/dev/vda). */
const FILES_DISK_BYTES = 32 << 20;
/** The path that names it in the board's config (and so in snapshots). */
const FILES_DISK = "files-from-the-page";
import type { FromVm, ToVm } from "./protocol.js";

/** The worker's global scope, as far as it is used here. */
const scope = globalThis as unknown as { postMessage(m: FromVm, transfer?: ArrayBuffer[]): void; onmessage: ((e: MessageEvent<ToVm>) => void) | null };
const post = (m: FromVm) => scope.postMessage(m);

let board: VirtBoard | undefined;
/** The disk the page's files are written to. */
let filesDisk: MemoryBlockStore | undefined;
let vm: SystemVm | undefined;
const pending: number[] = [];

/** Sends the console bytes gathered since the last flush. */
function flush(): void {
  if (pending.length === 0) return;
  post({ type: "console", bytes: Uint8Array.from(pending) });
  pending.length = 0;
}

/** The bytes at `url` (relative to the worker's own URL). */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(new URL(url, location.href));
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** Where the guest's console bytes go until the next flush. */
const toConsole = (byte: number) => { pending.push(byte); };

async function boot(m: Extract<ToVm, { type: "boot" }>): Promise<void> {
  post({ type: "status", text: "Loading the firmware, kernel and initramfs…" });
  const [firmware, kernel, initrd] = await Promise.all([fetchBytes(m.images.firmware), fetchBytes(m.images.kernel), fetchBytes(m.images.initrd)]);
  filesDisk = new MemoryBlockStore(FILES_DISK, new Uint8Array(FILES_DISK_BYTES));
  const b = new VirtBoard({ memoryMiB: m.memoryMiB, console: toConsole, disks: [{ path: FILES_DISK, store: filesDisk }] });
  b.loadFirmware({ data: firmware, name: "fw_dynamic.bin" }, { data: kernel, name: "Image" }, m.append, { data: initrd, name: "initramfs.cpio" });
  await runMachine(b, new SystemVm(b), "Running: OpenSBI, then Linux, in this tab");
}

/** Runs `b` with its run loop `v` until it stops, posting the counters once a second. */
async function runMachine(b: VirtBoard, v: SystemVm, what: string): Promise<void> {
  warmUpSystemVm(); // as Machine.start does: every interpreter arm has its type feedback before the guest runs
  board = b;
  vm = v;
  post({ type: "status", text: what });
  const started = performance.now();
  const timer = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    post({ type: "metrics", exits: exitMetrics(b).exits as Record<string, unknown>, instructions: b.retired, mips: b.retired / seconds / 1e6 });
  }, 1000);
  const stop = await v.run({ flush });
  clearInterval(timer);
  flush();
  post({ type: "stopped", reason: describeStop(stop) });
}

/** Pauses the machine, takes its snapshot, lets it run on, and posts the two files. */
async function snapshot(): Promise<void> {
  const b = board, v = vm;
  if (b === undefined || v === undefined || v.board !== b) return;
  await v.pause();
  let snap;
  try {
    snap = snapshotMachine(b, v);
  } finally {
    v.resume();
  }
  const disk = filesDisk!.bytes.slice();
  scope.postMessage({ type: "snapshot", state: snap.state, memory: snap.memory, disk },
    [snap.state.buffer as ArrayBuffer, snap.memory.buffer as ArrayBuffer, disk.buffer]);
}

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case "boot":
      if (vm !== undefined) return;
      boot(m).catch((err: Error) => post({ type: "stopped", reason: `cannot boot: ${err.message}` }));
      return;
    case "restore":
      if (vm !== undefined) return;
      try {
        filesDisk = new MemoryBlockStore(FILES_DISK, m.disk);
        const r = restoreMachine(m.state, m.memory, { console: toConsole, disks: [{ path: FILES_DISK, store: filesDisk }] },
          { state: "the saved state", memory: "the saved memory" });
        runMachine(r.board, r.vm, "Running on from the saved snapshot, in this tab").catch((err: Error) => post({ type: "stopped", reason: err.message }));
      } catch (err) {
        post({ type: "stopped", reason: `cannot restore: ${(err as Error).message}` });
      }
      return;
    case "snapshot":
      void snapshot();
      return;
    case "files":
      if (filesDisk === undefined) return;
      try {
        writeTar(filesDisk.bytes, m.files);
        post({ type: "status", text: `${m.files.length} file${m.files.length === 1 ? "" : "s"} on /dev/vda — in the guest: echo 3 > /proc/sys/vm/drop_caches; tar -xvf /dev/vda -C /tmp` });
      } catch (err) {
        post({ type: "status", text: `The files were not written: ${(err as Error).message}` });
      }
      return;
    case "input":
      board?.uart.receive(m.bytes);
      return;
    case "stop":
      vm?.stop();
      return;
  }
};
