/**
 * The hypervisor's API server: JSON over HTTP with Firecracker's request
 * bodies under a per-VM prefix, a bearer token on every request, console
 * WebSockets. It only parses, validates and forwards: guests run in their own
 * worker threads (vm-handle.ts), never on this thread.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { ApiError, badRequest, conflict, notFound } from "./api/errors.js";
import { checkId, object, onlyFields, optBool, optInt, optString, parseBody, reqString } from "./api/parse.js";
import { MAX_MEM_MIB, parseCreateVm } from "./api/create-vm.js";
import { checkNetSpec, MAX_NICS, parseNetworkInterface } from "./api/network-interface.js";
import type { MachineConfig } from "../system/machine.js";
import { OPENAPI } from "./openapi.js";
import { serveWeb } from "./web-assets.js";
import { migrate } from "./migration/source.js";
import type { VmManager } from "./manager.js";
import type { PathPolicy } from "./paths.js";
import type { VmHandle } from "./vm-handle.js";
import type { SnapshotDir } from "./snapshot-dir.js";

/** Largest request body accepted (JSON or console input). */
const MAX_BODY = 1 << 20;

/** What the server needs. */
export interface ServerOptions {
  manager: VmManager;
  paths: PathPolicy;
  /** The bearer token every request must carry. */
  token: string;
  /** The server's snapshot directory (GET /snapshots). */
  snapshots: SnapshotDir;
}

/** An answer: JSON (`json`) or raw bytes (`raw`), with a status (200 by default) and extra headers. */
interface Reply {
  status?: number;
  json?: unknown;
  raw?: Uint8Array;
  headers?: Record<string, string>;
}

/** A VM as GET /vms/{id} shows it. */
function describe(h: VmHandle): Record<string, unknown> {
  return {
    id: h.id,
    state: h.state === "Starting" ? "NotStarted" : h.state,
    ...(h.stopReason !== undefined && h.state === "Stopped" ? { stop_reason: h.stopReason } : {}),
    created: h.created,
    uptime_seconds: Math.round(h.uptimeSeconds * 1000) / 1000,
    config: h.config,
  };
}

/** Reads a request body up to `limit` bytes (413 beyond). */
function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
      if (n > limit) { reject(new ApiError(413, `the body is larger than ${limit} bytes`)); req.resume(); return; }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The hypervisor's HTTP server. */
export class ApiServer {
  readonly http: Server;
  // A browser sends the token as a second subprotocol; the connection speaks "typevisor".
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has("typevisor") ? "typevisor" : false) });
  private readonly token: Buffer;

  constructor(private readonly opts: ServerOptions) {
    this.token = Buffer.from(opts.token);
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => {
        const a = this.http.address();
        resolve(typeof a === "object" && a !== null ? a.port : port);
      });
    });
  }

  /** Stops accepting requests and closes every connection. */
  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.http.closeAllConnections();
    return new Promise((r) => this.http.close(() => r()));
  }

  /**
   * Whether the request carries the token: as a bearer token, or (a browser's
   * WebSocket, which cannot set headers) as the subprotocol "bearer.TOKEN".
   */
  private authorized(req: IncomingMessage): boolean {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const proto = /(?:^|,\s*)bearer\.([A-Za-z0-9_-]+)/.exec(String(req.headers["sec-websocket-protocol"] ?? ""));
    const t = m?.[1] ?? proto?.[1];
    if (t === undefined) return false;
    const given = Buffer.from(t);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // The dashboard's page and assets are public (they hold no secret); the page asks for the token.
      if ((req.method === "GET" || req.method === "HEAD") && serveWeb(req.url ?? "/", res)) return;
      if (!this.authorized(req)) throw new ApiError(401, "missing or wrong bearer token (Authorization: Bearer <token from the state dir>)");
      const url = new URL(req.url ?? "/", "http://localhost");
      const out = await this.route(req.method ?? "GET", url, req);
      if (out === undefined) { res.writeHead(204).end(); return; }
      const { status = 200, headers = {} } = out;
      if (out.raw !== undefined) res.writeHead(status, { "content-type": "application/octet-stream", ...headers }).end(out.raw);
      else res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(out.json) + "\n");
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ fault_message: status === 500 ? `internal error: ${message}` : message }) + "\n");
    }
  }

  /** Dispatches one request; undefined answers 204 No Content. */
  private async route(method: string, url: URL, req: IncomingMessage): Promise<Reply | undefined> {
    const parts = url.pathname.split("/").filter((p) => p !== "").map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw badRequest(`the path ${url.pathname} is not valid percent-encoding`);
      }
    });
    const m = this.opts.manager;
    const json = async () => parseBody((await readBody(req)).toString("utf8"));
    const allow = (...methods: string[]) => { if (!methods.includes(method)) throw new ApiError(405, `${method} is not allowed on ${url.pathname}`); };

    if (parts.length === 1 && parts[0] === "openapi.json") { allow("GET"); return { json: OPENAPI }; }
    if (parts.length === 1 && parts[0] === "host") {
      allow("GET");
      return { json: { memory_budget_mib: m.memoryBudgetMiB, memory_used_mib: m.memoryUsedMiB, vms: m.list().length, snapshot_dir: this.opts.snapshots.dir } };
    }
    if (parts[0] === "snapshots" && parts.length <= 2) {
      if (parts.length === 1) { allow("GET"); return { json: this.opts.snapshots.list() }; }
      allow("DELETE");
      this.opts.snapshots.remove(parts[1]);
      return undefined;
    }
    if (parts[0] !== "vms") throw notFound(`no route ${url.pathname}`);
    if (parts.length === 1) { allow("GET"); return { json: m.list().map(describe) }; }
    const id = checkId("VM id", parts[1]);
    const rest = parts.slice(2).join("/");
    if (parts.length === 4 && parts[2] === "network-interfaces") {
      const iface = checkId("iface_id", parts[3]);
      if (method === "DELETE") { m.removeNetworkInterface(m.get(id), iface); return undefined; }
      allow("PUT", "DELETE");
      const spec = parseNetworkInterface(await json(), "body", iface);
      m.setNetworkInterface(m.get(id), spec);
      return undefined;
    }
    switch (rest) {
      case "":
        if (method === "PUT") {
          const config = parseCreateVm(await json(), this.opts.paths);
          return { status: 201, json: describe(m.create(id, config)) };
        }
        if (method === "DELETE") { await m.delete(id); return undefined; }
        allow("GET");
        return { json: describe(m.get(id)) };
      case "actions": {
        allow("PUT");
        const b = await json();
        onlyFields("body", b, ["action_type"]);
        const action = reqString(b, "action_type", "body");
        const h = m.get(id);
        switch (action) {
          case "InstanceStart":
            if (h.live || h.state === "Starting") throw conflict(`VM '${id}' is ${h.state}`);
            await m.start(h);
            return undefined;
          case "InstanceStop":
            await h.stop();
            return undefined;
          case "SendCtrlAltDel":
            throw badRequest("SendCtrlAltDel: this board has no keyboard controller (as Firecracker on aarch64); use InstanceStop, or 'poweroff' in the guest");
          default:
            throw badRequest(`action_type must be InstanceStart, InstanceStop or SendCtrlAltDel, not '${action}'`);
        }
      }
      case "vm": {
        allow("PATCH");
        const b = await json();
        onlyFields("body", b, ["state"]);
        const state = reqString(b, "state", "body");
        const h = m.get(id);
        if (state === "Paused") await h.pause();
        else if (state === "Resumed") await h.resume();
        else throw badRequest(`state must be Paused or Resumed, not '${state}'`);
        return undefined;
      }
      case "gdb": {
        allow("PUT");
        const b = await json();
        onlyFields("body", b, ["port"]);
        const port = b.port ?? 0;
        if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) throw badRequest(`port must be a TCP port (0-65535; 0 for any free one), not ${JSON.stringify(port)}`);
        return { json: { address: "127.0.0.1", port: await m.get(id).openGdb(port as number) } };
      }
      case "metrics":
        allow("GET");
        return { json: await m.get(id).metrics() };
      case "snapshot/create": {
        allow("PUT");
        const b = await json();
        onlyFields("body", b, ["snapshot_path", "mem_file_path"]);
        const h = m.get(id);
        const statePath = this.opts.paths.writable("snapshot_path", reqString(b, "snapshot_path", "body"));
        const memPath = this.opts.paths.writable("mem_file_path", reqString(b, "mem_file_path", "body"));
        await h.snapshot(statePath, memPath);
        return undefined;
      }
      case "snapshot/load": {
        allow("PUT");
        const b = await json();
        onlyFields("body", b, ["snapshot_path", "mem_file_path", "resume_vm"]);
        const statePath = this.opts.paths.existing("snapshot_path", reqString(b, "snapshot_path", "body"));
        const memPath = this.opts.paths.existing("mem_file_path", reqString(b, "mem_file_path", "body"));
        const resume = optBool(b, "resume_vm", "body") ?? false;
        return { status: 201, json: await this.load(id, statePath, memPath, resume) };
      }
      case "migrate": {
        allow("PUT");
        const b = await json();
        onlyFields("body", b, ["destination", "token"]);
        const dest = reqString(b, "destination", "body").replace(/\/+$/, "");
        if (!/^https?:\/\/[^/]+$/.test(dest)) throw badRequest(`destination must be http://HOST:PORT, not '${dest}'`);
        const h = m.get(id);
        if (h.state !== "Running") throw conflict(`VM '${id}' is ${h.state}; only a running VM is migrated`);
        return { json: await migrate(h, dest, reqString(b, "token", "body")) };
      }
      case "migration/begin": {
        allow("PUT");
        const b = await json();
        onlyFields("body", b, ["config"]);
        // Every host file the arriving VM names must be one this host allows (disks are opened read-write).
        const c = parseMigratedConfig(b.config), paths = this.opts.paths;
        for (const k of ["kernel", "initrd", "bios"] as const) if (c[k] !== undefined && c[k] !== "none") c[k] = paths.existing(`config.${k}`, c[k]!);
        c.disks = c.disks?.map((d, i) => ({ ...d, path: paths.existing(`config.disks[${i}].path`, d.path) }));
        m.beginIncoming(id, c);
        return undefined;
      }
      case "migration/pages": {
        allow("PUT");
        const inc = m.incomingFor(id);
        await inc.incomingPages(await readBody(req, inc.memoryMiB * 1025 * 1024 + 4096));
        return undefined;
      }
      case "migration/finish": {
        allow("PUT");
        m.incomingFor(id);
        const state = await readBody(req, 16 << 20);
        return { status: 201, json: describe(await m.finishIncoming(id, state)) };
      }
      case "migration/abort":
        allow("PUT");
        await m.abortIncoming(id);
        return undefined;
      case "console/log": {
        allow("GET");
        const h = m.get(id);
        const offset = Number(url.searchParams.get("offset") ?? "0");
        if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest("offset must be a whole number of bytes");
        const r = h.console.read(offset);
        // The output from r.offset (later than asked when that part is no longer kept); the next poll asks from the end.
        return { raw: r.bytes, headers: { "x-console-offset": String(r.offset), "x-console-next-offset": String(h.console.end) } };
      }
      case "console/input": {
        allow("POST");
        const h = m.get(id);
        h.input(await readBody(req));
        return undefined;
      }
    }
    throw notFound(`no route ${url.pathname}`);
  }

  /** PUT /vms/{id}/snapshot/load: a new VM restored from snapshot files (no VM is created when they are refused). */
  private async load(id: string, statePath: string, memPath: string, resume: boolean): Promise<unknown> {
    return describe(await this.opts.manager.load(id, statePath, memPath, resume));
  }

  /** GET /vms/{id}/console as a WebSocket: the recent output first, then live output; what the client sends is console input. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const fail = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Error"}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n` +
        JSON.stringify({ fault_message: message }) + "\n");
    };
    if (!this.authorized(req)) { fail(401, "missing or wrong bearer token"); return; }
    const url = new URL(req.url ?? "/", "http://localhost");
    const m = /^\/vms\/([^/]+)\/console$/.exec(url.pathname);
    let h: VmHandle;
    try {
      if (m === null) throw notFound(`no WebSocket at ${url.pathname}`);
      h = this.opts.manager.get(decodeURIComponent(m[1]));
    } catch (e) {
      fail((e as ApiError).status ?? 400, (e as Error).message);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const viewer = { send: (b: Uint8Array) => ws.send(b) };
      const backlog = h.console.read(0).bytes;
      if (backlog.length > 0) ws.send(backlog);
      h.viewers.add(viewer);
      ws.on("message", (data: Buffer) => { try { h.input(data); } catch { /* a stopped VM takes no input */ } });
      ws.on("close", () => h.viewers.delete(viewer));
      ws.on("error", () => h.viewers.delete(viewer));
    });
  }
}

/** The config a migration source sends (its resolved MachineConfig): only the known fields, checked. */
function parseMigratedConfig(v: unknown): MachineConfig {
  const c = object("config", v);
  onlyFields("config", c, ["memoryMiB", "harts", "bios", "kernel", "initrd", "append", "disks", "nets", "macSalt", "cpuQuotaPercent", "hExtension"]);
  const out: MachineConfig = {
    memoryMiB: optInt(c, "memoryMiB", "config", 1, MAX_MEM_MIB),
    harts: optInt(c, "harts", "config", 1, 8),
    bios: optString(c, "bios", "config"),
    kernel: optString(c, "kernel", "config"),
    initrd: optString(c, "initrd", "config"),
    append: optString(c, "append", "config"),
    cpuQuotaPercent: optInt(c, "cpuQuotaPercent", "config", 1, 100),
    macSalt: optInt(c, "macSalt", "config", 0, 0xffffff),
    ...(optBool(c, "hExtension", "config") === false ? { hExtension: false } : {}),
  };
  if (c.nets !== undefined) {
    if (!Array.isArray(c.nets) || c.nets.length > MAX_NICS) throw badRequest(`config.nets must be an array of at most ${MAX_NICS}`);
    out.nets = c.nets.map((n: unknown, i: number) => checkNetSpec(n, `config.nets[${i}]`));
  }
  if (c.disks !== undefined) {
    if (!Array.isArray(c.disks)) throw badRequest("config.disks must be an array");
    out.disks = c.disks.map((d: unknown, i: number) => {
      const o = object(`config.disks[${i}]`, d);
      return { path: reqString(o, "path", `config.disks[${i}]`), readonly: optBool(o, "readonly", `config.disks[${i}]`) };
    });
  }
  return out;
}
