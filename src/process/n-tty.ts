/**
 * The N_TTY line discipline of a pseudo-terminal's slave side, as Linux's
 * drivers/tty/n_tty.c behaves: input written to the master is processed
 * character by character (ISTRIP/IUCLC, IXON start/stop, ISIG's signal
 * characters, IGNCR/ICRNL/INLCR, canonical line editing with VERASE, VKILL,
 * VWERASE, VLNEXT, VREPRINT, VEOF, VEOL/VEOL2) into a 4 KiB read buffer and
 * echoed (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL's ^X, ECHONL, ECHOPRT); output
 * written to the slave goes through OPOST (ONLCR, OCRNL, ONOCR, ONLRET, OLCUC,
 * XTABS), with the output column kept for erasing tabs.
 *
 * It knows nothing of files or processes: what it sends towards the master
 * goes to `sink`, the signals it raises to `signal`.
 */
import { Cc, IFlag, LFlag, OFlagT, type Termios } from "./termios.js";

/** N_TTY_BUF_SIZE: the read buffer holds one byte less than this. */
export const N_TTY_BUF_SIZE = 4096;

/** The value a VEOF leaves in the read buffer (__DISABLED_CHAR): it ends the line and is never returned. */
const DISABLED = 0;

/** Signal numbers the signal characters raise. */
const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20;

const BS = 0x08, TAB = 0x09, NL = 0x0a, CR = 0x0d;

/** The kernel's iscntrl (lib/ctype.c, Latin-1): C0, DEL and C1. */
export function isCntrl(c: number): boolean {
  return c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0);
}

/** The kernel's isalnum (Latin-1 letters count, × and ÷ do not). */
function isAlnum(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  return c >= 0xc0 && c !== 0xd7 && c !== 0xf7;
}

function toLower(c: number): number {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 0x20 : c;
}

function toUpper(c: number): number {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0xe0 && c <= 0xfe && c !== 0xf7) ? c - 0x20 : c;
}

/** Where the line discipline's output (echoes and processed slave writes) goes: the master's read side. */
export interface TtySink {
  /** Appends bytes for the master to read. */
  put(bytes: number[]): void;
  /** Bytes the master side can still take. */
  room(): number;
  /** Discards what the master has not read yet (the flush a signal character does). */
  flush(): void;
}

/** One terminal's line discipline state. */
export class NTty {
  /** The read buffer: processed input, one entry per byte. */
  private readonly buf: number[] = [];
  /** Line ends (read_flags): set on the entry that ends a canonical line. */
  private readonly eol: boolean[] = [];
  /** Entries of buf that form complete lines (canon_head). */
  private canonHead = 0;
  /** Output column, and the column the current input line started at (for erasing tabs). */
  private column = 0;
  private canonColumn = 0;
  /** ECHOPRT's "\" has been shown and not yet closed with "/". */
  private erasing = false;
  /** The next character is taken literally (VLNEXT). */
  private lnext = false;
  /** Output stopped by VSTOP (IXON) until VSTART. */
  stopped = false;

  constructor(
    public termios: Termios,
    private readonly sink: TtySink,
    private readonly signal: (signo: number) => void,
  ) {}

  private lflag(bit: LFlag): boolean {
    return (this.termios.lflag & bit) !== 0;
  }

  private iflag(bit: IFlag): boolean {
    return (this.termios.iflag & bit) !== 0;
  }

  /** Whether `c` is the (enabled) control character at c_cc[`index`]; NUL is never special. */
  private is(c: number, index: Cc): boolean {
    return c !== DISABLED && this.termios.cc[index] === c;
  }

  /** Whether canonical mode is on. */
  get icanon(): boolean {
    return this.lflag(LFlag.ICANON);
  }

  /** receive_room: whether another input character may be processed now. */
  hasRoom(): boolean {
    if (this.buf.length < N_TTY_BUF_SIZE - 1) return true;
    return this.icanon && this.canonHead === 0; // a full line with no end still takes editing characters
  }

  /** Processes one input character written to the master (n_tty_receive_char*). */
  receive(ch: number): void {
    let c = ch;
    if (this.iflag(IFlag.ISTRIP)) c &= 0x7f;
    if (this.iflag(IFlag.IUCLC) && this.lflag(LFlag.IEXTEN)) c = toLower(c);
    if (this.lnext) {
      this.lnext = false;
      this.ordinary(c);
      return;
    }
    if (this.lflag(LFlag.EXTPROC)) { this.queue(c); return; }
    if (this.iflag(IFlag.IXON)) {
      if (this.is(c, Cc.VSTART)) { this.stopped = false; return; }
      if (this.is(c, Cc.VSTOP)) { this.stopped = true; return; }
    }
    if (this.lflag(LFlag.ISIG)) {
      const sig = this.is(c, Cc.VINTR) ? SIGINT : this.is(c, Cc.VQUIT) ? SIGQUIT : this.is(c, Cc.VSUSP) ? SIGTSTP : 0;
      if (sig !== 0) { this.signalChar(sig, c); return; }
    }
    if (this.stopped && this.iflag(IFlag.IXON) && this.iflag(IFlag.IXANY)) this.stopped = false;
    if (c === CR) {
      if (this.iflag(IFlag.IGNCR)) return;
      if (this.iflag(IFlag.ICRNL)) c = NL;
    } else if (c === NL && this.iflag(IFlag.INLCR)) c = CR;
    if (this.icanon && this.canonical(c)) return;
    this.ordinary(c);
  }

  /** A character that is not special: echoed and queued. */
  private ordinary(c: number): void {
    if (this.lflag(LFlag.ECHO)) {
      this.finishErasing();
      if (c === NL) this.echoRaw(NL);
      else {
        if (this.canonHead === this.buf.length) this.canonColumn = this.column;
        this.echoChar(c);
      }
    }
    this.queue(c);
  }

  /** VINTR, VQUIT, VSUSP: the signal goes to the foreground group; both queues are flushed unless NOFLSH. */
  private signalChar(signo: number, c: number): void {
    this.signal(signo);
    if (!this.lflag(LFlag.NOFLSH)) {
      this.flushInput();
      this.sink.flush();
    }
    if (this.iflag(IFlag.IXON)) this.stopped = false;
    if (this.lflag(LFlag.ECHO)) this.echoChar(c);
  }

  /** The characters canonical mode treats specially; returns false for the others. */
  private canonical(c: number): boolean {
    const iexten = this.lflag(LFlag.IEXTEN), echo = this.lflag(LFlag.ECHO);
    if (this.is(c, Cc.VERASE) || this.is(c, Cc.VKILL) || (this.is(c, Cc.VWERASE) && iexten)) {
      this.eraser(c);
      return true;
    }
    if (this.is(c, Cc.VLNEXT) && iexten) {
      this.lnext = true;
      if (echo) {
        this.finishErasing();
        if (this.lflag(LFlag.ECHOCTL)) { this.echoRaw(0x5e); this.echoRaw(BS); }
      }
      return true;
    }
    if (this.is(c, Cc.VREPRINT) && echo && iexten) {
      this.finishErasing();
      this.echoChar(c);
      this.echoRaw(NL);
      for (let i = this.canonHead; i < this.buf.length; i++) this.echoChar(this.buf[i]);
      return true;
    }
    if (c === NL) {
      if (echo || this.lflag(LFlag.ECHONL)) this.echoRaw(NL);
      this.endLine(c);
      return true;
    }
    if (this.is(c, Cc.VEOF)) {
      this.endLine(DISABLED);
      return true;
    }
    if (this.is(c, Cc.VEOL) || (this.is(c, Cc.VEOL2) && iexten)) {
      if (echo) {
        if (this.canonHead === this.buf.length) this.canonColumn = this.column;
        this.echoChar(c);
      }
      this.endLine(c);
      return true;
    }
    return false;
  }

  /** Queues `c` as the end of a line: the line becomes readable. */
  private endLine(c: number): void {
    this.queue(c);
    this.eol[this.eol.length - 1] = true;
    this.canonHead = this.buf.length;
  }

  /** put_tty_queue: a full buffer (possible only for an unfinished canonical line) loses its last character. */
  private queue(c: number): void {
    if (this.buf.length >= N_TTY_BUF_SIZE - 1 && this.buf.length > this.canonHead) {
      this.buf.pop();
      this.eol.pop();
    }
    this.buf.push(c);
    this.eol.push(false);
  }

  /** VERASE, VWERASE and VKILL: removes the last character, word or the whole unfinished line, echoing as the flags say. */
  private eraser(c: number): void {
    if (this.buf.length === this.canonHead) return;
    const echo = this.lflag(LFlag.ECHO);
    const kind = this.is(c, Cc.VERASE) ? "erase" : this.is(c, Cc.VWERASE) ? "werase" : "kill";
    if (kind === "kill") {
      if (!echo) { this.truncate(this.canonHead); return; }
      if (!this.lflag(LFlag.ECHOK) || !this.lflag(LFlag.ECHOKE) || !this.lflag(LFlag.ECHOE)) {
        this.truncate(this.canonHead);
        this.finishErasing();
        this.echoChar(this.termios.cc[Cc.VKILL]);
        if (this.lflag(LFlag.ECHOK)) this.echoRaw(NL);
        return;
      }
    }
    const utf8 = this.iflag(IFlag.IUTF8);
    const continuation = (b: number) => utf8 && (b & 0xc0) === 0x80;
    let seenAlnums = 0;
    while (this.buf.length > this.canonHead) {
      let head = this.buf.length, ch: number;
      do {
        head--;
        ch = this.buf[head];
      } while (continuation(ch) && head !== this.canonHead);
      if (continuation(ch)) break; // never erase part of a character
      if (kind === "werase") {
        if (isAlnum(ch) || ch === 0x5f) seenAlnums++;
        else if (seenAlnums > 0) break;
      }
      const removed = this.buf.slice(head);
      this.truncate(head);
      if (echo) this.echoErase(ch, removed, kind === "erase");
      if (kind === "erase") break;
    }
    if (this.buf.length === this.canonHead && echo) this.finishErasing();
  }

  /** The echo of one erased character `ch` (its bytes `removed`). */
  private echoErase(ch: number, removed: number[], erase: boolean): void {
    const echoctl = this.lflag(LFlag.ECHOCTL);
    if (this.lflag(LFlag.ECHOPRT)) {
      if (!this.erasing) { this.echoRaw(0x5c); this.erasing = true; }
      this.echoChar(ch);
      for (const b of removed.slice(1)) { this.echoRaw(b); if (this.column > 0) this.column--; }
    } else if (erase && !this.lflag(LFlag.ECHOE)) {
      this.echoChar(this.termios.cc[Cc.VERASE]);
    } else if (ch === TAB) {
      this.eraseTab();
    } else {
      const rubout = () => { this.echoRaw(BS); this.echoRaw(0x20); this.echoRaw(BS); };
      if (isCntrl(ch) && echoctl) rubout();
      if (!isCntrl(ch) || echoctl) rubout();
    }
  }

  /** Backs up over an erased tab: to the column after the previous tab, or counted from where the line started. */
  private eraseTab(): void {
    const utf8 = this.iflag(IFlag.IUTF8), echoctl = this.lflag(LFlag.ECHOCTL);
    let cols = 0, afterTab = false;
    for (let i = this.buf.length - 1; i >= this.canonHead; i--) {
      const b = this.buf[i];
      if (b === TAB) { afterTab = true; break; }
      if (isCntrl(b)) { if (echoctl) cols += 2; }
      else if (!(utf8 && (b & 0xc0) === 0x80)) cols++;
    }
    if (!afterTab) cols += this.canonColumn;
    let backspaces = 8 - (cols & 7);
    const out: number[] = [];
    while (backspaces-- > 0) {
      out.push(BS);
      if (this.column > 0) this.column--;
    }
    this.sink.put(out);
  }

  private truncate(length: number): void {
    this.buf.length = length;
    this.eol.length = length;
  }

  private finishErasing(): void {
    if (this.erasing) {
      this.echoRaw(0x2f);
      this.erasing = false;
    }
  }

  /** Echoes `c`, as ^X when ECHOCTL is set and it is a control character other than tab. */
  private echoChar(c: number): void {
    if (this.lflag(LFlag.ECHOCTL) && isCntrl(c) && c !== TAB) {
      this.sink.put([0x5e, c ^ 0o100]);
      this.column += 2;
    } else this.echoRaw(c);
  }

  /** Echoes `c` as it is, through output processing when OPOST is set. */
  private echoRaw(c: number): void {
    if (!this.lflag(LFlag.ECHO) && !(c === NL && this.lflag(LFlag.ECHONL))) return;
    if ((this.termios.oflag & OFlagT.OPOST) !== 0) this.sink.put(this.outputChar(c));
    else this.sink.put([c]);
  }

  /** do_output_char: the bytes OPOST makes of output character `c`, keeping the column. */
  outputChar(ch: number): number[] {
    const o = this.termios.oflag;
    let c = ch;
    switch (c) {
      case NL:
        if (o & OFlagT.ONLRET) this.column = 0;
        if (o & OFlagT.ONLCR) {
          this.canonColumn = this.column = 0;
          return [CR, NL];
        }
        this.canonColumn = this.column;
        break;
      case CR:
        if ((o & OFlagT.ONOCR) && this.column === 0) return [];
        if (o & OFlagT.OCRNL) {
          c = NL;
          if (o & OFlagT.ONLRET) this.canonColumn = this.column = 0;
          break;
        }
        this.canonColumn = this.column = 0;
        break;
      case TAB: {
        const spaces = 8 - (this.column & 7);
        this.column += spaces;
        if ((o & OFlagT.TABDLY) === OFlagT.XTABS) return new Array<number>(spaces).fill(0x20);
        break;
      }
      case BS:
        if (this.column > 0) this.column--;
        break;
      default:
        if (!isCntrl(c)) {
          if (o & OFlagT.OLCUC) c = toUpper(c);
          if (!(this.iflag(IFlag.IUTF8) && (c & 0xc0) === 0x80)) this.column++;
        }
    }
    return [c];
  }

  /**
   * n_tty_write: processes as much of `data` as the master side has room
   * for (and output is not stopped); returns how many bytes were taken.
   */
  write(data: Uint8Array): number {
    if (this.stopped) return 0;
    if ((this.termios.oflag & OFlagT.OPOST) === 0) {
      const n = Math.min(data.length, this.sink.room());
      this.sink.put(Array.from(data.subarray(0, n)));
      return n;
    }
    let done = 0;
    const out: number[] = [];
    let room = this.sink.room();
    while (done < data.length) {
      const saved = [this.column, this.canonColumn];
      const bytes = this.outputChar(data[done]);
      if (bytes.length > room) {
        [this.column, this.canonColumn] = saved;
        break;
      }
      out.push(...bytes);
      room -= bytes.length;
      done++;
    }
    this.sink.put(out);
    return done;
  }

  /** Whether a read would find data (input_available_p); `forPoll` applies VMIN when VTIME is 0, as poll does. */
  available(forPoll: boolean): boolean {
    if (this.icanon) return this.canonHead > 0;
    const cc = this.termios.cc;
    const amount = forPoll && cc[Cc.VTIME] === 0 && cc[Cc.VMIN] > 0 ? cc[Cc.VMIN] : 1;
    return this.buf.length >= amount;
  }

  /** Bytes a read could return now (FIONREAD): in canonical mode, those of complete lines without their VEOF marks. */
  readable(): number {
    if (!this.icanon) return this.buf.length;
    let n = this.canonHead;
    for (let i = 0; i < this.canonHead; i++) if (this.eol[i] && this.buf[i] === DISABLED) n--;
    return n;
  }

  /** Canonical read: up to one line (a VEOF mark ends it and is dropped); undefined when no line is complete. */
  readLine(out: Uint8Array): number | undefined {
    if (this.canonHead === 0) return undefined;
    const limit = Math.min(out.length, this.canonHead);
    let end = -1;
    for (let i = 0; i < limit; i++) if (this.eol[i]) { end = i; break; }
    let take = limit, consume = limit;
    if (end >= 0) {
      consume = end + 1;
      take = this.buf[end] === DISABLED ? end : end + 1;
    }
    out.set(this.buf.slice(0, take));
    this.buf.splice(0, consume);
    this.eol.splice(0, consume);
    this.canonHead -= consume;
    return take;
  }

  /** Non-canonical read: whatever is buffered, up to out.length bytes. */
  readRaw(out: Uint8Array): number {
    const n = Math.min(out.length, this.buf.length);
    out.set(this.buf.slice(0, n));
    this.buf.splice(0, n);
    this.eol.splice(0, n);
    this.canonHead = Math.max(0, this.canonHead - n);
    return n;
  }

  /** Discards buffered input (TCIFLUSH, TCSETSF, a signal character). */
  flushInput(): void {
    this.truncate(0);
    this.canonHead = 0;
    this.erasing = false;
  }

  /** TCSETS*: new modes; switching canonical mode on makes what is buffered one line, switching it off makes it all readable. */
  setTermios(t: Termios): void {
    const toggled = ((t.lflag ^ this.termios.lflag) & (LFlag.ICANON | LFlag.EXTPROC)) !== 0;
    this.termios = t;
    if (!toggled) return;
    this.eol.fill(false);
    if ((t.lflag & LFlag.ICANON) !== 0 && this.buf.length > 0) {
      this.eol[this.eol.length - 1] = true;
      this.canonHead = this.buf.length;
    } else this.canonHead = 0;
    this.erasing = false;
    this.lnext = false;
  }
}
