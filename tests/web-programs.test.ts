/**
 * The play page's program mode in a real Chromium (Debian's chromium, driven
 * by playwright-core): RISC-V Linux programs run by the process VM inside a
 * Web Worker of the tab, on its in-memory file system, with the page's
 * terminal for stdin and stdout. What they print and their exit status are
 * compared with the same ELF under qemu-riscv64 on this host (busybox in a
 * fresh directory, its output through a pipe in both, so that neither sees a
 * terminal).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { serverAndBrowser, SHOTS, waitFor } from "./browser.js";
import { ROOT, requireTool } from "./build-guests.js";
import { BUSYBOX, buildBusybox } from "./busybox-build.js";

const HELLO = join(ROOT, "examples", "hello.riscv64");
const PAGE_IMAGES = join(ROOT, "dist", "web", "play", "images");

/**
 * stdout and exit status of `argv` (argv[0] an ELF) under qemu-riscv64, in a
 * fresh directory, with `stdin`; uname's release set to the one the process VM reports.
 */
function underQemu(argv: string[], stdin = ""): { stdout: string; status: number } {
  const dir = mkdtempSync(join(tmpdir(), "typevisor-qemu-"));
  try {
    const r = spawnSync("qemu-riscv64", ["-r", "6.1.0", ...argv], { cwd: dir, input: stdin, encoding: "utf8", timeout: 60_000 });
    return { stdout: r.stdout, status: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The program terminal's text, once xterm.js has drawn all of it (the same
 * twice, 300 ms apart). xterm.js draws only while the terminal is on screen.
 */
async function terminalText(page: Page): Promise<string> {
  await page.locator(".program-box").scrollIntoViewIfNeeded();
  const read = () => page.locator(".program-box .xterm-rows").innerText();
  let last = await read();
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
}

/** The lines of `text` from the one after the command echo line for `args` (a run's output), trailing blanks dropped. */
function outputAfter(text: string, args: string): string[] {
  const lines = text.split("\n").map((l) => l.replace(/\s+$/, ""));
  let at = lines.length - 1;
  while (at >= 0 && !(lines[at].startsWith("$ ") && lines[at].endsWith(args))) at--;
  assert.ok(at >= 0, `the command line '${args}' on the terminal:\n${text}`);
  const out = lines.slice(at + 1);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** The qemu output as the terminal shows it: lines, trailing blanks dropped. */
const lines = (s: string) => s.replace(/\n$/, "").split("\n").map((l) => l.replace(/\s+$/, ""));

/** Runs the selected program with `args` by the Run button and waits for its exit; returns the status line. */
async function runAndWait(page: Page, args: string, viaKeyboard = false): Promise<string> {
  const runs = await page.locator("#program-status").getAttribute("data-runs");
  await page.locator("#arguments").fill(args);
  if (viaKeyboard) {
    await page.locator("#arguments").focus();
    await page.keyboard.press("Enter");
  } else await page.getByRole("button", { name: "Run program" }).click();
  await waitFor("the program's exit", async () => (await page.locator("#program-status").getAttribute("data-runs")) !== runs, 120_000);
  return page.locator("#program-status").innerText();
}

describe("the play page: RISC-V Linux programs in a browser tab", { concurrency: false }, () => {
  const ctx = serverAndBrowser();
  before(() => {
    requireTool("qemu-riscv64", "qemu-user");
    buildBusybox();
    // The page offers busybox when npm run build:web found it built; a fresh checkout builds it for the tests only now.
    if (!existsSync(join(PAGE_IMAGES, "busybox"))) copyFileSync(BUSYBOX, join(PAGE_IMAGES, "busybox"));
  });

  test("runs hello.riscv64 and busybox with arguments, files, pipes and stdin as qemu-riscv64 runs them", { timeout: 300_000 }, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(ctx.s.url + "/play/");

    // hello.riscv64, preloaded, with two arguments (one with a blank in it).
    const helloArgs = "first 'second word'";
    assert.match(await runAndWait(page, helloArgs), /^hello exited with status 0 · [\d.]+ M instructions/);
    const hello = underQemu([HELLO, "first", "second word"]);
    assert.deepEqual(outputAfter(await terminalText(page), helloArgs), lines(hello.stdout));
    assert.equal(await page.locator("#program-status").getAttribute("data-exit"), String(hello.status));

    // busybox, chosen and run by keyboard alone: files, a symbolic link, a pipe, sha256sum and an exit status.
    await page.locator("#program").focus();
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.locator("#program").inputValue(), "busybox");
    const script = "mkdir d; echo hello > d/f; ln -s f d/l; cat d/l; ls -a d | sort; sha256sum d/f; cd d && pwd | wc -c; exit 3";
    const bbArgs = `sh -c '${script}'`;
    const bbStatus = await runAndWait(page, bbArgs, true);
    assert.match(bbStatus, /^busybox exited with status 3/);
    const bb = underQemu([BUSYBOX, "sh", "-c", script]);
    const got = outputAfter(await terminalText(page), bbArgs);
    // pwd differs by where each ran (/root here, a temporary directory there): compare the rest.
    assert.deepEqual(got.slice(0, -1), lines(bb.stdout).slice(0, -1));
    assert.equal(got[got.length - 1], String("/root/d\n".length));
    assert.equal(await page.locator("#program-status").getAttribute("data-exit"), String(bb.status));

    // The file system keeps its files from run to run.
    const catArgs = "cat /root/d/f /root/d/l";
    await runAndWait(page, catArgs);
    assert.deepEqual(outputAfter(await terminalText(page), catArgs), ["hello", "hello"]);

    // stdin from the terminal: a line typed at the page, then ^D.
    const trArgs = "tr a-z A-Z";
    await page.locator("#arguments").fill(trArgs);
    await page.getByRole("button", { name: "Run program" }).click();
    await waitFor("the program running", async () => /Running busybox/.test(await page.locator("#program-status").innerText()), 30_000);
    await page.locator(".program-box").click();
    await page.keyboard.type("Typed at the page\n");
    await page.keyboard.press("Control+D");
    await waitFor("tr's exit", async () => /busybox exited/.test(await page.locator("#program-status").innerText()), 30_000);
    const tr = underQemu([BUSYBOX, "tr", "a-z", "A-Z"], "Typed at the page\n");
    assert.deepEqual(outputAfter(await terminalText(page), trArgs), ["Typed at the page", ...lines(tr.stdout)]);

    // Host sockets do not exist in a tab: a TCP socket finds no address of this host to bind.
    const ncArgs = "sh -c 'echo x | nc 10.1.2.3 80; echo status $?'";
    await runAndWait(page, ncArgs);
    assert.deepEqual(outputAfter(await terminalText(page), ncArgs), ["nc: bind: Cannot assign requested address", "status 1"]);
    await page.screenshot({ path: join(SHOTS, "play-programs.png"), fullPage: true });

    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((p) => !p.startsWith("/play")), [], "the page only loads its own static files");
    await page.close();
  });

  test("an ELF of one's own, given with the file input, goes to /bin and runs", { timeout: 120_000 }, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 360, height: 900 } });
    await page.goto(ctx.s.url + "/play/");
    await page.locator("#program-file").setInputFiles(HELLO);
    await waitFor("the program offered", async () => /is ready to run/.test(await page.locator("#program-status").innerText()), 10_000);
    assert.equal(await page.locator("#program").inputValue(), "hello.riscv64");
    const status = await runAndWait(page, "mine");
    assert.match(status, /^hello\.riscv64 exited with status 0/);
    // 360 px wraps the terminal's long lines: the arguments' line is short enough to compare.
    const mine = lines(underQemu([HELLO, "mine"]).stdout).find((l) => l.includes("argv[1]"))!;
    const text = await terminalText(page);
    assert.ok(outputAfter(text, "mine").includes(mine), `'${mine}' on the terminal:\n${text}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "no horizontal scrolling at 360 px");
    await page.screenshot({ path: join(SHOTS, "play-programs-360.png"), fullPage: true });
    await page.close();
  });
});
