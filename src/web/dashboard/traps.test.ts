/** Trap rates for the dashboard: from two samples of the metrics' cumulative counters. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { explain, rates, TRAP_KINDS } from "./traps.js";

const kind = (key: string) => TRAP_KINDS.findIndex((k) => k.key === key);

test("each kind's rate is its group's growth per second; groups and nested groups are summed", () => {
  const before = { at: 1000, exits: { sbi: { a: 10, b: 5 }, wfi: 4, guest_hypervisor: { vm_entries: 7, exits: { x: 1 } } } };
  const after = { at: 3000, exits: { sbi: { a: 30, b: 5 }, wfi: 4, mmio: { uart0: 8 }, guest_hypervisor: { vm_entries: 99, exits: { x: 21, y: 40 } } } };
  const r = rates(before, after);
  assert.equal(r[kind("sbi")], 10);
  assert.equal(r[kind("wfi")], 0);
  assert.equal(r[kind("mmio")], 4, "a group absent before counts from zero");
  assert.equal(r[kind("guest_hypervisor.exits")], 30, "only the nested guests' exits, not the entries beside them");
});

test("every kind has a sentence for learners", () => {
  for (const k of TRAP_KINDS) assert.ok(explain(k.key).length > 20, k.key);
});
