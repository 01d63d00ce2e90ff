/**
 * `typevisor vm`: a command-line client of the hypervisor's API (`typevisor
 * serve`): list, define, start, stop, pause, resume and delete VMs, attach to
 * their consoles, print their metrics and console logs, take and restore
 * snapshots. It only speaks HTTP (and the console's WebSocket) to the server;
 * every refusal is the server's `fault_message` on one line.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { WebSocket, type RawData } from "ws";
import { DEFAULT_MEMORY_MIB } from "../system/memory-map.js";
import { writeErr, writeOut } from "./main.js";
import { defaultStateDir } from "./serve.js";
import { NetSpecError, parseNetSpec, type NetSpec } from "../net/spec.js";

/** Where the hypervisor listens unless --server or $TYPEVISOR_SERVER say otherwise (serve's default). */
const DEFAULT_SERVER = "http://127.0.0.1:8077";
/** How long one API request may take: starting a VM loads its images, a snapshot writes all its RAM. */
const REQUEST_TIMEOUT_MS = 120_000;
/** How often `vm console` asks for the VM's state (the WebSocket does not say when the VM stops). */
const POLL_MS = 500;
/** Once a VM has stopped, how long `vm console` still waits for its last output. */
const STOP_GRACE_MS = 300;
/** Pipe mode's default wait for more output once stdin has ended, in seconds. */
const DEFAULT_IDLE_SECONDS = 1.5;
/** The console's escape byte (Ctrl-A, as in QEMU and screen). */
const CTRL_A = 0x01;

/** A failure the CLI reports as one line with exit status `status` (1: the request failed, 2: bad usage). */
class CliError extends Error {
  constructor(message: string, readonly status = 1) {
    super(message);
  }
}

/** A bad command line (exit status 2). */
const usageError = (m: string) => new CliError(m, 2);

/** A VM as GET /vms and GET /vms/{id} describe it. */
interface VmInfo {
  id: string;
  state: string;
  stop_reason?: string;
  uptime_seconds: number;
  config: { harts?: number; memoryMiB?: number };
}

/** The hypervisor's HTTP API, authenticated with a bearer token. */
class Api {
  constructor(
    /** The server's base URL, without a trailing slash. */
    readonly server: string,
    private readonly token: string,
    /** Where the token came from, for the message when the server refuses it. */
    private readonly tokenSource: string,
  ) {}

  /** Sends a request with an optional JSON body; resolves with the answer's status, headers and body, or throws a CliError. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    try {
      const res = await fetch(this.server + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      if (!res.ok) throw this.refusal(res.status, bytes);
      return { status: res.status, headers: res.headers, bytes };
    } catch (e) {
      if (e instanceof CliError) throw e;
      if ((e as Error).name === "TimeoutError") throw new CliError(`the hypervisor at ${this.server} did not answer ${method} ${path} within ${REQUEST_TIMEOUT_MS / 1000} s`);
      throw this.unreachable();
    }
  }

  /** A request whose answer is JSON (undefined for 204 No Content). */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request(method, path, body);
    if (r.bytes.length === 0) return undefined as T;
    try {
      return JSON.parse(r.bytes.toString("utf8")) as T;
    } catch {
      throw new CliError(`the server at ${this.server} answered ${method} ${path} with something other than JSON: is it a typevisor hypervisor?`);
    }
  }

  /** GET /vms/{id}. */
  vm(id: string): Promise<VmInfo> {
    return this.json<VmInfo>("GET", vmPath(id));
  }

  /**
   * Opens VM `id`'s console WebSocket; resolves once it is open. `onOutput` is
   * attached first: the backlog may arrive in the same read as the handshake.
   */
  openConsole(id: string, onOutput: (bytes: Buffer) => void): Promise<WebSocket> {
    const url = this.server.replace(/^http/, "ws") + vmPath(id, "console");
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.token}` } });
    ws.on("message", (data: RawData) => onOutput(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)));
    return new Promise((resolveWs, reject) => {
      ws.once("open", () => resolveWs(ws));
      ws.once("unexpected-response", (_req, res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => reject(this.refusal(res.statusCode ?? 500, Buffer.concat(chunks))));
        res.on("error", () => reject(this.refusal(res.statusCode ?? 500, Buffer.alloc(0))));
      });
      ws.once("error", () => reject(this.unreachable()));
    });
  }

  /** The error for an answer with a non-2xx `status` and body `bytes` (normally `{"fault_message"}`). */
  private refusal(status: number, bytes: Buffer): CliError {
    let fault: string | undefined;
    try {
      const m = (JSON.parse(bytes.toString("utf8")) as { fault_message?: unknown }).fault_message;
      if (typeof m === "string") fault = m;
    } catch { /* not JSON: described below */ }
    if (status === 401) {
      return new CliError(`the hypervisor at ${this.server} refused the API token from ${this.tokenSource}: use the one in its state dir's token file (--token, $TYPEVISOR_TOKEN or --state-dir)`);
    }
    return new CliError(fault ?? `the server at ${this.server} answered HTTP ${status} without a fault_message: is it a typevisor hypervisor?`);
  }

  private unreachable(): CliError {
    return new CliError(`cannot reach the hypervisor at ${this.server}: is 'typevisor serve' running?`);
  }
}

/** The API path of VM `id` (and a part under it). */
function vmPath(id: string, part?: string): string {
  return `/vms/${encodeURIComponent(id)}${part === undefined ? "" : `/${part}`}`;
}

/** The parsed command line a subcommand runs with. */
interface Invocation {
  /** Positional arguments, as named by the subcommand's `args`. */
  args: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Options in command-line order (for --disk and --disk-ro, whose order names the drives). */
  tokens: { name: string; value?: string }[];
  /** Connects to the API (read lazily, so --help needs no token). */
  api(): Api;
}

/** One `typevisor vm` subcommand. */
interface Subcommand {
  /** Positional arguments, as shown in the usage line. */
  args: string[];
  /** Extra usage after the arguments, e.g. "[--offset N]". */
  usage?: string;
  /** One line for `typevisor vm --help`. */
  summary: string;
  /** What `typevisor vm SUBCOMMAND --help` explains. */
  details: string;
  options?: ParseArgsConfig["options"];
  /** Help per option: [flag and value, what it does]. */
  optionHelp?: [string, string][];
  run(inv: Invocation): Promise<number>;
}

/** Options every subcommand takes (before or after the subcommand). */
const CONNECTION_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
  "state-dir": { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** The help of CONNECTION_OPTIONS, shown by every --help. */
const CONNECTION_HELP = `Connection options (before or after the subcommand):
      --server URL     The hypervisor (default $TYPEVISOR_SERVER, else ${DEFAULT_SERVER}).
      --token TOKEN    The API token (default $TYPEVISOR_TOKEN, else the one in STATE-DIR/token).
      --state-dir DIR  The server's state dir, where its token is (default: serve's,
                       $XDG_STATE_HOME/typevisor, else ~/.local/state/typevisor).
      --debug          Show stack traces for internal errors.
  -h, --help           Show help (of a subcommand: 'typevisor vm SUBCOMMAND --help').`;

/** Writes `s` followed by a newline to stdout. */
const say = (s: string) => writeOut(s + "\n");

/** A subcommand that sends one request about VM ID (to `part` under /vms/ID, or /vms/ID itself) and says what happened. */
function lifecycle(summary: string, details: string, method: string, part: string | undefined, body: unknown, done: string): Subcommand {
  return {
    args: ["ID"], summary, details,
    async run({ args: [id], api }) {
      await api().request(method, vmPath(id, part), body);
      say(`VM ${id} ${done}`);
      return 0;
    },
  };
}

/** Every subcommand by name, in the order `typevisor vm --help` lists them. */
const SUBCOMMANDS: Record<string, Subcommand> = {
  ls: {
    args: [], summary: "List the VMs: state, vCPUs, memory, uptime, and why stopped ones stopped",
    details: "Lists every VM the hypervisor knows (definitions survive a restart of the server, as Stopped).",
    async run({ api }) {
      const vms = await api().json<VmInfo[]>("GET", "/vms");
      if (vms.length === 0) { say("no VMs (define one with 'typevisor vm create ID')"); return 0; }
      const reasons = vms.some((v) => v.stop_reason !== undefined);
      writeOut(table(
        ["ID", "STATE", "VCPUS", "MEMORY", "UPTIME", ...(reasons ? ["STOP REASON"] : [])],
        vms.map((v) => [v.id, v.state, String(v.config.harts ?? 1), `${v.config.memoryMiB ?? DEFAULT_MEMORY_MIB} MiB`,
          v.state === "NotStarted" ? "-" : duration(v.uptime_seconds), ...(reasons ? [v.stop_reason ?? ""] : [])]),
        [2, 3, 4],
      ));
      return 0;
    },
  },
  create: {
    args: ["ID"], usage: "[options]", summary: "Define a VM (the built-in Linux guest unless --kernel says otherwise)",
    details: `Defines VM ID without starting it ('typevisor vm start ID' boots it). Without options it is
the built-in guest: Linux 6.1 with a busybox shell, ${DEFAULT_MEMORY_MIB} MiB, one vCPU. Relative paths
are made absolute against the current directory; the files must lie in a directory the
server allows ('typevisor serve --allow-path').`,
    options: {
      kernel: { type: "string" }, initrd: { type: "string" }, append: { type: "string" }, memory: { type: "string" },
      smp: { type: "string" }, disk: { type: "string", multiple: true }, "disk-ro": { type: "string", multiple: true },
      bios: { type: "string" }, "cpu-quota": { type: "string" }, net: { type: "string", multiple: true },
    },
    optionHelp: [
      ["--kernel FILE", "The kernel (default: the built-in Linux; a bare-metal program with --bios none)."],
      ["--initrd FILE", "An initial RAM disk."],
      ["--append CMDLINE", "The kernel command line."],
      ["--memory MIB", "Guest RAM in MiB."],
      ["--smp N", "Number of vCPUs (harts)."],
      ["--disk FILE", "A raw disk image as a virtio-blk drive (repeatable: /dev/vda, /dev/vdb...)."],
      ["--disk-ro FILE", "A read-only drive (repeatable; numbered in order with --disk)."],
      ["--bios FILE|none", "The firmware, or none to run the kernel as a bare-metal M-mode program."],
      ["--cpu-quota PERCENT", "Share of one host core the guest may use, 1-100."],
      ["--net SPEC", "A network card (repeatable: eth0, eth1...), as typevisor boot's: user[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]... or switch:NAME, either with an optional ,mac=MAC."],
    ],
    async run({ args: [id], values, tokens, api }) {
      const body = createBody(values, tokens);
      const vm = await api().json<VmInfo>("PUT", vmPath(id), body);
      say(`VM ${vm.id} defined (${vm.state}); 'typevisor vm start ${vm.id}' boots it`);
      return 0;
    },
  },
  start: lifecycle("Boot a VM", "Boots VM ID (from NotStarted, or afresh from Stopped).", "PUT", "actions", { action_type: "InstanceStart" }, "started"),
  stop: lifecycle("Stop a VM (its definition stays)", "Stops VM ID; its definition stays, and 'typevisor vm start ID' boots it afresh.", "PUT", "actions", { action_type: "InstanceStop" }, "stopped"),
  pause: lifecycle("Pause a running VM", "Pauses VM ID: it runs nothing and costs no CPU, and its clock stands still until resumed.", "PATCH", "vm", { state: "Paused" }, "paused"),
  resume: lifecycle("Resume a paused VM", "Resumes VM ID where it was paused.", "PATCH", "vm", { state: "Resumed" }, "resumed"),
  rm: lifecycle("Stop and delete a VM", "Stops VM ID if it runs and deletes its definition.", "DELETE", undefined, undefined, "deleted"),
  console: {
    args: ["ID"], usage: "[--idle SECONDS]", summary: "Attach the terminal to a VM's console (Ctrl-A X detaches)",
    details: `Attaches to VM ID's serial console: its recent output first, then what it prints; what you
type goes to the guest. On a terminal, keys go to the guest as typed (raw mode);
Ctrl-A X detaches and leaves the VM running, Ctrl-A Ctrl-A sends a Ctrl-A.
When stdin is not a terminal (pipe mode), stdin is sent to the guest and the output
printed; it ends once stdin has ended and no output arrived for --idle seconds.
Either way it ends when the VM stops. Input for a VM that has not started is held
until it runs.`,
    options: { idle: { type: "string" } },
    optionHelp: [["--idle SECONDS", `Pipe mode: how long to wait for output after stdin ended (default ${DEFAULT_IDLE_SECONDS}).`]],
    run: ({ args: [id], values, api }) => attachConsole(api(), id, seconds(values.idle, "--idle") ?? DEFAULT_IDLE_SECONDS),
  },
  logs: {
    args: ["ID"], usage: "[--offset N]", summary: "Print a VM's console output",
    details: "Prints VM ID's console output from byte N on (the server keeps the last 1 MiB).",
    options: { offset: { type: "string" } },
    optionHelp: [["--offset N", "Start at byte N of the output (default 0)."]],
    async run({ args: [id], values, api }) {
      const given = str(values.offset);
      const offset = given === undefined ? 0 : wholeNumber(given, "--offset", "bytes", 0);
      const r = await api().request("GET", `${vmPath(id, "console/log")}?offset=${offset}`);
      const from = Number(r.headers.get("x-console-offset") ?? offset);
      if (from > offset) writeErr(`typevisor vm: the output before byte ${from} is no longer kept\n`);
      process.stdout.write(r.bytes);
      return 0;
    },
  },
  gdb: {
    args: ["ID"], usage: "[--port N]", summary: "Open a GDB stub for a running VM",
    details: `Opens a GDB remote stub for VM ID on the server's loopback interface and prints the
command that attaches gdb-multiarch to it. The VM stops when the debugger connects and
runs on when it detaches. One stub per VM; it closes when the VM stops.`,
    options: { port: { type: "string" } },
    optionHelp: [["--port N", "Listen on port N (default: any free port)."]],
    async run({ args: [id], values, api }) {
      const given = str(values.port);
      if (given !== undefined && !(/^\d+$/.test(given) && Number(given) <= 65535)) throw usageError(`--port wants a TCP port (0-65535), got '${given}'`);
      const port = given === undefined ? 0 : Number(given);
      const r = await api().json<{ address: string; port: number }>("PUT", vmPath(id, "gdb"), { port });
      writeOut(`gdb-multiarch -ex 'set architecture riscv:rv64' -ex 'target remote ${r.address}:${r.port}'\n`);
      return 0;
    },
  },
  metrics: {
    args: ["ID"], summary: "Instructions, MIPS, host CPU time, uptime and exits by reason",
    details: `Prints VM ID's metrics: instructions executed, MIPS, host CPU seconds, uptime, and its
exits to the hypervisor by reason, most frequent first (nested reasons as "sbi.TIME.set_timer").
A stopped VM shows those of its last run.`,
    async run({ args: [id], api }) {
      writeOut(metricsTables(await api().json<Record<string, unknown>>("GET", vmPath(id, "metrics"))));
      return 0;
    },
  },
  snapshot: {
    args: ["ID", "FILE"], summary: "Pause a VM and write its snapshot to FILE and FILE.mem",
    details: `Writes a snapshot of VM ID: its state to FILE and its memory to FILE.mem. A running VM is
paused first and stays paused afterwards ('typevisor vm resume ID' continues it); if
the snapshot fails, a VM this command paused is resumed.`,
    async run({ args: [id, file], api: open }) {
      const api = open();
      const path = resolve(file);
      const paused = (await api.vm(id)).state === "Running";
      if (paused) await api.request("PATCH", vmPath(id, "vm"), { state: "Paused" });
      try {
        await api.request("PUT", vmPath(id, "snapshot/create"), { snapshot_path: path, mem_file_path: `${path}.mem` });
      } catch (e) {
        if (paused) await api.request("PATCH", vmPath(id, "vm"), { state: "Resumed" }).catch(() => {});
        throw e;
      }
      say(`VM ${id}: snapshot written to ${path} (state) and ${path}.mem (memory); ${paused ? "the VM was paused for it and stays" : "the VM stays"} paused ('typevisor vm resume ${id}' continues it)`);
      return 0;
    },
  },
  restore: {
    args: ["FILE", "NEW-ID"], usage: "[--paused]", summary: "Create VM NEW-ID from a snapshot (FILE and FILE.mem) and run it",
    details: "Creates VM NEW-ID from the snapshot in FILE (state) and FILE.mem (memory) and resumes it, unless --paused.",
    options: { paused: { type: "boolean" } },
    optionHelp: [["--paused", "Leave the restored VM paused."]],
    async run({ args: [file, id], values, api }) {
      const path = resolve(file);
      const vm = await api().json<VmInfo | undefined>("PUT", vmPath(id, "snapshot/load"), { snapshot_path: path, mem_file_path: `${path}.mem`, resume_vm: values.paused !== true });
      say(`VM ${id} restored from ${path} (${vm?.state ?? (values.paused === true ? "Paused" : "Running")})`);
      return 0;
    },
  },
};

/** `typevisor vm --help`. */
const VM_HELP = `Usage: typevisor vm [connection options] SUBCOMMAND [ARGS] [options]

A command-line client of the hypervisor ('typevisor serve'), over its REST API.

Subcommands:
${Object.entries(SUBCOMMANDS).map(([name, s]) => `  ${usageOf(name, s).padEnd(31)} ${s.summary}`).join("\n")}

${CONNECTION_HELP}

Examples:
  typevisor vm create web --memory 256 --disk rootfs.img
  typevisor vm create www --net user,hostfwd=tcp::8080-:80
  typevisor vm start web && typevisor vm console web
  echo 'uname -a' | typevisor vm console web
  typevisor vm ls

Exit status: 0 on success, 1 when the hypervisor cannot be reached or refuses
the request (its message is printed), 2 for a bad command line.
`;

/** `NAME ARGS [options]` for a usage line. */
function usageOf(name: string, s: Subcommand): string {
  return [name, ...s.args, ...(s.usage === undefined ? [] : [s.usage])].join(" ");
}

/** The help of one subcommand. */
function subcommandHelp(name: string, s: Subcommand): string {
  const width = Math.max(...(s.optionHelp ?? []).map(([flag]) => flag.length));
  const options = s.optionHelp === undefined ? "" : `Options:\n${s.optionHelp.map(([flag, what]) => `      ${flag.padEnd(width)}  ${what}`).join("\n")}\n\n`;
  return `Usage: typevisor vm ${usageOf(name, s)}\n\n${s.details}\n\n${options}${CONNECTION_HELP}\n`;
}

/** Runs `typevisor vm ARGV`; resolves with the exit status. */
export async function vmCommand(argv: string[]): Promise<number> {
  let debug = argv.includes("--debug");
  let name = "";
  try {
    const at = subcommandIndex(argv);
    name = at < 0 ? "" : argv[at];
    const sub = SUBCOMMANDS[name];
    if (at >= 0 && sub === undefined) throw usageError(`unknown subcommand '${name}' (try 'typevisor vm --help')`);
    const rest = at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...CONNECTION_OPTIONS, ...sub?.options }, allowPositionals: true, strict: true, tokens: true });
    } catch (e) {
      const m = (e as Error).message.split(/\.\s/)[0];
      throw usageError(`${m.charAt(0).toLowerCase()}${m.slice(1)} (try 'typevisor vm ${sub === undefined ? "" : `${name} `}--help')`);
    }
    const { values, positionals, tokens } = parsed;
    debug = values.debug === true;
    if (sub === undefined) {
      if (values.help === true) { writeOut(VM_HELP); return 0; }
      writeErr(VM_HELP, 2);
      return 2;
    }
    if (values.help === true) { writeOut(subcommandHelp(name, sub)); return 0; }
    if (positionals.length !== sub.args.length) {
      const problem = positionals.length < sub.args.length ? `missing ${sub.args.slice(positionals.length).join(" ")}` : `unexpected argument '${positionals[sub.args.length]}'`;
      throw usageError(`${problem} (usage: typevisor vm ${usageOf(name, sub)})`);
    }
    const opts = tokens.flatMap((t) => (t.kind === "option" ? [{ name: t.name, value: t.value }] : []));
    return await sub.run({ args: positionals, values, tokens: opts, api: () => connect(values) });
  } catch (e) {
    const where = `typevisor vm${name !== "" && SUBCOMMANDS[name] !== undefined ? ` ${name}` : ""}`;
    if (e instanceof CliError) { writeErr(`${where}: ${e.message}\n`); return e.status; }
    writeErr(debug ? `${where}: internal error: ${(e as Error).stack}\n` : `${where}: internal error: ${(e as Error).message} (--debug shows where)\n`);
    return 1;
  }
}

/** Index in `argv` of the subcommand: the first argument that is neither an option nor an option's value (-1 if none). */
function subcommandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith("-")) return i;
    const opt = CONNECTION_OPTIONS[a.slice(2) as keyof typeof CONNECTION_OPTIONS];
    if (opt?.type === "string") i++;
  }
  return -1;
}

/** The API client for the connection options: --server, $TYPEVISOR_SERVER or the default; --token, $TYPEVISOR_TOKEN or STATE-DIR/token. */
function connect(values: Invocation["values"]): Api {
  const given = str(values.server) ?? nonEmpty(process.env.TYPEVISOR_SERVER) ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(given.includes("://") ? given : `http://${given}`);
  } catch {
    throw usageError(`--server wants a URL such as ${DEFAULT_SERVER}, got '${given}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw usageError(`--server wants an http:// or https:// URL, got '${given}'`);
  const server = url.href.replace(/\/+$/, "");
  const flag = str(values.token);
  if (flag !== undefined) return new Api(server, flag, "--token");
  const env = nonEmpty(process.env.TYPEVISOR_TOKEN);
  if (env !== undefined) return new Api(server, env, "$TYPEVISOR_TOKEN");
  const file = join(str(values["state-dir"]) ?? defaultStateDir(), "token");
  let token: string;
  try {
    token = readFileSync(file, "utf8").trim();
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read (${(e as NodeJS.ErrnoException).code})`;
    throw new CliError(`no API token: ${file} ${why}; pass --token, set $TYPEVISOR_TOKEN, or point --state-dir at the server's state dir`);
  }
  return new Api(server, token, file);
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);

/** `s` as a whole number of at least `min`, or a usage error naming `flag`. */
function wholeNumber(s: string, flag: string, unit: string, min = 1): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < min) throw usageError(`${flag} wants a whole number of ${unit}, got '${s}'`);
  return n;
}

/** An optional number of seconds (> 0), or a usage error naming `flag`. */
function seconds(v: unknown, flag: string): number | undefined {
  if (typeof v !== "string") return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw usageError(`${flag} wants a number of seconds, got '${v}'`);
  return n;
}

/** The PUT /vms/{id} body for `vm create`'s options (Firecracker's names; only what was given). */
function createBody(values: Invocation["values"], tokens: Invocation["tokens"]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const bootSource = {
    ...(str(values.kernel) === undefined ? {} : { kernel_image_path: resolve(str(values.kernel)!) }),
    ...(str(values.initrd) === undefined ? {} : { initrd_path: resolve(str(values.initrd)!) }),
    ...(str(values.append) === undefined ? {} : { boot_args: str(values.append) }),
  };
  if (Object.keys(bootSource).length > 0) body["boot-source"] = bootSource;
  const quota = str(values["cpu-quota"])?.replace(/%$/, "");
  const machine = {
    ...(str(values.smp) === undefined ? {} : { vcpu_count: wholeNumber(str(values.smp)!, "--smp", "vCPUs") }),
    ...(str(values.memory) === undefined ? {} : { mem_size_mib: wholeNumber(str(values.memory)!, "--memory", "MiB") }),
    ...(quota === undefined ? {} : { cpu_quota_percent: wholeNumber(quota, "--cpu-quota", "percent") }),
  };
  if (Object.keys(machine).length > 0) body["machine-config"] = machine;
  const drives = tokens.filter((t) => t.name === "disk" || t.name === "disk-ro");
  if (drives.length > 0) {
    body.drives = drives.map((t, i) => ({ drive_id: `vd${String.fromCharCode(0x61 + i)}`, path_on_host: resolve(t.value ?? ""), is_read_only: t.name === "disk-ro" }));
  }
  const nets = (values.net as string[] | undefined) ?? [];
  if (nets.length > 0) body["network-interfaces"] = nets.map((text, i) => networkInterface(text, `eth${i}`));
  const bios = str(values.bios);
  if (bios !== undefined) body.firmware_path = bios === "none" ? "none" : resolve(bios);
  return body;
}

/** The API body of one `--net SPEC` (a usage error when it does not parse). */
function networkInterface(text: string, ifaceId: string): Record<string, unknown> {
  let spec: NetSpec;
  try {
    spec = parseNetSpec(text);
  } catch (e) {
    if (e instanceof NetSpecError) throw usageError(`--net ${text}: ${e.message}`);
    throw e;
  }
  const card: Record<string, unknown> = { iface_id: ifaceId, ...(spec.mac === undefined ? {} : { guest_mac: spec.mac }) };
  if (spec.backend === "switch") return { ...card, backend: "switch", switch_name: spec.name };
  return {
    ...card, backend: "user",
    host_forwards: spec.hostForwards.map((f) => ({
      protocol: f.protocol, host_port: f.hostPort, guest_port: f.guestPort,
      ...(f.hostAddr === "" ? {} : { host_address: f.hostAddr }), ...(f.guestAddr === "" ? {} : { guest_address: f.guestAddr }),
    })),
  };
}

/** Rows under a header, columns padded to their widest cell (those in `right` aligned right; the last column unpadded). */
function table(header: string[], rows: string[][], right: number[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => {
    if (c === r.length - 1 && !right.includes(c)) return cell;
    return right.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]);
  }).join("  ").trimEnd();
  return all.map(line).join("\n") + "\n";
}

/** Seconds as "12.3s", "4m05s", "2h07m" or "3d04h". */
function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const two = (n: number) => String(Math.floor(n)).padStart(2, "0");
  const m = Math.floor(s / 60), h = Math.floor(m / 60);
  if (m < 60) return `${m}m${two(s % 60)}s`;
  if (h < 24) return `${h}h${two(m % 60)}m`;
  return `${Math.floor(h / 24)}d${two(h % 24)}h`;
}

/** An integer with thousands separators ("59,301,287"); other numbers with two decimals. */
function count(n: number): string {
  return Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",") : n.toFixed(2);
}

/** Every leaf of a nested object as [dotted name, value]. */
function flatten(o: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]): [string, unknown][] =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]);
}

/** The metrics as two tables: the totals (known ones first, under readable names), then the exits by count. */
function metricsTables(m: Record<string, unknown>): string {
  const known: [string, string, (v: number) => string][] = [
    ["instructions", "instructions", count], ["mips", "MIPS", (v) => v.toFixed(2)],
    ["host_cpu_seconds", "host CPU seconds", (v) => v.toFixed(2)], ["uptime_seconds", "uptime", duration],
  ];
  const show = (v: unknown, f: (v: number) => string) => (typeof v === "number" ? f(v) : String(v));
  const rows = known.filter(([k]) => m[k] !== undefined).map(([k, label, f]) => [label, show(m[k], f)]);
  const { exits, ...others } = m;
  for (const k of known) delete others[k[0]];
  rows.push(...flatten(others).map(([k, v]) => [k, show(v, count)]));
  const byCount = flatten(typeof exits === "object" && exits !== null ? (exits as Record<string, unknown>) : {})
    .sort(([a, x], [b, y]) => (typeof y === "number" ? y : -1) - (typeof x === "number" ? x : -1) || a.localeCompare(b));
  const exitTable = byCount.length === 0 ? "no exits recorded\n" : table(["EXIT REASON", "COUNT"], byCount.map(([k, v]) => [k, show(v, count)]), [1]);
  return table(["METRIC", "VALUE"], rows, [1]) + "\n" + exitTable;
}

/** What a key press on the attached terminal means, after Ctrl-A escapes. */
interface Keys {
  /** Bytes for the guest. */
  bytes: Buffer;
  /** Ctrl-A X was typed. */
  detach: boolean;
  /** Ctrl-A H was typed. */
  help: boolean;
}

/** Interprets terminal input: Ctrl-A X detaches, Ctrl-A H shows the keys, Ctrl-A Ctrl-A is a Ctrl-A; other Ctrl-A pairs are dropped (as in QEMU). */
class EscapeKeys {
  private afterCtrlA = false;

  /** Feeds one chunk of input (an escape may span chunks). */
  feed(chunk: Buffer): Keys {
    const out: number[] = [];
    let detach = false, help = false;
    for (const b of chunk) {
      if (detach) break;
      if (!this.afterCtrlA) {
        if (b === CTRL_A) this.afterCtrlA = true;
        else out.push(b);
        continue;
      }
      this.afterCtrlA = false;
      const c = String.fromCharCode(b).toLowerCase();
      if (c === "x") detach = true;
      else if (b === CTRL_A) out.push(CTRL_A);
      else if (c === "h" || c === "?") help = true;
    }
    return { bytes: Buffer.from(out), detach, help };
  }
}

/** The console's keys, shown on attaching and on Ctrl-A H. */
const KEYS_HELP = "Ctrl-A X detaches (the VM keeps running), Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A H shows this";

/** `vm console`: bridges the terminal (or stdin/stdout) and VM `id`'s console WebSocket; resolves with the exit status. */
async function attachConsole(api: Api, id: string, idleSeconds: number): Promise<number> {
  let state = (await api.vm(id)).state;
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  const note = (s: string) => writeErr(`${tty ? "\r\n" : ""}[typevisor vm: ${s}]${tty ? "\r\n" : "\n"}`);
  if (tty) note(`attached to VM ${id}'s console; ${KEYS_HELP}`);
  if (state === "NotStarted") note(`VM ${id} has not started: input is held until it runs ('typevisor vm start ${id}')`);
  let afterOutput = () => {};
  const ws = await api.openConsole(id, (bytes) => {
    process.stdout.write(bytes);
    afterOutput();
  });

  return new Promise<number>((resolveExit) => {
    const held: Buffer[] = [];
    const keys = new EscapeKeys();
    let stdinEnded = false, done = false, polling = false;
    let idle: NodeJS.Timeout | undefined;
    const running = () => state === "Running" || state === "Paused";

    const finish = (code: number, notice?: string) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(idle);
      if (tty) stdin.setRawMode(false);
      stdin.pause();
      process.off("SIGTERM", onSignal).off("SIGHUP", onSignal);
      ws.removeAllListeners("close");
      ws.close();
      if (notice !== undefined) note(notice);
      resolveExit(code);
    };
    const onSignal = () => finish(1, "interrupted");
    /** Pipe mode: ends once stdin has ended, its input went out, and no output came for the idle time. */
    const armIdle = () => {
      clearTimeout(idle);
      if (!tty && stdinEnded && held.length === 0 && running()) idle = setTimeout(() => finish(0), idleSeconds * 1000);
    };
    const send = (b: Buffer) => {
      if (b.length === 0) return;
      if (running()) ws.send(b);
      else held.push(b);
    };
    /** Sends the input held while the VM was not running (the idle time counts from then). */
    const release = () => {
      if (!running() || held.length === 0) return;
      for (const b of held.splice(0)) ws.send(b);
      armIdle();
    };
    const check = async () => {
      if (polling || done) return;
      polling = true;
      try {
        const vm = await api.vm(id);
        state = vm.state;
        if (state !== "Stopped") { release(); return; }
        clearInterval(poll);
        setTimeout(() => finish(0, `VM ${id} stopped${vm.stop_reason === undefined ? "" : `: ${vm.stop_reason}`}`), STOP_GRACE_MS);
      } catch (e) {
        finish(1, (e as Error).message);
      } finally {
        polling = false;
      }
    };
    const poll = setInterval(() => void check(), POLL_MS);

    afterOutput = armIdle;
    ws.on("close", () => finish(1, "the hypervisor closed the console connection"));
    ws.on("error", () => finish(1, "the console connection failed"));
    process.stdout.on("error", () => finish(0));
    process.once("SIGTERM", onSignal).once("SIGHUP", onSignal);

    if (tty) stdin.setRawMode(true);
    stdin.on("data", (chunk: Buffer) => {
      if (!tty) { send(chunk); return; }
      const k = keys.feed(chunk);
      send(k.bytes);
      if (k.help) note(KEYS_HELP);
      if (k.detach) finish(0, `detached; VM ${id} keeps running ('typevisor vm console ${id}' attaches again)`);
    });
    stdin.on("end", () => {
      stdinEnded = true;
      if (tty) finish(0);
      else armIdle();
    });
    stdin.resume();
    void check();
  });
}
