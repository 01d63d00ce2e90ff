/** The PLIC, driven through its registers as OpenSBI and Linux do. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IrqLine } from "../device.js";
import { PLIC_SOURCES, Plic, PlicReg } from "./plic.js";

/** A PLIC with `harts` harts (two contexts each) and helpers named after the registers. */
function make(harts = 1) {
  const outputs = Array.from({ length: 2 * harts }, () => new IrqLine());
  const plic = new Plic(outputs);
  const ctxBase = (c: number) => PlicReg.Context + PlicReg.ContextStride * c;
  return {
    plic,
    outputs,
    priority: (src: number, p: number) => plic.write(PlicReg.Priority + 4 * src, 4, p),
    enable: (ctx: number, ...srcs: number[]) => {
      const words = [0, 0];
      for (const s of srcs) words[s >>> 5] |= 1 << (s & 31);
      words.forEach((w, i) => plic.write(PlicReg.Enable + PlicReg.EnableStride * ctx + 4 * i, 4, w >>> 0));
    },
    threshold: (ctx: number, t: number) => plic.write(ctxBase(ctx), 4, t),
    claim: (ctx: number) => plic.read(ctxBase(ctx) + PlicReg.Claim, 4),
    complete: (ctx: number, src: number) => plic.write(ctxBase(ctx) + PlicReg.Claim, 4, src),
    pending: () => plic.read(PlicReg.Pending, 4) + plic.read(PlicReg.Pending + 4, 4) * 2 ** 32,
  };
}

describe("PLIC", () => {
  test("a raised source becomes pending and, once enabled with a priority above the threshold, raises the context's line", () => {
    const p = make();
    p.plic.source(10).set(true);
    assert.equal(p.pending(), 2 ** 10);
    assert.equal(p.outputs[1].high, false, "priority 0 never interrupts");
    p.priority(10, 1);
    assert.equal(p.outputs[1].high, false, "not enabled yet");
    p.enable(1, 10);
    assert.equal(p.outputs[1].high, true);
    assert.equal(p.outputs[0].high, false, "the M-mode context has not enabled it");
    p.threshold(1, 1);
    assert.equal(p.outputs[1].high, false, "priority must exceed the threshold");
    p.threshold(1, 0);
    assert.equal(p.outputs[1].high, true);
  });

  test("claim returns the source and clears its pending bit; completion lets a still-high level in again", () => {
    const p = make();
    p.priority(5, 3);
    p.enable(1, 5);
    p.plic.source(5).set(true);
    assert.equal(p.claim(1), 5);
    assert.equal(p.pending(), 0);
    assert.equal(p.outputs[1].high, false);
    assert.equal(p.claim(1), 0, "nothing else to claim while the source is in service");
    p.complete(1, 5);
    assert.equal(p.pending(), 2 ** 5, "the level is still high: pending again");
    assert.equal(p.outputs[1].high, true);
    p.plic.source(5).set(false);
    assert.equal(p.pending(), 0, "a level that drops before the claim withdraws the request");
    assert.equal(p.outputs[1].high, false);
  });

  test("a level that drops and rises while in service is pending only after completion", () => {
    const p = make();
    p.priority(7, 1);
    p.enable(0, 7);
    p.plic.source(7).set(true);
    assert.equal(p.claim(0), 7);
    p.plic.source(7).set(false);
    p.plic.source(7).set(true);
    assert.equal(p.pending(), 0);
    p.plic.source(7).set(false);
    p.complete(0, 7);
    assert.equal(p.pending(), 0, "low at completion: nothing pending");
    p.plic.source(7).set(true);
    assert.equal(p.claim(0), 7);
  });

  test("claims come in priority order, ties to the lowest source id", () => {
    const p = make();
    for (const [src, prio] of [[3, 2], [9, 5], [4, 2], [40, 5], [50, 7]]) {
      p.priority(src, prio);
      p.enable(1, 3, 9, 4, 40, 50);
      p.plic.source(src).set(true);
    }
    const order: number[] = [];
    for (let id = p.claim(1); id !== 0; id = p.claim(1)) order.push(id);
    assert.deepEqual(order, [50, 9, 40, 3, 4]);
  });

  test("sources at or below the threshold are neither signalled nor claimed", () => {
    const p = make();
    p.priority(2, 2);
    p.priority(3, 4);
    p.enable(1, 2, 3);
    p.threshold(1, 3);
    p.plic.source(2).set(true);
    assert.equal(p.outputs[1].high, false);
    assert.equal(p.claim(1), 0);
    p.plic.source(3).set(true);
    assert.equal(p.claim(1), 3);
    assert.equal(p.pending(), 2 ** 2, "source 2 still waits for the threshold to drop");
  });

  test("enables are per context: each context sees only its sources, and a claim by one hides the source from the other", () => {
    const p = make(2);
    p.priority(1, 1);
    p.priority(2, 1);
    p.enable(0, 1);
    p.enable(3, 1, 2);
    p.plic.source(2).set(true);
    assert.deepEqual(p.outputs.map((o) => o.high), [false, false, false, true]);
    p.plic.source(1).set(true);
    assert.deepEqual(p.outputs.map((o) => o.high), [true, false, false, true]);
    assert.equal(p.claim(0), 1);
    assert.deepEqual(p.outputs.map((o) => o.high), [false, false, false, true]);
    assert.equal(p.claim(3), 2);
  });

  test("a completion for a source the context has not enabled is ignored", () => {
    const p = make(2);
    p.priority(6, 1);
    p.enable(0, 6);
    p.plic.source(6).set(true);
    assert.equal(p.claim(0), 6);
    p.complete(1, 6);
    assert.equal(p.pending(), 0, "still in service");
    p.complete(0, 6);
    assert.equal(p.pending(), 2 ** 6);
  });

  test("registers read back: priorities clamp to 7, source 0 and bits past the last source stay clear", () => {
    const p = make();
    p.plic.write(PlicReg.Priority + 4 * 8, 4, 0xffffffff);
    assert.equal(p.plic.read(PlicReg.Priority + 4 * 8, 4), 7);
    p.plic.write(PlicReg.Priority, 4, 5);
    assert.equal(p.plic.read(PlicReg.Priority, 4), 0, "source 0 does not exist");
    p.plic.write(PlicReg.Enable, 4, 0xffffffff);
    p.plic.write(PlicReg.Enable + 4, 4, 0xffffffff);
    assert.equal(p.plic.read(PlicReg.Enable, 4), 0xfffffffe);
    assert.equal(p.plic.read(PlicReg.Enable + 4, 4), 2 ** (PLIC_SOURCES - 31) - 1, "sources 32..53");
    p.threshold(1, 2);
    assert.equal(p.plic.read(PlicReg.Context + PlicReg.ContextStride, 4), 2);
    p.plic.write(PlicReg.Pending, 4, 0xffffffff);
    assert.equal(p.pending(), 0, "pending bits are read-only");
    assert.equal(p.plic.read(PlicReg.Context + PlicReg.ContextStride * 5, 4), 0, "contexts past the last read 0");
  });

  test("source lines are named by id and out-of-range ids are refused", () => {
    const p = make();
    assert.equal(p.plic.source(PLIC_SOURCES), p.plic.sources[PLIC_SOURCES]);
    assert.throws(() => p.plic.source(0), RangeError);
    assert.throws(() => p.plic.source(PLIC_SOURCES + 1), RangeError);
  });
});
