import test from "node:test";
import assert from "node:assert/strict";
import { encodeFrame, FrameReader } from "./framing.js";
import { MAX_FRAME } from "../link.js";

test("frames split anywhere across chunks come out whole and in order", () => {
  const frames = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(MAX_FRAME).fill(7), Uint8Array.of(9)];
  const stream = Buffer.concat(frames.map(encodeFrame));
  for (const step of [1, 2, 3, 5, 1000, stream.length]) {
    const got: number[][] = [];
    const reader = new FrameReader((f) => got.push(Array.from(f)));
    for (let at = 0; at < stream.length; at += step) assert.equal(reader.push(stream.subarray(at, at + step)), true);
    assert.deepEqual(got, frames.map((f) => Array.from(f)), `chunks of ${step}`);
  }
});

test("a length prefix above MAX_FRAME makes the reader refuse the stream", () => {
  const got: Uint8Array[] = [];
  const reader = new FrameReader((f) => got.push(f));
  const bad = Buffer.alloc(2);
  bad.writeUInt16BE(MAX_FRAME + 1, 0);
  assert.equal(reader.push(Buffer.concat([encodeFrame(Uint8Array.of(5)), bad])), false);
  assert.equal(got.length, 1);
});
