/**
 * `node:tty` for the play page's worker bundle: descriptors open on the tab's
 * terminal device are terminals, and setting raw mode switches its line
 * discipline (terminal.ts).
 */
import { terminalOf } from "./node-fs.js";

/** tty.isatty */
export function isatty(fd: number): boolean {
  return terminalOf(fd) !== undefined;
}

/** tty.ReadStream: only setRawMode does anything. */
export class ReadStream {
  constructor(private readonly fd: number) {}
  /** Canonical mode off (true) or on (false). */
  setRawMode(raw: boolean): this {
    const t = terminalOf(this.fd);
    if (t !== undefined) t.raw = raw;
    return this;
  }
  pause(): this { return this; }
  unref(): this { return this; }
}
