/** PLIC snapshot state: registers round-trip, and a claimed interrupt is still in service after a restore. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IrqLine } from "../device.js";
import { Plic, PlicReg } from "./plic.js";

function make() {
  const outputs = [new IrqLine(), new IrqLine()];
  const plic = new Plic(outputs);
  const ctx = (c: number) => PlicReg.Context + PlicReg.ContextStride * c;
  return {
    plic, outputs,
    claim: (c: number) => plic.read(ctx(c) + PlicReg.Claim, 4),
    complete: (c: number, id: number) => plic.write(ctx(c) + PlicReg.Claim, 4, id),
  };
}

/** Priorities, enables and a threshold as a kernel sets them; sources 10 and 5 raised; 10 claimed by context 1. */
function busy() {
  const p = make();
  p.plic.write(PlicReg.Priority + 4 * 10, 4, 1);
  p.plic.write(PlicReg.Priority + 4 * 5, 4, 3);
  p.plic.write(PlicReg.Priority + 4 * 7, 4, 2);
  p.plic.write(PlicReg.Enable + PlicReg.EnableStride, 4, (1 << 10) | (1 << 5) | (1 << 7));
  p.plic.write(PlicReg.Context + PlicReg.ContextStride, 4, 0);
  p.plic.write(PlicReg.Context, 4, 7); // the M context masks everything
  p.plic.source(10).set(true);
  assert.equal(p.claim(1), 10);
  p.plic.source(5).set(true);
  return p;
}

test("PLIC state round-trips; a claimed source stays in service and a pending one is claimed next", () => {
  const a = busy();
  const saved = a.plic.save();
  const b = make();
  b.plic.restore(saved);
  // The devices drive their lines again after the PLIC is restored.
  b.plic.source(10).set(true);
  b.plic.source(5).set(true);
  assert.deepEqual(b.plic.save(), saved);
  assert.deepEqual(b.outputs.map((o) => o.high), a.outputs.map((o) => o.high));
  assert.equal(b.outputs[1].high, true, "source 5 is pending and enabled");

  // The same steps on both give the same answers: 5 is claimed, 10 (in service) is not offered again
  // until it completes, and then, its line still high, it is pending again.
  for (const p of [a, b]) {
    assert.equal(p.claim(1), 5);
    assert.equal(p.claim(1), 0, "10 is in service");
    p.complete(1, 10);
    assert.equal(p.claim(1), 10, "completed with its line still high: pending again");
  }
  assert.deepEqual(b.plic.save(), a.plic.save());
});

test("a PLIC state of another size is refused", () => {
  const s = make().plic.save();
  assert.throws(() => make().plic.restore({ ...s, threshold: [0, 0, 0, 0] }), /threshold has 4 entries, not 2/);
});
