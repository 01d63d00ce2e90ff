import test from "node:test";
import assert from "node:assert/strict";
import { openPtmx, type PtySlave, type TtyHost } from "./pty.js";
import { Cc, LFlag } from "./termios.js";

const bytes = (s: string) => new TextEncoder().encode(s);

/** A pty whose signals are recorded; its slave unlocked and open. */
function pair(): { master: ReturnType<typeof openPtmx>; slave: PtySlave; signals: [number, number][] } {
  const signals: [number, number][] = [];
  const host: TtyHost = { signalGroup: (pgrp, signo) => signals.push([pgrp, signo]), hangup: () => {} };
  const master = openPtmx(host, 0, 0);
  master.pty.locked = false;
  const slave = master.pty.openSlave(0);
  assert.notEqual(typeof slave, "number");
  return { master, slave: slave as PtySlave, signals };
}

/** What a read of `end` returns now, as text (or the negative errno). */
function readNow(end: { read(b: Uint8Array): unknown }, size = 256): string | number {
  const buf = new Uint8Array(size);
  const n = end.read(buf);
  assert.equal(typeof n, "number", "the read would block");
  return (n as number) < 0 ? (n as number) : new TextDecoder().decode(buf.subarray(0, n as number));
}

test("slave output reaches the master with newlines as CR LF (OPOST, ONLCR)", () => {
  const { master, slave } = pair();
  slave.write(bytes("one\ntwo\n"));
  assert.equal(readNow(master), "one\r\ntwo\r\n");
  master.release();
});

test("master input is a line at a time for the slave, CR made LF (ICRNL) and echoed", () => {
  const { master, slave } = pair();
  master.write(bytes("hello\rsecond\n"));
  assert.equal(readNow(slave), "hello\n");
  assert.equal(readNow(slave), "second\n");
  assert.equal(readNow(master), "hello\r\nsecond\r\n");
  master.release();
});

test("erasing a tab backs up to where the tab started, counted from the line's start column", () => {
  const { master, slave } = pair();
  master.write(bytes("tab\tx\x7f\x7fy\x01\n"));
  assert.equal(readNow(slave), "taby\x01\n");
  assert.equal(readNow(master), "tab\tx\b \b\b\b\b\b\by^A\r\n");
  master.release();
});

test("VEOF ends a line without being read, and alone reads as end of file", () => {
  const { master, slave } = pair();
  master.write(bytes("ab\x04\x04"));
  assert.equal(readNow(slave, 2), "ab");
  assert.equal(readNow(slave), "");
  assert.equal(readNow(slave), "");
  master.release();
});

test("VINTR signals the foreground group, flushes both queues and echoes ^C", () => {
  const { master, slave, signals } = pair();
  master.pty.pgrp = 77;
  master.write(bytes("partial\x03r\n"));
  assert.deepEqual(signals, [[77, 2]]);
  assert.equal(readNow(slave), "r\n");
  assert.equal(readNow(master), "^Cr\r\n");
  master.release();
});

test("in raw mode bytes pass untouched and VMIN 0 VTIME 0 reads return at once", () => {
  const { master, slave } = pair();
  const t = master.pty.ldisc.termios;
  master.pty.ldisc.setTermios({ ...t, iflag: 0, oflag: 0, lflag: t.lflag & ~(LFlag.ICANON | LFlag.ECHO | LFlag.ISIG), cc: Object.assign(t.cc.slice(), { [Cc.VMIN]: 0 }) });
  assert.equal(readNow(slave), "");
  master.write(bytes("a\rb\x03"));
  assert.equal(readNow(slave), "a\rb\x03");
  slave.write(bytes("x\n"));
  assert.equal(readNow(master), "x\n");
  master.release();
});

test("the master reads EIO once the last slave has gone, and the slave reads 0 and writes EIO once the master has", () => {
  const { master, slave } = pair();
  const other = master.pty.openSlave(0) as PtySlave;
  slave.release();
  master.write(bytes("x"));
  other.release();
  assert.equal(readNow(master), "x");
  assert.equal(readNow(master), -5);
  const again = master.pty.openSlave(0) as PtySlave;
  master.release();
  assert.equal(readNow(again), "");
  assert.equal(again.write(bytes("y")), -5);
});
