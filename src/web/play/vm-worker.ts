/**
 * The Web Worker of the play page: it fetches the built-in guest's images,
 * builds the virt board and runs the system VM — the same code as
 * `typevisor boot`, with no server behind it — streaming the console out and
 * taking keystrokes in, and posting the exit counters once a second.
 */
import { VirtBoard } from "../../system/board.js";
import { SystemVm } from "../../system/system-vm.js";
import { exitMetrics } from "../../system/exits.js";
import { describeStop } from "../../hypervisor/stop-reason.js";
import type { FromVm, ToVm } from "./protocol.js";

/** The worker's global scope, as far as it is used here. */
const scope = globalThis as unknown as { postMessage(m: FromVm): void; onmessage: ((e: MessageEvent<ToVm>) => void) | null };
const post = (m: FromVm) => scope.postMessage(m);

let board: VirtBoard | undefined;
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

async function boot(m: Extract<ToVm, { type: "boot" }>): Promise<void> {
  post({ type: "status", text: "Loading the firmware, kernel and initramfs…" });
  const [firmware, kernel, initrd] = await Promise.all([fetchBytes(m.images.firmware), fetchBytes(m.images.kernel), fetchBytes(m.images.initrd)]);
  const b = new VirtBoard({ memoryMiB: m.memoryMiB, console: (byte) => { pending.push(byte); } });
  b.loadFirmware({ data: firmware, name: "fw_dynamic.bin" }, { data: kernel, name: "Image" }, m.append, { data: initrd, name: "initramfs.cpio" });
  board = b;
  vm = new SystemVm(b);
  post({ type: "status", text: "Running: OpenSBI, then Linux, in this tab" });
  const started = performance.now();
  const timer = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    post({ type: "metrics", exits: exitMetrics(b).exits as Record<string, unknown>, instructions: b.retired, mips: b.retired / seconds / 1e6 });
  }, 1000);
  const stop = await vm.run({ flush });
  clearInterval(timer);
  flush();
  post({ type: "stopped", reason: describeStop(stop) });
}

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case "boot":
      if (vm !== undefined) return;
      boot(m).catch((err: Error) => post({ type: "stopped", reason: `cannot boot: ${err.message}` }));
      return;
    case "input":
      board?.uart.receive(m.bytes);
      return;
    case "stop":
      vm?.stop();
      return;
  }
};
