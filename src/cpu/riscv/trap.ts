/**
 * Synchronous exceptions raised while executing guest code. Cause numbers are
 * the mcause/scause exception codes of the privileged spec (table "Supervisor
 * cause register values").
 */

/** Exception codes (xcause with the interrupt bit clear). */
export const enum Cause {
  /** Instruction address misaligned */
  InsnMisaligned = 0,
  /** Instruction access fault */
  InsnAccessFault = 1,
  /** Illegal instruction */
  IllegalInsn = 2,
  /** Breakpoint (ebreak) */
  Breakpoint = 3,
  /** Load address misaligned */
  LoadMisaligned = 4,
  /** Load access fault */
  LoadAccessFault = 5,
  /** Store/AMO address misaligned */
  StoreMisaligned = 6,
  /** Store/AMO access fault */
  StoreAccessFault = 7,
  /** Environment call from U-mode */
  EcallU = 8,
  /** Environment call from S-mode */
  EcallS = 9,
  /** Environment call from VS-mode (H extension) */
  EcallVS = 10,
  /** Environment call from M-mode */
  EcallM = 11,
  /** Instruction page fault */
  InsnPageFault = 12,
  /** Load page fault */
  LoadPageFault = 13,
  /** Store/AMO page fault */
  StorePageFault = 15,
  /** Instruction guest-page fault: the G-stage translation of a fetch failed (H extension) */
  InsnGuestPageFault = 20,
  /** Load guest-page fault */
  LoadGuestPageFault = 21,
  /** Virtual instruction: an instruction HS-mode would run, not allowed in VS- or VU-mode */
  VirtualInsn = 22,
  /** Store/AMO guest-page fault */
  StoreGuestPageFault = 23,
  /**
   * Not an exception: the store at pc completed and asks the hart to give up
   * the rest of its slice (it sent an IPI; the system VM lets the target run).
   */
  Yield = 64,
}

/**
 * A guest exception in flight. Thrown by handlers and the memory slow path,
 * caught by the run loop, which records the faulting pc and returns Exit.Trap.
 * It is not an Error: no stack trace is captured, since guests fault often.
 */
export class Trap {
  constructor(
    /** Exception code (Cause). */
    readonly cause: Cause,
    /** Low 32 bits of xtval (faulting address or instruction bits). */
    readonly tvalLo: number = 0,
    /** High 32 bits of xtval. */
    readonly tvalHi: number = 0,
  ) {}
}

/** Human-readable name of an exception code, as in the privileged spec. */
export function causeName(cause: number): string {
  const names: Record<number, string> = {
    0: "instruction address misaligned", 1: "instruction access fault", 2: "illegal instruction",
    3: "breakpoint", 4: "load address misaligned", 5: "load access fault", 6: "store address misaligned",
    7: "store access fault", 8: "environment call from U-mode", 9: "environment call from S-mode",
    10: "environment call from VS-mode", 11: "environment call from M-mode", 12: "instruction page fault",
    13: "load page fault", 15: "store page fault", 20: "instruction guest-page fault", 21: "load guest-page fault",
    22: "virtual instruction", 23: "store guest-page fault",
  };
  return names[cause] ?? `exception ${cause}`;
}
