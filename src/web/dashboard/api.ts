/**
 * The dashboard's client of the hypervisor API (docs/openapi.json): fetch with
 * the bearer token, errors as ApiFailure with the server's fault_message.
 */

/** A refused request: the HTTP status and the server's one-line reason. */
export class ApiFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** A VM as GET /vms lists it. */
export interface Vm {
  id: string;
  state: "NotStarted" | "Running" | "Paused" | "Stopped";
  stop_reason?: string;
  uptime_seconds: number;
  config: { memoryMiB: number; harts: number };
}

/** GET /host. */
export interface Host {
  memory_budget_mib: number;
  memory_used_mib: number;
  vms: number;
  /** Where the server keeps snapshots by name. */
  snapshot_dir: string;
}

/** A snapshot of the server's snapshot directory (GET /snapshots). */
export interface Snapshot {
  name: string;
  snapshot_path: string;
  mem_file_path: string;
  bytes: number;
  created: string;
}

/** GET /vms/{id}/metrics. */
export interface Metrics {
  instructions: number;
  mips: number;
  uptime_seconds: number;
  exits: Record<string, number | Record<string, number>>;
}

/** The API of the server that served this page, with `token`. */
export class Api {
  constructor(readonly token: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 204) return undefined as T;
    const text = await r.text();
    if (!r.ok) {
      let message = text;
      try { message = (JSON.parse(text) as { fault_message?: string }).fault_message ?? text; } catch { /* not JSON */ }
      throw new ApiFailure(r.status, message.trim());
    }
    return JSON.parse(text) as T;
  }

  vms(): Promise<Vm[]> { return this.call("GET", "/vms"); }
  host(): Promise<Host> { return this.call("GET", "/host"); }
  metrics(id: string): Promise<Metrics> { return this.call("GET", `/vms/${encodeURIComponent(id)}/metrics`); }
  create(id: string, memoryMiB: number, vcpus: number): Promise<Vm> {
    return this.call("PUT", `/vms/${encodeURIComponent(id)}`, { "machine-config": { mem_size_mib: memoryMiB, vcpu_count: vcpus } });
  }
  action(id: string, action_type: "InstanceStart" | "InstanceStop"): Promise<void> {
    return this.call("PUT", `/vms/${encodeURIComponent(id)}/actions`, { action_type });
  }
  setState(id: string, state: "Paused" | "Resumed"): Promise<void> {
    return this.call("PATCH", `/vms/${encodeURIComponent(id)}/vm`, { state });
  }
  remove(id: string): Promise<void> { return this.call("DELETE", `/vms/${encodeURIComponent(id)}`); }
  snapshots(): Promise<Snapshot[]> { return this.call("GET", "/snapshots"); }
  removeSnapshot(name: string): Promise<void> { return this.call("DELETE", `/snapshots/${encodeURIComponent(name)}`); }
  /** Writes a paused VM's snapshot to the two files. */
  snapshot(id: string, paths: { snapshot_path: string; mem_file_path: string }): Promise<void> {
    return this.call("PUT", `/vms/${encodeURIComponent(id)}/snapshot/create`, paths);
  }
  /** Creates VM `id` from a snapshot's files, running. */
  restore(id: string, s: Snapshot): Promise<Vm> {
    return this.call("PUT", `/vms/${encodeURIComponent(id)}/snapshot/load`, { snapshot_path: s.snapshot_path, mem_file_path: s.mem_file_path, resume_vm: true });
  }

  /** The console WebSocket of VM `id` (the token travels as a subprotocol: browsers cannot set headers on it). */
  console(id: string): WebSocket {
    const url = new URL(`/vms/${encodeURIComponent(id)}/console`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, ["typevisor", `bearer.${this.token}`]);
    ws.binaryType = "arraybuffer";
    return ws;
  }
}
