/**
 * Signals as Linux/riscv64 delivers them to a process: dispositions
 * (rt_sigaction), queueing to a thread or to the process, waking a thread
 * blocked in a system call, delivery with a real struct rt_sigframe on the
 * user stack (see signal-frame.ts), rt_sigreturn, and the default actions.
 * Guest exceptions arrive here as synchronous signals (SIGSEGV, SIGILL, SIGBUS,
 * SIGTRAP) with the siginfo a Linux kernel would fill in.
 *
 * Delivery happens only where the scheduler calls deliverPending: before a
 * thread runs guest code (so after every system call) and after a fault.
 * Like Linux, one delivery pass sets up a frame for every deliverable signal,
 * lowest-numbered first (synchronous faults before the rest); each frame
 * nests on the one before, so the last signal's handler runs first.
 */
import { Cause } from "../cpu/riscv/trap.js";
import type { Process } from "./process.js";
import { GuestFault } from "./address-space.js";
import { ThreadState, type Thread, type PendingSignal, type AltStack } from "./thread.js";
import { Frame, encodeFrame, encodeSiginfo, restoreFrame } from "./signal-frame.js";
import { Layout } from "./loader.js";
import { Prot } from "./vmas.js";
import { PAGE_SIZE } from "../mem/ram.js";
import { Errno } from "./syscalls/errno.js";
import type { HostTimer } from "./host-timer.js";
import { PollEv, WaitQueue } from "./fd-table.js";

/** Signal numbers (Linux generic). */
export const enum Sig {
  HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9, USR1 = 10,
  SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, STKFLT = 16, CHLD = 17, CONT = 18, STOP = 19,
  TSTP = 20, TTIN = 21, TTOU = 22, URG = 23, XCPU = 24, XFSZ = 25, VTALRM = 26, PROF = 27, WINCH = 28,
  IO = 29, PWR = 30, SYS = 31,
}

/** Highest signal number (_NSIG). */
export const NSIG = 64;

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

/** glibc's SIGRTMIN (32 and 33 are kept for its own use: thread cancellation and setxid). */
const SIGRTMIN = 34;

/** What a signal does when its disposition is SIG_DFL. */
export const enum DefaultAction {
  /** End the process. */
  Term = 0,
  /** End the process (Linux would also dump core). */
  Core = 1,
  /** Nothing. */
  Ignore = 2,
  /** Stop the process (treated as Ignore: there is no job control here). */
  Stop = 3,
  /** Continue a stopped process (so, nothing). */
  Cont = 4,
}

const CORE = new Set([Sig.QUIT, Sig.ILL, Sig.TRAP, Sig.ABRT, Sig.BUS, Sig.FPE, Sig.SEGV, Sig.XCPU, Sig.XFSZ, Sig.SYS]);
const IGNORE = new Set([Sig.CHLD, Sig.URG, Sig.WINCH]);
const STOP = new Set([Sig.STOP, Sig.TSTP, Sig.TTIN, Sig.TTOU]);

/** The default action of signal `signo` (real-time signals terminate). */
export function defaultAction(signo: number): DefaultAction {
  if (CORE.has(signo)) return DefaultAction.Core;
  if (IGNORE.has(signo)) return DefaultAction.Ignore;
  if (STOP.has(signo)) return DefaultAction.Stop;
  if (signo === Sig.CONT) return DefaultAction.Cont;
  return DefaultAction.Term;
}

/** si_code values. */
export const enum SiCode {
  SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3, SI_ASYNCIO = -4, SI_SIGIO = -5,
  SI_TKILL = -6,
  SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, BUS_ADRERR = 2, ILL_ILLOPC = 1, TRAP_BRKPT = 1,
  CLD_EXITED = 1, CLD_KILLED = 2,
}

/** sa_flags bits (asm-generic). riscv has no SA_RESTORER: handlers always return through the vDSO trampoline. */
export const enum SaFlag {
  NOCLDSTOP = 0x1,
  NOCLDWAIT = 0x2,
  SIGINFO = 0x4,
  /** SA_UNSUPPORTED: never stored, so callers can probe which flags the kernel knows. */
  UNSUPPORTED = 0x400,
  EXPOSE_TAGBITS = 0x800,
  ONSTACK = 0x08000000,
  RESTART = 0x10000000,
  NODEFER = 0x40000000,
  RESETHAND = 0x80000000,
}

/** The flags rt_sigaction keeps (UAPI_SA_FLAGS); others are silently dropped, as Linux does. */
export const KNOWN_SA_FLAGS = (SaFlag.NOCLDSTOP | SaFlag.NOCLDWAIT | SaFlag.SIGINFO | SaFlag.EXPOSE_TAGBITS |
  SaFlag.ONSTACK | SaFlag.RESTART | SaFlag.NODEFER | SaFlag.RESETHAND) >>> 0;

/** sigaltstack ss_flags. */
export const enum SsFlag {
  ONSTACK = 1,
  DISABLE = 2,
  /** Disarm the alternate stack while a handler runs on it. */
  AUTODISARM = 0x80000000,
}

/** The kernel's MINSIGSTKSZ on riscv (glibc reports a larger sysconf value; the kernel checks this one). */
export const MINSIGSTKSZ = 2048;

/** Handler values with a meaning of their own. */
export const SIG_DFL = 0;
export const SIG_IGN = 1;

/** A signal disposition (struct sigaction as the kernel sees it). */
export interface SigAction {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  handler: number;
  flags: number;
  /** sa_restorer: always 0 on riscv, kept for the shape of struct sigaction. */
  restorer: number;
  mask: bigint;
}

/** A queued signal; `info` is a whole siginfo_t supplied by rt_sigqueueinfo. */
export interface QueuedSignal extends PendingSignal {
  info?: Uint8Array;
}

/** Per-thread bookkeeping that only exists while a system call or a delivery needs it. */
interface ThreadSignals {
  /** Mask to reinstate after the next delivery (sigsuspend, ppoll, pselect6): saved in the first frame, or restored directly. */
  savedMask?: bigint;
  /** The mask in force before rt_sigtimedwait unblocked the signals it waits for (real_blocked). */
  realBlocked?: bigint;
  /** The blocking system call a signal cut short: a0 as it was, and whether SA_RESTART restarts it. */
  interrupted?: { a0lo: number; a0hi: number; restartable: boolean };
}

/** An interval timer (setitimer): next expiry (host monotonic ns, 0 = disarmed) and reload interval. */
export interface IntervalTimer {
  deadline: bigint;
  interval: bigint;
  /** The host timer behind ITIMER_REAL. */
  handle: HostTimer | undefined;
}

/** setitimer's CPU-time timers and the signal each raises: ITIMER_VIRTUAL (1) SIGVTALRM, ITIMER_PROF (2) SIGPROF. */
const CPU_TIMERS: readonly [number, Sig][] = [[1, Sig.VTALRM], [2, Sig.PROF]];

/**
 * Charges `ns` nanoseconds of CPU time that process `p` just used to its
 * ITIMER_VIRTUAL and ITIMER_PROF (whose deadlines count down the time left),
 * raising SIGVTALRM or SIGPROF at expiry and reloading the interval. The
 * guest's time is host time spent running its threads (typevisor runs every
 * guest thread on one host thread), so user and system time are not told
 * apart: both timers count the same.
 */
export function chargeCpuTimers(p: Process, ns: bigint): void {
  for (const [which, signo] of CPU_TIMERS) {
    const tm = p.signals.itimers[which];
    if (tm.deadline === 0n) continue;
    tm.deadline -= ns;
    if (tm.deadline > 0n) continue;
    postSignal(p, undefined, { signo, code: SiCode.SI_KERNEL, addr: 0, pid: 0, uid: 0 });
    // Reloaded from the interval; an overrun of more than one interval raises one signal, as Linux does.
    tm.deadline = tm.interval === 0n ? 0n : tm.interval;
  }
}

/** Per-process signal state: the dispositions, process-directed signals no thread could take, timers. */
export class SignalState {
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: 0, flags: 0, restorer: 0, mask: 0n }));
  /** Process-directed signals every thread was blocking when they were sent. */
  readonly shared: QueuedSignal[] = [];
  /** See ThreadSignals; entries are removed once empty. */
  readonly threads = new Map<Thread, ThreadSignals>();
  /** ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF. */
  readonly itimers: IntervalTimer[] = [0, 1, 2].map(() => ({ deadline: 0n, interval: 0n, handle: undefined }));
  /** Woken whenever a signal is queued (signalfd readers and pollers wait here). */
  readonly queued = new WaitQueue();

  /** Whether ITIMER_VIRTUAL or ITIMER_PROF is armed (the scheduler then charges CPU time: chargeCpuTimers). */
  get cpuTimersArmed(): boolean {
    return this.itimers[1].deadline !== 0n || this.itimers[2].deadline !== 0n;
  }
}

/** Bit for signal `signo` in a sigset. */
export function sigbit(signo: number): bigint {
  return 1n << BigInt(signo - 1);
}

/** SIGKILL and SIGSTOP can never be blocked, caught or ignored. */
export const UNBLOCKABLE = sigbit(Sig.KILL) | sigbit(Sig.STOP);

/** Faults Linux dequeues before any other pending signal (SYNCHRONOUS_MASK). */
const SYNCHRONOUS = new Set([Sig.SEGV, Sig.BUS, Sig.ILL, Sig.TRAP, Sig.FPE, Sig.SYS]);

/** "SIGSEGV (Segmentation fault)" for signal N. */
export function describeSignal(signo: number): string {
  const s = SIGNALS[signo];
  if (s) return `${s[0]} (${s[1]})`;
  if (signo >= SIGRTMIN && signo <= NSIG) return `SIGRTMIN+${signo - SIGRTMIN} (Real-time signal ${signo - SIGRTMIN})`;
  return `signal ${signo}`;
}

function threadSignals(p: Process, t: Thread): ThreadSignals {
  let s = p.signals.threads.get(t);
  if (s === undefined) { s = {}; p.signals.threads.set(t, s); }
  return s;
}

function dropIfEmpty(p: Process, t: Thread, s: ThreadSignals): void {
  if (s.savedMask === undefined && s.realBlocked === undefined && s.interrupted === undefined) p.signals.threads.delete(t);
}

/** Makes the next delivery to `t` reinstate `mask` afterwards (sigsuspend, ppoll and pselect6 use this on -EINTR). */
export function restoreMaskAfterDelivery(p: Process, t: Thread, mask: bigint): void {
  threadSignals(p, t).savedMask = mask & ~UNBLOCKABLE;
}

/** Records the mask rt_sigtimedwait replaced (undefined when the wait ends). */
export function setRealBlocked(p: Process, t: Thread, mask: bigint | undefined): void {
  const s = threadSignals(p, t);
  if (mask === undefined) delete s.realBlocked;
  else s.realBlocked = mask;
  dropIfEmpty(p, t, s);
}

/**
 * True if the disposition of `signo` means the signal is thrown away on
 * arrival (so it never interrupts a system call). Stop signals count: there
 * is no job control, so stopping is treated as ignoring.
 */
export function isIgnored(p: Process, signo: number): boolean {
  const h = p.signals.actions[signo].handler;
  if (h === SIG_IGN) return signo !== Sig.KILL;
  if (h !== SIG_DFL) return false;
  return defaultAction(signo) !== DefaultAction.Term && defaultAction(signo) !== DefaultAction.Core;
}

/** Removes every queued instance of `signo` (the disposition became "ignore"). */
export function flushSignal(p: Process, signo: number): void {
  const keep = (q: PendingSignal[]) => {
    for (let i = q.length - 1; i >= 0; i--) if (q[i].signo === signo) q.splice(i, 1);
  };
  keep(p.signals.shared);
  for (const t of p.threads) keep(t.pending);
}

/** Signals pending for `t` (its own and the process's), as a sigset. */
export function pendingSet(p: Process, t: Thread): bigint {
  let set = 0n;
  for (const s of t.pending) set |= sigbit(s.signo);
  for (const s of p.signals.shared) set |= sigbit(s.signo);
  return set;
}

/** True if `t` has a pending signal it does not block. */
export function hasDeliverable(p: Process, t: Thread): boolean {
  return (pendingSet(p, t) & ~t.sigmask) !== 0n;
}

/** Removes and returns the signal of `queue` in `allowed` Linux would take first, if any. */
function takeFrom(queue: QueuedSignal[], allowed: bigint): QueuedSignal | undefined {
  let best = -1, bestSync = false;
  for (let i = 0; i < queue.length; i++) {
    const signo = queue[i].signo;
    if ((allowed & sigbit(signo)) === 0n) continue;
    const sync = SYNCHRONOUS.has(signo);
    if (best < 0 || (sync && !bestSync) || (sync === bestSync && signo < queue[best].signo)) { best = i; bestSync = sync; }
  }
  return best < 0 ? undefined : queue.splice(best, 1)[0];
}

/** Dequeues the next signal in `allowed` for `t`: its own pending signals first, then the process's. */
export function dequeue(p: Process, t: Thread, allowed: bigint): QueuedSignal | undefined {
  return takeFrom(t.pending, allowed) ?? takeFrom(p.signals.shared, allowed);
}

/**
 * For signalfd, which has no calling thread: dequeues the first signal in
 * `allowed` pending on any thread of `p`, then on the process (Linux looks at
 * the reading thread's own queue and the process's).
 */
export function dequeueAny(p: Process, allowed: bigint): QueuedSignal | undefined {
  for (const t of p.threads) {
    const s = takeFrom(t.pending, allowed);
    if (s !== undefined) return s;
  }
  return takeFrom(p.signals.shared, allowed);
}

/** Signals pending on any thread of `p` or on the process, as a sigset (signalfd's poll). */
export function pendingAny(p: Process): bigint {
  let set = 0n;
  for (const t of p.threads) for (const s of t.pending) set |= sigbit(s.signo);
  for (const s of p.signals.shared) set |= sigbit(s.signo);
  return set;
}

/** The thread a process-directed signal should wake: one not blocking it, preferring one that can run soon. */
function pickThread(p: Process, bit: bigint): Thread | undefined {
  const wants = (x: Thread) => x.state !== ThreadState.Exited && (x.sigmask & bit) === 0n;
  return p.threads.find((x) => wants(x) && (x.state === ThreadState.Runnable || x.interrupt !== undefined)) ??
    p.threads.find(wants);
}

/**
 * System calls Linux restarts after a handler installed with SA_RESTART (they
 * return -ERESTARTSYS when a signal cuts them short): read/write and friends,
 * fcntl(F_SETLKW), ioctl, flock, openat of a FIFO, sendfile, waitid, wait4 and
 * the blocking socket calls. futex waits only when they have no timeout.
 * nanosleep, poll, select, epoll_wait, sigsuspend and sigtimedwait never are.
 */
const RESTARTABLE = new Set([25, 29, 32, 56, 63, 64, 65, 66, 67, 68, 69, 70, 71, 95, 202, 203, 206, 207, 211, 212, 242, 260]);

function restartable(t: Thread): boolean {
  const h = t.hart, nr = h.xl[17];
  if (nr === 98) {
    const op = h.xl[11] & 0x7f; // without FUTEX_PRIVATE_FLAG / FUTEX_CLOCK_REALTIME
    return (op === 0 || op === 9) && h.xl[13] === 0 && h.xh[13] === 0;
  }
  return RESTARTABLE.has(nr);
}

/** Ends the wait of blocked thread `t` (its call returns -EINTR), noting what is needed to restart it. */
function interruptThread(p: Process, t: Thread): void {
  const f = t.interrupt;
  if (f === undefined) return;
  t.interrupt = undefined;
  const h = t.hart;
  threadSignals(p, t).interrupted = { a0lo: h.xl[10], a0hi: h.xh[10], restartable: restartable(t) };
  f();
}

/** Queues `sig` for `queue` unless a standard signal of that number is already there (they do not queue). */
function enqueue(queue: QueuedSignal[], sig: QueuedSignal): void {
  if (sig.signo < 32 && queue.some((s) => s.signo === sig.signo)) return;
  queue.push(sig);
}

/**
 * Sends `sig` to thread `t`, or to the process when `t` is undefined (it then
 * goes to a thread that does not block it, or waits for one to unblock it).
 * Ignored signals are discarded; a signal whose default action ends the
 * process does so at once; a thread blocked in an interruptible call is woken.
 */
export function postSignal(p: Process, t: Thread | undefined, sig: QueuedSignal): void {
  if (p.exited) return;
  const signo = sig.signo, bit = sigbit(signo);
  if (signo === Sig.KILL) { p.kill(signo); return; }
  const target = t ?? pickThread(p, bit);
  const leader = target ?? p.threads[0];
  if (leader === undefined) return;
  const real = p.signals.threads.get(leader)?.realBlocked ?? 0n;
  const blocked = ((leader.sigmask | real) & bit) !== 0n;
  if (!blocked && isIgnored(p, signo)) return;
  if (!blocked && p.signals.actions[signo].handler === SIG_DFL) {
    const d = defaultAction(signo);
    if (d === DefaultAction.Term || d === DefaultAction.Core) { p.kill(signo); return; }
  }
  enqueue(target?.pending ?? p.signals.shared, sig);
  p.signals.queued.wake(PollEv.IN);
  if (target !== undefined && (target.sigmask & bit) === 0n && target.state === ThreadState.Blocked) interruptThread(p, target);
  p.notify();
}

/**
 * Queues a synchronous signal the way Linux's force_sig does: if the thread
 * blocks or ignores it, the disposition reverts to SIG_DFL and it is
 * unblocked, so a fault nobody can handle ends the process.
 */
function forceSignal(p: Process, t: Thread, sig: QueuedSignal): void {
  const act = p.signals.actions[sig.signo], bit = sigbit(sig.signo);
  const blocked = (t.sigmask & bit) !== 0n;
  if (blocked || act.handler === SIG_IGN) {
    act.handler = SIG_DFL;
    t.sigmask &= ~bit;
  }
  enqueue(t.pending, sig);
}

/** After a handler frame could not be written: SIGSEGV, and no second chance if that was SIGSEGV already. */
function forceSigsegv(p: Process, t: Thread, failed: number): void {
  if (failed === Sig.SEGV) p.signals.actions[Sig.SEGV].handler = SIG_DFL;
  forceSignal(p, t, { signo: Sig.SEGV, code: SiCode.SI_KERNEL, addr: 0, pid: 0, uid: 0 });
}

/** Sets a0 and pc so the interrupted call runs again (pc back on its ecall). */
function restartSyscall(t: Thread, rec: { a0lo: number; a0hi: number }): void {
  const h = t.hart;
  h.xl[10] = rec.a0lo;
  h.xh[10] = rec.a0hi;
  h.pc = h.pc - 4n;
}

/** True if a0 holds -EINTR (the interrupted call's result). */
function returnedEintr(t: Thread): boolean {
  return t.hart.xl[10] === -4 && t.hart.xh[10] === -1;
}

/** Puts signal `s` back at the head of thread `t`'s queue (a debugger passing on a signal it intercepted). */
export function requeueSignal(t: Thread, s: QueuedSignal): void {
  t.pending.unshift(s);
}

/** Delivers thread `t`'s deliverable pending signals: default actions, or handler frames. */
export function deliverPending(p: Process, t: Thread): void {
  const st = p.signals;
  if (t.pending.length === 0 && st.shared.length === 0 && st.threads.size === 0) return;
  const ts = st.threads.get(t);
  let framed = false;
  for (;;) {
    if (p.exited) return;
    const s = dequeue(p, t, ~t.sigmask);
    if (s === undefined) break;
    if (p.kernel.debugger?.intercepts(p, t, s)) return; // the debugger decides what becomes of it
    const act = st.actions[s.signo];
    if (act.handler === SIG_IGN) continue;
    if (act.handler === SIG_DFL) {
      const d = defaultAction(s.signo);
      if (d === DefaultAction.Term || d === DefaultAction.Core) { p.kill(s.signo); return; }
      continue;
    }
    if (!framed && ts?.interrupted !== undefined && returnedEintr(t)) {
      if (ts.interrupted.restartable && (act.flags & SaFlag.RESTART) !== 0) restartSyscall(t, ts.interrupted);
    }
    if (ts !== undefined) delete ts.interrupted;
    const saved = ts?.savedMask;
    if (ts !== undefined) delete ts.savedMask;
    if (!setupFrame(p, t, s, act, saved ?? t.sigmask)) forceSigsegv(p, t, s.signo);
    framed = true;
  }
  if (ts !== undefined) {
    if (!framed) {
      // No handler ran: an interrupted restartable call just goes on, and a temporary mask is lifted.
      if (ts.interrupted?.restartable && returnedEintr(t)) restartSyscall(t, ts.interrupted);
      if (ts.savedMask !== undefined) t.sigmask = ts.savedMask;
    }
    delete ts.interrupted;
    delete ts.savedMask;
    dropIfEmpty(p, t, ts);
  }
}

/** Where the rt_sigreturn trampoline lives: the page above the main stack, which Linux gives the vDSO. */
export const TRAMPOLINE = Layout.StackTop;

/** li a7, 139 (rt_sigreturn); ecall */
const TRAMPOLINE_CODE = new Uint8Array(new Uint32Array([0x08b00893, 0x00000073]).buffer);

/** Maps the read+exec page holding the sigreturn trampoline if it is not there; returns its address. */
export function ensureTrampoline(p: Process): number {
  const v = p.space.vmaAt(TRAMPOLINE);
  if (v !== undefined && v.name === "[vdso]") return TRAMPOLINE;
  p.space.map(TRAMPOLINE, PAGE_SIZE, Prot.Read | Prot.Exec, "[vdso]");
  p.space.write(TRAMPOLINE, TRAMPOLINE_CODE, true);
  return TRAMPOLINE;
}

/** x2 (sp) of `t` as a number. */
function stackPointer(t: Thread): number {
  return (t.hart.xh[2] >>> 0) * 4294967296 + (t.hart.xl[2] >>> 0);
}

/** True if `sp` lies on `t`'s alternate signal stack (never, while SS_AUTODISARM keeps it disarmed). */
export function onSigStack(t: Thread, sp: number): boolean {
  const a = t.altstack;
  if ((a.flags & SsFlag.AUTODISARM) !== 0) return false;
  return sp > a.sp && sp - a.sp <= a.size;
}

/** SS_DISABLE without an alternate stack, SS_ONSTACK while on it, else 0. */
export function sasFlags(t: Thread, sp: number): number {
  if (t.altstack.size === 0) return SsFlag.DISABLE;
  return onSigStack(t, sp) ? SsFlag.ONSTACK : 0;
}

/**
 * Pushes an rt_sigframe for `s` and points `t` at the handler: pc = handler,
 * ra = trampoline, sp = frame, a0 = signal, a1 = &siginfo, a2 = &ucontext.
 * `saveMask` is the mask rt_sigreturn reinstates. False if the frame could not
 * be written (bad or overflowing stack).
 */
function setupFrame(p: Process, t: Thread, s: QueuedSignal, act: SigAction, saveMask: bigint): boolean {
  const h = t.hart;
  const sp = stackPointer(t);
  if (onSigStack(t, sp) && !onSigStack(t, sp - Frame.Size)) return false;
  const alt: AltStack = t.altstack;
  let top = sp;
  if ((act.flags & SaFlag.ONSTACK) !== 0 && sasFlags(t, sp) === 0) top = alt.sp + alt.size;
  const frame = Math.floor((top - Frame.Size) / 16) * 16;
  const bytes = encodeFrame(h, {
    info: encodeSiginfo(s),
    mask: saveMask,
    stack: { sp: alt.sp, flags: sasFlags(t, sp) | (alt.flags & SsFlag.AUTODISARM), size: alt.size },
  });
  let ra: number;
  try {
    ra = ensureTrampoline(p);
    p.space.write(frame, bytes);
  } catch (e) {
    if (e instanceof GuestFault) return false;
    throw e;
  }
  const handler = act.handler;
  if ((alt.flags & SsFlag.AUTODISARM) !== 0) t.altstack = { sp: 0, size: 0, flags: SsFlag.DISABLE };
  if ((act.flags & SaFlag.RESETHAND) !== 0) act.handler = SIG_DFL;
  h.setX(1, BigInt(ra));
  h.setX(2, BigInt(frame));
  h.setX(10, BigInt(s.signo));
  h.setX(11, BigInt(frame + Frame.Info));
  h.setX(12, BigInt(frame + Frame.Uc));
  h.pc = BigInt(handler);
  let mask = t.sigmask | act.mask;
  if ((act.flags & SaFlag.NODEFER) === 0) mask |= sigbit(s.signo);
  t.sigmask = mask & ~UNBLOCKABLE;
  return true;
}

/**
 * rt_sigreturn: reloads registers, FP state, signal mask and alternate stack
 * from the frame at sp. A frame that cannot be read, or that the kernel would
 * reject, raises SIGSEGV.
 */
export function sigreturn(p: Process, t: Thread): void {
  const h = t.hart;
  const at = stackPointer(t);
  let bytes: Uint8Array;
  try {
    bytes = p.space.read(at, Frame.Size);
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    forceSigsegv(p, t, 0);
    return;
  }
  t.sigmask = new DataView(bytes.buffer).getBigUint64(Frame.Sigmask, true) & ~UNBLOCKABLE;
  const d = restoreFrame(h, bytes);
  if (d === undefined) {
    h.xl[10] = 0; h.xh[10] = 0;
    forceSigsegv(p, t, 0);
    return;
  }
  setAltStack(t, d.stack, stackPointer(t));
}

/**
 * sigaltstack's "set" half (do_sigaltstack): 0, or -EPERM while running on the
 * current alternate stack, -EINVAL for bad flags, -ENOMEM for a stack below
 * MINSIGSTKSZ.
 */
export function setAltStack(t: Thread, ss: AltStack, sp: number): number {
  if (onSigStack(t, sp)) return -Errno.EPERM;
  const mode = (ss.flags & ~SsFlag.AUTODISARM) >>> 0;
  if (mode !== SsFlag.DISABLE && mode !== SsFlag.ONSTACK && mode !== 0) return -Errno.EINVAL;
  if (mode === SsFlag.DISABLE) { t.altstack = { sp: 0, size: 0, flags: ss.flags }; return 0; }
  if (ss.size < MINSIGSTKSZ) return -Errno.ENOMEM;
  t.altstack = { sp: ss.sp, size: ss.size, flags: ss.flags };
  return 0;
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
    case Cause.InsnAccessFault: case Cause.LoadAccessFault: case Cause.StoreAccessFault:
      signo = Sig.SEGV; code = SiCode.SEGV_ACCERR; break;
    default:
      signo = Sig.SEGV;
      code = p.space.isMapped(addr) ? SiCode.SEGV_ACCERR : SiCode.SEGV_MAPERR;
  }
  const faultAddr = signo === Sig.ILL || signo === Sig.TRAP ? Number(h.pc) : addr;
  forceSignal(p, t, { signo, code, addr: faultAddr, pid: 0, uid: 0 });
  deliverPending(p, t);
}
