/**
 * The play page in a real Chromium (Debian's chromium, driven by
 * playwright-core): `typevisor serve` only hands out the static files of
 * /play/; the built-in Linux guest boots inside a Web Worker of the tab, its
 * shell answers a command typed into the page's console, and the trap rates
 * are live; files given to the page are unpacked in the guest from /dev/vda; a snapshot saved in IndexedDB brings the shell back, variable
 * and all, after a reload of the page. Every request the page makes is for a static file of /play/ —
 * no API call, no WebSocket: the VM runs in the browser.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, test } from "node:test";
import { consoleText, serverAndBrowser, SHOTS, waitFor } from "./browser.js";

describe("the play page: Linux in a browser tab", { concurrency: false }, () => {
  const ctx = serverAndBrowser();

  test("boots the built-in guest in a Web Worker, runs a typed command, shows live trap rates, and asks nothing of the server", { timeout: 300_000 }, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(ctx.s.url + "/play");
    assert.equal(new URL(page.url()).pathname, "/play/");
    await page.getByRole("button", { name: "Boot Linux" }).click();
    await waitFor("the shell prompt in the page", async () => /\/ # *$/m.test(await consoleText(page)), 240_000);
    assert.match(await consoleText(page), /Run \/init as init process/, "the kernel booted the initramfs");
    await page.locator(".console-box").click();
    await page.keyboard.type("uname -sm; echo $((6*7))\n");
    await waitFor("the command's answer", async () => /Linux riscv64\s+42/.test(await consoleText(page)), 60_000);
    await waitFor("trap rates", async () => /[1-9][\d.]*\/s/.test(await page.locator("dl.rates").innerText()), 15_000);
    assert.match(await page.locator("#stats").innerText(), /M instructions · [\d.]+ MIPS/);
    await page.screenshot({ path: join(SHOTS, "play-running.png"), fullPage: true });

    // Files given to the page appear on the guest's /dev/vda as a tar archive.
    const blob = randomBytes(100_000);
    await page.locator("#files").setInputFiles([
      { name: "note.txt", mimeType: "text/plain", buffer: Buffer.from("a file from the page\n") },
      { name: "blob.bin", mimeType: "application/octet-stream", buffer: blob },
    ]);
    await waitFor("the files written", async () => /2 files on \/dev\/vda/.test(await page.locator("#status").innerText()), 10_000);
    await page.locator(".console-box").click();
    await page.keyboard.type("echo 3 > /proc/sys/vm/drop_caches; tar -xf /dev/vda -C /tmp && cat /tmp/note.txt && md5sum /tmp/blob.bin\n");
    const md5 = createHash("md5").update(blob).digest("hex");
    await waitFor("the files in the guest", async () => new RegExp(`a file from the page[\\s\\S]*${md5}`).test(await consoleText(page)), 30_000);

    // A snapshot kept in IndexedDB: after a reload of the page the machine runs on from it.
    await page.keyboard.type("KEPT=$((40+2)); echo set\n");
    await waitFor("the variable set", async () => /^set$/m.test(await consoleText(page)), 30_000);
    await page.getByRole("button", { name: "Save snapshot" }).click();
    const saved = page.locator("tr[data-snapshot^='linux-']");
    await waitFor("the snapshot listed", async () => (await saved.count()) === 1, 60_000);
    await page.locator(".console-box").click();
    await page.keyboard.type("echo still-running\n");
    await waitFor("the machine running on after the snapshot", async () => /^still-running$/m.test(await consoleText(page)), 30_000);
    await page.getByRole("button", { name: "Stop" }).click();
    await waitFor("the machine stopped", async () => /stopped/.test(await page.locator("#status").innerText()), 20_000);
    await page.reload();
    const name = (await saved.getAttribute("data-snapshot"))!;
    await page.getByRole("button", { name: `Restore ${name}` }).click();
    await waitFor("the restored machine running", async () => /Running on from the saved snapshot/.test(await page.locator("#status").innerText()), 30_000);
    await page.locator(".console-box").click();
    await page.keyboard.type("echo restored-$KEPT\n");
    await waitFor("the restored shell's variable", async () => /restored-42/.test(await consoleText(page)), 60_000);
    await page.getByRole("button", { name: "Stop" }).click();
    await waitFor("the machine stopped", async () => /stopped/.test(await page.locator("#status").innerText()), 20_000);
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    await waitFor("the snapshot deleted", async () => (await saved.count()) === 0, 10_000);
    assert.deepEqual(errors, []);
    const foreign = requests.filter((p) => !p.startsWith("/play"));
    assert.deepEqual(foreign, [], "the page only loads its own static files");
    assert.ok(requests.includes("/play/images/Image") && requests.includes("/play/vm-worker.js"));
    await page.close();
  });

  test("the page works at 360 px wide: nothing wider than the screen, the controls reachable by keyboard", { timeout: 60_000 }, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(ctx.s.url + "/play/");
    await page.getByRole("button", { name: "Boot Linux" }).waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "no horizontal scrolling");
    await page.keyboard.press("Tab");
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(await page.evaluate(() => document.activeElement?.textContent || (document.activeElement as HTMLElement | null)?.id || ""));
      await page.keyboard.press("Tab");
    }
    assert.ok(seen.includes("memory") && seen.includes("Boot Linux"), `focus order: ${seen.join(", ")}`);
    await page.screenshot({ path: join(SHOTS, "play-360.png"), fullPage: true });
    await page.close();
  });
});
