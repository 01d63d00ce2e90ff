/**
 * The terminal of a program run in the tab: a character device (/dev/tty, and
 * descriptors 0, 1 and 2) between the process VM and the page's xterm.js.
 * Bytes the page types pass through a line discipline as a Linux tty's does
 * in its default (cooked) mode: echoed, a carriage return read as a newline
 * (ICRNL), erase (DEL, ^H) and kill (^U) editing the line, ^D ending input,
 * and a line handed to read() once Enter completes it. A program that turns
 * canonical mode off (tty.ReadStream.setRawMode) gets the bytes as typed.
 * Output newlines become CR LF (ONLCR), as the screen needs.
 */
import type { CharDevice } from "../mem-fs.js";
import type { WaitingDevice } from "./node-fs.js";

const CR = 13, NL = 10, DEL = 127, BS = 8, CTRL_U = 21, CTRL_D = 4;

/** The terminal device; `output` receives what the program writes (and the echo of what is typed). */
export class TerminalDevice implements CharDevice, WaitingDevice {
  /** Canonical mode off: input goes to the program byte by byte, unechoed. */
  raw = false;
  /** Input ready for read(): completed lines (or raw bytes). */
  private ready: number[] = [];
  /** The line being typed (cooked mode). */
  private line: number[] = [];
  /** ^D typed on an empty line: the next read returns end of file. */
  private eof = false;
  /** Reads waiting for input. */
  private waiting: (() => void)[] = [];

  constructor(private readonly output: (bytes: Uint8Array) => void) {}

  /** Takes bytes typed at the page. */
  input(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.raw) { this.ready.push(b); continue; }
      if (b === DEL || b === BS) {
        if (this.line.length > 0) { this.line.pop(); this.output(Uint8Array.of(BS, 32, BS)); }
      } else if (b === CTRL_U) {
        for (; this.line.length > 0; this.line.pop()) this.output(Uint8Array.of(BS, 32, BS));
      } else if (b === CTRL_D) {
        if (this.line.length === 0) this.eof = true;
        this.ready.push(...this.line);
        this.line = [];
      } else if (b === CR || b === NL) {
        this.output(Uint8Array.of(CR, NL));
        this.ready.push(...this.line, NL);
        this.line = [];
      } else {
        this.line.push(b);
        this.output(Uint8Array.of(b));
      }
    }
    if (this.ready.length > 0 || this.eof) for (const w of this.waiting.splice(0)) w();
  }

  /** Ends input, as a closed terminal does: reads return end of file. */
  hangUp(): void {
    this.eof = true;
    for (const w of this.waiting.splice(0)) w();
  }

  /** A completed line (or part of it), end of file (0), or -1 while there is nothing. */
  read(buf: Uint8Array): number {
    if (this.ready.length === 0) {
      if (!this.eof) return -1;
      this.eof = false;
      return 0;
    }
    let n = 0;
    while (n < buf.length && this.ready.length > 0) {
      const b = this.ready.shift()!;
      buf[n++] = b;
      if (b === NL && !this.raw) break; // one line per read, as canonical mode gives
    }
    return n;
  }

  /** Output to the screen, newlines as CR LF. */
  write(data: Uint8Array): number {
    let extra = 0;
    for (const b of data) if (b === NL) extra++;
    if (extra === 0) { this.output(data.slice()); return data.length; }
    const out = new Uint8Array(data.length + extra);
    let j = 0;
    for (const b of data) { if (b === NL) out[j++] = CR; out[j++] = b; }
    this.output(out);
    return data.length;
  }

  /** Calls `ready` once input (or end of file) is there. */
  whenReadable(ready: () => void): void {
    if (this.ready.length > 0 || this.eof) ready();
    else this.waiting.push(ready);
  }
}
