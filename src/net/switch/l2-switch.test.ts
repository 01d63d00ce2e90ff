import test from "node:test";
import assert from "node:assert/strict";
import { L2Switch, type L2Port } from "./l2-switch.js";
import { MAX_FRAME } from "../link.js";

const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const mac = (last: number) => [0x52, 0x54, 0x00, 0x12, 0x34, last];

/** An Ethernet frame from `src` to `dst` whose payload is `tag`. */
function frame(dst: number[], src: number[], tag = 0, size = 60): Uint8Array {
  const f = new Uint8Array(size);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x08; // IPv4
  f[14] = tag;
  return f;
}

/** A switch with `n` ports, each recording the tags of the frames it sends to its station. */
function setup(n: number, now?: () => number): { sw: L2Switch; ports: L2Port[]; got: number[][] } {
  const sw = new L2Switch(now === undefined ? {} : { now, agingMs: 300_000 });
  const got: number[][] = [];
  const ports: L2Port[] = [];
  for (let i = 0; i < n; i++) {
    const mine: number[] = [];
    got.push(mine);
    ports.push(sw.attach((f) => mine.push(f[14])));
  }
  return { sw, ports, got };
}

test("a frame to an unknown address is flooded to every port but the one it came from", () => {
  const { ports, got } = setup(4);
  ports[0].input(frame(mac(2), mac(1), 7));
  assert.deepEqual(got, [[], [7], [7], [7]]);
});

test("broadcast and multicast frames are flooded even to learned stations", () => {
  const { ports, got } = setup(3);
  ports[1].input(frame(BROADCAST, mac(2), 1));
  ports[2].input(frame(BROADCAST, mac(3), 2));
  ports[0].input(frame([0x01, 0x00, 0x5e, 0, 0, 1], mac(1), 3));
  assert.deepEqual(got, [[1, 2], [2, 3], [1, 3]]);
});

test("once a source address is learned, frames to it go to its port only", () => {
  const { sw, ports, got } = setup(3);
  ports[1].input(frame(BROADCAST, mac(2), 1));
  assert.equal(sw.lookup(Uint8Array.from(mac(2))), ports[1]);
  ports[0].input(frame(mac(2), mac(1), 2));
  assert.deepEqual(got, [[1], [2], [1]]);
  // and the reply reaches the first station alone, its address learned from the unicast
  ports[1].input(frame(mac(1), mac(2), 3));
  assert.deepEqual(got, [[1, 3], [2], [1]]);
  assert.equal(ports[2].counters.framesOut, 1);
});

test("a frame whose destination is behind its own port is not echoed back", () => {
  const { ports, got } = setup(2);
  ports[0].input(frame(BROADCAST, mac(1), 1));
  ports[0].input(frame(mac(1), mac(9), 2));
  assert.deepEqual(got, [[], [1]]);
  assert.equal(ports[0].counters.filtered, 1);
  assert.equal(ports[0].counters.framesIn, 2);
});

test("a group source address is never learned", () => {
  const { sw, ports, got } = setup(3);
  ports[1].input(frame(mac(1), BROADCAST, 1));
  assert.equal(sw.lookup(Uint8Array.from(BROADCAST)), undefined);
  assert.equal(sw.tableSize, 0);
  ports[0].input(frame([0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], mac(1), 2));
  assert.deepEqual(got, [[1], [2], [1, 2]]);
});

test("a station that moves is learned on its new port", () => {
  const { ports, got } = setup(3);
  ports[1].input(frame(BROADCAST, mac(5), 1));
  ports[2].input(frame(BROADCAST, mac(5), 2));
  ports[0].input(frame(mac(5), mac(1), 3));
  assert.deepEqual(got[1], [2]);
  assert.deepEqual(got[2], [1, 3]);
});

test("learned addresses age out after the ageing time", () => {
  let now = 1000;
  const { sw, ports, got } = setup(3, () => now);
  ports[1].input(frame(BROADCAST, mac(2), 1));
  now += 299_999;
  ports[0].input(frame(mac(2), mac(1), 2));
  assert.deepEqual(got[2], [1], "still known just before 300 s");
  now += 1;
  assert.equal(sw.lookup(Uint8Array.from(mac(2))), undefined);
  ports[0].input(frame(mac(2), mac(1), 3));
  assert.deepEqual(got[2], [1, 3], "flooded once aged out");
  assert.deepEqual(got[1], [2, 3]);
  // the first station's entry was refreshed at each of its frames
  now += 200_000;
  assert.equal(sw.lookup(Uint8Array.from(mac(1))), ports[0]);
});

test("the table sweep drops aged entries nobody asks about", () => {
  let now = 0;
  const { sw, ports } = setup(2, () => now);
  for (let i = 0; i < 10; i++) ports[0].input(frame(BROADCAST, mac(i + 1)));
  assert.equal(sw.tableSize, 10);
  now = 400_000;
  ports[1].input(frame(BROADCAST, mac(100)));
  assert.equal(sw.tableSize, 1);
});

test("a detached port's addresses are forgotten and it receives nothing more", () => {
  const { sw, ports, got } = setup(3);
  ports[1].input(frame(BROADCAST, mac(2), 1));
  ports[1].detach();
  assert.equal(ports[1].attached, false);
  assert.equal(sw.portCount, 2);
  assert.equal(sw.lookup(Uint8Array.from(mac(2))), undefined);
  ports[0].input(frame(mac(2), mac(1), 2));
  assert.deepEqual(got, [[1], [], [1, 2]]);
  ports[1].input(frame(BROADCAST, mac(2), 3));
  assert.deepEqual(got, [[1], [], [1, 2]], "a detached port cannot send either");
  assert.equal(ports[1].counters.dropped, 1);
});

test("frames shorter than a header or longer than MAX_FRAME are dropped and counted", () => {
  const { sw, ports, got } = setup(2);
  ports[0].input(new Uint8Array(13).fill(0xff));
  ports[0].input(new Uint8Array(0));
  ports[0].input(frame(BROADCAST, mac(1), 1, MAX_FRAME + 1));
  assert.deepEqual(got, [[], []]);
  assert.equal(ports[0].counters.dropped, 3);
  assert.equal(ports[0].counters.framesIn, 0);
  assert.equal(sw.tableSize, 0, "nothing learned from a dropped frame");
  ports[0].input(frame(BROADCAST, mac(1), 2, 14));
  ports[0].input(frame(BROADCAST, mac(1), 3, MAX_FRAME));
  assert.equal(got[1].length, 2, "14 bytes (no payload) and MAX_FRAME pass");
  assert.equal(ports[1].counters.bytesOut, 14 + MAX_FRAME);
});

test("counters add up frames and bytes in and out", () => {
  const { ports } = setup(3);
  ports[0].input(frame(BROADCAST, mac(1), 1, 100));
  ports[1].input(frame(mac(1), mac(2), 2, 64));
  assert.deepEqual(ports[0].counters, { framesIn: 1, bytesIn: 100, framesOut: 1, bytesOut: 64, dropped: 0, filtered: 0 });
  assert.deepEqual(ports[1].counters, { framesIn: 1, bytesIn: 64, framesOut: 1, bytesOut: 100, dropped: 0, filtered: 0 });
  assert.deepEqual(ports[2].counters, { framesIn: 0, bytesIn: 0, framesOut: 1, bytesOut: 100, dropped: 0, filtered: 0 });
});

test("a full table learns no new address and frames to it are flooded", () => {
  const sw = new L2Switch({ maxEntries: 2 });
  const got: number[][] = [[], [], []];
  const ports = got.map((mine) => sw.attach((f) => mine.push(f[14])));
  ports[0].input(frame(BROADCAST, mac(1)));
  ports[1].input(frame(BROADCAST, mac(2)));
  ports[2].input(frame(BROADCAST, mac(3)));
  assert.equal(sw.tableSize, 2);
  ports[0].input(frame(mac(3), mac(1), 9));
  assert.deepEqual(got[1].at(-1), 9);
  assert.deepEqual(got[2].at(-1), 9);
});
