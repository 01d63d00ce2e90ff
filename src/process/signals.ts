/**
 * Signals: dispositions (rt_sigaction), delivery to a thread and the default
 * actions. Guest exceptions arrive here as synchronous signals (SIGSEGV,
 * SIGILL, SIGBUS, SIGTRAP) with the siginfo a Linux kernel would fill in.
 */
import { Cause } from "../cpu/riscv/trap.js";
import type { Process } from "./process.js";
import { ThreadState, type Thread, type PendingSignal } from "./thread.js";

/** Signal numbers (Linux generic). */
export const enum Sig {
  HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9, USR1 = 10,
  SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, STKFLT = 16, CHLD = 17, CONT = 18, STOP = 19,
  TSTP = 20, TTIN = 21, TTOU = 22, URG = 23, XCPU = 24, XFSZ = 25, VTALRM = 26, PROF = 27, WINCH = 28,
  IO = 29, PWR = 30, SYS = 31,
}

/** Names and descriptions (as strsignal gives them) of the standard signals. */
export const SIGNALS: Record<number, [string, string]> = {
  1: ["SIGHUP", "Hangup"], 2: ["SIGINT", "Interrupt"], 3: ["SIGQUIT", "Quit"], 4: ["SIGILL", "Illegal instruction"],
  5: ["SIGTRAP", "Trace/breakpoint trap"], 6: ["SIGABRT", "Aborted"], 7: ["SIGBUS", "Bus error"],
  8: ["SIGFPE", "Floating point exception"], 9: ["SIGKILL", "Killed"], 10: ["SIGUSR1", "User defined signal 1"],
  11: ["SIGSEGV", "Segmentation fault"], 12: ["SIGUSR2", "User defined signal 2"], 13: ["SIGPIPE", "Broken pipe"],
  14: ["SIGALRM", "Alarm clock"], 15: ["SIGTERM", "Terminated"], 16: ["SIGSTKFLT", "Stack fault"],
  17: ["SIGCHLD", "Child exited"], 18: ["SIGCONT", "Continued"], 19: ["SIGSTOP", "Stopped (signal)"],
  20: ["SIGTSTP", "Stopped"], 21: ["SIGTTIN", "Stopped (tty input)"], 22: ["SIGTTOU", "Stopped (tty output)"],
  23: ["SIGURG", "Urgent I/O condition"], 24: ["SIGXCPU", "CPU time limit exceeded"],
  25: ["SIGXFSZ", "File size limit exceeded"], 26: ["SIGVTALRM", "Virtual timer expired"],
  27: ["SIGPROF", "Profiling timer expired"], 28: ["SIGWINCH", "Window changed"], 29: ["SIGIO", "I/O possible"],
  30: ["SIGPWR", "Power failure"], 31: ["SIGSYS", "Bad system call"],
};

/** Signals whose default action is to do nothing. */
const IGNORED_BY_DEFAULT = new Set([Sig.CHLD, Sig.URG, Sig.WINCH, Sig.CONT, Sig.STOP, Sig.TSTP, Sig.TTIN, Sig.TTOU]);

/** si_code values used for faults. */
export const enum SiCode {
  SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, ILL_ILLOPC = 1, TRAP_BRKPT = 1,
  SI_USER = 0, SI_TKILL = -6, SI_KERNEL = 0x80,
}

/** A signal disposition (struct sigaction as the kernel sees it). */
export interface SigAction {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

/** Per-process signal state: the dispositions. */
export class SignalState {
  readonly actions: SigAction[] = Array.from({ length: 65 }, () => ({ handler: 0, flags: 0, restorer: 0, mask: 0n }));
}

/** "SIGSEGV (Segmentation fault)" for signal N. */
export function describeSignal(signo: number): string {
  const s = SIGNALS[signo];
  return s ? `${s[0]} (${s[1]})` : `signal ${signo}`;
}

/** Queues `sig` for thread `t` (or, for a process-directed signal, the first thread not blocking it). */
export function postSignal(p: Process, t: Thread | undefined, sig: PendingSignal): void {
  let target = t;
  if (target === undefined) {
    const bit = 1n << BigInt(sig.signo - 1);
    target = p.threads.find((x) => (x.sigmask & bit) === 0n) ?? p.threads[0];
  }
  if (target === undefined) return;
  if (!target.pending.some((s) => s.signo === sig.signo) || sig.signo >= 32) target.pending.push(sig);
  if (target.state === ThreadState.Blocked && target.interrupt !== undefined) {
    const bit = 1n << BigInt(sig.signo - 1);
    if ((target.sigmask & bit) === 0n) target.interrupt();
  }
  p.notify();
}

/** Delivers thread `t`'s deliverable pending signals (default actions; handlers when installed). */
export function deliverPending(p: Process, t: Thread): void {
  if (t.pending.length === 0) return;
  for (let i = 0; i < t.pending.length; i++) {
    const s = t.pending[i];
    const bit = 1n << BigInt(s.signo - 1);
    const synchronous = s.code > 0 && (s.signo === Sig.SEGV || s.signo === Sig.BUS || s.signo === Sig.ILL || s.signo === Sig.TRAP || s.signo === Sig.FPE);
    if ((t.sigmask & bit) !== 0n && !synchronous && s.signo !== Sig.KILL) continue;
    t.pending.splice(i, 1);
    const act = p.signals.actions[s.signo];
    if (s.signo === Sig.KILL || s.signo === Sig.STOP || act.handler === 0 || (synchronous && (t.sigmask & bit) !== 0n)) {
      if (IGNORED_BY_DEFAULT.has(s.signo)) { i--; continue; }
      p.kill(s.signo);
      return;
    }
    if (act.handler === 1) { i--; continue; }
    enterHandler(p, t, s, act);
    return;
  }
}

/** Sets up a signal frame on the guest stack and jumps to the handler. Replaced by the full implementation in signal-frame.ts. */
let enterHandler = (p: Process, _t: Thread, s: PendingSignal, _act: SigAction): void => {
  p.kill(s.signo);
};

/** Installs the function that builds signal frames (see signal-frame.ts). */
export function setHandlerEntry(f: typeof enterHandler): void {
  enterHandler = f;
}

/** Turns the trap thread `t` just took into the synchronous signal a Linux kernel would send. */
export function faultSignal(p: Process, t: Thread): void {
  const h = t.hart;
  const addr = (h.trapTvalHi >>> 0) * 4294967296 + (h.trapTvalLo >>> 0);
  let signo: number, code: number;
  switch (h.trapCause) {
    case Cause.IllegalInsn: signo = Sig.ILL; code = SiCode.ILL_ILLOPC; break;
    case Cause.Breakpoint: signo = Sig.TRAP; code = SiCode.TRAP_BRKPT; break;
    case Cause.LoadMisaligned: case Cause.StoreMisaligned: case Cause.InsnMisaligned:
      signo = Sig.BUS; code = SiCode.BUS_ADRALN; break;
    default:
      signo = Sig.SEGV;
      code = p.space.isMapped(addr) ? SiCode.SEGV_ACCERR : SiCode.SEGV_MAPERR;
  }
  const faultAddr = signo === Sig.ILL || signo === Sig.TRAP ? Number(h.pc) : addr;
  t.pending.unshift({ signo, code, addr: faultAddr, pid: 0, uid: 0 });
  deliverPending(p, t);
}
