/** CLINT snapshot state: registers round-trip, lines follow, and mtime continues from the saved value. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IrqLine } from "../device.js";
import { Clint, ClintReg } from "./clint.js";

const HZ = 10_000_000;

function make(harts = 2) {
  const soft = Array.from({ length: harts }, () => new IrqLine());
  const timer = Array.from({ length: harts }, () => new IrqLine());
  return { clint: new Clint(soft, timer, HZ), soft, timer };
}

const mtime = (c: Clint) => c.read(ClintReg.Mtime, 4) + c.read(ClintReg.Mtime + 4, 4) * 2 ** 32;

test("CLINT state round-trips; the lines follow it and mtime continues from the saved value, not from 0", () => {
  const a = make();
  a.clint.setMtime(5e11); // as if the machine had run for 14 hours
  a.clint.write(ClintReg.Msip + 4, 4, 1);
  a.clint.write(ClintReg.Mtimecmp + 4, 4, 0); // hart 0: due now
  a.clint.write(ClintReg.Mtimecmp, 4, 100);
  a.clint.write(ClintReg.Mtimecmp + 8 + 4, 4, 0x7fff); // hart 1: far ahead
  a.clint.write(ClintReg.Mtimecmp + 8, 4, 0);
  const saved = a.clint.save();

  const b = make();
  b.clint.restore(saved);
  assert.deepEqual({ ...b.clint.save(), mtime: 0 }, { ...saved, mtime: 0 });
  assert.deepEqual([b.soft[0].high, b.soft[1].high, b.timer[0].high, b.timer[1].high], [false, true, true, false]);
  const t = mtime(b.clint);
  assert.ok(t >= saved.mtime && t < saved.mtime + HZ, `mtime ${t} continues from ${saved.mtime}`);
  assert.equal(b.clint.read(ClintReg.Mtimecmp + 8 + 4, 4), 0x7fff);
  assert.ok(b.clint.msUntilNextTimer()! > 1000, "hart 1's timer is as far away as before");
});

test("a CLINT state for another number of harts is refused", () => {
  assert.throws(() => make(1).clint.restore(make(2).clint.save()), /2 harts, not 1/);
});
