import test from "node:test";
import assert from "node:assert/strict";
import { Epoll, EpollEv, EpollOp } from "./epoll.js";
import { EventFd } from "./eventfd.js";
import { PipeEnd } from "./pipe.js";
import { OFlag, PollEv, isBlocking, type OpenFile } from "./fd-table.js";

const open = new Set<OpenFile>();
const ep = () => new Epoll((f) => open.has(f));
function pipe(): [PipeEnd, PipeEnd] {
  const ends = PipeEnd.create(OFlag.NONBLOCK);
  for (const e of ends) open.add(e);
  return ends;
}
const tags = (r: unknown) => (r as { data: bigint }[]).map((e) => Number(e.data));
const one = new Uint8Array([1]);

test("ready items come out in the order they became ready, and level-triggered ones rotate", () => {
  const e = ep();
  const [a, aw] = pipe(), [b, bw] = pipe(), [c, cw] = pipe();
  e.ctl(EpollOp.ADD, 3, a, PollEv.IN, 1n);
  e.ctl(EpollOp.ADD, 4, b, PollEv.IN, 2n);
  e.ctl(EpollOp.ADD, 5, c, PollEv.IN, 3n);
  assert.deepEqual(tags(e.collect(8)), []);
  cw.write(one);
  aw.write(one);
  bw.write(one);
  assert.deepEqual(tags(e.collect(8)), [3, 1, 2]);
  assert.deepEqual(tags(e.collect(2)), [3, 1]);
  assert.deepEqual(tags(e.collect(2)), [2, 3]);
  a.read(new Uint8Array(4));
  assert.deepEqual(tags(e.collect(8)), [2, 3]); // 1 was next, but it is no longer ready
});

test("edge-triggered items report each change once; one-shot items wait for EPOLL_CTL_MOD", () => {
  const e = ep();
  const [a, aw] = pipe(), [b, bw] = pipe();
  e.ctl(EpollOp.ADD, 3, a, PollEv.IN | EpollEv.ET, 1n);
  e.ctl(EpollOp.ADD, 4, b, PollEv.IN | EpollEv.ONESHOT, 2n);
  aw.write(one);
  bw.write(one);
  assert.deepEqual(tags(e.collect(8)), [1, 2]);
  assert.deepEqual(tags(e.collect(8)), []);
  aw.write(one);
  bw.write(one);
  assert.deepEqual(tags(e.collect(8)), [1]);
  e.ctl(EpollOp.MOD, 4, b, PollEv.IN | EpollEv.ONESHOT, 5n);
  assert.deepEqual(tags(e.collect(8)), [5]);
});

test("epoll_ctl refuses duplicates, unknown items, itself, regular files and loops", () => {
  const e = ep(), f = ep();
  const [a] = pipe();
  assert.equal(e.ctl(EpollOp.ADD, 3, a, PollEv.IN, 0n), 0);
  assert.equal(e.ctl(EpollOp.ADD, 3, a, PollEv.IN, 0n), -17);
  assert.equal(e.ctl(EpollOp.MOD, 9, a, PollEv.IN, 0n), -2);
  assert.equal(e.ctl(EpollOp.DEL, 9, a, 0, 0n), -2);
  assert.equal(e.ctl(EpollOp.ADD, 7, e, PollEv.IN, 0n), -22);
  const file = { kind: "file" } as OpenFile;
  assert.equal(e.ctl(EpollOp.ADD, 8, file, PollEv.IN, 0n), -1);
  assert.equal(e.ctl(EpollOp.ADD, 10, f, PollEv.IN, 0n), 0);
  assert.equal(f.ctl(EpollOp.ADD, 11, e, PollEv.IN, 0n), -40);
});

test("a closed file leaves the interest list", () => {
  const e = ep();
  const efd = new EventFd(1n, 0);
  open.add(efd);
  e.ctl(EpollOp.ADD, 3, efd, PollEv.IN, 9n);
  open.delete(efd);
  assert.deepEqual(tags(e.collect(8)), []);
  assert.equal(e.ctl(EpollOp.DEL, 3, efd, 0, 0n), -2);
});

test("epoll_wait blocks until an item becomes ready, and times out", async () => {
  const e = ep();
  const efd = new EventFd(0n, 0);
  open.add(efd);
  e.ctl(EpollOp.ADD, 3, efd, PollEv.IN, 7n);
  const w = e.wait(4, undefined);
  assert.ok(isBlocking(w));
  const v = new Uint8Array(8);
  v[0] = 1;
  efd.write(v);
  assert.deepEqual(tags(await w), [7]);
  efd.read(new Uint8Array(8));
  assert.deepEqual(await e.wait(4, 5), []);
});

test("an epoll instance is readable while it has ready items (nesting)", () => {
  const outer = ep(), inner = ep();
  const [a, aw] = pipe();
  open.add(inner);
  inner.ctl(EpollOp.ADD, 3, a, PollEv.IN, 1n);
  outer.ctl(EpollOp.ADD, 4, inner, PollEv.IN, 2n);
  assert.deepEqual(tags(outer.collect(8)), []);
  aw.write(one);
  assert.deepEqual(tags(outer.collect(8)), [2]);
});
