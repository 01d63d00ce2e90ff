/**
 * The process VM under a debugger: a DebugTarget (debug/target.ts) over the
 * program's first process and its threads. The kernel's scheduler waits while
 * the debugger holds the guest (all threads stop together, GDB's all-stop
 * mode); a thread runs under the debugger's points one instruction at a time
 * while any point is set or a step is asked for, and on its usual tiers
 * otherwise. The debugger follows the first process only (not its children).
 */
import type { Hart } from "../cpu/riscv/hart.js";
import { Exit } from "../cpu/riscv/run.js";
import { runPoints, WatchKind, type Hit } from "../debug/points.js";
import type { DebugPoints } from "../debug/points.js";
import type { DebugTarget, Resume, StopEvent } from "../debug/target.js";
import { SIGINT, SIGTRAP } from "../debug/stub.js";
import type { Process } from "./process.js";
import type { Thread } from "./thread.js";
import { postSignal, requeueSignal, SiCode, type QueuedSignal } from "./signals.js";

const WATCH_NAMES = { [WatchKind.Write]: "watch", [WatchKind.Read]: "rwatch", [WatchKind.Access]: "awatch" } as const;

/** A process held by, and run for, a debugger. */
export class ProcessDebugger implements DebugTarget {
  /** True while the debugger holds the guest. */
  held = true;
  /** The debugger's points (set by attach()). */
  private points: DebugPoints | undefined;
  private report: (e: StopEvent) => void = () => {};
  private release: (() => void) | undefined;
  /** Thread to run alone for one instruction, if a step was asked for. */
  private stepping: number | undefined;
  /** Thread that stopped at a point, and resumes past it without stopping again. */
  private resumeFrom: number | undefined;
  private attached = true;
  /** The signal the debugger was last told about, with its thread, until it resumes. */
  private intercepted: { thread: Thread; signal: QueuedSignal } | undefined;
  /** An intercepted signal the debugger passed on: delivered without stopping again. */
  private passing: QueuedSignal | undefined;

  constructor(private readonly proc: Process) {}

  /** Connects the debugger's points and its stop reports; the guest is held at its first instruction. */
  attach(points: DebugPoints, report: (e: StopEvent) => void): void {
    this.points = points;
    this.report = report;
  }

  /** True when thread `t` of `p` must run under the debugger (a point is set or a step was asked for). */
  watches(p: Process): boolean {
    return this.attached && p === this.proc && (this.stepping !== undefined || (this.points?.any ?? false));
  }

  /** Waits until the debugger lets the guest run. */
  waitForResume(): Promise<void> {
    return new Promise((r) => { this.release = r; });
  }

  /** Runs thread `t` for up to `budget` instructions under the debugger's points (see watches()). */
  run(t: Thread, budget: number): Exit {
    if (this.stepping !== undefined && this.stepping !== t.tid) return Exit.Budget; // others wait for the step
    const skip = this.resumeFrom === t.tid;
    this.resumeFrom = undefined;
    const n = this.stepping !== undefined ? 1 : budget;
    const start = t.hart.instret;
    const exit = runPoints(t.hart, this.points!, n, skip, (hit) => this.hit(t, hit));
    if (this.stepping === t.tid && !this.held && (exit !== Exit.Budget || t.hart.instret !== start)) {
      // The step is done once the instruction retired; a system call it made runs first (run() returns at the ecall).
      if (exit === Exit.Budget) this.stop({ kind: "signal", thread: t.tid, signal: SIGTRAP });
      else this.stepAfterExit = t.tid;
    }
    return exit;
  }

  /** A thread whose step ended in a system call or trap: the stop is reported once the kernel handled it. */
  private stepAfterExit: number | undefined;

  /** Called by the scheduler after a slice of thread `t`: ends a step that went through a system call. */
  afterSlice(t: Thread): void {
    if (this.stepAfterExit === t.tid && !this.held) {
      this.stepAfterExit = undefined;
      this.stop({ kind: "signal", thread: t.tid, signal: SIGTRAP });
    }
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
  ended(): void {
    if (!this.attached) return;
    const p = this.proc;
    this.report(p.killedBy !== 0 ? { kind: "killed", signal: p.killedBy } : { kind: "exited", code: p.exitStatus });
  }

  private hit(t: Thread, hit: Hit): void {
    this.stop({
      kind: "signal", thread: t.tid, signal: SIGTRAP, swbreak: hit.kind === "break" ? true : undefined,
      watch: hit.kind === "watch" ? { access: WATCH_NAMES[hit.watch], addr: hit.addr } : undefined,
    });
    this.resumeFrom = t.tid;
  }

  private stop(e: StopEvent): void {
    this.held = true;
    this.stepping = undefined;
    this.report(e);
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

  resume(how: Resume): void {
    this.stepping = how.step;
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
    this.held = false;
    const r = this.release;
    this.release = undefined;
    r?.();
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

  detach(): void {
    this.attached = false;
    this.resume({ step: undefined, signal: 0 });
  }
}
