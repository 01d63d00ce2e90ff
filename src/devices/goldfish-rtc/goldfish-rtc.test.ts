/** The Goldfish RTC, driven through its registers the way Linux's rtc-goldfish does. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IrqLine } from "../device.js";
import { GOLDFISH_RTC_SIZE, GoldfishRtc, GoldfishRtcReg as Reg } from "./goldfish-rtc.js";

/** An RTC on a hand-driven clock, with helpers named after the registers. */
function make(startNs = 1_700_000_000_000_000_000n) {
  const clock = { now: startNs };
  const levels: boolean[] = [];
  const irq = new IrqLine((l) => levels.push(l));
  const rtc = new GoldfishRtc(irq, () => clock.now);
  return {
    rtc, irq, levels, clock,
    time: () => BigInt(rtc.read(Reg.TimeLow, 4)) | (BigInt(rtc.read(Reg.TimeHigh, 4)) << 32n),
    setTime: (ns: bigint) => {
      rtc.write(Reg.TimeHigh, 4, Number(ns >> 32n));
      rtc.write(Reg.TimeLow, 4, Number(ns & 0xffffffffn));
    },
    setAlarm: (ns: bigint) => {
      rtc.write(Reg.AlarmHigh, 4, Number(ns >> 32n));
      rtc.write(Reg.AlarmLow, 4, Number(ns & 0xffffffffn));
    },
  };
}

describe("Goldfish RTC", () => {
  test("with the host clock, the time read is the host's wall clock in nanoseconds", () => {
    const rtc = new GoldfishRtc(new IrqLine());
    assert.equal(rtc.size, GOLDFISH_RTC_SIZE);
    const before = BigInt(Date.now()) * 1_000_000n;
    const t = BigInt(rtc.read(Reg.TimeLow, 4)) | (BigInt(rtc.read(Reg.TimeHigh, 4)) << 32n);
    const after = BigInt(Date.now()) * 1_000_000n;
    const slack = 50_000_000n; // 50 ms
    assert.ok(t >= before - slack && t <= after + slack, `read ${t}, host between ${before} and ${after}`);
  });

  test("the time advances with the clock; writing TIME_HIGH then TIME_LOW shifts it", () => {
    const r = make();
    assert.equal(r.time(), 1_700_000_000_000_000_000n);
    r.clock.now += 1234n;
    assert.equal(r.time(), 1_700_000_000_000_001_234n);
    r.setTime(0x1_2345_6789n * 1_000_000_000n);
    assert.equal(r.time(), 0x1_2345_6789n * 1_000_000_000n);
    r.clock.now += 5_000n;
    assert.equal(r.time(), 0x1_2345_6789n * 1_000_000_000n + 5_000n, "the guest's time keeps running");
    assert.equal(r.rtc.timeNs(), r.time());
  });

  test("a TIME_LOW write alone keeps the current high half", () => {
    const r = make(0x5_0000_0000n);
    r.rtc.write(Reg.TimeLow, 4, 0x10);
    assert.equal(r.time(), 0x5_0000_0010n);
  });

  test("reading TIME_LOW latches the high half, so a read across a carry does not tear", () => {
    const r = make(0x1_ffff_fff0n);
    assert.equal(r.rtc.read(Reg.TimeLow, 4), 0xffff_fff0);
    r.clock.now += 0x20n; // the low half wraps between the two reads
    assert.equal(r.rtc.read(Reg.TimeHigh, 4), 1, "still the high half of the TIME_LOW read");
    assert.equal(r.time(), 0x2_0000_0010n);
  });

  test("an enabled alarm raises the line when its time comes, until CLEAR_INTERRUPT", () => {
    const r = make();
    const due = r.clock.now + 2_000_000n;
    r.setAlarm(due);
    r.rtc.write(Reg.IrqEnabled, 4, 1);
    assert.equal(r.rtc.read(Reg.AlarmStatus, 4), 1);
    assert.equal(r.rtc.read(Reg.AlarmLow, 4), Number(due & 0xffffffffn));
    assert.equal(r.rtc.read(Reg.AlarmHigh, 4), Number(due >> 32n));
    assert.equal(r.rtc.msUntilAlarm(), 2);
    r.clock.now += 1_999_999n;
    r.rtc.update();
    assert.equal(r.irq.high, false, "1 ns early");
    r.clock.now += 1n;
    assert.equal(r.rtc.msUntilAlarm(), 0);
    r.rtc.update();
    assert.equal(r.irq.high, true);
    assert.equal(r.rtc.read(Reg.AlarmStatus, 4), 0, "a fired alarm is no longer armed");
    assert.equal(r.rtc.msUntilAlarm(), undefined);
    r.clock.now += 1_000_000n;
    r.rtc.update();
    assert.equal(r.irq.high, true, "level: stays high");
    r.rtc.write(Reg.ClearInterrupt, 4, 1);
    assert.equal(r.irq.high, false);
    assert.deepEqual(r.levels, [true, false]);
  });

  test("an alarm already in the past fires on the ALARM_LOW write", () => {
    const r = make();
    r.rtc.write(Reg.IrqEnabled, 4, 1);
    r.setAlarm(r.clock.now - 1n);
    assert.equal(r.irq.high, true);
    assert.equal(r.rtc.read(Reg.AlarmStatus, 4), 0);
  });

  test("with IRQ_ENABLED clear the alarm fires without raising the line; enabling it then raises it", () => {
    const r = make();
    r.setAlarm(r.clock.now + 10n);
    r.clock.now += 10n;
    r.rtc.update();
    assert.equal(r.irq.high, false);
    assert.equal(r.rtc.read(Reg.AlarmStatus, 4), 0);
    r.rtc.write(Reg.IrqEnabled, 4, 1);
    assert.equal(r.irq.high, true, "the interrupt stayed pending (as in QEMU)");
    r.rtc.write(Reg.IrqEnabled, 4, 0);
    assert.equal(r.irq.high, false);
    r.rtc.write(Reg.ClearInterrupt, 4, 1);
    r.rtc.write(Reg.IrqEnabled, 4, 1);
    assert.equal(r.irq.high, false, "cleared while disabled: nothing left");
  });

  test("CLEAR_ALARM disarms the alarm", () => {
    const r = make();
    r.rtc.write(Reg.IrqEnabled, 4, 1);
    r.setAlarm(r.clock.now + 100n);
    r.rtc.write(Reg.ClearAlarm, 4, 1);
    assert.equal(r.rtc.read(Reg.AlarmStatus, 4), 0);
    assert.equal(r.rtc.msUntilAlarm(), undefined);
    r.clock.now += 1000n;
    r.rtc.update();
    assert.equal(r.irq.high, false);
  });

  test("accesses narrower than 32 bits or unaligned are ignored", () => {
    const r = make();
    assert.equal(r.rtc.read(Reg.TimeLow, 1), 0);
    r.rtc.write(Reg.IrqEnabled, 2, 1);
    assert.equal(r.rtc.read(Reg.IrqEnabled, 4), 0);
    assert.equal(r.rtc.read(0x800, 4), 0);
  });
});
