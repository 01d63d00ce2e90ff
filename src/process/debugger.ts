/**
 * The process VM under a debugger: a DebugTarget (debug/target.ts) over the
 * program's first process and its threads (debug/held-guest.ts holds and
 * steps them). The kernel's scheduler waits while the debugger holds the
 * guest; a signal about to be delivered stops the program first, as under
 * ptrace. The debugger follows the first process only (not its children).
 */
import type { Hart } from "../cpu/riscv/hart.js";
import type { Exit } from "../cpu/riscv/run.js";
import { HeldGuest, SIGINT } from "../debug/held-guest.js";
import type { DebugTarget, Resume } from "../debug/target.js";
import type { Process } from "./process.js";
import type { Thread } from "./thread.js";
import { postSignal, requeueSignal, SiCode, type QueuedSignal } from "./signals.js";

/** A process held by, and run for, a debugger. */
export class ProcessDebugger extends HeldGuest implements DebugTarget {
  /** The signal the debugger was last told about, with its thread, until it resumes. */
  private intercepted: { thread: Thread; signal: QueuedSignal } | undefined;
  /** An intercepted signal the debugger passed on: delivered without stopping again. */
  private passing: QueuedSignal | undefined;
  readonly attachedToExisting = false;

  /** A debugger target for `proc`, held at its first instruction. */
  constructor(private readonly proc: Process) {
    super(true);
  }

  /** True when the threads of `p` must run under runThread(). */
  watches(p: Process): boolean {
    return p === this.proc && this.watching;
  }

  /** Runs thread `t` for up to `budget` instructions under the debugger. */
  runThread(t: Thread, budget: number): Exit {
    return this.run(t.tid, t.hart, budget);
  }

  /**
   * A signal is about to be delivered to thread `t` of `p`: as under ptrace,
   * the debugger sees it first. True when it was taken (the guest stops; the
   * debugger's resume says whether it is delivered).
   */
  intercepts(p: Process, t: Thread, s: QueuedSignal): boolean {
    if (!this.attached || p !== this.proc || this.held) return false;
    if (s === this.passing) { this.passing = undefined; return false; }
    this.intercepted = { thread: t, signal: s };
    this.stop({ kind: "signal", thread: t.tid, signal: s.signo });
    return true;
  }

  /** The process ended: tells the debugger how. */
  processEnded(): void {
    const p = this.proc;
    this.ended(p.killedBy !== 0 ? { kind: "killed", signal: p.killedBy } : { kind: "exited", code: p.exitStatus });
  }

  threadIds(): number[] {
    return this.proc.exited ? [] : this.proc.threads.map((t) => t.tid);
  }

  hart(tid: number): Hart | undefined {
    return this.proc.threads.find((t) => t.tid === tid)?.hart;
  }

  read(_tid: number, addr: bigint, len: number): Uint8Array | undefined {
    try {
      return this.proc.space.read(Number(addr), len);
    } catch {
      return undefined;
    }
  }

  write(_tid: number, addr: bigint, data: Uint8Array): boolean {
    try {
      this.proc.space.write(Number(addr), data, true);
      this.proc.space.cache.fenceI();
      return true;
    } catch {
      return false;
    }
  }

  auxv(): Uint8Array | undefined {
    return this.proc.loaded.auxv;
  }

  override resume(how: Resume): void {
    const held = this.intercepted;
    this.intercepted = undefined;
    if (held !== undefined && how.signal === held.signal.signo && this.proc.threads.includes(held.thread)) {
      // Passed on as it came (its siginfo too); it goes first, as the one the thread stopped for.
      this.passing = held.signal;
      requeueSignal(held.thread, held.signal);
    } else if (how.signal !== 0) {
      const t = this.proc.threads.find((x) => x.tid === (how.step ?? held?.thread.tid ?? this.proc.threads[0]?.tid));
      postSignal(this.proc, t, { signo: how.signal, code: SiCode.SI_USER, addr: 0, pid: 0, uid: 0 });
    }
    super.resume(how);
    this.proc.notify();
  }

  interrupt(): void {
    if (this.held) return;
    const t = this.proc.threads[0];
    if (t !== undefined) this.stop({ kind: "signal", thread: t.tid, signal: SIGINT });
  }

  kill(): void {
    this.attached = false;
    this.proc.kill(9);
    this.resume({ step: undefined, signal: 0 });
  }

  override detach(): void {
    super.detach();
    this.proc.notify();
  }
}
