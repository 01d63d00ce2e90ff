import test from "node:test";
import assert from "node:assert/strict";
import { EventFd, EfdFlag } from "./eventfd.js";
import { OFlag, PollEv, isBlocking } from "./fd-table.js";

const u64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
const value = (b: Uint8Array) => new DataView(b.buffer).getBigUint64(0, true);

test("an eventfd adds writes up and a read takes the whole counter", () => {
  const e = new EventFd(3n, OFlag.NONBLOCK);
  assert.equal(e.write(u64(4n)), 8);
  const buf = new Uint8Array(8);
  assert.equal(e.read(buf), 8);
  assert.equal(value(buf), 7n);
  assert.equal(e.read(buf), -11);
  assert.equal(e.poll(PollEv.IN | PollEv.OUT), PollEv.OUT);
});

test("in semaphore mode each read takes one", () => {
  const e = new EventFd(2n, EfdFlag.SEMAPHORE | OFlag.NONBLOCK);
  const buf = new Uint8Array(8);
  assert.equal(e.read(buf), 8);
  assert.equal(value(buf), 1n);
  assert.equal(e.read(buf), 8);
  assert.equal(e.read(buf), -11);
});

test("the counter stops at 2^64-2; 2^64-1 and short buffers are invalid", () => {
  const e = new EventFd(0n, OFlag.NONBLOCK);
  assert.equal(e.write(u64(0xffff_ffff_ffff_ffffn)), -22);
  assert.equal(e.write(u64(0xffff_ffff_ffff_fffen)), 8);
  assert.equal(e.poll(PollEv.OUT), 0);
  assert.equal(e.write(u64(1n)), -11);
  assert.equal(e.read(new Uint8Array(4)), -22);
  assert.equal(e.write(new Uint8Array(4)), -22);
});

test("a blocking read waits for a write", async () => {
  const e = new EventFd(0n, 0);
  const buf = new Uint8Array(8);
  const r = e.read(buf);
  assert.ok(isBlocking(r));
  e.write(u64(5n));
  assert.equal(await r, 8);
  assert.equal(value(buf), 5n);
});
