/**
 * The contract between translated code and the tier that calls it: exit codes
 * and the scratch words of the hart's state block (hart.ts StateLayout.Scratch).
 */

/** Why translated code returned. pc and the count are in the scratch words in every case. */
export const enum TExit {
  /** Execution continues at pc (a jump out of the region, or its end). */
  Jump = 0,
  /** The budget ran out at a backward branch; pc is its target. */
  Budget = 1,
  /** The instruction at pc raised the exception a helper recorded on the hart (trapCause, trapTval). */
  Trap = 2,
}

/** Byte offsets within the scratch area. */
export const enum Scratch {
  /** A helper's loaded value (i64), zero-extended. */
  Value = 0,
  /** pc at the exit (i64). */
  Pc = 8,
  /** Instructions retired by the call (i32). */
  Count = 16,
  /** fflags raised by the call (i32), to be or-ed into the hart's. */
  Flags = 20,
}
