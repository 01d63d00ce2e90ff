/**
 * Warms the interpreter up for the system VM (cpu/riscv/warm-up.ts) on a
 * throwaway one-hart board, so its hart, MMU and CSR file have the same
 * shapes as the real machine's. Call it once per process before booting.
 */
import { warmUp } from "../cpu/riscv/warm-up.js";
import { VirtBoard } from "./board.js";
import { RAM_BASE } from "./memory-map.js";

let done = false;

/** Runs the interpreter warm-up once per host process (a few milliseconds). */
export function warmUpSystemVm(): void {
  if (done) return;
  done = true;
  const board = new VirtBoard({ memoryMiB: 1, console: () => {} });
  warmUp(board.hart, RAM_BASE);
  board.close();
}
