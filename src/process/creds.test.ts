import test from "node:test";
import assert from "node:assert/strict";
import { Creds } from "./creds.js";

const ALL = 0x1ffffffffffn;

function root(): Creds {
  const c = new Creds();
  c.capEff = c.capPrm = c.capBnd = ALL;
  return c;
}

test("leaving uid 0 everywhere drops the permitted and effective sets, unless keepcaps", () => {
  const c = root();
  c.setUids(1000, 1000, 1000, 1000);
  assert.equal(c.capPrm, 0n);
  assert.equal(c.capEff, 0n);
  const k = root();
  k.keepCaps = true;
  k.setUids(1000, 1000, 1000, 1000);
  assert.equal(k.capPrm, ALL);
  assert.equal(k.capEff, 0n);
});

test("an euid that leaves 0 and comes back restores the effective set from the permitted one", () => {
  const c = root();
  c.setUids(1000, 1000, 0, 1000);
  assert.equal(c.capEff, 0n);
  c.setUids(1000, 0, 0, 0);
  assert.equal(c.capEff, ALL);
});

test("execve as root regains inheritable|bounding; as another user loses every capability", () => {
  const c = root();
  c.capEff = c.capPrm = 1n;
  c.capBnd = 6n;
  c.keepCaps = true;
  c.exec();
  assert.equal(c.capPrm, 6n);
  assert.equal(c.capEff, 6n);
  assert.equal(c.keepCaps, false);
  const u = root();
  u.keepCaps = true;
  u.setUids(1000, 1000, 1000, 1000);
  u.exec();
  assert.equal(u.capPrm, 0n);
  assert.equal(u.suid, 1000);
});

test("clone copies the groups", () => {
  const c = root();
  c.groups = [1, 2];
  const d = c.clone();
  d.groups.push(3);
  assert.deepEqual(c.groups, [1, 2]);
});
