/**
 * The hypervisor's dashboard in a real Chromium (Debian's chromium, driven by
 * playwright-core): `typevisor serve` on a loopback port serves the page; the
 * test signs in with the token, creates and starts the built-in Linux guest,
 * waits for its shell in the page's console, types a command and reads the
 * answer from the DOM; a snapshot of the running guest, restored as a new VM,
 * keeps its shell's variable; pause and resume change the state; a wrong token gets
 * a clear message. Screenshots go to tests/build/screenshots/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { consoleText, serverAndBrowser, SHOTS, waitFor } from "./browser.js";

describe("the dashboard (typevisor serve at /) in Chromium", { concurrency: false }, () => {
  const ctx = serverAndBrowser();

  test("a wrong token gets a clear message, and the right one opens the dashboard", { timeout: 60_000 }, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(ctx.s.url + "/");
    await page.getByLabel("API token").fill("not-the-token");
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByRole("alert").filter({ hasText: "refused this token" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "dashboard-wrong-token-360px.png") });
    await page.getByLabel("API token").fill(ctx.s.token);
    await page.getByLabel("API token").press("Enter"); // keyboard only
    await page.getByRole("table", { name: "Virtual machines" }).waitFor();
    // The host line fills in with the first poll of the API, after the table is drawn.
    await waitFor("the host line", async () => (await page.locator("#host").innerText()) !== "", 10_000);
    assert.match(await page.locator("#host").innerText(), /0 VMs · memory 0 of \d+ MiB in use/);
    await page.close();
  });

  test("create and start the built-in guest, type in its console, pause and resume it", { timeout: 240_000 }, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(ctx.s.url + "/");
    await page.getByLabel("API token").fill(ctx.s.token);
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByLabel("Name").fill("web");
    await page.getByRole("button", { name: "Create" }).click();
    const row = page.locator('tr[data-vm="web"]');
    await row.waitFor();
    assert.match(await row.innerText(), /NotStarted/);
    await page.getByRole("button", { name: "Start web" }).click();
    await page.getByRole("button", { name: "Open web" }).click();
    await waitFor("the shell prompt in the page", async () => /\/ # *$/m.test(await consoleText(page)), 180_000);
    await page.locator(".console-box").click();
    await page.keyboard.type("uname -sm; echo $((6*7))\n");
    await waitFor("the command's answer", async () => /Linux riscv64\s+42/.test(await consoleText(page)), 60_000);
    // The trap counters are live: some kind of exit is counted per second.
    await waitFor("trap rates", async () => /[1-9][\d.]*\/s/.test(await page.locator("dl.rates").innerText()), 10_000);
    assert.match(await page.locator("dl.rates").innerText(), /SBI calls[\s\S]*the kernel asks the firmware/);
    await page.screenshot({ path: join(SHOTS, "dashboard-running.png"), fullPage: true });

    // A snapshot of the running guest, restored as a new VM after the original is gone, has its shell state.
    await page.keyboard.type("KEPT=$((40+2)); echo set\n");
    await waitFor("the variable set", async () => /^set$/m.test(await consoleText(page)), 30_000);
    await page.getByRole("button", { name: "Snapshot web" }).click();
    const snapRow = page.locator("tr[data-snapshot^='web-']");
    await waitFor("the snapshot listed", async () => (await snapRow.count()) === 1, 30_000);
    await waitFor("web running again after the snapshot", async () => /Running/.test(await row.innerText()), 10_000);
    const snapName = (await snapRow.getAttribute("data-snapshot"))!;
    await page.getByLabel(`New VM name for ${snapName}`).fill("web2");
    await page.getByRole("button", { name: `Restore ${snapName}` }).click();
    const row2 = page.locator('tr[data-vm="web2"]');
    await waitFor("web2 running", async () => (await row2.count()) === 1 && /Running/.test(await row2.innerText()), 30_000);
    await page.getByRole("button", { name: "Open web2" }).click();
    await page.locator(".console-box").click();
    await page.keyboard.type("echo restored-$KEPT\n");
    await waitFor("the restored shell's variable", async () => /restored-42/.test(await consoleText(page)), 60_000);
    await page.getByRole("button", { name: "Delete web2" }).click();
    await page.getByRole("button", { name: `Delete snapshot ${snapName}` }).click();
    await waitFor("the snapshot gone", async () => (await snapRow.count()) === 0, 10_000);
    await page.getByRole("button", { name: "Open web" }).click();

    await page.getByRole("button", { name: "Pause web" }).click();
    await waitFor("Paused", async () => /Paused/.test(await row.innerText()), 10_000);
    assert.match(await page.locator("#announce").innerText(), /web (paused|is Paused)/);
    await page.getByRole("button", { name: "Resume web" }).click();
    await waitFor("Running", async () => /Running/.test(await row.innerText()), 10_000);
    await page.getByRole("button", { name: "Stop web" }).click();
    await waitFor("Stopped", async () => /Stopped/.test(await row.innerText()), 20_000);
    await page.getByRole("button", { name: "Delete web" }).click();
    await waitFor("the row to go", async () => (await row.count()) === 0, 10_000);
    await page.close();
  });
});
