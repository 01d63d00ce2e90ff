/**
 * Running a hart under its Sdtrig triggers (trigger.ts): one instruction at a
 * time, each checked before it executes (timing "before"): an execute trigger
 * on its address, load and store triggers on the address and size its memory
 * access will use (AMOs count as both, LR as a load, SC as a store). A trigger
 * that fires raises a breakpoint exception with tval = the matched address,
 * before any fault the instruction itself would raise, as the privileged
 * spec's exception priorities require.
 */
import { decode, newDecoded } from "../../../isa/riscv/decode.js";
import { Op } from "../../../isa/riscv/table.js";
import type { Hart } from "../hart.js";
import { Exit } from "../run.js";
import { step } from "../step.js";
import { Cause, Trap } from "../trap.js";
import { Access, type Triggers } from "./trigger.js";

/** Per op: Access bits of its data access (0 for none) and its size in bytes. */
const DATA_ACCESS = new Map<Op, [number, number]>();
const mem = (access: number, size: number, ...ops: Op[]) => { for (const op of ops) DATA_ACCESS.set(op, [access, size]); };
mem(Access.Load, 1, Op.LB, Op.LBU);
mem(Access.Load, 2, Op.LH, Op.LHU);
mem(Access.Load, 4, Op.LW, Op.LWU, Op.FLW, Op.LR_W);
mem(Access.Load, 8, Op.LD, Op.FLD, Op.LR_D);
mem(Access.Store, 1, Op.SB);
mem(Access.Store, 2, Op.SH);
mem(Access.Store, 4, Op.SW, Op.FSW, Op.SC_W);
mem(Access.Store, 8, Op.SD, Op.FSD, Op.SC_D);
mem(Access.Load | Access.Store, 4, Op.AMOSWAP_W, Op.AMOADD_W, Op.AMOXOR_W, Op.AMOAND_W, Op.AMOOR_W, Op.AMOMIN_W, Op.AMOMAX_W, Op.AMOMINU_W, Op.AMOMAXU_W);
mem(Access.Load | Access.Store, 8, Op.AMOSWAP_D, Op.AMOADD_D, Op.AMOXOR_D, Op.AMOAND_D, Op.AMOOR_D, Op.AMOMIN_D, Op.AMOMAX_D, Op.AMOMINU_D, Op.AMOMAXU_D);
/** Ops whose address is rs1 alone (the Amo/Lr formats keep aq/rl in imm). */
const NO_OFFSET = new Set<Op>([...DATA_ACCESS.keys()].filter((op) => op >= Op.LR_W && op <= Op.AMOMAXU_D));

const scratch = newDecoded();

/** The data access of the instruction at h's pc: its address and size, and whether it loads, stores or both. */
export interface DataAccess {
  addr: bigint;
  size: number;
  load: boolean;
  store: boolean;
}

/** The data access the instruction at h's pc will make, or undefined for none (or when its fetch faults). */
export function dataAccess(h: Hart): DataAccess | undefined {
  let lo16: number, hi16 = 0;
  try {
    lo16 = h.mmu.fetch16(h.pcLo, h.pcHi);
    if ((lo16 & 3) === 3) hi16 = h.mmu.fetch16((h.pcLo + 2) | 0, (h.pcLo >>> 0) > 0xfffffffd ? (h.pcHi + 1) | 0 : h.pcHi);
  } catch (e) {
    if (e instanceof Trap) return undefined; // the fetch faults: running the instruction raises that
    throw e;
  }
  const d = decode(lo16, hi16, scratch);
  const data = DATA_ACCESS.get(d.op);
  if (data === undefined) return undefined;
  const offset = NO_OFFSET.has(d.op) ? 0n : BigInt(d.imm);
  const addr = BigInt.asUintN(64, h.getX(d.rs1) + offset);
  return { addr, size: data[1], load: (data[0] & Access.Load) !== 0, store: (data[0] & Access.Store) !== 0 };
}

/** The address a trigger matched for the instruction at h's pc, or undefined when none fires. */
function firing(h: Hart, t: Triggers): bigint | undefined {
  const pc = h.pc;
  if (t.check(h.priv, Access.Execute, pc, 0) >= 0) return pc;
  const a = dataAccess(h);
  if (a === undefined) return undefined;
  if (a.load && t.check(h.priv, Access.Load, a.addr, a.size) >= 0) return a.addr;
  if (a.store && t.check(h.priv, Access.Store, a.addr, a.size) >= 0) return a.addr;
  return undefined;
}

/**
 * Runs hart h for up to `budget` instructions one at a time, checking its
 * triggers `t` before each. Returns as run() does; a trigger that fires gives
 * Exit.Trap with a breakpoint cause and pc at the instruction.
 */
export function runWatched(h: Hart, t: Triggers, budget: number): Exit {
  for (let n = 0; n < budget; n++) {
    const addr = firing(h, t);
    if (addr !== undefined) {
      h.trapCause = Cause.Breakpoint;
      h.trapTvalLo = Number(BigInt.asIntN(32, addr));
      h.trapTvalHi = Number(BigInt.asIntN(32, addr >> 32n));
      return Exit.Trap;
    }
    const exit = step(h);
    if (exit !== Exit.Budget || !t.armed) return exit;
  }
  return Exit.Budget;
}
