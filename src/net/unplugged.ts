/**
 * The backend of a NIC whose cable is out: what the guest sends goes nowhere
 * and nothing arrives. A restored snapshot's NICs get it when no backend was
 * opened for them, and so does a board built only for its device tree.
 */
import type { NetBackend } from "./link.js";

/** A NetBackend that drops every frame and never delivers one. */
export class UnpluggedNet implements NetBackend {
  readonly kind = "unplugged";
  attach(): void {}
  transmit(): void {}
  close(): void {}
}
