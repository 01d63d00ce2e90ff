/**
 * The process VM: one Linux process of a RISC-V program running on this host.
 * It owns the address space, the file descriptors and the threads, turns
 * ecall into host system calls and guest exceptions into signals. Its Kernel
 * schedules the threads of every process; fork() makes a child process and
 * finish() turns an ended process into a zombie for its parent's wait4. run()
 * resolves with the exit status a shell would see (128+N after a fatal signal N).
 */
import type { ChildProcess } from "node:child_process";
import { OutOfFrames } from "../mem/frames.js";
import { Hart } from "../cpu/riscv/hart.js";
import { Exit } from "../cpu/riscv/run.js";
import { jitOptions, runTiered } from "../cpu/riscv/jit/tier.js";
import { AddressSpace, GuestFault } from "./address-space.js";
import { loadProgram, type LoadOptions, type LoadedProgram } from "./loader.js";
import { Thread, ThreadState } from "./thread.js";
import { FdTable, OFlag, WaitQueue } from "./fd-table.js";
import { Kernel } from "./kernel.js";
import { SharedMappings } from "./shared-maps.js";
import { Creds } from "./creds.js";
import { semExit } from "./ipc/sem.js";
import { hostSession, sessionLeaderExited, type ControllingTty } from "./tty-session.js";
import { HostFile } from "./host-file.js";
import { SyscallArgs, SYSCALLS, SYSCALL_NAMES, NO_RETURN, type SyscallResult } from "./syscalls/table.js";
import { hostErrno } from "./syscalls/errno.js";
import { formatCall, formatResult } from "./strace.js";
import { SaFlag, SignalState, SiCode, Sig, SIG_IGN, deliverPending, faultSignal, postSignal } from "./signals.js";
import "./syscalls/index.js";

/** Options of a process VM. */
export interface ProcessOptions extends LoadOptions {
  /** Print every system call to `log`. */
  strace?: boolean;
  /** Where diagnostics go (strace lines, fatal signal messages). Default: host stderr. */
  log?: (line: string) => void;
  /** Bytes of host memory reserved for guest pages (default 2 GiB, committed lazily). */
  memory?: number;
}

/** Instructions a thread runs before the scheduler looks at other threads and host events. */
const SLICE = 2_000_000;

/** Where a forked process comes from: the parent, the thread that called fork, and whether memory is shared (vfork). */
export interface ForkOrigin {
  parent: Process;
  thread: Thread;
  /** CLONE_VM without CLONE_THREAD (vfork, posix_spawn): the child runs in the parent's memory until it execs or exits. */
  shareSpace: boolean;
}

/** A running guest process. */
export class Process {
  readonly kernel: Kernel;
  readonly pid: number;
  /** The process that forked this one; undefined for the first, and once the parent has gone. */
  parent: Process | undefined;
  readonly children: Process[] = [];
  /** Woken when a child ends (wait4). */
  readonly childEvents = new WaitQueue();
  /** Woken when this process ends (poll on its pidfds). */
  readonly exitEvents = new WaitQueue();
  /** Process group id (setpgid). */
  pgid: number;
  /** Session id (setsid). */
  sid: number;
  /** The controlling terminal (tty-session.ts). */
  ctty: ControllingTty;
  /** The program image: replaced by execve. */
  options: ProcessOptions;
  space: AddressSpace;
  loaded: LoadedProgram;
  fds: FdTable;
  readonly threads: Thread[] = [];
  readonly signals = new SignalState();
  /** MAP_SHARED file mappings, kept in step with their files. */
  shared = new SharedMappings(this);
  /** Program break: start and current end of the heap. */
  brkStart: number;
  brk: number;
  /** Set by exit_group or a fatal signal. */
  exited = false;
  exitStatus = 0;
  /** Signal that killed the process, if any. */
  killedBy = 0;
  /** Set once finish() has released the process's resources. */
  finished = false;
  /** The host program this process became by execve (host-exec.ts), while it runs. */
  hostChild: ChildProcess | undefined = undefined;
  /** For a vfork child: resumes the parent (at execve or exit). */
  vforkDone: (() => void) | undefined = undefined;
  /** Instructions retired by threads that have exited. */
  private retiredByDead = 0;
  /** CPU time of threads that have exited, in host milliseconds. */
  private cpuMsByDead = 0;
  private nextThread = 0;
  private readonly args = new SyscallArgs();
  readonly log: (line: string) => void;
  readonly strace: boolean;
  /** umask(2) */
  umask = 0o022;
  /**
   * The UTS namespace's names (uname's nodename and domainname), shared with
   * the children forked since the last unshare(CLONE_NEWUTS); set by
   * sethostname/setdomainname, never on the host. Unset: the host's own.
   */
  uts: { nodename?: Uint8Array; domainname?: Uint8Array } = {};
  /** User and group ids, groups and capabilities (creds.ts). */
  creds: Creds;
  /** Set by sched_yield: the running thread gives up the rest of its slice. */
  yieldRequested = false;

  /** Loads and starts the program of `options` as a new run's first process, or (with `origin`) forks. */
  constructor(options: ProcessOptions, origin?: ForkOrigin) {
    this.options = options;
    this.log = options.log ?? ((line) => process.stderr.write(line + "\n"));
    this.strace = options.strace ?? false;
    if (origin === undefined) {
      this.kernel = new Kernel(options.memory ?? 0x80000000, process.pid);
      this.pid = this.kernel.allocId();
      this.space = new AddressSpace(this.kernel.ram, this.kernel.frames, this.kernel.cache);
      this.loaded = loadProgram(this.space, options);
      this.brkStart = this.brk = this.loaded.brk;
      this.fds = new FdTable();
      this.creds = Creds.ofHost();
      for (const fd of [0, 1, 2]) {
        this.fds.place(fd, new HostFile(fd, fd === 0 ? OFlag.RDONLY : OFlag.WRONLY, undefined, false));
      }
      const main = new Thread(this.pid, new Hart(this.space.mmu, this.space.cache));
      main.hart.pc = BigInt(this.loaded.entry);
      main.hart.setX(2, BigInt(this.loaded.sp));
      this.threads.push(main);
    } else {
      const parent = origin.parent;
      this.kernel = parent.kernel;
      this.pid = this.kernel.allocId();
      this.parent = parent;
      parent.children.push(this);
      this.space = origin.shareSpace ? parent.space : parent.space.fork();
      this.loaded = parent.loaded;
      this.brkStart = parent.brkStart; this.brk = parent.brk;
      this.fds = parent.fds.clone();
      this.shared = parent.shared.cloneFor(this);
      this.umask = parent.umask;
      this.uts = parent.uts;
      this.creds = parent.creds.clone();
      parent.signals.actions.forEach((a, i) => { this.signals.actions[i] = { ...a }; });
      const ph = origin.thread.hart;
      const h = new Hart(this.space.mmu, this.space.cache);
      h.xl.set(ph.xl); h.xh.set(ph.xh); h.fi.set(ph.fi);
      h.fflags = ph.fflags; h.frm = ph.frm;
      h.pcLo = ph.pcLo; h.pcHi = ph.pcHi;
      h.xl[10] = 0; h.xh[10] = 0; // fork returns 0 in the child
      const t = new Thread(this.pid, h);
      t.sigmask = origin.thread.sigmask;
      t.altstack = { ...origin.thread.altstack };
      this.threads.push(t);
    }
    this.pgid = origin?.parent.pgid ?? this.pid;
    this.sid = origin?.parent.sid ?? hostSession();
    this.ctty = origin === undefined ? "host" : origin.parent.ctty;
    this.kernel.processes.push(this);
  }

  /** Guest RAM (shared by every process of the kernel). */
  get ram() {
    return this.kernel.ram;
  }

  /** A fresh thread id. */
  allocTid(): number {
    return this.kernel.allocId();
  }

  /** Total guest instructions retired so far. */
  get instructions(): number {
    return this.threads.reduce((n, t) => n + t.hart.instret, this.retiredByDead);
  }

  /** The process's CPU time in nanoseconds (CLOCK_PROCESS_CPUTIME_ID): its threads', live and gone. */
  cpuNs(): bigint {
    return this.threads.reduce((n, t) => n + t.cpuNs(), BigInt(Math.round(this.cpuMsByDead * 1e6)));
  }

  /** Wakes the scheduler if it is waiting for a blocked thread. */
  notify(): void {
    this.kernel.notify();
  }

  /** Ends the whole process with `status` (exit_group). */
  exit(status: number): void {
    this.exited = true;
    this.exitStatus = status & 0xff;
    this.notify();
  }

  /** Ends the whole process as killed by `signo`. */
  kill(signo: number): void {
    this.exited = true;
    this.killedBy = signo;
    this.exitStatus = 128 + signo;
    this.notify();
  }

  /** Removes a thread that has exited (its instructions still count). */
  reap(t: Thread): void {
    t.state = ThreadState.Exited;
    const i = this.threads.indexOf(t);
    if (i >= 0) {
      this.threads.splice(i, 1);
      this.retiredByDead += t.hart.instret;
      this.cpuMsByDead += t.cpuMs;
    }
    if (this.threads.length === 0) this.exit(this.exitStatus);
  }

  /** Runs the program (and the processes it forks) to its end; resolves with its exit status. */
  run(): Promise<number> {
    return this.kernel.run(this);
  }

  /** The next runnable thread of this process, round-robin, or undefined. */
  nextRunnable(): Thread | undefined {
    const n = this.threads.length;
    for (let k = 0; k < n; k++) {
      const t = this.threads[(this.nextThread + k) % n];
      if (t.state === ThreadState.Runnable) { this.nextThread = (this.nextThread + k + 1) % n; return t; }
    }
    return undefined;
  }

  /**
   * Releases an ended process's files and memory and tells its parent: the
   * process stays a zombie (for wait4) while its parent lives, and its
   * children lose their parent.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.hostChild?.kill(this.killedBy !== 0 ? this.killedBy : "SIGKILL");
    this.shared.syncAll();
    this.fds.closeAll();
    sessionLeaderExited(this);
    semExit(this);
    if (!this.sharesSpace()) this.space.release();
    this.vforkDone?.();
    this.vforkDone = undefined;
    for (const c of this.children) c.parent = undefined;
    for (const c of [...this.children]) if (c.finished) this.kernel.remove(c);
    this.children.length = 0;
    this.exitEvents.wake();
    const parent = this.parent;
    if (parent === undefined || parent.finished) { this.kernel.remove(this); return; }
    const chld = parent.signals.actions[Sig.CHLD];
    if (chld.handler === SIG_IGN || (chld.flags & SaFlag.NOCLDWAIT) !== 0) {
      // The parent does not want zombies: the child is reaped at once (wait4 then reports ECHILD).
      parent.children.splice(parent.children.indexOf(this), 1);
      this.kernel.remove(this);
    }
    parent.childEvents.wake();
    const code = this.killedBy !== 0 ? SiCode.CLD_KILLED : SiCode.CLD_EXITED;
    postSignal(parent, undefined, { signo: Sig.CHLD, code, addr: 0, pid: this.pid, uid: process.getuid?.() ?? 0 });
    parent.notify();
  }

  /** Whether another live process runs in this one's memory (a vfork parent or child). */
  private sharesSpace(): boolean {
    return this.kernel.processes.some((q) => q !== this && !q.finished && q.space === this.space);
  }

  /** The wait status wait4 reports for this (ended) process. */
  get waitStatus(): number {
    return this.killedBy !== 0 ? this.killedBy & 0x7f : (this.exitStatus & 0xff) << 8;
  }

  /** Runs thread `t` until its slice is used, it blocks, or the process ends. */
  runSlice(t: Thread): void {
    const h = t.hart;
    if (this.threads.length > 1) for (const o of this.threads) o.hart.resValid = false;
    const end = h.instret + SLICE;
    const dbg = this.kernel.debugger;
    while (!this.exited && t.state === ThreadState.Runnable) {
      if (dbg?.held) return;
      deliverPending(this, t);
      if (this.exited || t.state !== ThreadState.Runnable || dbg?.held) return;
      const left = end - h.instret;
      if (left <= 0) return;
      let exit: Exit;
      try {
        exit = dbg?.watches(this) ? dbg.runThread(t, left) : runTiered(h, left, jitOptions.process);
      } catch (e) {
        if (!(e instanceof OutOfFrames)) throw e;
        // As the kernel's OOM killer would: the process dies of SIGKILL.
        this.log(`typevisor: out of guest memory (${this.kernel.ram.size / 2 ** 20} MiB): killing the program`);
        this.kill(9);
        return;
      }
      if (exit === Exit.Ecall) {
        this.syscall(t);
        if (this.yieldRequested) { this.yieldRequested = false; return; }
      }
      else if (exit === Exit.Trap) faultSignal(this, t);
      dbg?.afterSlice(t.tid);
      if (exit === Exit.Budget) return;
    }
  }

  /** Executes the system call thread `t` stopped at. */
  private syscall(t: Thread): void {
    const h = t.hart, a = this.args;
    const nr = h.xl[17];
    h.pcLo = (h.pcLo + 4) | 0;
    if (h.pcLo === 0 || (h.pcLo >>> 0) < 4) h.pcHi = (h.pcHi + 1) | 0;
    for (let i = 0; i < 6; i++) { a.lo[i] = h.xl[10 + i]; a.hi[i] = h.xh[10 + i]; }
    const def = SYSCALLS[nr];
    const call = this.strace ? formatCall(this, nr, def, a) : "";
    let r: SyscallResult;
    try {
      r = def === undefined ? -38 : def.fn(this, t, a);
    } catch (e) {
      r = this.errorResult(e);
    }
    if (r === NO_RETURN) {
      if (this.strace) this.log(`${t.tid} ${call}`);
      return;
    }
    if (r instanceof Promise) {
      t.state = ThreadState.Blocked;
      if (this.strace) this.log(`${t.tid} ${call} <unfinished ...>`);
      r.then((v) => v, (e) => this.errorResult(e)).then((v) => {
        if (t.state !== ThreadState.Blocked) return;
        t.interrupt = undefined;
        this.setResult(h, v);
        if (this.strace) this.log(`${t.tid} <... ${def?.name ?? nr} resumed> = ${formatResult(v)}`);
        t.state = ThreadState.Runnable;
        this.notify();
      });
      return;
    }
    this.setResult(h, r);
    if (this.strace) this.log(`${t.tid} ${call} = ${formatResult(r)}${def === undefined ? " (unknown syscall " + (SYSCALL_NAMES[nr] ?? nr) + ")" : ""}`);
  }

  /** The errno a handler's exception stands for. */
  private errorResult(e: unknown): number {
    if (e instanceof GuestFault) return -14; // EFAULT
    return hostErrno(e);
  }

  /** Puts a syscall result in a0. */
  private setResult(h: Hart, v: number | bigint): void {
    if (typeof v === "bigint") { h.setX(10, v); return; }
    h.xl[10] = v | 0;
    h.xh[10] = Math.floor(v / 4294967296) | 0;
  }
}
