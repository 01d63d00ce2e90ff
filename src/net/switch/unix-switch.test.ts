import test, { afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSwitchDir, openSwitchPort, switchSocketPath, SwitchError, type SwitchPort } from "./unix-switch.js";
import { NetOpenError } from "../errors.js";
import { MAX_FRAME } from "../link.js";

const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const mac = (last: number) => [0x52, 0x54, 0x00, 0x12, 0x34, last];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A guest NIC stand-in: a port, its MAC address, the tags (payload byte 0) of the frames it got. */
interface Station {
  port: SwitchPort;
  mac: number[];
  tags: number[];
}

function frame(dst: number[], src: number[], tag: number): Uint8Array {
  const f = new Uint8Array(60);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x08;
  f[14] = tag;
  return f;
}

/** Ports and child processes a test opened, closed after it even when it fails (else the file would never exit). */
const opened: SwitchPort[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const port of opened.splice(0)) port.close();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function station(name: string, last: number, dir: string): Promise<Station> {
  const port = await openSwitchPort(name, { dir });
  opened.push(port);
  const st: Station = { port, mac: mac(last), tags: [] };
  port.attach((f) => st.tags.push(f[14]));
  return st;
}

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Sends a frame tagged `tag` from `from` to `dst` again and again (frames may
 * be lost while a hub is being elected or a connection accepted) until every
 * station of `to` has it, or until `to` says so.
 */
async function sendUntil(from: Station, dst: number[], tag: number, to: Station[] | (() => boolean)): Promise<void> {
  const end = Date.now() + 8000;
  const done = typeof to === "function" ? to : () => to.every((s) => s.tags.includes(tag));
  while (!done()) {
    if (Date.now() > end) throw new Error(`frame ${tag} from station ${from.mac[5]} never arrived`);
    from.port.transmit(frame(dst, from.mac, tag));
    await sleep(25);
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tvsw-"));
  dirs.push(dir);
  return dir;
}

/** Handles that keep a process alive, by kind, only those the switch could leave behind. */
function handles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /Pipe|Timeout|FSReq/.test(r)).sort();
}

/** Waits until earlier tests' handles have finished closing (the list holds still for 100 ms). */
async function settle(): Promise<void> {
  let last = handles().join();
  for (let still = 0; still < 10; ) {
    await sleep(10);
    const now = handles().join();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

test("three ports of a switch exchange broadcast and unicast frames; another switch hears nothing", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const a = await station("lab", 1, dir), b = await station("lab", 2, dir), c = await station("lab", 3, dir);
  const x = await station("other", 9, dir);
  assert.deepEqual([a.port.role, b.port.role, c.port.role, x.port.role], ["hub", "client", "client", "hub"]);
  assert.equal(a.port.kind, "switch:lab");
  assert.equal(a.port.socketPath, switchSocketPath("lab", dir));
  assert.ok(existsSync(a.port.socketPath));

  await sendUntil(b, BROADCAST, 1, [a, c]);
  await sendUntil(a, b.mac, 2, [b]);
  await sendUntil(c, a.mac, 3, [a]);
  await sendUntil(b, c.mac, 4, [c]);
  await sendUntil(a, BROADCAST, 5, [b, c]);
  await sleep(100);
  assert.ok(!b.tags.includes(1), "no echo of b's broadcast to b");
  assert.ok(!c.tags.includes(2), "a's unicast to b went to b alone");
  assert.ok(!b.tags.includes(3), "c's unicast to a went to a alone");
  assert.ok(!a.tags.includes(4), "b's unicast to c went to c alone");
  assert.ok(!a.tags.includes(5));
  assert.deepEqual(x.tags, [], "a port of another switch got nothing");

  for (const s of [b, c, a, x]) s.port.close();
  assert.equal(a.port.role, "closed");
  await until(() => readdirSync(dir).length === 0, "the socket files to go");
});

test("when the hub closes, the other ports elect a new hub and still exchange frames", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const a = await station("lab", 1, dir), b = await station("lab", 2, dir), c = await station("lab", 3, dir);
  await sendUntil(b, BROADCAST, 1, [a, c]);
  a.port.close();
  const heard = a.tags.length;
  await sendUntil(b, BROADCAST, 2, [c]);
  await sendUntil(c, b.mac, 3, [b]);
  await sendUntil(b, c.mac, 4, [c]);
  assert.deepEqual([b.port.role, c.port.role].sort(), ["client", "hub"]);
  assert.equal(a.tags.length, heard, "the closed port hears nothing");

  // a latecomer joins the new hub
  const d = await station("lab", 4, dir);
  assert.equal(d.port.role, "client");
  await sendUntil(d, BROADCAST, 5, [b, c]);

  // and the hub's hand-over works again down to the last port
  const hub = b.port.role === "hub" ? b : c;
  const other = hub === b ? c : b;
  hub.port.close();
  await sendUntil(other, BROADCAST, 6, [d]);
  other.port.close();
  await until(() => d.port.role === "hub", "the last port to be hub");
  assert.deepEqual(readdirSync(dir), ["typevisor-switch-lab.sock"]);
  d.port.close();
  await until(() => readdirSync(dir).length === 0, "the socket file to go");
});

test("ports opening at once elect exactly one hub, even over a stale socket", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  // a socket nobody listens on: a second name for a listener that then closes (Node removes only the first)
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(dir, "first"), resolve));
  linkSync(join(dir, "first"), switchSocketPath("crowd", dir));
  await new Promise((resolve) => server.close(resolve));
  await assert.rejects(new Promise((resolve, reject) => connect(switchSocketPath("crowd", dir)).on("connect", resolve).on("error", reject)), /ECONNREFUSED/);

  const all = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => station("crowd", i, dir)));
  assert.deepEqual(all.map((s) => s.port.role).sort(), ["client", "client", "client", "client", "client", "hub"]);
  await sendUntil(all[5], BROADCAST, 1, all.slice(0, 5));
  for (const s of all) s.port.close();
  await until(() => readdirSync(dir).length === 0, "the socket file to go");
});

test("a hub whose socket file is taken away steps down and its ports join the switch's new hub", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const a = await station("moved", 1, dir), b = await station("moved", 2, dir);
  unlinkSync(a.port.socketPath);
  const c = await station("moved", 3, dir);
  assert.deepEqual([a.port.role, b.port.role, c.port.role], ["hub", "client", "hub"], "two hubs for a moment");
  await sendUntil(c, BROADCAST, 1, [a, b]); // within PATH_CHECK_MS a notices, and a and b join c
  assert.deepEqual([a.port.role, b.port.role, c.port.role], ["client", "client", "hub"]);
  await sendUntil(a, c.mac, 2, [c]);
  for (const s of [a, b, c]) s.port.close();
  await until(() => readdirSync(dir).length === 0, "the socket file to go");
});

test("closing every port leaves no socket file and no open handle", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  await settle();
  const before = handles();
  const ports = [await station("h", 1, dir), await station("h", 2, dir), await station("h", 3, dir)];
  await sendUntil(ports[2], BROADCAST, 1, [ports[0], ports[1]]);
  assert.ok(handles().length > before.length);
  ports[0].port.close(); // the hub first: the others are between hubs when they close
  await sleep(5);
  ports[1].port.close();
  ports[2].port.close();
  await until(() => handles().join() === before.join(), `handles back to ${before.join()} (have ${handles().join()})`, 3000);
  assert.deepEqual(readdirSync(dir), []);
});

test("a process whose ports are all closed exits by itself", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const module = new URL("./unix-switch.js", import.meta.url).href;
  const script = `
    import { openSwitchPort } from ${JSON.stringify(module)};
    const dir = process.argv[1];
    const ports = [];
    for (let i = 0; i < 3; i++) ports.push(await openSwitchPort("exit", { dir }));
    let heard = 0;
    ports[1].attach(() => heard++);
    const f = new Uint8Array(60).fill(0xff, 0, 6);
    f[11] = 1;
    while (heard === 0) { ports[0].transmit(f); await new Promise((r) => setTimeout(r, 20)); }
    ports[0].close();
    await new Promise((r) => setTimeout(r, 20));
    ports[1].close();
    ports[2].close();
    console.log(ports.map((p) => p.role).join());
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const out = lines(child);
  const code = await exitedWithin(child, 10_000);
  assert.equal(code, 0);
  assert.deepEqual(out, ["closed,closed,closed"]);
  assert.deepEqual(readdirSync(dir), []);
});

test("a peer sending a length above MAX_FRAME is disconnected; a good frame is switched", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const a = await station("raw", 1, dir);
  const raw = connect(switchSocketPath("raw", dir));
  await new Promise((resolve) => raw.once("connect", resolve));
  const good = Buffer.alloc(2 + 60);
  good.writeUInt16BE(60, 0);
  Buffer.from(frame(BROADCAST, mac(7), 42)).copy(good, 2);
  raw.write(good);
  await until(() => a.tags.includes(42), "the raw peer's frame");
  const bad = Buffer.alloc(2);
  bad.writeUInt16BE(MAX_FRAME + 1, 0);
  raw.write(bad);
  await new Promise((resolve) => raw.once("close", resolve));
  a.port.close();
  await until(() => readdirSync(dir).length === 0, "the socket file to go");
});

test("the socket is in $XDG_RUNTIME_DIR when it is usable, else in the temporary directory", () => {
  const dir = tempDir();
  const saved = process.env.XDG_RUNTIME_DIR;
  try {
    process.env.XDG_RUNTIME_DIR = dir;
    assert.equal(defaultSwitchDir(), dir);
    assert.equal(switchSocketPath("lab"), join(dir, "typevisor-switch-lab.sock"));
    process.env.XDG_RUNTIME_DIR = join(dir, "missing");
    assert.equal(defaultSwitchDir(), tmpdir());
    delete process.env.XDG_RUNTIME_DIR;
    assert.equal(switchSocketPath("lab"), join(tmpdir(), "typevisor-switch-lab.sock"));
  } finally {
    if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = saved;
  }
});

test("errors are SwitchErrors with a one-line message", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const fails = async (promise: Promise<unknown>, pattern: RegExp) => {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof SwitchError, String(err));
      assert.ok(err instanceof NetOpenError);
      assert.equal(err.name, "SwitchError");
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  };
  await fails(openSwitchPort("bad/name", { dir }), /switch name/);
  await fails(openSwitchPort("lab", { dir: join(dir, "missing") }), /missing does not exist/);
  writeFileSync(join(dir, "afile"), "");
  await fails(openSwitchPort("lab", { dir: join(dir, "afile") }), /not a directory/);
  writeFileSync(switchSocketPath("squat", dir), "not a socket");
  await fails(openSwitchPort("squat", { dir }), /exists and is not a socket/);
  mkdirSync(switchSocketPath("dir", dir));
  await fails(openSwitchPort("dir", { dir }), /exists and is not a socket/);
  await fails(openSwitchPort("lab", { dir: join(dir, "x".repeat(100)) }), /longer than 107 bytes/);
});

test("a directory that is not writable is an error", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o500);
    await assert.rejects(openSwitchPort("lab", { dir }), (err: unknown) => err instanceof SwitchError && /is not writable/.test(err.message));
    chmodSync(dir, 0o700);
    return;
  }
  // root writes anywhere: try as nobody in root's directory
  chmodSync(dir, 0o755);
  const module = new URL("./unix-switch.js", import.meta.url).href;
  const script = `
    import { openSwitchPort } from ${JSON.stringify(module)};
    try { await openSwitchPort("lab", { dir: process.argv[1] }); console.log("opened"); }
    catch (err) { console.log(err.name + ": " + err.message); }
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: ["ignore", "pipe", "inherit"], uid: 65534, gid: 65534 });
  children.push(child);
  const out = lines(child);
  assert.equal(await exitedWithin(child, 10_000), 0);
  assert.deepEqual(out, [`SwitchError: cannot create the switch socket ${switchSocketPath("lab", dir)}: directory ${dir} is not writable`]);
});

/**
 * A port of switch `name` in another Node process: it prints "ready ROLE"
 * once open and "got TAG" per frame, answers every frame tagged below 100
 * with one tagged TAG+100 to its sender, sends a broadcast tagged N
 * for each line "bcast N" on its stdin, and closes its port at the end of
 * stdin (so it exits only if close() leaves nothing open).
 */
function childPort(name: string, dir: string, last: number): ChildProcess {
  const module = new URL("./unix-switch.js", import.meta.url).href;
  const script = `
    import { openSwitchPort } from ${JSON.stringify(module)};
    const [dir, name, last] = process.argv.slice(1);
    const me = [0x52, 0x54, 0x00, 0x12, 0x34, Number(last)];
    const port = await openSwitchPort(name, { dir });
    const reply = (dst, tag) => { const f = new Uint8Array(60); f.set(dst, 0); f.set(me, 6); f[12] = 8; f[14] = tag; port.transmit(f); };
    port.attach((f) => {
      console.log("got " + f[14]);
      if (f[14] < 100) reply(Array.from(f.subarray(6, 12)), f[14] + 100);
    });
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (text) => { for (const m of text.matchAll(/bcast (\\d+)/g)) reply([255, 255, 255, 255, 255, 255], Number(m[1])); });
    process.stdin.on("end", () => { port.close(); process.stdin.destroy(); });
    console.log("ready " + port.role);
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir, name, String(last)], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  return child;
}

/** Lines the child printed so far, collected as they come. */
function lines(child: ChildProcess): string[] {
  const out: string[] = [];
  let partial = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (text: string) => {
    const parts = (partial + text).split("\n");
    partial = parts.pop()!;
    out.push(...parts);
  });
  return out;
}

/** The child's exit code, or "still running" after `ms`. */
async function exitedWithin(child: ChildProcess, ms: number): Promise<number | null | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still running"), ms)));
  try {
    return await Promise.race([exited(child), late]);
  } finally {
    clearTimeout(timer);
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

test("a port in another process is on the same switch, and exits once its port is closed", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const a = await station("xp", 1, dir);
  const child = childPort("xp", dir, 8);
  const out = lines(child);
  await until(() => out.includes("ready client"), "the child to join as client");
  await sendUntil(a, BROADCAST, 10, () => a.tags.includes(110));
  await sendUntil(a, mac(8), 11, () => a.tags.includes(111));
  assert.ok(out.includes("got 10") && out.includes("got 11"));
  child.stdin!.write("bcast 12\n");
  await until(() => a.tags.includes(12), "the child's broadcast");
  child.stdin!.end();
  const code = await exitedWithin(child, 10_000);
  assert.equal(code, 0, "the child exits by itself after close()");
  assert.equal(a.port.role, "hub");
  a.port.close();
  await until(() => readdirSync(dir).length === 0, "the socket file to go");
});

test("when a hub process dies, its socket is found stale and the ports left elect a new hub", { timeout: 30_000 }, async () => {
  const dir = tempDir();
  const child = childPort("die", dir, 8);
  const out = lines(child);
  await until(() => out.includes("ready hub"), "the child to become hub");
  const b = await station("die", 2, dir), c = await station("die", 3, dir);
  assert.deepEqual([b.port.role, c.port.role], ["client", "client"]);
  await sendUntil(b, mac(8), 20, () => b.tags.includes(120));
  child.kill("SIGKILL");
  await exited(child);
  await sendUntil(b, BROADCAST, 21, [c]);
  await sendUntil(c, b.mac, 22, [b]);
  assert.deepEqual([b.port.role, c.port.role].sort(), ["client", "hub"]);
  b.port.close();
  c.port.close();
  await until(() => readdirSync(dir).length === 0, "the socket file to go");
});
