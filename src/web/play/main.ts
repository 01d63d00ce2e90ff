/**
 * The play page (`npm run build` writes it to dist/web/play/, a static site;
 * `typevisor serve` serves it at /play/): the built-in Linux guest booted by
 * the system VM inside a Web Worker of this tab, its console in xterm.js, and
 * its exits to the hypervisor per second by kind, each explained. Nothing
 * runs on a server: the page only fetches the images next to it.
 */
import "@xterm/xterm/css/xterm.css";
import "uplot/dist/uPlot.min.css";
import "../dashboard/style.css";
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import { el } from "../dashboard/dom.js";
import { TrapChart } from "../dashboard/chart.js";
import { rates, TRAP_KINDS, type Sample } from "../dashboard/traps.js";
import { renderRates } from "../dashboard/rates-view.js";
import type { FromVm, ToVm } from "./protocol.js";

const app = document.getElementById("app")!;
const status = document.getElementById("status")!;

const memory = el("input", { id: "memory", type: "number", min: "64", max: "1024", value: "128" });
const bootButton = el("button", { type: "submit", class: "primary" }, "Boot Linux");
const stopButton = el("button", { type: "button", disabled: "" }, "Stop");
const form = el("form", { class: "create", "aria-label": "Boot the built-in Linux guest" },
  el("label", { for: "memory" }, "Memory (MiB)"), memory, bootButton, stopButton);
const stats = el("p", { class: "help", id: "stats" });
const term = el("div", { class: "console-box", "aria-label": "Console of the machine in this tab" });
const chartBox = el("div", { class: "chart", role: "img", "aria-label": "Exits to the hypervisor per second, by kind" });
const rateList = el("dl", { class: "rates" });
app.append(
  el("section", { class: "card", "aria-labelledby": "console-title" }, el("h2", { id: "console-title" }, "Linux 6.1 with busybox, in this tab"), form, stats, term),
  el("section", { class: "card", "aria-labelledby": "traps-title" }, el("h2", { id: "traps-title" }, "Exits to the hypervisor per second"), chartBox, rateList),
);
renderRates(rateList, TRAP_KINDS.map(() => 0));

const terminal = new Terminal({ screenReaderMode: true, cursorBlink: true, fontSize: 14, scrollback: 5000, theme: { background: "#10151c" } });
const fit = new FitAddon();
terminal.loadAddon(fit);
terminal.open(term);
fit.fit();
window.addEventListener("resize", () => fit.fit());

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
    case "stopped":
      status.textContent = `The machine stopped: ${m.reason}`;
      worker?.terminate();
      worker = undefined;
      bootButton.removeAttribute("disabled");
      stopButton.setAttribute("disabled", "");
      return;
  }
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (worker !== undefined) return;
  terminal.reset();
  last = undefined;
  chart?.destroy();
  chart = new TrapChart(chartBox);
  worker = new Worker(new URL("./vm-worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (ev: MessageEvent<FromVm>) => onMessage(ev.data);
  worker.onerror = (ev) => onMessage({ type: "stopped", reason: ev.message || "the worker failed" });
  const images = { firmware: "images/fw_dynamic.bin", kernel: "images/Image", initrd: "images/initramfs.cpio" };
  send({ type: "boot", memoryMiB: Number(memory.value) || 128, images, append: "console=ttyS0" });
  bootButton.setAttribute("disabled", "");
  stopButton.removeAttribute("disabled");
  terminal.focus();
});
stopButton.addEventListener("click", () => send({ type: "stop" }));
