/**
 * The hypervisor's dashboard (served by `typevisor serve` at /): the VMs with
 * their state, vCPUs, memory, uptime and MIPS; create, start, pause, resume,
 * stop and delete; snapshots (taken into the server's snapshot directory,
 * listed, restored as new VMs, deleted); the selected VM's live console and its exits to the
 * hypervisor per second by kind, each explained. The API token is asked once
 * and kept for the tab (sessionStorage). Everything comes from the REST API
 * and the console WebSocket (docs/hypervisor.md); see docs/web.md.
 */
import "@xterm/xterm/css/xterm.css";
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { Api, ApiFailure, type Metrics, type Vm } from "./api.js";
import { el } from "./dom.js";
import { snapshotRows, takeSnapshot } from "./snapshots.js";
import { ConsoleView } from "./console-view.js";
import { TrapChart } from "./chart.js";
import { rates, TRAP_KINDS, type Sample } from "./traps.js";
import { renderRates } from "./rates-view.js";

const TOKEN_KEY = "typevisor.token";
const POLL_MS = 1000;

const app = document.getElementById("app")!;
const hostLine = document.getElementById("host")!;
const announcer = document.getElementById("announce")!;

/** Says `text` to screen readers (and nothing on screen). */
function announce(text: string): void {
  announcer.textContent = text;
}

function uptime(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

// --- the token ---------------------------------------------------------------

function showLogin(message?: string): void {
  hostLine.textContent = "";
  const input = el("input", { id: "token", type: "password", autocomplete: "off", required: "", "aria-describedby": "token-help" });
  const form = el("form", { class: "card login", "aria-labelledby": "login-title" },
    el("h2", { id: "login-title" }, "Connect to this hypervisor"),
    el("label", { for: "token" }, "API token"), input,
    el("p", { id: "token-help", class: "help" }, "typevisor serve printed it when it first started; it is also in the token file of its state directory."),
    ...(message ? [el("p", { class: "error", role: "alert" }, message)] : []),
    el("button", { type: "submit" }, "Connect"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void connect(input.value.trim());
  });
  app.replaceChildren(form);
  input.focus();
}

async function connect(token: string): Promise<void> {
  const api = new Api(token);
  try {
    await api.host();
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin(e instanceof ApiFailure && e.status === 401 ? "The server refused this token. Check it and try again." : `Cannot reach the server: ${(e as Error).message}`);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  new Dashboard(api).start();
}

// --- the dashboard -------------------------------------------------------------

class Dashboard {
  private readonly rows = el("tbody");
  private readonly snapshotBody = el("tbody");
  private snapshotDir = "";
  private snapshotSignature: string | undefined;
  private readonly error = el("p", { class: "error", role: "alert" });
  private readonly detail = el("section", { class: "card detail", "aria-labelledby": "detail-title" });
  private selected: string | undefined;
  private consoleView: ConsoleView | undefined;
  private chart: TrapChart | undefined;
  private lastSample: Sample | undefined;
  private readonly mips = new Map<string, number>();
  private readonly states = new Map<string, string>();
  private timer = 0;

  constructor(private readonly api: Api) {}

  start(): void {
    const id = el("input", { id: "new-id", value: "vm1", pattern: "[A-Za-z0-9_-]{1,64}", required: "" });
    const mem = el("input", { id: "new-mem", type: "number", min: "16", max: "2048", value: "128" });
    const cpus = el("input", { id: "new-cpus", type: "number", min: "1", max: "8", value: "1" });
    const create = el("form", { class: "create", "aria-label": "Create a VM" },
      el("label", { for: "new-id" }, "Name"), id,
      el("label", { for: "new-mem" }, "Memory (MiB)"), mem,
      el("label", { for: "new-cpus" }, "vCPUs"), cpus,
      el("button", { type: "submit" }, "Create"));
    create.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.run(`VM ${id.value} created`, () => this.api.create(id.value, Number(mem.value), Number(cpus.value)));
    });
    const table = el("table", { class: "vms" },
      el("caption", {}, "Virtual machines"),
      el("thead", {}, el("tr", {}, ...["Name", "State", "vCPUs", "Memory", "Uptime", "MIPS", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
      this.rows);
    const logout = el("button", { class: "link" }, "Forget the token");
    logout.addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); this.stop(); showLogin(); });
    const snapshots = el("table", { class: "vms snapshots" },
      el("caption", {}, "Snapshots"),
      el("thead", {}, el("tr", {}, ...["Name", "Size", "Taken", "Restore as a new VM"].map((h) => el("th", { scope: "col" }, h)))),
      this.snapshotBody);
    app.replaceChildren(el("section", { class: "card", "aria-label": "VMs" }, create, this.error, el("div", { class: "scroll" }, table),
      el("div", { class: "scroll" }, snapshots), logout), this.detail);
    this.renderDetail();
    void this.poll();
    this.timer = window.setInterval(() => void this.poll(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.consoleView?.close();
    this.chart?.destroy();
  }

  /** Runs an API action; shows its error, or announces `done`. */
  private async run(done: string, f: () => Promise<unknown>): Promise<void> {
    this.error.textContent = "";
    try {
      await f();
      announce(done);
      await this.poll();
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 401) { this.stop(); showLogin("The server no longer accepts this token."); return; }
      this.error.textContent = (e as Error).message;
    }
  }

  private async poll(): Promise<void> {
    let vms: Vm[];
    try {
      const [list, host, snaps] = await Promise.all([this.api.vms(), this.api.host(), this.api.snapshots()]);
      vms = list;
      this.snapshotDir = host.snapshot_dir;
      // Rebuilt only when the list changes, so that a name being typed is kept.
      const signature = snaps.map((x) => `${x.name}@${x.created}`).join("\n");
      if (signature !== this.snapshotSignature) {
        this.snapshotSignature = signature;
        this.snapshotBody.replaceChildren(...snapshotRows(snaps, this.api, (done, f) => void this.run(done, f)));
      }
      hostLine.textContent = `${host.vms} VM${host.vms === 1 ? "" : "s"} · memory ${host.memory_used_mib} of ${host.memory_budget_mib} MiB in use`;
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 401) { this.stop(); showLogin("The server no longer accepts this token."); }
      return;
    }
    await Promise.all(vms.filter((v) => v.state === "Running" || v.state === "Paused").map(async (v) => {
      const m = await this.api.metrics(v.id).catch(() => undefined);
      if (m !== undefined) this.mips.set(v.id, m.mips);
      if (m !== undefined && v.id === this.selected) this.sample(m);
    }));
    for (const v of vms) {
      const before = this.states.get(v.id);
      if (before !== undefined && before !== v.state) announce(`VM ${v.id} is ${v.state}`);
      this.states.set(v.id, v.state);
    }
    this.renderRows(vms);
    if (this.selected !== undefined && !vms.some((v) => v.id === this.selected)) this.select(undefined);
    else this.renderState(vms.find((v) => v.id === this.selected));
  }

  private sample(m: Metrics): void {
    const s: Sample = { at: Date.now(), exits: m.exits };
    if (this.lastSample !== undefined && this.chart !== undefined) {
      const r = rates(this.lastSample, s);
      this.chart.push(s.at, r);
      this.renderRates(r);
    }
    this.lastSample = s;
  }

  private renderRows(vms: Vm[]): void {
    this.rows.replaceChildren(...vms.map((v) => {
      const act = (label: string, done: string, f: () => Promise<unknown>) => {
        const b = el("button", { "aria-label": `${label} ${v.id}` }, label);
        b.addEventListener("click", () => void this.run(done, f));
        return b;
      };
      const actions: HTMLElement[] = [];
      if (v.state === "NotStarted" || v.state === "Stopped") actions.push(act("Start", `VM ${v.id} starting`, () => this.api.action(v.id, "InstanceStart")));
      if (v.state === "Running") actions.push(act("Pause", `VM ${v.id} paused`, () => this.api.setState(v.id, "Paused")));
      if (v.state === "Paused") actions.push(act("Resume", `VM ${v.id} resumed`, () => this.api.setState(v.id, "Resumed")));
      if (v.state === "Running" || v.state === "Paused") {
        actions.push(act("Snapshot", `Snapshot of VM ${v.id} taken`, () => takeSnapshot(this.api, v, this.snapshotDir)));
      }
      if (v.state === "Running" || v.state === "Paused") actions.push(act("Stop", `VM ${v.id} stopped`, () => this.api.action(v.id, "InstanceStop")));
      actions.push(act("Delete", `VM ${v.id} deleted`, () => this.api.remove(v.id)));
      const open = el("button", { class: "primary", "aria-label": `Open ${v.id}`, "aria-pressed": String(v.id === this.selected) }, "Open");
      open.addEventListener("click", () => this.select(v.id));
      const live = v.state === "Running" || v.state === "Paused";
      return el("tr", { "data-vm": v.id, class: v.id === this.selected ? "selected" : "" },
        el("th", { scope: "row" }, v.id),
        el("td", { class: `state ${v.state}` }, v.state + (v.stop_reason ? ` (${v.stop_reason})` : "")),
        el("td", {}, String(v.config.harts)),
        el("td", {}, `${v.config.memoryMiB} MiB`),
        el("td", {}, live ? uptime(v.uptime_seconds) : "—"),
        el("td", {}, live ? (this.mips.get(v.id) ?? 0).toFixed(1) : "—"),
        el("td", { class: "actions" }, open, ...actions));
    }));
  }

  private select(id: string | undefined): void {
    this.consoleView?.close();
    this.consoleView = undefined;
    this.chart?.destroy();
    this.chart = undefined;
    this.lastSample = undefined;
    this.selected = id;
    this.renderDetail();
    if (id !== undefined) void this.poll();
  }

  private renderDetail(): void {
    const id = this.selected;
    if (id === undefined) {
      this.detail.replaceChildren(el("h2", { id: "detail-title" }, "Console and traps"), el("p", { class: "help" }, "Open a VM to see its console and the traps it takes."));
      return;
    }
    const term = el("div", { class: "console-box", "aria-label": `Console of ${id}` });
    const chart = el("div", { class: "chart", role: "img", "aria-label": `Exits to the hypervisor per second of ${id}, by kind` });
    const list = el("dl", { class: "rates" });
    this.detail.replaceChildren(
      el("h2", { id: "detail-title" }, `${id}`, el("span", { class: "vm-state", id: "detail-state" })),
      el("h3", {}, "Console"), term,
      el("h3", {}, "Exits to the hypervisor per second"), chart, list);
    this.consoleView = new ConsoleView(this.api, id, term, (why) => announce(`${id}: ${why}`));
    this.chart = new TrapChart(chart);
    this.renderRates(TRAP_KINDS.map(() => 0));
    this.consoleView.focus();
  }

  private renderState(v: Vm | undefined): void {
    const s = document.getElementById("detail-state");
    if (s !== null && v !== undefined) s.textContent = ` · ${v.state}`;
  }

  private renderRates(r: number[]): void {
    const list = this.detail.querySelector("dl.rates");
    if (list === null) return;
    renderRates(list, r);
  }
}

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved !== null) void connect(saved);
else showLogin();
