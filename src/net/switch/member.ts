/**
 * What a port of a switch is at a given moment, hub or client, and the two
 * things either tells the port that owns it.
 */

/** Callbacks from a hub or a client connection to the port that owns it. */
export interface MemberEvents {
  /** A frame for this port's guest; valid only during the call. */
  deliver(frame: Uint8Array): void;
  /** The hub or the connection to it is gone: the port must elect again. */
  lost(): void;
}

/** The role a port plays on its switch: the hub, or a client of the hub. */
export interface Member {
  readonly role: "hub" | "client";
  /** Sends a frame from this port's guest into the switch; never blocks. */
  transmit(frame: Uint8Array): void;
  /** Leaves the switch without a lost() callback. */
  close(): void;
}

/** The errno code ("ENOENT") of a Node system error, or undefined. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
