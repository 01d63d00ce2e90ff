/**
 * A port on a virtual Ethernet switch shared by every typevisor process of
 * this host: `--net switch:NAME` puts a guest's NIC on switch NAME, and all
 * NICs on one switch are on one Ethernet segment.
 *
 * A switch is a Unix stream socket, `typevisor-switch-NAME.sock` in
 * $XDG_RUNTIME_DIR (or the temporary directory), and no daemon. The first
 * port to open finds nobody listening there and becomes the switch's hub: it
 * listens on the socket and runs the learning switch (l2-switch.ts), with a
 * port for its own guest and one for each client. Every later port connects
 * as a client and exchanges length-prefixed frames with the hub
 * (framing.ts). So in a group of VMs, one of them carries the switch for
 * all; how the socket is claimed without races is in election.ts and hub.ts.
 *
 * Hand-over: a hub serves only while its own port is open. When it closes
 * (its VM stops), it removes the socket and drops its clients; when its
 * process dies, the clients' connections break the same way. Each client
 * then waits a short random time (so that they rarely collide) and joins
 * again, and one of them becomes the new hub, exactly as when the switch
 * was first opened. Frames sent meanwhile are lost, as when a real switch
 * reboots, and the new hub learns addresses afresh. The socket file is
 * removed by the last hub to stop; one left by a process that was killed is
 * removed by the next port to open.
 *
 * A port holds its socket (and, as hub, the listener) open, keeping the
 * process alive, until close(): the VM that owns the port closes it when it
 * stops. close() leaves no handle behind.
 */
import type { NetBackend } from "../link.js";
import { join } from "./election.js";
import type { Member } from "./member.js";
import { switchSocketPath } from "./socket-path.js";

export { SwitchError, switchSocketPath, defaultSwitchDir } from "./socket-path.js";

/** Shortest wait before a port whose hub went away joins again. */
export const REJOIN_MIN_MS = 10;
/** Random extra wait on top of REJOIN_MIN_MS, spreading the clients' attempts. */
export const REJOIN_JITTER_MS = 90;
/** Wait before trying again after joining failed (the directory went away, say). */
export const REJOIN_FAILED_MS = 1000;

/** Where a port stands: hub, client, between hubs, or closed. */
export type SwitchPortRole = "hub" | "client" | "joining" | "closed";

/** Options of openSwitchPort. */
export interface SwitchPortOptions {
  /** Directory of the switch's socket (default: $XDG_RUNTIME_DIR when writable, else the temporary directory). */
  dir?: string;
}

/** A NIC's port on a switch; a NetBackend with a view of its role. */
export interface SwitchPort extends NetBackend {
  /** What this port is now. */
  readonly role: SwitchPortRole;
  /** Path of the switch's socket. */
  readonly socketPath: string;
  /** Frames from the guest dropped because the port was between hubs. */
  readonly droppedWhileJoining: number;
}

class UnixSwitchPort implements SwitchPort {
  readonly kind: string;
  droppedWhileJoining = 0;
  #member: Member | undefined;
  #closed = false;
  #deliver: ((frame: Uint8Array) => void) | undefined;
  #rejoin: NodeJS.Timeout | undefined;
  readonly #events = {
    deliver: (frame: Uint8Array) => this.#deliver?.(frame),
    lost: () => this.#lost(),
  };

  constructor(name: string, readonly socketPath: string) {
    this.kind = `switch:${name}`;
  }

  get role(): SwitchPortRole {
    if (this.#closed) return "closed";
    return this.#member?.role ?? "joining";
  }

  /** Joins the switch for the first time (rejects with SwitchError). */
  async open(): Promise<void> {
    this.#member = await join(this.socketPath, this.#events);
  }

  attach(deliver: (frame: Uint8Array) => void): void {
    this.#deliver = deliver;
  }

  transmit(frame: Uint8Array): void {
    if (this.#member !== undefined) this.#member.transmit(frame);
    else if (!this.#closed) this.droppedWhileJoining++;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#rejoin);
    this.#rejoin = undefined;
    this.#member?.close();
    this.#member = undefined;
  }

  #lost(): void {
    this.#member = undefined;
    if (!this.#closed) this.#scheduleJoin(REJOIN_MIN_MS + Math.random() * REJOIN_JITTER_MS);
  }

  #scheduleJoin(delayMs: number): void {
    this.#rejoin = setTimeout(() => {
      this.#rejoin = undefined;
      join(this.socketPath, this.#events).then(
        (member) => {
          if (this.#closed) member.close();
          else this.#member = member;
        },
        () => {
          if (!this.#closed) this.#scheduleJoin(REJOIN_FAILED_MS);
        },
      );
    }, delayMs);
  }
}

/**
 * Opens a port on the switch `name`, shared through its socket in
 * `opts.dir`; this process becomes the switch's hub when no other is.
 * Rejects with SwitchError (a bad name, a directory that cannot hold the
 * socket, a file in the way).
 */
export async function openSwitchPort(name: string, opts: SwitchPortOptions = {}): Promise<SwitchPort> {
  const port = new UnixSwitchPort(name, switchSocketPath(name, opts.dir));
  await port.open();
  return port;
}

