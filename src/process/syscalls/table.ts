/**
 * The system call table: number -> handler, filled by one module per family
 * (fs, mm, thread, signal, net, time, info). Handlers see the calling process
 * and thread and the six argument registers, and return the result (a
 * negative errno on failure), a promise of it when the call blocks, or
 * NO_RETURN when the call does not return normally (exit, rt_sigreturn).
 */
import type { Process } from "../process.js";
import type { Thread } from "../thread.js";

const TWO32 = 4294967296;

/**
 * The argument registers a0..a5 of a system call, with typed accessors. One
 * object is reused for every call: a handler that blocks must read what it
 * needs before returning its Promise, never inside a later callback.
 */
export class SyscallArgs {
  readonly lo = new Int32Array(6);
  readonly hi = new Int32Array(6);

  /** Argument i as a C int (low 32 bits, signed). */
  int(i: number): number {
    return this.lo[i];
  }

  /** Argument i as an unsigned 32-bit value. */
  u32(i: number): number {
    return this.lo[i] >>> 0;
  }

  /** Argument i as an unsigned 64-bit value (a pointer or size); exact below 2^53. */
  u64(i: number): number {
    return (this.hi[i] >>> 0) * TWO32 + (this.lo[i] >>> 0);
  }

  /** Argument i as a signed 64-bit value (an offset); exact within ±2^53. */
  i64(i: number): number {
    return this.hi[i] * TWO32 + (this.lo[i] >>> 0);
  }

  /** Argument i as a 64-bit BigInt (unsigned). */
  big(i: number): bigint {
    return (BigInt(this.hi[i] >>> 0) << 32n) | BigInt(this.lo[i] >>> 0);
  }
}

/** Returned by calls that set the registers themselves or never return. */
export const NO_RETURN = Symbol("no return");

/** What a system call handler returns. */
export type SyscallResult = number | bigint | Promise<number | bigint> | typeof NO_RETURN;

/** A system call handler. */
export type SyscallFn = (p: Process, t: Thread, a: SyscallArgs) => SyscallResult;

/**
 * Argument formats for --strace, one letter per argument: d = int, u = unsigned,
 * x = hex (pointer, flags), s = C string pointer, o = octal (mode).
 */
export type ArgFormat = string;

/** One system call: its number, name, strace format and handler. */
export interface SyscallDef {
  nr: number;
  name: string;
  fmt: ArgFormat;
  fn: SyscallFn;
}

/** Handlers indexed by RISC-V Linux system call number (asm-generic numbering). */
export const SYSCALLS: (SyscallDef | undefined)[] = [];

/** Registers a system call. */
export function define(nr: number, name: string, fmt: ArgFormat, fn: SyscallFn): void {
  if (SYSCALLS[nr] !== undefined) throw new Error(`syscall ${nr} defined twice (${SYSCALLS[nr]!.name}, ${name})`);
  SYSCALLS[nr] = { nr, name, fmt, fn };
}

/** Names of known-but-unimplemented calls, so --strace can name them. */
export const SYSCALL_NAMES: Record<number, string> = {};
