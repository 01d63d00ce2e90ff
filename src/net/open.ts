/**
 * Opens the backend a NetSpec names: user-mode networking (its host
 * forwards listen before the guest starts, so a port that is taken is an
 * error at start) or a port on a named switch.
 */
import type { NetBackend } from "./link.js";
import type { NetSpec } from "./spec.js";
import { UserNet } from "./user/user-net.js";
import { openSwitchPort } from "./switch/unix-switch.js";

export { NetOpenError } from "./errors.js";

/** Opens the backend of one NIC (rejects with NetOpenError). */
export async function openNetBackend(spec: NetSpec): Promise<NetBackend> {
  if (spec.backend === "user") return UserNet.open(spec.hostForwards);
  return openSwitchPort(spec.name);
}
