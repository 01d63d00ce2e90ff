/**
 * What a VM's debugger target shares between the process VM and the system
 * VM: holding the guest (all threads stop together, GDB's all-stop mode) and
 * letting it go, stepping one thread (a guest thread, or a hart) while the
 * others wait, and running a thread under the debugger's points. The VM's
 * run loop asks held before each slice, runs a thread with run() while
 * watching() is true, and calls afterSlice() once it has handled the exit.
 */
import type { Hart } from "../cpu/riscv/hart.js";
import { Exit } from "../cpu/riscv/run.js";
import { step } from "../cpu/riscv/step.js";
import { runPoints, WatchKind, type DebugPoints, type Hit } from "./points.js";
import type { Resume, StopEvent } from "./target.js";

/** SIGTRAP (Linux's number, as in every StopEvent): the stop of a breakpoint, watchpoint or step. */
export const SIGTRAP = 5;
/** SIGINT: the stop of an interrupt request (Ctrl-C in the debugger). */
export const SIGINT = 2;

const WATCH_NAMES = { [WatchKind.Write]: "watch", [WatchKind.Read]: "rwatch", [WatchKind.Access]: "awatch" } as const;

/** A guest a debugger holds and runs. */
export abstract class HeldGuest {
  /** True while the debugger holds the guest. */
  held: boolean;
  /** False once the debugger has detached or killed the guest. */
  protected attached = true;
  private points: DebugPoints | undefined;
  private report: (e: StopEvent) => void = () => {};
  private release: (() => void) | undefined;
  /** Thread to run alone for one instruction, if a step was asked for. */
  protected stepping: number | undefined;
  /** Thread that stopped at a point, and resumes past it without stopping again. */
  private resumeFrom: number | undefined;
  /** A thread whose step ended in an exit (system call, trap): its stop comes after the VM handled that. */
  private stepAfterExit: number | undefined;

  /** A guest held from the start (or not). */
  constructor(held: boolean) {
    this.held = held;
  }

  /** Connects the debugger's points and its stop reports. */
  attach(points: DebugPoints, report: (e: StopEvent) => void): void {
    this.points = points;
    this.report = report;
  }

  /** True when threads must run under run() (a point is set or a step was asked for). */
  get watching(): boolean {
    return this.attached && (this.stepping !== undefined || (this.points?.any ?? false));
  }

  /** Waits until the debugger lets the guest run. */
  waitForResume(): Promise<void> {
    return new Promise((r) => { this.release = r; });
  }

  /**
   * Runs thread `tid` (hart h) for up to `budget` instructions under the
   * points, one at a time with `stepOne`; while another thread is being
   * stepped it runs nothing.
   */
  run(tid: number, h: Hart, budget: number, stepOne: (h: Hart) => Exit = step): Exit {
    if (this.stepping !== undefined && this.stepping !== tid) return Exit.Budget;
    const skip = this.resumeFrom === tid;
    this.resumeFrom = undefined;
    const start = h.instret;
    const exit = runPoints(h, this.points!, this.stepping !== undefined ? 1 : budget, skip, (hit) => this.hit(tid, hit), stepOne);
    if (this.stepping === tid && !this.held) {
      if (exit !== Exit.Budget) this.stepAfterExit = tid;
      else if (h.instret !== start) this.stop({ kind: "signal", thread: tid, signal: SIGTRAP });
    }
    return exit;
  }

  /** The VM has handled the exit of thread `tid`'s slice: ends a step that went through it. */
  afterSlice(tid: number): void {
    if (this.stepAfterExit === tid && !this.held) {
      this.stepAfterExit = undefined;
      this.stop({ kind: "signal", thread: tid, signal: SIGTRAP });
    }
  }

  private hit(tid: number, hit: Hit): void {
    this.stop({
      kind: "signal", thread: tid, signal: SIGTRAP, swbreak: hit.kind === "break" ? true : undefined,
      watch: hit.kind === "watch" ? { access: WATCH_NAMES[hit.watch], addr: hit.addr } : undefined,
    });
    this.resumeFrom = tid;
  }

  /** Holds the guest and tells the debugger why. */
  protected stop(e: StopEvent): void {
    this.held = true;
    this.stepping = undefined;
    this.report(e);
  }

  /** Tells the debugger the guest ended (a W or X reply). */
  protected ended(e: StopEvent): void {
    if (this.attached) this.report(e);
  }

  /** Lets the guest run as `how` says (the subclass delivers any signal first). */
  resume(how: Resume): void {
    this.stepping = how.step;
    this.held = false;
    const r = this.release;
    this.release = undefined;
    r?.();
  }

  /** Lets the guest run on with no debugger. */
  detach(): void {
    this.attached = false;
    this.points?.clear();
    this.resume({ step: undefined, signal: 0 });
  }
}
