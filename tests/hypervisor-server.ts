/**
 * Test helpers for the hypervisor: a real `typevisor serve` child process on a
 * free loopback port with its own state dir, and a small client of its API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TYPEVISOR_BIN } from "./guest-run.js";

/** A running server. */
export interface Served {
  url: string;
  token: string;
  stateDir: string;
  child: ChildProcess;
  /** Everything the server printed. */
  output: () => string;
  /** SIGTERM, then wait for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Starts `typevisor serve --listen 127.0.0.1:0` with `args`; resolves once it listens. */
export function serve(args: string[] = [], stateDir = mkdtempSync(join(tmpdir(), "tv-serve-")), env: NodeJS.ProcessEnv = process.env): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TYPEVISOR_BIN, "serve", "--listen", "127.0.0.1:0", "--state-dir", stateDir, ...args],
      { stdio: ["ignore", "pipe", "pipe"], env });
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^ ]+)/.exec(out);
      if (m === null) return;
      child.stdout!.off("data", onData);
      child.stdout!.on("data", (d2: Buffer) => { out += d2.toString(); });
      resolve({
        url: m[1], stateDir, child, token: readFileSync(join(stateDir, "token"), "utf8").trim(), output: () => out,
        stop: () => new Promise<void>((r) => {
          if (child.exitCode !== null || child.signalCode !== null) { r(); return; }
          const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => { clearTimeout(t); r(); });
          child.kill("SIGTERM");
        }),
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => { out += d.toString(); });
    child.once("exit", (code) => reject(new Error(`serve exited (${code}) before listening: ${out}`)));
  });
}

/** An API answer. */
export interface Answer {
  status: number;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** Calls the API of `s` (JSON body when `body` is an object, raw when a string or bytes). */
export async function api(s: Served, method: string, path: string, body?: unknown, token = s.token): Promise<Answer> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
  if (body !== undefined) init.body = (typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body)) as BodyInit;
  const r = await fetch(s.url + path, init);
  const text = await r.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, text, json, headers: r.headers };
}

/** Waits until VM `id`'s console output after byte `from` matches `re`; resolves with the text from `from`. */
export async function waitConsole(s: Served, id: string, re: RegExp, from = 0, timeoutMs = 60_000): Promise<{ text: string; end: number }> {
  const deadline = performance.now() + timeoutMs;
  let text = "";
  let at = from;
  for (;;) {
    const r = await api(s, "GET", `/vms/${id}/console/log?offset=${at}`);
    if (r.status !== 200) throw new Error(`console/log of ${id}: ${r.status} ${r.text}`);
    text += r.text;
    at = Number(r.headers.get("x-console-next-offset"));
    if (re.test(text)) return { text, end: at };
    if (performance.now() > deadline) throw new Error(`VM ${id}: no ${re} on the console within ${timeoutMs} ms; it shows:\n${text.slice(-1500)}`);
    await new Promise((r2) => setTimeout(r2, 100));
  }
}

/** Sends `line` + newline to VM `id` and waits for `expect` after it; resolves with the output. */
export async function command(s: Served, id: string, line: string, expect: RegExp, timeoutMs = 60_000): Promise<string> {
  const start = Number((await api(s, "GET", `/vms/${id}/console/log?offset=${Number.MAX_SAFE_INTEGER}`)).headers.get("x-console-next-offset"));
  const r = await api(s, "POST", `/vms/${id}/console/input`, line + "\n");
  if (r.status !== 204) throw new Error(`console/input of ${id}: ${r.status} ${r.text}`);
  return (await waitConsole(s, id, expect, start, timeoutMs)).text;
}
