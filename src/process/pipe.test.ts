import test from "node:test";
import assert from "node:assert/strict";
import { PipeEnd, O_DIRECT } from "./pipe.js";
import { FdTable, OFlag, PollEv, blockOn, isBlocking, WaitQueue } from "./fd-table.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array, n: number) => new TextDecoder().decode(b.subarray(0, n));

/** Writes `chunk`-byte pieces until the pipe refuses; returns the bytes written. */
function fill(w: PipeEnd, chunk: number): number {
  let total = 0;
  for (;;) {
    const n = w.write(new Uint8Array(chunk));
    assert.equal(typeof n, "number");
    if ((n as number) < 0) return total;
    total += n as number;
  }
}

function drain(r: PipeEnd): number {
  let total = 0;
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = r.read(buf) as number;
    if (n <= 0) return total;
    total += n;
  }
}

test("a pipe returns bytes in order and reads may span several writes", () => {
  const [r, w] = PipeEnd.create();
  assert.equal(w.write(bytes("abc")), 3);
  assert.equal(w.write(bytes("defg")), 4);
  assert.equal(r.readable(), 7);
  const buf = new Uint8Array(5);
  assert.equal(r.read(buf), 5);
  assert.equal(text(buf, 5), "abcde");
  assert.equal(r.read(buf), 2);
  assert.equal(text(buf, 2), "fg");
});

test("a non-blocking pipe holds 16 pages, merging small writes into the last page", () => {
  const [r, w] = PipeEnd.create(OFlag.NONBLOCK);
  assert.equal(fill(w, 4096), 65536);
  assert.equal(w.poll(PollEv.OUT), 0);
  assert.equal(w.write(new Uint8Array(1)), -11);
  assert.equal(drain(r), 65536);
  assert.equal(fill(w, 1000), 64000); // four 1000-byte writes share a page
  drain(r);
  assert.equal(fill(w, 5000), 54096); // the 904-byte tails merge, the 4096-byte heads take pages
});

test("writes up to PIPE_BUF are all or nothing; larger non-blocking writes are partial", () => {
  const [r, w] = PipeEnd.create(OFlag.NONBLOCK);
  assert.equal(w.write(new Uint8Array(100000)), 65536);
  drain(r);
  fill(w, 4096);
  r.read(new Uint8Array(4000)); // the first page still holds 96 bytes: no free page
  assert.equal(w.write(new Uint8Array(4096)), -11);
  r.read(new Uint8Array(96));
  assert.equal(w.write(new Uint8Array(4096)), 4096);
});

test("reading after the last writer closes gives end of file and POLLHUP", () => {
  const [r, w] = PipeEnd.create();
  w.write(bytes("x"));
  w.release();
  assert.equal(r.poll(PollEv.IN), PollEv.IN | PollEv.HUP);
  assert.equal(r.read(new Uint8Array(4)), 1);
  assert.equal(r.poll(PollEv.IN), PollEv.HUP);
  assert.equal(r.read(new Uint8Array(4)), 0);
});

test("writing with no reader left is EPIPE, and the write end reports POLLERR", () => {
  const [r, w] = PipeEnd.create();
  r.release();
  assert.equal(w.write(bytes("x")), -32);
  assert.equal(w.poll(PollEv.OUT) & PollEv.ERR, PollEv.ERR);
});

test("a blocking read waits for a writer and can be interrupted", async () => {
  const [r, w] = PipeEnd.create();
  const buf = new Uint8Array(8);
  const pending = r.read(buf);
  assert.ok(isBlocking(pending));
  w.write(bytes("late"));
  assert.equal(await pending, 4);
  assert.equal(text(buf, 4), "late");
  const second = r.read(buf);
  assert.ok(isBlocking(second));
  second.interrupt();
  assert.equal(await second, -4); // EINTR
  w.write(bytes("kept")); // the interrupted read took nothing
  assert.equal(r.read(buf), 4);
});

test("a blocking write larger than the pipe completes as the reader drains it", async () => {
  const [r, w] = PipeEnd.create();
  const data = new Uint8Array(200000).map((_, i) => i * 7);
  const pending = w.write(data);
  assert.ok(pending instanceof Promise);
  const got: number[] = [];
  const buf = new Uint8Array(30000);
  while (got.length < data.length) {
    const n = r.read(buf);
    const k = typeof n === "number" ? n : await n;
    got.push(...buf.subarray(0, k));
    await Promise.resolve(); // let the writer's retry run
  }
  assert.equal(await pending, data.length);
  assert.deepEqual(new Uint8Array(got), data);
});

test("an interrupted blocking write reports the bytes already written", async () => {
  const [, w] = PipeEnd.create();
  const pending = w.write(new Uint8Array(70000));
  assert.ok(isBlocking(pending));
  pending.interrupt();
  assert.equal(await pending, 65536);
});

test("packet mode (O_DIRECT) keeps write boundaries and drops what a read cannot take", () => {
  const [r, w] = PipeEnd.create(O_DIRECT);
  w.write(bytes("one"));
  w.write(bytes("three"));
  const buf = new Uint8Array(16);
  assert.equal(r.read(buf), 3);
  assert.equal(r.read(buf.subarray(0, 2)), 2);
  assert.equal(r.readable(), 0);
});

test("F_SETPIPE_SZ rounds up to a power of two pages and refuses to drop data", () => {
  const [r, w] = PipeEnd.create(OFlag.NONBLOCK);
  assert.equal(w.pipe.resize(100000, false), 131072);
  assert.equal(fill(w, 4096), 131072);
  assert.equal(w.pipe.resize(4096, false), -16); // EBUSY
  drain(r);
  assert.equal(w.pipe.resize(1, false), 4096);
  assert.equal(w.pipe.resize(2 << 20, false), -1); // EPERM above pipe-max-size
});

test("a retry never runs inside another call's wake-up, so no wake-up is lost", async () => {
  // A writer filling the pipe wakes a waiting reader; the reader must not
  // drain the pipe before the writer has registered for room, or the writer
  // would sleep forever.
  const [r, w] = PipeEnd.create();
  const buf = new Uint8Array(65536);
  const reading = r.read(buf);
  const writing = w.write(new Uint8Array(100000));
  assert.ok(reading instanceof Promise && writing instanceof Promise);
  assert.equal(await reading, 65536);
  let total = 65536;
  while (total < 100000) {
    const n = r.read(buf);
    total += typeof n === "number" ? n : await n;
  }
  assert.equal(await writing, 100000);
});

test("blockOn times out with the timeout result", async () => {
  const q = new WaitQueue();
  const r = blockOn((cb) => q.add(cb), () => undefined, { interrupted: () => -4, timeoutMs: 5, timedOut: () => 0 });
  assert.equal(await r, 0);
  assert.equal(q.size, 0);
});

test("a file in flight keeps a reference: it is released only when the last one goes", () => {
  const [r, w] = PipeEnd.create();
  const fds = new FdTable();
  const fd = fds.add(w);
  fds.retain(w);
  fds.close(fd);
  assert.equal(r.poll(PollEv.IN), 0); // still a writer
  fds.unretain(w);
  assert.equal(r.poll(PollEv.IN), PollEv.HUP);
  assert.equal(fds.isOpen(w), false);
});
