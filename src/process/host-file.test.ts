import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostFile } from "./host-file.js";
import { OFlag, PollEv, isBlocking } from "./fd-table.js";

/** A FIFO with both ends open (the read end non-blocking, as opening it requires). */
function fifo(): { r: number; w: number; done: () => void } {
  const dir = fs.mkdtempSync(join(tmpdir(), "typevisor-hostfile-"));
  const path = join(dir, "fifo");
  execFileSync("mkfifo", [path]);
  const r = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const w = fs.openSync(path, fs.constants.O_WRONLY);
  return { r, w, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test("a host FIFO is not readable until data comes, then is, and hangs up at the end", async () => {
  const { r, w, done } = fifo();
  const f = new HostFile(r, OFlag.RDONLY, undefined, true);
  assert.equal(f.poll(PollEv.IN), 0);
  const ready = new Promise<void>((resolve) => f.onReady(() => resolve()));
  fs.writeSync(w, "data");
  await ready;
  assert.equal(f.poll(PollEv.IN) & PollEv.IN, PollEv.IN);
  assert.equal(f.readable(), 4);
  fs.closeSync(w);
  const buf = new Uint8Array(16);
  let n = f.read(buf);
  if (isBlocking(n)) n = await n;
  assert.equal(n, 4);
  assert.equal(f.poll(PollEv.IN) & PollEv.HUP, PollEv.HUP);
  n = f.read(buf);
  assert.equal(isBlocking(n) ? await n : n, 0);
  f.release();
  done();
});

test("a non-blocking read of an empty host FIFO is EAGAIN, and input is not lost", async () => {
  const { r, w, done } = fifo();
  const f = new HostFile(r, OFlag.RDONLY | OFlag.NONBLOCK, undefined, true);
  const buf = new Uint8Array(16);
  assert.equal(f.read(buf), -11);
  fs.writeSync(w, "abc");
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(f.read(buf), 3);
  assert.equal(new TextDecoder().decode(buf.subarray(0, 3)), "abc");
  fs.closeSync(w);
  f.release();
  done();
});
