/**
 * The browser rows of `npm run bench` (--only browser): the play page in a
 * headless Chromium (Debian's chromium, driven by playwright-core), served by
 * `typevisor serve` from dist/web/. Two figures, each next to Node's:
 *  - the built-in Linux guest booted in the tab, seconds from the click on
 *    "Boot Linux" to the shell prompt on the page's console (median of 3),
 *    next to `typevisor boot` on Node to its prompt;
 *  - the process VM's guest MIPS on one CPU benchmark program run in the
 *    page's program worker, next to `typevisor run --stats` on Node (the two
 *    outputs must be the same).
 */
import { readFileSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { requireTool } from "../tests/build-guests.js";
import { GUEST_ENV, runUnderTypevisor } from "../tests/guest-run.js";
import { serve } from "../tests/hypervisor-server.js";
import { timeToPrompt } from "./boot.js";
import { STATS_LINE } from "./timing.js";

const CHROMIUM = "/usr/bin/chromium";
/** Boots measured in the tab. */
const BOOTS = 3;

/** What the browser rows run: a statically linked RISC-V program and its arguments. */
export interface BrowserProgram {
  name: string;
  elf: string;
  args: string[];
}

/** Seconds from the click on Boot Linux to the shell prompt in a fresh page, and the guest MIPS shown then. */
async function bootInTab(browser: Browser, url: string): Promise<{ seconds: number; mips: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(url + "/play/");
    await page.getByRole("button", { name: "Boot Linux" }).waitFor();
    const seconds = await page.evaluate(async () => {
      const rows = document.querySelector<HTMLElement>(".console-box .xterm-rows")!;
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Boot Linux")!;
      const start = performance.now();
      button.click();
      while (!/\/ # *$/m.test(rows.innerText)) {
        if (performance.now() - start > 120_000) throw new Error("no shell prompt in 120 s");
        await new Promise((r) => setTimeout(r, 5));
      }
      return (performance.now() - start) / 1000;
    });
    await page.waitForFunction(() => /MIPS/.test(document.getElementById("stats")!.textContent ?? ""), null, { timeout: 10_000 });
    const mips = Number(/([\d.]+) MIPS/.exec(await page.locator("#stats").innerText())![1]);
    return { seconds, mips };
  } finally {
    await page.close();
  }
}

/** Runs `p` in the page's program worker; its terminal output (LF line ends) and the worker's exit report. */
async function runInTab(browser: Browser, url: string, p: BrowserProgram): Promise<{ stdout: string; status: number; mips: number }> {
  const page = await browser.newPage();
  try {
    const elf = readFileSync(p.elf);
    await page.route("**/play/bench.elf", (r) => r.fulfill({ body: elf, contentType: "application/octet-stream" }));
    await page.goto(url + "/play/");
    return await page.evaluate(async (args) => {
      const worker = new Worker("program-worker.js", { type: "module" });
      let out = "";
      const decoder = new TextDecoder();
      const next = () => new Promise<{ type: string; status?: number; mips?: number; message?: string }>((resolve) => {
        worker.onmessage = (e) => {
          if (e.data.type === "output") out += decoder.decode(e.data.bytes, { stream: true });
          else resolve(e.data);
        };
      });
      const bytes = new Uint8Array(await (await fetch("bench.elf")).arrayBuffer());
      worker.postMessage({ type: "install", name: "bench", bytes });
      await next();
      worker.postMessage({ type: "run", argv: ["bench", ...args], cols: 80, rows: 24 });
      const end = await next();
      worker.terminate();
      if (end.type !== "exit") throw new Error(end.message ?? end.type);
      return { stdout: out.replace(/\r\n/g, "\n"), status: end.status!, mips: end.mips! };
    }, p.args);
  } finally {
    await page.close();
  }
}

/** The browser table (Markdown); `typevisorBin` is bin/typevisor.js, `cwd` a scratch directory. */
export async function benchBrowser(typevisorBin: string, p: BrowserProgram, cwd: string, timeoutSeconds: number): Promise<string> {
  requireTool(CHROMIUM, "chromium");
  const s = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const f = (x: number | undefined, digits: number) => (x === undefined ? "—" : x.toFixed(digits));
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : "—");
  try {
    const boots: number[] = [];
    let bootMips: number | undefined;
    for (let i = 0; i < BOOTS; i++) {
      const b = await bootInTab(browser, s.url);
      boots.push(b.seconds);
      bootMips = b.mips;
    }
    boots.sort((a, b) => a - b);
    const tab = boots[Math.floor(BOOTS / 2)];
    const node = (await timeToPrompt([process.execPath, typevisorBin, "boot"], timeoutSeconds * 1000)).seconds;

    const inTab = await runInTab(browser, s.url, p);
    const onNode = await runUnderTypevisor("static", { program: p.elf, args: p.args, cwd, timeoutMs: timeoutSeconds * 1000, env: GUEST_ENV }, ["--stats"]);
    const nodeStats = STATS_LINE.exec(onNode.stderr);
    const same = inTab.stdout === onNode.stdout && inTab.status === onNode.status;
    const label = `${p.name} ${p.args.join(" ")}${same ? "" : " ⚠ output differs from Node's"}`;
    return [
      "| in a browser tab (headless Chromium) | Chromium | Node | Chromium/Node | goal |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| Linux 6.1 boot to the shell prompt, s (median of ${BOOTS}; guest MIPS ${f(bootMips, 1)}) | ${f(tab, 2)} | ${f(node, 2)} | ${ratio(tab, node)} | ≤ 2 s |`,
      `| process VM, guest MIPS: ${label} | ${f(inTab.mips, 1)} | ${f(nodeStats === null ? undefined : Number(nodeStats[3]), 1)} | ${ratio(inTab.mips, nodeStats === null ? undefined : Number(nodeStats[3]))} | |`,
    ].join("\n");
  } finally {
    await browser.close();
    await s.stop();
  }
}
