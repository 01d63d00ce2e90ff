/** `typevisor serve`: the hypervisor, a long-running process hosting many guest VMs behind an HTTP API. */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { homedir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { IMAGES_DIR } from "../system/machine.js";
import { VmManager } from "../hypervisor/manager.js";
import { WORKER_HEAP_MIB } from "../hypervisor/vm-handle.js";
import { PathPolicy } from "../hypervisor/paths.js";
import { ApiServer } from "../hypervisor/server.js";
import { SnapshotDir } from "../hypervisor/snapshot-dir.js";
import { writeErr, writeOut } from "./main.js";

const HELP = `Usage: typevisor serve [--listen HOST:PORT] [--state-dir DIR] [options]

Runs the hypervisor: a long-running process hosting many guest VMs, each in
its own worker thread, driven by a REST API (JSON over HTTP; OpenAPI document
at /openapi.json; see docs/hypervisor.md). Every request needs the bearer
token kept in STATE-DIR/token (created at first start and printed once).
'typevisor vm' is a command-line client of this API.

Options:
      --listen HOST:PORT     Address to listen on (default 127.0.0.1:8077; port 0 picks a free one).
      --allow-remote         Allow listening on an address other than loopback.
      --state-dir DIR        VM definitions and the API token (default $XDG_STATE_HOME/typevisor,
                             else ~/.local/state/typevisor).
      --memory-budget MIB    Guest RAM the running VMs may hold in total (default: half the host's memory).
      --allow-path DIR       A host directory whose files the API may name as kernel, initrd, firmware,
                             drive or snapshot (repeatable; the state dir and the built-in images/ always are).
      --worker-heap MIB      JavaScript heap limit of each guest's worker thread (default ${WORKER_HEAP_MIB}; guest
                             RAM is not part of it). A worker over it is ended and its VM reported stopped.
  -h, --help                 Show this help.
`;

/** The default state dir: $XDG_STATE_HOME/typevisor, else ~/.local/state/typevisor. */
export function defaultStateDir(): string {
  const xdg = process.env.XDG_STATE_HOME;
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".local", "state"), "typevisor");
}

/** The API token in `stateDir` (created, mode 0600, when missing); `created` tells whether it is new. */
export function apiToken(stateDir: string): { token: string; created: boolean } {
  const file = join(stateDir, "token");
  if (existsSync(file)) return { token: readFileSync(file, "utf8").trim(), created: false };
  const token = randomBytes(24).toString("base64url");
  writeFileSync(file, token + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, created: true };
}

/** Runs `typevisor serve` until SIGINT/SIGTERM; resolves with the exit status. */
export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: {
        listen: { type: "string" },
        "allow-remote": { type: "boolean" },
        "state-dir": { type: "string" },
        "memory-budget": { type: "string" },
        "allow-path": { type: "string", multiple: true },
        "worker-heap": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    writeErr(`typevisor serve: ${(e as Error).message.split("\n")[0]} (try 'typevisor serve --help')\n`);
    return 2;
  }
  if (values.help) { writeOut(HELP); return 0; }
  const m = /^(.*):(\d+)$/.exec(values.listen ?? "127.0.0.1:8077");
  if (m === null || Number(m[2]) > 65535) {
    writeErr(`typevisor serve: --listen wants HOST:PORT, got '${values.listen}'\n`);
    return 2;
  }
  const host = m[1].replace(/^\[(.*)\]$/, "$1"), port = Number(m[2]);
  const loopback = host === "localhost" || host === "::1" || /^127\./.test(host);
  if (!loopback && !values["allow-remote"]) {
    writeErr(`typevisor serve: ${host} is not a loopback address; add --allow-remote to accept connections from other machines\n`);
    return 2;
  }
  const budget = values["memory-budget"] === undefined ? Math.floor(totalmem() / 2 / (1 << 20)) : Number(values["memory-budget"]);
  if (!Number.isInteger(budget) || budget < 1) {
    writeErr(`typevisor serve: --memory-budget wants a whole number of MiB, got '${values["memory-budget"]}'\n`);
    return 2;
  }
  const heap = values["worker-heap"] === undefined ? WORKER_HEAP_MIB : Number(values["worker-heap"]);
  if (!Number.isInteger(heap) || heap < 1) {
    writeErr(`typevisor serve: --worker-heap wants a whole number of MiB, got '${values["worker-heap"]}'\n`);
    return 2;
  }
  const stateDir = values["state-dir"] ?? defaultStateDir();
  let paths: PathPolicy, manager: VmManager, token: string, created: boolean, snapshots: SnapshotDir;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    for (const d of values["allow-path"] ?? []) if (!statSync(d).isDirectory()) throw new Error(`--allow-path ${d}: not a directory`);
    paths = new PathPolicy([stateDir, IMAGES_DIR, ...(values["allow-path"] ?? [])]);
    ({ token, created } = apiToken(stateDir));
    manager = new VmManager(stateDir, budget, heap);
    snapshots = new SnapshotDir(join(realpathSync(stateDir), "snapshots"));
  } catch (e) {
    writeErr(`typevisor serve: ${(e as Error).message}\n`);
    return 2;
  }
  const server = new ApiServer({ manager, paths, token, snapshots });
  let bound: number;
  try {
    bound = await server.listen(port, host);
  } catch (e) {
    writeErr(`typevisor serve: cannot listen on ${host}:${port}: ${(e as Error).message}\n`);
    return 2;
  }
  const shown = host.includes(":") ? `[${host}]` : host;
  writeOut(`typevisor serve: listening on http://${shown}:${bound} (state dir ${stateDir}, memory budget ${budget} MiB)\n`);
  if (created) writeOut(`typevisor serve: API token (also in ${join(stateDir, "token")}): ${token}\n`);
  await new Promise<void>((resolve) => {
    const quit = () => resolve();
    process.once("SIGINT", quit);
    process.once("SIGTERM", quit);
  });
  writeOut("typevisor serve: stopping every VM\n");
  await manager.stopAll();
  await server.close();
  return 0;
}
