/**
 * GDB's own signal numbers (gdb/signals.def), which the remote protocol uses,
 * against Linux's: they agree below 7 and differ above.
 */

/** Linux signal number → GDB's, by Linux number (0 where GDB has none). */
const TO_GDB = [0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15, 0, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12];

/** A Linux signal number in GDB's numbering. */
export function gdbSignal(linux: number): number {
  return TO_GDB[linux] ?? 0;
}

/** A GDB signal number in Linux's numbering (0 when Linux has no such signal). */
export function linuxSignal(gdb: number): number {
  const i = TO_GDB.indexOf(gdb);
  return gdb === 0 || i < 0 ? 0 : i;
}
