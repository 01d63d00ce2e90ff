/** Process and thread lifetime calls that need no scheduler support: exit, exit_group, set_tid_address, robust lists. */
import { define, NO_RETURN } from "./table.js";
import { futexWake } from "./futex.js";

define(94, "exit_group", "d", (p, _t, a) => {
  p.exit(a.int(0));
  return NO_RETURN;
});

define(93, "exit", "d", (p, t, a) => {
  if (p.threads.length === 1) {
    p.exit(a.int(0));
    return NO_RETURN;
  }
  if (t.clearChildTid !== 0) {
    try { p.space.writeU32(t.clearChildTid, 0); } catch { /* the address may be gone */ }
    futexWake(p, t.clearChildTid, 1);
  }
  p.reap(t);
  return NO_RETURN;
});

define(96, "set_tid_address", "x", (_p, t, a) => {
  t.clearChildTid = a.u64(0);
  return t.tid;
});

define(99, "set_robust_list", "xu", (_p, t, a) => {
  if (a.u64(1) !== 24) return -22;
  t.robustList = a.u64(0);
  return 0;
});

define(100, "get_robust_list", "dxx", (p, t, a) => {
  p.space.writeU64(a.u64(1), t.robustList);
  p.space.writeU64(a.u64(2), 24);
  return 0;
});
