/**
 * The process VM: one Linux process of a RISC-V program running on this host.
 * It owns the address space, the file descriptors and the threads, schedules
 * the threads round-robin on the interpreter, turns ecall into host system
 * calls and guest exceptions into signals. run() resolves with the exit
 * status a shell would see (128+N after a fatal signal N).
 */
import { Ram } from "../mem/ram.js";
import { OutOfFrames } from "../mem/frames.js";
import { Hart } from "../cpu/riscv/hart.js";
import { run, Exit } from "../cpu/riscv/run.js";
import { AddressSpace, GuestFault } from "./address-space.js";
import { loadProgram, type LoadOptions, type LoadedProgram } from "./loader.js";
import { Thread, ThreadState } from "./thread.js";
import { FdTable, OFlag } from "./fd-table.js";
import { SharedMappings } from "./shared-maps.js";
import { HostFile } from "./host-file.js";
import { SyscallArgs, SYSCALLS, SYSCALL_NAMES, NO_RETURN, type SyscallResult } from "./syscalls/table.js";
import { hostErrno } from "./syscalls/errno.js";
import { formatCall, formatResult } from "./strace.js";
import { SignalState, deliverPending, faultSignal } from "./signals.js";
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

/** A running guest process. */
export class Process {
  readonly pid: number;
  readonly ram: Ram;
  readonly space: AddressSpace;
  readonly fds = new FdTable();
  readonly threads: Thread[] = [];
  readonly signals = new SignalState();
  /** MAP_SHARED file mappings, kept in step with their files. */
  readonly shared = new SharedMappings(this);
  readonly loaded: LoadedProgram;
  /** Program break: start and current end of the heap. */
  brkStart: number;
  brk: number;
  /** Set by exit_group or a fatal signal. */
  exited = false;
  exitStatus = 0;
  /** Signal that killed the process, if any. */
  killedBy = 0;
  /** Instructions retired by threads that have exited. */
  private retiredByDead = 0;
  private nextTid: number;
  private readonly args = new SyscallArgs();
  private wake: (() => void) | undefined;
  readonly log: (line: string) => void;
  readonly strace: boolean;
  /** umask(2) */
  umask = 0o022;
  /** Set by sched_yield: the running thread gives up the rest of its slice. */
  yieldRequested = false;

  constructor(readonly options: ProcessOptions) {
    this.pid = process.pid;
    this.nextTid = this.pid + 1;
    this.ram = new Ram(options.memory ?? 0x80000000);
    this.space = new AddressSpace(this.ram);
    this.loaded = loadProgram(this.space, options);
    this.brkStart = this.brk = this.loaded.brk;
    this.log = options.log ?? ((line) => process.stderr.write(line + "\n"));
    this.strace = options.strace ?? false;
    const main = new Thread(this.pid, new Hart(this.space.mmu, this.space.cache));
    main.hart.pc = BigInt(this.loaded.entry);
    main.hart.setX(2, BigInt(this.loaded.sp));
    this.threads.push(main);
    for (const fd of [0, 1, 2]) {
      this.fds.place(fd, new HostFile(fd, fd === 0 ? OFlag.RDONLY : OFlag.WRONLY, undefined, false));
    }
  }

  /** A fresh thread id. */
  allocTid(): number {
    return this.nextTid++;
  }

  /** Total guest instructions retired so far. */
  get instructions(): number {
    return this.threads.reduce((n, t) => n + t.hart.instret, this.retiredByDead);
  }

  /** Wakes the scheduler if it is waiting for a blocked thread. */
  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
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
    }
    if (this.threads.length === 0) this.exit(this.exitStatus);
  }

  /** Runs the process to its end; resolves with its exit status. */
  async run(): Promise<number> {
    let lastYield = Date.now();
    let next = 0;
    while (!this.exited) {
      let t: Thread | undefined;
      for (let k = 0; k < this.threads.length; k++) {
        const c = this.threads[(next + k) % this.threads.length];
        if (c.state === ThreadState.Runnable) { t = c; next = (next + k + 1) % Math.max(1, this.threads.length); break; }
      }
      if (t === undefined) {
        // Every thread waits. Keep the host alive meanwhile: a guest that waits
        // for ever hangs, as it would on Linux, rather than ending quietly.
        const keepAlive = setInterval(() => {}, 1 << 30);
        await new Promise<void>((resolve) => { this.wake = resolve; });
        clearInterval(keepAlive);
        lastYield = Date.now();
        continue;
      }
      this.runSlice(t);
      if (Date.now() - lastYield > 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
    this.shared.syncAll();
    this.fds.closeAll();
    return this.exitStatus;
  }

  /** Runs thread `t` until its slice is used, it blocks, or the process ends. */
  private runSlice(t: Thread): void {
    const h = t.hart;
    if (this.threads.length > 1) for (const o of this.threads) o.hart.resValid = false;
    const end = h.instret + SLICE;
    while (!this.exited && t.state === ThreadState.Runnable) {
      deliverPending(this, t);
      if (this.exited || t.state !== ThreadState.Runnable) return;
      const left = end - h.instret;
      if (left <= 0) return;
      let exit: Exit;
      try {
        exit = run(h, left);
      } catch (e) {
        if (!(e instanceof OutOfFrames)) throw e;
        // As the kernel's OOM killer would: the process dies of SIGKILL.
        this.log(`typevisor: out of guest memory (${this.ram.size / 2 ** 20} MiB): killing the program`);
        this.kill(9);
        return;
      }
      if (exit === Exit.Ecall) {
        this.syscall(t);
        if (this.yieldRequested) { this.yieldRequested = false; return; }
      }
      else if (exit === Exit.Trap) faultSignal(this, t);
      else if (exit === Exit.Budget) return;
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
