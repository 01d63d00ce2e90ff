/** F extension handlers (placeholder until the FP module lands). */
import type { HandlerTable } from "./handler.js";

/** Installs the F extension's handlers into `t`. */
export function installRv64f(t: HandlerTable): void {
  void t;
}
