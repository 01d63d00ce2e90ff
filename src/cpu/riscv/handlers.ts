/**
 * The handler table: one function per op for every instruction the run loop
 * does not execute inline. Each extension installs its own handlers.
 */
import { Op } from "../../isa/riscv/table.js";
import type { Handler, HandlerTable } from "./handler.js";
import { Cause, Trap } from "./trap.js";
import { installRv64m } from "./rv64m.js";
import { installRv64a } from "./rv64a.js";
import { installZicsr } from "./zicsr.js";
import { installRv64f } from "./rv64f.js";
import { installRv64d } from "./rv64d.js";

const illegal: Handler = () => {
  throw new Trap(Cause.IllegalInsn, 0, 0);
};

/** Handlers indexed by Op; ops without one raise an illegal-instruction exception. */
export const HANDLERS: HandlerTable = (() => {
  const t: HandlerTable = new Array<Handler>(Op.COUNT).fill(illegal);
  installRv64m(t);
  installRv64a(t);
  installZicsr(t);
  installRv64f(t);
  installRv64d(t);
  return t;
})();
