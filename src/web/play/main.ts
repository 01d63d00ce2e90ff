/**
 * The play page (`npm run build` writes it to dist/web/play/, a static site;
 * `typevisor serve` serves it at /play/): the built-in Linux guest booted by
 * the system VM inside a Web Worker of this tab, its console in xterm.js, and
 * its exits to the hypervisor per second by kind, each explained; and RISC-V
 * Linux programs run by the process VM in another worker (program-view.ts).
 * Nothing runs on a server: the page only fetches the images next to it.
 */
import "@xterm/xterm/css/xterm.css";
import "uplot/dist/uPlot.min.css";
import "../dashboard/style.css";
import "./program.css";
import { el } from "../dashboard/dom.js";
import { TrapChart } from "../dashboard/chart.js";
import { rates, TRAP_KINDS, type Sample } from "../dashboard/traps.js";
import { renderRates } from "../dashboard/rates-view.js";
import type { FromVm, ToVm } from "./protocol.js";
import { deleteSnapshot, listSnapshots, saveSnapshot, type SavedSnapshot } from "./saved.js";
import type { TarFile } from "./tar.js";
import { mountProgramSection } from "./program-view.js";
import { openTerminal } from "./open-terminal.js";

const app = document.getElementById("app")!;
const status = document.getElementById("status")!;

const memory = el("input", { id: "memory", type: "number", min: "64", max: "1024", value: "128" });
const bootButton = el("button", { type: "submit", class: "primary" }, "Boot Linux");
const stopButton = el("button", { type: "button", disabled: "" }, "Stop");
const saveButton = el("button", { type: "button", disabled: "" }, "Save snapshot");
const form = el("form", { class: "controls", "aria-label": "Boot the built-in Linux guest" },
  el("div", { class: "field" }, el("label", { for: "memory" }, "Memory (MiB)"), memory), bootButton, stopButton, saveButton);
const savedBody = el("tbody");
const savedTable = el("table", { class: "vms snapshots" },
  el("caption", {}, "Snapshots saved in this browser"),
  el("thead", {}, el("tr", {}, ...["Name", "Size", "Taken", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
  savedBody);
const stats = el("p", { class: "help", id: "stats" });
const fileInput = el("input", { id: "files", type: "file", multiple: "", disabled: "" });
const filesField = el("div", { class: "controls" }, el("div", { class: "field" },
  el("label", { for: "files" }, "Files for the guest (or drop them on the console): they appear on /dev/vda as a tar archive"), fileInput));
const term = el("div", { class: "console-box", "aria-label": "Console of the machine in this tab" });
const chartBox = el("div", { class: "chart", role: "img", "aria-label": "Exits to the hypervisor per second, by kind" });
const rateList = el("dl", { class: "rates" });
app.append(
  el("section", { class: "card", "aria-labelledby": "console-title" }, el("h2", { id: "console-title" }, "Linux 6.1 with busybox, in this tab"), form, filesField, stats, term,
    el("div", { class: "scroll" }, savedTable)),
  el("section", { class: "card", "aria-labelledby": "traps-title" }, el("h2", { id: "traps-title" }, "Exits to the hypervisor per second"), chartBox, rateList),
);
mountProgramSection(app);
renderRates(rateList, TRAP_KINDS.map(() => 0));

const terminal = openTerminal(term);

let worker: Worker | undefined;
let chart: TrapChart | undefined;
let last: Sample | undefined;
const send = (m: ToVm) => worker?.postMessage(m);
const encoder = new TextEncoder();
terminal.onData((d) => send({ type: "input", bytes: encoder.encode(d) }));

function onMessage(m: FromVm): void {
  switch (m.type) {
    case "console":
      terminal.write(m.bytes);
      return;
    case "status":
      status.textContent = m.text;
      return;
    case "metrics": {
      const s: Sample = { at: performance.now(), exits: m.exits };
      if (last !== undefined) {
        const r = rates(last, s);
        chart?.push(Date.now(), r);
        renderRates(rateList, r);
      }
      last = s;
      stats.textContent = `${(m.instructions / 1e6).toFixed(0)} M instructions · ${m.mips.toFixed(1)} MIPS`;
      return;
    }
    case "snapshot": {
      const name = `linux-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      saveSnapshot({ name, taken: Date.now(), state: m.state, memory: m.memory, disk: m.disk }).then(
        async () => { status.textContent = `Snapshot ${name} saved in this browser`; await showSaved(); },
        (e: Error) => { status.textContent = `The snapshot could not be saved: ${e.message}`; },
      );
      return;
    }
    case "stopped":
      status.textContent = `The machine stopped: ${m.reason}`;
      worker?.terminate();
      worker = undefined;
      bootButton.removeAttribute("disabled");
      stopButton.setAttribute("disabled", "");
      saveButton.setAttribute("disabled", "");
      fileInput.setAttribute("disabled", "");
      return;
  }
}

/** Starts a worker and sends it `first` (boot or restore). */
function startMachine(first: ToVm): void {
  if (worker !== undefined) return;
  terminal.reset();
  last = undefined;
  chart?.destroy();
  chart = new TrapChart(chartBox);
  worker = new Worker(new URL("./vm-worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (ev: MessageEvent<FromVm>) => onMessage(ev.data);
  worker.onerror = (ev) => onMessage({ type: "stopped", reason: ev.message || "the worker failed" });
  send(first);
  bootButton.setAttribute("disabled", "");
  stopButton.removeAttribute("disabled");
  saveButton.removeAttribute("disabled");
  fileInput.removeAttribute("disabled");
  given.length = 0;
  terminal.focus();
}

/** Every file given to the running machine so far (each new one rewrites the archive with all of them). */
const given: TarFile[] = [];

/** Reads `list` and sends all the files given so far to the machine's disk. */
async function giveFiles(list: FileList | null): Promise<void> {
  if (worker === undefined || list === null || list.length === 0) return;
  for (const f of Array.from(list)) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const at = given.findIndex((g) => g.name === f.name);
    const entry = { name: f.name, bytes, mtime: Math.floor(f.lastModified / 1000) };
    if (at >= 0) given[at] = entry;
    else given.push(entry);
  }
  send({ type: "files", files: given });
}
fileInput.addEventListener("change", () => void giveFiles(fileInput.files));
term.addEventListener("dragover", (e) => { e.preventDefault(); });
term.addEventListener("drop", (e) => { e.preventDefault(); void giveFiles(e.dataTransfer?.files ?? null); });

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const images = { firmware: "images/fw_dynamic.bin", kernel: "images/Image", initrd: "images/initramfs.cpio" };
  startMachine({ type: "boot", memoryMiB: Number(memory.value) || 128, images, append: "console=ttyS0" });
});
stopButton.addEventListener("click", () => send({ type: "stop" }));
saveButton.addEventListener("click", () => { status.textContent = "Taking a snapshot…"; send({ type: "snapshot" }); });

/** Lists the snapshots saved in this browser, each with Restore and Delete. */
async function showSaved(): Promise<void> {
  let list: SavedSnapshot[];
  try {
    list = await listSnapshots();
  } catch (e) {
    savedBody.replaceChildren(el("tr", {}, el("td", { colspan: "4" }, `This browser keeps no snapshots here: ${(e as Error).message}`)));
    return;
  }
  savedBody.replaceChildren(...list.map((s) => {
    const restore = el("button", { "aria-label": `Restore ${s.name}` }, "Restore");
    restore.addEventListener("click", () => {
      if (worker !== undefined) { status.textContent = "Stop the running machine first"; return; }
      if (s.disk === undefined) { status.textContent = "This snapshot was saved by an older version of the page"; return; }
      startMachine({ type: "restore", state: s.state, memory: s.memory, disk: s.disk });
    });
    const remove = el("button", { "aria-label": `Delete ${s.name}` }, "Delete");
    remove.addEventListener("click", () => void deleteSnapshot(s.name).then(showSaved));
    return el("tr", { "data-snapshot": s.name },
      el("th", { scope: "row" }, s.name),
      el("td", {}, `${((s.state.length + s.memory.length + (s.disk?.length ?? 0)) / 1048576).toFixed(1)} MiB`),
      el("td", {}, new Date(s.taken).toLocaleString()),
      el("td", { class: "actions" }, restore, remove));
  }));
}
void showSaved();
