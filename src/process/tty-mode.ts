/**
 * Terminal modes a guest sets with TCSETS*, applied to the host terminal. Node
 * can only switch a terminal between cooked and raw (no echo, no line editing,
 * no signal keys: libuv's raw mode), so a guest that turns canonical mode off
 * (a line editor, a full-screen program) gets raw mode, and one that turns it
 * back on gets cooked mode; the finer flags are remembered and reported back
 * by TCGETS. typevisor puts the terminal back in cooked mode when it exits.
 */
import * as tty from "node:tty";
import { spawnSync } from "node:child_process";
import { defaultTermios, encodeTermios, LFlag, TERMIOS_SIZE } from "./termios.js";

export { TERMIOS_SIZE };

/** c_lflag's canonical-mode bit. */
const ICANON = LFlag.ICANON;

/** What a terminal looks like before the guest sets it: cooked. */
function cooked(): Uint8Array {
  return encodeTermios(defaultTermios());
}

/** The modes last set, by host fd. */
const modes = new Map<number, Uint8Array>();
/** A handle on the host terminal, made the first time a guest sets modes. */
let handle: tty.ReadStream | undefined;

/** The struct termios TCGETS reports for host terminal `fd`. */
export function getTermios(fd: number): Uint8Array {
  return modes.get(fd) ?? cooked();
}

/** TCSETS*: remembers `termios` for host terminal `fd` and puts the terminal in raw or cooked mode to match. */
export function setTermios(fd: number, termios: Uint8Array): void {
  modes.set(fd, termios);
  const lflag = new DataView(termios.buffer, termios.byteOffset, TERMIOS_SIZE).getUint32(12, true);
  const raw = (lflag & ICANON) === 0; // canonical mode without echo (a password prompt) stays cooked
  if (handle === undefined) {
    if (!raw) return; // still cooked: nothing to change
    handle = new tty.ReadStream(fd);
    handle.pause();
    handle.unref(); // it must not keep typevisor running
    const h = handle;
    process.on("exit", () => { try { h.setRawMode(false); } catch { /* the terminal is gone */ } });
  }
  try {
    handle.setRawMode(raw);
  } catch { /* not a terminal after all */ }
}

/** The host terminal's size, asked once (of stty) and again after each SIGWINCH. */
let size: { rows: number; cols: number } | undefined;

/** Rows and columns of host terminal `fd` (TIOCGWINSZ): the real ones, or LINES and COLUMNS (24 x 80) when they cannot be had. */
export function windowSize(fd: number): { rows: number; cols: number } {
  if (size !== undefined) return size;
  const r = spawnSync("stty", ["size"], { stdio: [fd, "pipe", "ignore"], encoding: "utf8", timeout: 2000 });
  const m = /^(\d+) (\d+)/.exec(r.stdout ?? "");
  size = m ? { rows: Number(m[1]), cols: Number(m[2]) } : { rows: Number(process.env.LINES ?? 24), cols: Number(process.env.COLUMNS ?? 80) };
  process.once("SIGWINCH", () => { size = undefined; });
  return size;
}
