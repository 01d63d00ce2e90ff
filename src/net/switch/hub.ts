/**
 * The hub of a switch: the process that listens on the switch's socket and
 * runs its L2Switch, with one port for its own guest and one per connected
 * client.
 *
 * Claiming the socket path is atomic: the hub listens on a fresh temporary
 * name in the same directory and hard-links it to the switch's path, which
 * fails with EEXIST when another process got there first (rename would
 * silently replace the winner's socket). A listening pipe that Node closes
 * unlinks the name it was bound to, which is the temporary one, so closing
 * never removes another hub's socket; the hub removes the switch's path
 * itself, and only while it still names its own socket.
 *
 * Every few seconds the hub checks that the path still names its socket;
 * when it does not (another process removed it, or took it over after
 * mistaking it for a stale one), the hub steps down so that everyone joins
 * whichever hub now owns the path.
 */
import { accessSync, constants, existsSync, linkSync, lstat, lstatSync, renameSync, statSync, unlinkSync, type Stats } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { L2Switch, type L2Port } from "./l2-switch.js";
import { FrameReader, sendFrame } from "./framing.js";
import { SwitchError } from "./socket-path.js";
import { errnoCode, type Member, type MemberEvents } from "./member.js";

/** How often a hub checks that the switch's path still names its socket. */
export const PATH_CHECK_MS = 2000;

/** The listening side of a switch in this process. */
export class Hub implements Member {
  readonly role = "hub" as const;
  readonly #switch = new L2Switch();
  readonly #local: L2Port;
  readonly #connections = new Set<Socket>();
  readonly #check: NodeJS.Timeout;
  #stopped = false;

  private constructor(
    private readonly server: Server,
    private readonly path: string,
    private readonly socketFile: Stats,
    private readonly events: MemberEvents,
  ) {
    this.#local = this.#switch.attach((frame) => events.deliver(frame));
    server.on("connection", (socket) => this.#accept(socket));
    server.on("error", () => this.#lose());
    this.#check = setInterval(() => this.#checkPath(), PATH_CHECK_MS).unref();
  }

  /**
   * Listens on `path` as its hub; undefined when another process claimed the
   * path first (the caller connects to it instead). Rejects with SwitchError
   * when the directory cannot hold a socket.
   */
  static async start(path: string, events: MemberEvents): Promise<Hub | undefined> {
    const temp = join(dirname(path), `.tvs-${randomBytes(6).toString("hex")}`);
    const server = createServer();
    await listen(server, temp, path);
    let socketFile: Stats;
    try {
      socketFile = lstatSync(temp);
      if (!claim(temp, path)) {
        server.close();
        return undefined;
      }
    } catch (err) {
      server.close();
      throw new SwitchError(`cannot create the switch socket ${path}: ${errnoCode(err) ?? String(err)}`);
    }
    try {
      unlinkSync(temp);
    } catch {
      // already gone: nothing to tidy
    }
    return new Hub(server, path, socketFile, events);
  }

  /** Clients connected now. */
  get peers(): number {
    return this.#connections.size;
  }

  /** A frame from this process's guest. */
  transmit(frame: Uint8Array): void {
    this.#local.input(frame);
  }

  /**
   * Stops serving: removes the switch's path (while it is still this hub's),
   * stops listening and drops every client, which then elect a new hub.
   */
  close(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#check);
    if (this.#ownsPath()) {
      try {
        unlinkSync(this.path);
      } catch {
        // removed meanwhile: fine
      }
    }
    this.server.close();
    for (const socket of this.#connections) socket.destroy();
    this.#connections.clear();
    this.#local.detach();
  }

  #accept(socket: Socket): void {
    if (this.#stopped) {
      socket.destroy();
      return;
    }
    this.#connections.add(socket);
    const port = this.#switch.attach((frame) => sendFrame(socket, frame));
    const reader = new FrameReader((frame) => port.input(frame));
    socket.on("data", (chunk: Buffer) => {
      if (!reader.push(chunk)) socket.destroy();
    });
    socket.on("error", () => {
      // a reset or a broken pipe: 'close' follows
    });
    socket.on("close", () => {
      this.#connections.delete(socket);
      port.detach();
    });
  }

  #ownsPath(): boolean {
    try {
      const now = lstatSync(this.path);
      return now.ino === this.socketFile.ino && now.dev === this.socketFile.dev;
    } catch {
      return false;
    }
  }

  #checkPath(): void {
    lstat(this.path, (err, now) => {
      if (err !== null || now.ino !== this.socketFile.ino || now.dev !== this.socketFile.dev) this.#lose();
    });
  }

  /** Steps down after losing the path or the listener; the owner elects again. */
  #lose(): void {
    if (this.#stopped) return;
    this.close();
    this.events.lost();
  }
}

/** Listens on `temp`, rejecting with a SwitchError that names the switch's `path`. */
function listen(server: Server, temp: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => {
      const code = errnoCode(err);
      // libuv reports a missing directory as EACCES: look at the directory to say which
      const problem = directoryProblem(dirname(path));
      if (problem !== undefined) reject(new SwitchError(`cannot create the switch socket ${path}: ${problem}`));
      else reject(new SwitchError(`cannot listen on the switch socket ${path}: ${code ?? err.message}`));
    };
    server.once("error", failed);
    server.listen(temp, () => {
      server.off("error", failed);
      resolve();
    });
  });
}

/** What keeps `dir` from holding a new socket, or undefined when nothing visible does. */
function directoryProblem(dir: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch (err) {
    return errnoCode(err) === "ENOENT" ? `directory ${dir} does not exist` : `${dir} is not a directory`;
  }
  if (!stats.isDirectory()) return `${dir} is not a directory`;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return `directory ${dir} is not writable`;
  }
  return undefined;
}

/**
 * Gives the socket at `temp` the name `path` unless `path` exists; false
 * when it does. Falls back to a check-then-rename where the file system has
 * no hard links (a race there is caught by the hubs' path check).
 */
function claim(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    const code = errnoCode(err);
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EMLINK") throw err;
  }
  if (existsSync(path)) return false;
  renameSync(temp, path);
  return true;
}
