/**
 * A guest thread: one hart plus the per-thread kernel state Linux keeps
 * (thread id, signal mask, pending signals, alternate signal stack, the
 * clear_child_tid address used by pthread_join).
 */
import { Hart } from "../cpu/riscv/hart.js";

/** Scheduling state of a thread. */
export const enum ThreadState {
  /** Ready to run guest code. */
  Runnable = 0,
  /** Waiting in a system call (its promise has not settled). */
  Blocked = 1,
  /** Gone; kept only until reaped. */
  Exited = 2,
}

/** An alternate signal stack (stack_t). */
export interface AltStack {
  sp: number;
  size: number;
  flags: number;
}

/** One guest thread. */
export class Thread {
  state = ThreadState.Runnable;
  /** CLONE_CHILD_CLEARTID / set_tid_address: zeroed and futex-woken at exit. */
  clearChildTid = 0;
  /** Blocked signals (bit N-1 for signal N). */
  sigmask = 0n;
  /** Signals sent to this thread and not yet delivered, with their siginfo fields. */
  readonly pending: PendingSignal[] = [];
  /** sigaltstack; size 0 means none. */
  altstack: AltStack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  /** While Blocked: interrupts the wait (a signal arrived); the syscall then returns -EINTR. */
  interrupt: (() => void) | undefined = undefined;
  /** robust_list head (recorded, as glibc sets it). */
  robustList = 0;
  /** Host milliseconds this thread's slices have run (its CPU time: CLOCK_THREAD_CPUTIME_ID). */
  cpuMs = 0;
  /** performance.now() when its running slice began, or 0 while it is not running. */
  runningSince = 0;

  /** The thread's CPU time in nanoseconds, the running slice included. */
  cpuNs(): bigint {
    const ms = this.cpuMs + (this.runningSince !== 0 ? performance.now() - this.runningSince : 0);
    return BigInt(Math.round(ms * 1e6));
  }

  /** The hart (replaced when the thread calls execve). */
  constructor(readonly tid: number, public hart: Hart) {}
}

/** A signal waiting for delivery, with the siginfo it will carry. */
export interface PendingSignal {
  signo: number;
  /** si_code */
  code: number;
  /** si_addr for faults, or 0. */
  addr: number;
  /** si_pid/si_uid for kill/tgkill. */
  pid: number;
  uid: number;
}
