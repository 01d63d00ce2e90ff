/**
 * The kernel's struct termios (asm-generic: four flag words, c_line and
 * c_cc[19]; 36 bytes, what TCGETS/TCSETS move) and the flag bits of
 * termios(3) that the process VM's terminals act on, with the modes a new
 * terminal starts in (tty_std_termios as the pts driver sets it up).
 */

/** Size of the kernel's struct termios. */
export const TERMIOS_SIZE = 36;

/** c_iflag bits. */
export const enum IFlag {
  IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, ISTRIP = 0o40, INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400,
  IUCLC = 0o1000, IXON = 0o2000, IXANY = 0o4000, IXOFF = 0o10000, IUTF8 = 0o40000,
}

/** c_oflag bits. */
export const enum OFlagT {
  OPOST = 0o1, OLCUC = 0o2, ONLCR = 0o4, OCRNL = 0o10, ONOCR = 0o20, ONLRET = 0o40,
  /** TABDLY == XTABS: tabs are expanded to spaces. */
  TABDLY = 0o14000, XTABS = 0o14000,
}

/** c_lflag bits. */
export const enum LFlag {
  ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100, NOFLSH = 0o200,
  TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOPRT = 0o2000, ECHOKE = 0o4000, IEXTEN = 0o100000, EXTPROC = 0o200000,
}

/** Indices into c_cc. */
export const enum Cc {
  VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7, VSTART = 8, VSTOP = 9,
  VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16,
}

/** Number of control characters (NCCS of the kernel's struct). */
export const NCCS = 19;

/** A decoded struct termios. */
export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line: number;
  cc: Uint8Array;
}

/** A terminal's modes before anyone sets them: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, INIT_C_CC. */
export function defaultTermios(): Termios {
  const cc = new Uint8Array(NCCS);
  cc.set([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0]);
  return {
    iflag: IFlag.ICRNL | IFlag.IXON,
    oflag: OFlagT.OPOST | OFlagT.ONLCR,
    cflag: 0o277,
    lflag: LFlag.ISIG | LFlag.ICANON | LFlag.ECHO | LFlag.ECHOE | LFlag.ECHOK | LFlag.ECHOCTL | LFlag.ECHOKE | LFlag.IEXTEN,
    line: 0,
    cc,
  };
}

/** The guest's 36 bytes of struct termios, decoded. */
export function decodeTermios(b: Uint8Array): Termios {
  const v = new DataView(b.buffer, b.byteOffset, TERMIOS_SIZE);
  return {
    iflag: v.getUint32(0, true), oflag: v.getUint32(4, true), cflag: v.getUint32(8, true), lflag: v.getUint32(12, true),
    line: v.getUint8(16), cc: b.slice(17, 17 + NCCS),
  };
}

/** `t` as the guest's 36 bytes of struct termios. */
export function encodeTermios(t: Termios): Uint8Array {
  const b = new Uint8Array(TERMIOS_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, t.iflag, true);
  v.setUint32(4, t.oflag, true);
  v.setUint32(8, t.cflag, true);
  v.setUint32(12, t.lflag, true);
  v.setUint8(16, t.line);
  b.set(t.cc, 17);
  return b;
}
