/**
 * A running Linux guest (the default one: OpenSBI, Linux 6.1, busybox) is
 * paused at its shell, snapshotted to files, thrown away, and restored on a
 * new board in the same process: its shell still has its variables and
 * history, its tmpfs its files, and a background loop keeps counting.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { VirtBoard } from "../src/system/board.js";
import { DEFAULT_BIOS, DEFAULT_GUEST } from "../src/system/machine.js";
import { restoreSnapshotFiles, writeSnapshotFiles } from "../src/system/snapshot/files.js";
import { SystemVm } from "../src/system/system-vm.js";
import { warmUpSystemVm } from "../src/system/warm-up.js";

const PROMPT = "/ # ";
const dir = mkdtempSync(join(tmpdir(), "typevisor-snapshot-linux-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A console that collects the guest's output and answers "has this appeared yet". */
class Console {
  text = "";
  readonly sink = (b: number) => { this.text += String.fromCharCode(b); };

  /** Resolves once the output after `from` satisfies `ok`; rejects after `ms`. */
  async waitFor(ok: (t: string) => boolean, ms: number, from = 0): Promise<void> {
    const end = performance.now() + ms;
    while (!ok(this.text.slice(from))) {
      if (performance.now() > end) throw new Error(`console did not show what was awaited in ${ms} ms; it ends with:\n${this.text.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Types `line` and a newline on the board's UART and waits for the next prompt; returns what the command printed. */
  async command(board: VirtBoard, line: string, ms = 10_000): Promise<string> {
    const from = this.text.length;
    board.uart.receive(new TextEncoder().encode(line + "\n"));
    await this.waitFor((t) => t.includes("\n") && t.endsWith(PROMPT), ms, from);
    const out = this.text.slice(from).replace(/\r/g, "");
    return out.slice(out.indexOf("\n") + 1, out.length - PROMPT.length);
  }
}

/** Ends a run loop and waits for it, closing its board. */
async function end(board: VirtBoard, vm: SystemVm, running: Promise<unknown>): Promise<void> {
  vm.stop();
  await running;
  board.close();
}

/** Boots the default guest on `harts` harts, snapshots its shell to files, restores it on a new board and checks it carries on. */
async function snapshotAndRestoreShell(harts: number): Promise<void> {
  warmUpSystemVm();
  const first = new Console();
  const board = new VirtBoard({ memoryMiB: 128, harts, console: first.sink });
  board.loadFirmware({ data: readFileSync(DEFAULT_BIOS), name: DEFAULT_BIOS }, { data: readFileSync(DEFAULT_GUEST.kernel), name: DEFAULT_GUEST.kernel },
    DEFAULT_GUEST.append, { data: readFileSync(DEFAULT_GUEST.initrd), name: DEFAULT_GUEST.initrd });
  const vm = new SystemVm(board);
  const running = vm.run({ timeoutMs: 50_000 });
  await first.waitFor((t) => t.includes(PROMPT), 20_000);
  await first.command(board, "X=41; echo hello > /tmp/f");
  await first.command(board, "(n=0; while :; do n=$((n+1)); echo $n > /tmp/n; sleep 0.05; done) &");
  await first.command(board, "sleep 0.3");
  const before = Number(await first.command(board, "cat /tmp/n"));
  assert.ok(before > 0, `the loop counts (${before})`);

  await vm.pause();
  const paths = { statePath: join(dir, `linux-${harts}.state`), memoryPath: join(dir, `linux-${harts}.mem`) };
  writeSnapshotFiles(board, vm, paths);
  await end(board, vm, running);
  const memoryBytes = statSync(paths.memoryPath).size;
  assert.ok(memoryBytes < 32 << 20, `the memory file of a 128 MiB guest has only its used pages (${memoryBytes} bytes)`);

  const second = new Console();
  const restored = restoreSnapshotFiles(paths, { console: second.sink });
  const running2 = restored.vm.run({ timeoutMs: 30_000 });
  try {
    assert.equal(await second.command(restored.board, "echo $((X+1)) $(cat /tmp/f)"), "42 hello\n");
    const a = Number(await second.command(restored.board, "cat /tmp/n"));
    await second.command(restored.board, "sleep 0.5");
    const b = Number(await second.command(restored.board, "cat /tmp/n"));
    assert.ok(a >= before && b > a, `the loop kept counting: ${before} before the snapshot, then ${a}, then ${b}`);
    assert.match(await second.command(restored.board, "history"), /X=41; echo hello > \/tmp\/f\n/);
    assert.ok(!second.text.includes("Oops") && !second.text.includes("BUG"), second.text);
  } finally {
    await end(restored.board, restored.vm, running2);
  }
}

test("a Linux shell snapshotted at its prompt continues on a new board: variables, history, tmpfs files and a counting loop", { timeout: 60_000 }, async () => {
  await snapshotAndRestoreShell(1);
});

test("the same with two harts", { timeout: 60_000 }, async () => {
  await snapshotAndRestoreShell(2);
});
