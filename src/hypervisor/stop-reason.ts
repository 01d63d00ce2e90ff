/** How a machine stopped, in one line for the API's state and the CLI. */
import type { RunStop } from "../system/system-vm.js";

/** A one-line description of `stop`. */
export function describeStop(stop: RunStop): string {
  switch (stop.kind) {
    case "poweroff": return stop.code === 0 ? "the guest powered off" : `the guest powered off with code ${stop.code}`;
    case "reset": return "the guest reset";
    case "timeout": return "timed out";
    case "stuck": return `the guest is stuck: ${stop.message}`;
    case "stopped": return "stopped by the host (InstanceStop)";
  }
}
