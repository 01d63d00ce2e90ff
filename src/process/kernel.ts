/**
 * The process VM's kernel side: the guest processes of one typevisor run
 * (the program and whatever it forks), the guest RAM and frame allocator
 * they share, process and thread ids, and the scheduler that runs their
 * threads round-robin on the interpreter and waits for host events when
 * every thread is blocked.
 *
 * The run ends when the first process ends: its exit status is typevisor's,
 * and processes still running then end with it.
 */
import { Ram } from "../mem/ram.js";
import { FrameAllocator } from "../mem/frames.js";
import { DecodeCache } from "../cpu/riscv/decode-cache.js";
import { ThreadState, type Thread } from "./thread.js";
import type { Process } from "./process.js";
import { chargeCpuTimers } from "./signals.js";
import type { ProcessDebugger } from "./debugger.js";

/** Most processes (live and zombie) a run may hold: fork fails with EAGAIN beyond, as RLIMIT_NPROC makes it. */
export const MAX_PROCESSES = 512;

/** Host milliseconds of guest execution between visits to the host event loop. */
const YIELD_MS = 20;

/** The processes of one run and their scheduler. */
export class Kernel {
  readonly ram: Ram;
  readonly frames: FrameAllocator;
  /** Decoded code of every process, by frame. */
  readonly cache: DecodeCache;
  /** Live and zombie processes, in creation order. */
  readonly processes: Process[] = [];
  private nextId: number;
  private wake: (() => void) | undefined;
  /** Instructions retired by processes that have left the table. */
  private retiredByGone = 0;
  /** Round-robin position: the process, then the thread within it. */
  private nextProcess = 0;

  /** A kernel with `memory` bytes of guest RAM (committed lazily); ids start at `firstId`. */
  constructor(memory: number, firstId: number) {
    this.ram = new Ram(memory);
    this.frames = new FrameAllocator(this.ram);
    this.cache = new DecodeCache(this.ram.i32);
    this.nextId = firstId;
  }

  /** A fresh process or thread id (they share one number space, as on Linux). */
  allocId(): number {
    return this.nextId++;
  }

  /** The live or zombie process with id `pid`. */
  find(pid: number): Process | undefined {
    return this.processes.find((p) => p.pid === pid);
  }

  /** The debugger holding and stepping the first process, if one is attached (run -g). */
  debugger: ProcessDebugger | undefined;

  /** Wakes the scheduler if it is waiting for a blocked thread. */
  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Runs every process until `init` ends; resolves with its exit status. */
  async run(init: Process): Promise<number> {
    let lastYield = Date.now();
    while (!init.exited) {
      if (this.debugger?.held) {
        await this.debugger.waitForResume();
        lastYield = Date.now();
        continue;
      }
      this.finishExited(init);
      const next = this.pick();
      if (next === undefined) {
        // Every thread waits. Keep the host alive meanwhile: a guest that waits
        // for ever hangs, as it would on Linux, rather than ending quietly.
        const keepAlive = setInterval(() => {}, 1 << 30);
        await new Promise<void>((resolve) => { this.wake = resolve; });
        clearInterval(keepAlive);
        lastYield = Date.now();
        continue;
      }
      const [p, t] = next;
      // The slice's host time is the thread's CPU time (clocks, getrusage's peers, ITIMER_VIRTUAL/PROF).
      const since = (t.runningSince = performance.now());
      p.runSlice(t);
      const ms = performance.now() - since;
      t.runningSince = 0;
      t.cpuMs += ms;
      if (p.signals.cpuTimersArmed) chargeCpuTimers(p, BigInt(Math.round(ms * 1e6)));
      if (Date.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
    for (const p of this.processes) if (p !== init && !p.exited) p.kill(9);
    this.finishExited(init);
    init.finish();
    this.debugger?.processEnded();
    return init.exitStatus;
  }

  /** The next runnable thread, round-robin over processes and their threads. */
  private pick(): [Process, Thread] | undefined {
    const n = this.processes.length;
    for (let k = 0; k < n; k++) {
      const i = (this.nextProcess + k) % n;
      const p = this.processes[i];
      if (p.exited) continue;
      const t = p.nextRunnable();
      if (t !== undefined && t.state === ThreadState.Runnable) {
        this.nextProcess = (i + 1) % n;
        return [p, t];
      }
    }
    return undefined;
  }

  /** Turns processes that ended (other than `init`, finished by run()) into zombies for their parents. */
  private finishExited(init: Process): void {
    for (const p of this.processes) if (p.exited && !p.finished && p !== init) p.finish();
  }

  /** Guest instructions retired by every process of the run so far. */
  get instructions(): number {
    return this.processes.reduce((n, p) => n + p.instructions, this.retiredByGone);
  }

  /** Removes a reaped zombie (or an orphan that ended) from the table. */
  remove(p: Process): void {
    const i = this.processes.indexOf(p);
    if (i >= 0) {
      this.processes.splice(i, 1);
      this.retiredByGone += p.instructions;
    }
    if (this.nextProcess >= this.processes.length) this.nextProcess = 0;
  }
}
