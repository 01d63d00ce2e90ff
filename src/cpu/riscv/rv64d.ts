/** D extension handlers (placeholder until the FP module lands). */
import type { HandlerTable } from "./handler.js";

/** Installs the D extension's handlers into `t`. */
export function installRv64d(t: HandlerTable): void {
  void t;
}
