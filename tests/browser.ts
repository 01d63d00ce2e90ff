/**
 * Test helpers for pages in a real Chromium (Debian's chromium, driven by
 * playwright-core): a suite's `typevisor serve` and browser, polling until a
 * condition holds, and the text of a page's xterm.js console.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { requireTool, ROOT } from "./build-guests.js";
import { serve, type Served } from "./hypervisor-server.js";

const CHROMIUM = "/usr/bin/chromium";
/** Where the tests save screenshots. */
export const SHOTS = join(ROOT, "tests", "build", "screenshots");

/**
 * Registers the current suite's before/after hooks: a `typevisor serve` on a
 * loopback port and a headless Chromium, both stopped at the end. The fields
 * of the returned object are set once the suite has started.
 */
export function serverAndBrowser(): { s: Served; browser: Browser } {
  const ctx = {} as { s: Served; browser: Browser };
  before(async () => {
    requireTool(CHROMIUM, "chromium");
    mkdirSync(SHOTS, { recursive: true });
    ctx.s = await serve();
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.s?.stop();
  });
  return ctx;
}

/** Polls `cond` until it holds; fails the test naming `what` after `ms` milliseconds. */
export async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The text of the page's console terminal (xterm's rows in the DOM). */
export function consoleText(page: Page): Promise<string> {
  return page.locator(".console-box .xterm-rows").innerText();
}
