/** Messages between the play page and the Web Worker that runs RISC-V Linux programs with the process VM. */

/** To the program worker. */
export type ToProgram =
  /** Put a program in the worker's file system at /bin/<name> (mode 755); `applets`: also link busybox's applets into /bin. */
  | { type: "install"; name: string; bytes: Uint8Array; applets?: boolean }
  /** Run /bin/<argv[0]> (or the path argv[0]) with these arguments, on a terminal of `cols` x `rows`. */
  | { type: "run"; argv: string[]; cols: number; rows: number }
  /** Bytes typed at the terminal. */
  | { type: "input"; bytes: Uint8Array };

/** From the program worker. */
export type FromProgram =
  /** What the program wrote to its terminal (and the echo of what was typed). */
  | { type: "output"; bytes: Uint8Array }
  /** A program is installed; `applets` links were made for it. */
  | { type: "installed"; name: string; applets: number }
  /** The program ended: its exit status as a shell sees it, the signal that killed it (0 if none), and how fast it ran. */
  | { type: "exit"; status: number; signal: number; instructions: number; seconds: number; mips: number }
  /** The program could not be started (not an ELF, not RISC-V...). */
  | { type: "failed"; message: string };
