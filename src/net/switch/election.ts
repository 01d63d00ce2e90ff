/**
 * Joining a switch: connect to its socket and be a client, or, when nobody
 * listens there, claim the socket and be the hub.
 *
 *   - connected: a client;
 *   - ENOENT (no socket): become the hub (Hub.start); when another process
 *     claimed the path meanwhile, connect again;
 *   - ECONNREFUSED (a socket file nobody listens on, left by a hub that
 *     died): remove it, unless it is not a socket (an error) or has been
 *     replaced since it refused, then go round again;
 *   - EAGAIN (the hub's accept queue is full): wait a little, go round again.
 */
import { lstatSync, unlinkSync, type Stats } from "node:fs";
import { ClientLink, connectSocket } from "./client.js";
import { Hub } from "./hub.js";
import { errnoCode, type Member, type MemberEvents } from "./member.js";
import { SwitchError } from "./socket-path.js";

/** Rounds of connect-or-listen before giving up (each round only repeats after another process changed the path). */
export const MAX_JOIN_ROUNDS = 50;
/** Pause before connecting again to a hub whose accept queue was full. */
export const BUSY_RETRY_MS = 20;

/** Joins the switch at `path` as a client or as its hub; rejects with SwitchError. */
export async function join(path: string, events: MemberEvents): Promise<Member> {
  for (let round = 0; round < MAX_JOIN_ROUNDS; round++) {
    const before = statOrUndefined(path);
    let code: string | undefined;
    try {
      return new ClientLink(await connectSocket(path), events);
    } catch (err) {
      code = errnoCode(err);
      if (code === undefined) throw new SwitchError(`cannot connect to the switch socket ${path}: ${String(err)}`);
    }
    if (code === "ENOENT") {
      const hub = await Hub.start(path, events);
      if (hub !== undefined) return hub;
    } else if (code === "ECONNREFUSED") {
      removeStale(path, before);
    } else if (code === "EAGAIN") {
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    } else if (code === "EACCES" || code === "EPERM") {
      throw new SwitchError(`cannot connect to the switch socket ${path}: permission denied`);
    } else if (code === "ENOTDIR") {
      throw new SwitchError(`cannot open the switch socket ${path}: a part of its directory is not a directory`);
    } else {
      throw new SwitchError(`cannot connect to the switch socket ${path}: ${code}`);
    }
  }
  throw new SwitchError(`cannot join the switch at ${path}: its socket keeps changing`);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Removes the socket file at `path` that refused a connection, when it is
 * still the file seen before connecting (`before`): a file replaced since
 * belongs to a hub that just started.
 */
function removeStale(path: string, before: Stats | undefined): void {
  const now = statOrUndefined(path);
  if (now === undefined) return;
  if (!now.isSocket()) throw new SwitchError(`${path} exists and is not a socket: remove it or use another switch name`);
  if (before === undefined || before.ino !== now.ino || before.dev !== now.dev) return;
  try {
    unlinkSync(path);
  } catch (err) {
    if (errnoCode(err) !== "ENOENT") throw new SwitchError(`cannot remove the stale switch socket ${path}: ${errnoCode(err) ?? String(err)}`);
  }
}
