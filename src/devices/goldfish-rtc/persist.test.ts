/** Goldfish RTC snapshot state: the guest's time offset and the alarm survive a restore. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IrqLine } from "../device.js";
import { GoldfishRtc, GoldfishRtcReg as R } from "./goldfish-rtc.js";

test("RTC state round-trips: the same time for the same host clock, and the alarm fires when it would have", () => {
  let host = 1_700_000_000_000_000_000n;
  const clock = () => host;
  const a = new GoldfishRtc(new IrqLine(), clock);
  a.write(R.TimeHigh, 4, 0x1);
  a.write(R.TimeLow, 4, 0x2345); // the guest sets its clock
  a.write(R.IrqEnabled, 4, 1);
  a.write(R.AlarmHigh, 4, 0x1);
  a.write(R.AlarmLow, 4, 0x2345 + 1000); // 1000 ns from now
  a.read(R.TimeLow, 4); // latches the high half
  const saved = a.save();

  const line = new IrqLine();
  const b = new GoldfishRtc(line, clock);
  b.restore(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual(b.save(), JSON.parse(JSON.stringify(saved)));
  assert.equal(b.timeNs(), a.timeNs());
  assert.equal(b.read(R.TimeHigh, 4), 1);
  assert.equal(b.read(R.AlarmStatus, 4), 1);
  host += 999n;
  b.update();
  assert.equal(line.high, false);
  host += 1n;
  b.update();
  assert.equal(line.high, true, "the alarm fires on time");
});
