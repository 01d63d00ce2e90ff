/**
 * What a GDB stub (stub.ts) needs from a VM: its threads' harts, memory as the
 * guest sees it, and a way to run and stop. Breakpoints and watchpoints live
 * in a DebugPoints set the VM's run loop consults (points.ts).
 */
import type { Hart } from "../cpu/riscv/hart.js";

/** Why the guest stopped, as a GDB stop reply tells it. */
export type StopEvent =
  | { kind: "signal"; thread: number; signal: number; swbreak?: boolean; watch?: { access: "watch" | "rwatch" | "awatch"; addr: bigint } }
  | { kind: "exited"; code: number }
  | { kind: "killed"; signal: number };

/** How to resume: every thread runs, or `step` runs one instruction of that thread alone. */
export interface Resume {
  /** Thread id to single-step, or undefined to continue. */
  step: number | undefined;
  /** Signal to deliver to the resumed thread (0 for none). */
  signal: number;
}

/** The privileged state of a system VM's harts, which a process VM does not have. */
export interface PrivilegedRegisters {
  /** CSR `csr` of thread `tid`'s hart, whatever its privilege level; undefined when there is no such CSR. */
  readCsr(tid: number, csr: number): bigint | undefined;
  /** Writes CSR `csr` (as M-mode would); false when it cannot be written. */
  writeCsr(tid: number, csr: number, v: bigint): boolean;
  /** The hart's privilege level (0 U, 1 S, 3 M). */
  priv(tid: number): number;
  setPriv(tid: number, priv: number): void;
  /** Memory reads and writes use physical addresses (QEMU's Qqemu.PhyMemMode) when on. */
  setPhysical(on: boolean): void;
}

/** A VM as the stub sees it. */
export interface DebugTarget {
  /** True for a machine that was running before the debugger came (gdb detaches from it when it quits), false for a program started for the debugger (gdb kills it). */
  readonly attachedToExisting: boolean;
  /** A system VM's privileged registers (CSRs, privilege level), if it has them. */
  readonly privileged?: PrivilegedRegisters;
  /** Live thread ids (positive), the first being the main one. */
  threadIds(): number[];
  /** The hart of thread `tid`, if it lives. */
  hart(tid: number): Hart | undefined;
  /** Reads `len` bytes at virtual address `addr` as thread `tid` sees memory; undefined if unmapped. */
  read(tid: number, addr: bigint, len: number): Uint8Array | undefined;
  /** Writes bytes at `addr` as thread `tid` sees memory (ignoring write protection); false if unmapped. */
  write(tid: number, addr: bigint, data: Uint8Array): boolean;
  /** The auxiliary vector the program started with (process VM), for qXfer:auxv:read. */
  auxv(): Uint8Array | undefined;
  /** Runs the guest; the target reports the next stop through the callback given to attach(). */
  resume(how: Resume): void;
  /** Stops the running guest as soon as possible (a SIGINT stop). */
  interrupt(): void;
  /** Ends the guest (the debugger's kill). */
  kill(): void;
  /** Lets the guest run on with no debugger. */
  detach(): void;
}
