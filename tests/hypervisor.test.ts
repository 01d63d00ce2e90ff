/**
 * The hypervisor (`typevisor serve`) against real guests, through its HTTP API
 * on a loopback port: the built-in Linux guest and a bare-metal program that
 * spins with interrupts off. Each guest runs in its own worker thread.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { compile, CROSS_CC, requireTool, ROOT } from "./build-guests.js";
import { WebSocket } from "ws";
import { api, command, serve, waitConsole, type Served } from "./hypervisor-server.js";
import { gdbBatch } from "./gdb-session.js";
import { buildHypervisor, HYP_ELF } from "./hyp-build.js";

const BUILD = join(ROOT, "tests", "build", "hypervisor");
const SPIN = join(BUILD, "spin.elf");
const PROMPT = /\/ # $/;

async function buildSpin(): Promise<void> {
  requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
  mkdirSync(BUILD, { recursive: true });
  await compile({
    cc: CROSS_CC, source: join(ROOT, "tests", "hypervisor", "spin.S"), output: SPIN, libs: [],
    flags: ["-static", "-no-pie", "-nostdlib", "-nostartfiles", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments",
      "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany", "-T", join(ROOT, "tests", "baremetal", "link.ld")],
  });
}

/** Defines VM `id` (the built-in guest unless `config` says otherwise) and starts it. */
async function boot(s: Served, id: string, config: object = {}): Promise<void> {
  const c = await api(s, "PUT", `/vms/${id}`, config);
  assert.equal(c.status, 201, c.text);
  const r = await api(s, "PUT", `/vms/${id}/actions`, { action_type: "InstanceStart" });
  assert.equal(r.status, 204, r.text);
}

describe("typevisor serve", { concurrency: false }, () => {
  let s: Served;
  before(async () => {
    await buildSpin();
    await buildHypervisor();
    s = await serve(["--allow-path", BUILD, "--allow-path", join(HYP_ELF, "..")]);
  });
  after(async () => { await s?.stop(); });

  test("every request needs the bearer token: none or a wrong one gets 401 with a fault_message", async () => {
    for (const token of ["", "wrong-token"]) {
      const r = await api(s, "GET", "/vms", undefined, token);
      assert.equal(r.status, 401);
      assert.match(r.json.fault_message, /token/);
    }
    assert.equal((await api(s, "GET", "/vms")).status, 200);
    const mode = readFileSync(join(s.stateDir, "token")).length > 0 ? (await import("node:fs")).statSync(join(s.stateDir, "token")).mode & 0o777 : -1;
    assert.equal(mode, 0o600, "the token file is private");
  });

  test("four guests booted at once each answer their own commands through the console API", { timeout: 180_000 }, async () => {
    const ids = ["g1", "g2", "g3", "g4"];
    await Promise.all(ids.map((id) => boot(s, id)));
    await Promise.all(ids.map((id) => waitConsole(s, id, PROMPT, 0, 120_000)));
    const answers = await Promise.all(ids.map((id, i) => command(s, id, `echo vm-${id}-$((${i} * 1000 + 7))`, new RegExp(`\\nvm-${id}-${i * 1000 + 7}\\r?\\n`))));
    answers.forEach((a, i) => assert.doesNotMatch(a, new RegExp(`vm-g${((i + 1) % 4) + 1}-`), "no output of another guest"));
    const list = (await api(s, "GET", "/vms")).json as { id: string; state: string }[];
    assert.deepEqual(list.filter((v) => ids.includes(v.id)).map((v) => v.state), ["Running", "Running", "Running", "Running"]);
    for (const id of ids.slice(1)) assert.equal((await api(s, "DELETE", `/vms/${id}`)).status, 204);
  });

  test("the console WebSocket sends the recent output first, then live output, and carries input to the guest", { timeout: 60_000 }, async () => {
    const ws = new WebSocket(s.url.replace("http", "ws") + "/vms/g1/console", { headers: { authorization: `Bearer ${s.token}` } });
    let seen = "";
    const until = (re: RegExp) => new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${re} on the WebSocket; got:\n${seen.slice(-1000)}`)), 30_000);
      const check = () => { if (re.test(seen)) { clearTimeout(t); ws.off("message", onMsg); resolve(); } };
      const onMsg = (d: Buffer) => { seen += d.toString("latin1"); check(); };
      ws.on("message", onMsg);
      check();
    });
    await until(/Linux version 6\.1/); // the boot log, sent first to a late viewer
    ws.send("echo ws-$((20+3))\n");
    await until(/ws-23/);
    ws.close();
    const bad = new WebSocket(s.url.replace("http", "ws") + "/vms/g1/console");
    const status = await new Promise<number>((r) => bad.on("unexpected-response", (_req, res) => r(res.statusCode ?? 0)).on("error", () => r(-1)));
    assert.equal(status, 401, "no token, no console");
  });

  test("pause freezes the instruction count and host CPU; resume continues", { timeout: 120_000 }, async () => {
    // A guest that keeps working: a shell loop counting.
    await command(s, "g1", "i=0; while true; do i=$((i+1)); done &", PROMPT);
    assert.equal((await api(s, "PATCH", "/vms/g1/vm", { state: "Paused" })).status, 204);
    assert.equal((await api(s, "GET", "/vms/g1")).json.state, "Paused");
    const a = (await api(s, "GET", "/vms/g1/metrics")).json;
    await new Promise((r) => setTimeout(r, 1500));
    const b = (await api(s, "GET", "/vms/g1/metrics")).json;
    assert.equal(b.instructions, a.instructions, "no instruction while paused");
    assert.ok(b.host_cpu_seconds - a.host_cpu_seconds < 0.1, `host CPU while paused: ${b.host_cpu_seconds - a.host_cpu_seconds} s`);
    assert.equal((await api(s, "PATCH", "/vms/g1/vm", { state: "Paused" })).status, 409, "pausing twice is a state conflict");
    assert.equal((await api(s, "PATCH", "/vms/g1/vm", { state: "Resumed" })).status, 204);
    await new Promise((r) => setTimeout(r, 1000));
    const c = (await api(s, "GET", "/vms/g1/metrics")).json;
    assert.ok(c.instructions > b.instructions + 1e6, `instructions after resume: ${c.instructions - b.instructions}`);
    await command(s, "g1", "kill %1; echo killed-$((40+2))", /killed-42/);
  });

  test("PUT /vms/{id}/gdb opens a GDB stub on a loopback port: gdb-multiarch stops the VM, reads its registers, and it runs on after detach", { timeout: 120_000 }, async () => {
    requireTool("gdb-multiarch", "gdb-multiarch");
    await boot(s, "dbg", { "boot-source": { kernel_image_path: SPIN }, firmware_path: "none", "machine-config": { mem_size_mib: 16 } });
    assert.equal((await api(s, "PUT", "/vms/dbg/gdb", { port: 70000 })).status, 400);
    const r = await api(s, "PUT", "/vms/dbg/gdb", {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.address, "127.0.0.1");
    assert.equal((await api(s, "PUT", "/vms/dbg/gdb", {})).status, 409, "one stub per VM");
    const out = await gdbBatch(["set architecture riscv:rv64", `target remote :${r.json.port}`, "p $priv", "p/x $pc", "x/i $pc", "p/x $mstatus & 8", "info threads", "detach"]);
    // Stopped in the spin loop (_start: csrci mstatus, 8; then j . at 0x80000004), in M-mode with interrupts off.
    assert.match(out, /\$1 = 3\n\$2 = 0x80000004\n=> 0x80000004:\tj\t0x80000004\n\$3 = 0x0\n/, out);
    assert.match(out, /\* 1 +Thread 1 /);
    const before = (await api(s, "GET", "/vms/dbg/metrics")).json.instructions;
    await new Promise((res) => setTimeout(res, 300));
    assert.ok((await api(s, "GET", "/vms/dbg/metrics")).json.instructions > before, "the VM runs on after the debugger detached");
    assert.equal((await api(s, "GET", "/vms/dbg")).json.state, "Running");
    assert.equal((await api(s, "PUT", "/vms/dbg/actions", { action_type: "InstanceStop" })).status, 204);
  });

  test("a guest spinning with interrupts off is stopped through the API while another keeps answering", { timeout: 120_000 }, async () => {
    await boot(s, "spin", { "boot-source": { kernel_image_path: SPIN }, firmware_path: "none", "machine-config": { mem_size_mib: 16 } });
    await new Promise((r) => setTimeout(r, 500));
    const m = (await api(s, "GET", "/vms/spin/metrics")).json;
    assert.ok(m.instructions > 1e6, `the spinner runs (${m.instructions} instructions)`);
    await command(s, "g1", "echo still-$((1+1))", /still-2/);
    assert.equal((await api(s, "PUT", "/vms/spin/actions", { action_type: "InstanceStop" })).status, 204);
    const v = (await api(s, "GET", "/vms/spin")).json;
    assert.equal(v.state, "Stopped");
    assert.match(v.stop_reason, /stopped by the host/);
    await command(s, "g1", "echo after-$((2+1))", /after-3/);
  });

  test("cpu_quota_percent throttles a VM to that share of one host core", { timeout: 60_000 }, async () => {
    await boot(s, "quota", { "boot-source": { kernel_image_path: SPIN }, firmware_path: "none", "machine-config": { mem_size_mib: 16, cpu_quota_percent: 25 } });
    await new Promise((r) => setTimeout(r, 4000));
    const m = (await api(s, "GET", "/vms/quota/metrics")).json;
    const share = m.host_cpu_seconds / m.uptime_seconds;
    assert.ok(share > 0.1 && share < 0.4, `a 25% quota used ${(share * 100).toFixed(1)}% of a core (${m.host_cpu_seconds} s in ${m.uptime_seconds} s)`);
    assert.equal((await api(s, "DELETE", "/vms/quota")).status, 204);
  });

  test("machine-config.hypervisor_extension: a guest hypervisor runs its own guests with H, and finds none without it", { timeout: 120_000 }, async () => {
    const config = (h: boolean) => ({
      "boot-source": { kernel_image_path: HYP_ELF }, firmware_path: "none", "machine-config": { mem_size_mib: 128, hypervisor_extension: h },
    });
    await boot(s, "hyp-on", config(true));
    await boot(s, "hyp-off", config(false));
    const stopped = async (id: string) => {
      for (let i = 0; i < 600; i++) {
        const v = (await api(s, "GET", `/vms/${id}`)).json;
        if (v.state === "Stopped") return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${id} did not stop`);
    };
    const on = await stopped("hyp-on"), off = await stopped("hyp-off");
    const log = async (id: string) => (await api(s, "GET", `/vms/${id}/console/log?offset=0`)).text;
    assert.match(await log("hyp-on"), /\[guest B\] prime count checked[\s\S]*PASS\n$/);
    assert.match(await log("hyp-off"), /the hart has no hypervisor extension \(misa\.H = 0\)/);
    assert.notEqual(off.stop_reason, on.stop_reason, `${on.stop_reason} / ${off.stop_reason}`);
    assert.equal((await api(s, "PUT", "/vms/x", { "machine-config": { hypervisor_extension: "yes" } })).status, 400);
    for (const id of ["hyp-on", "hyp-off"]) assert.equal((await api(s, "DELETE", `/vms/${id}`)).status, 204);
  });

  test("bad requests: unknown field 400, bad JSON 400, unknown VM 404, duplicate id 409, wrong state 409, paths outside --allow-path 403", async () => {
    assert.equal((await api(s, "PUT", "/vms/x", { "boot-source": { kernel: "/x" } })).status, 400);
    assert.equal((await api(s, "PUT", "/vms/x", "{not json")).status, 400);
    assert.equal((await api(s, "PUT", "/vms/x", { "machine-config": { vcpu_count: 9 } })).status, 400);
    assert.equal((await api(s, "GET", "/vms/nope")).status, 404);
    assert.equal((await api(s, "PUT", "/vms/g1", {})).status, 409);
    assert.equal((await api(s, "PUT", "/vms/g1/actions", { action_type: "InstanceStart" })).status, 409);
    assert.equal((await api(s, "PUT", "/vms/bad%20id", {})).status, 400);
    const dir = mkdtempSync(join(tmpdir(), "tv-outside-"));
    try {
      writeFileSync(join(dir, "Image"), "not a kernel");
      symlinkSync(join(dir, "Image"), join(BUILD, "link-out"));
      for (const path of [join(dir, "Image"), `${BUILD}/${relative(BUILD, join(dir, "Image"))}`, join(BUILD, "link-out"), "/etc/passwd"]) {
        const r = await api(s, "PUT", "/vms/x", { "boot-source": { kernel_image_path: path } });
        assert.equal(r.status, 403, `${path}: ${r.text}`);
        assert.match(r.json.fault_message, /outside the allowed directories/);
      }
      assert.equal((await api(s, "GET", "/vms/x")).status, 404, "no VM was created");
    } finally {
      rmSync(join(BUILD, "link-out"), { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the OpenAPI document is served and is the committed docs/openapi.json", async () => {
    const r = await api(s, "GET", "/openapi.json");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, JSON.parse(readFileSync(join(ROOT, "docs", "openapi.json"), "utf8")));
    for (const p of ["/vms", "/vms/{id}", "/vms/{id}/actions", "/vms/{id}/vm", "/vms/{id}/metrics", "/vms/{id}/console/log",
      "/vms/{id}/console/input", "/vms/{id}/snapshot/create", "/vms/{id}/snapshot/load"]) assert.ok(p in r.json.paths, p);
  });

  test("API fuzz: random and malformed requests never crash the server or harm a running guest", { timeout: 120_000 }, async () => {
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const methods = ["GET", "PUT", "PATCH", "POST", "DELETE"];
    const paths = ["/vms", "/vms/f", "/vms/f/actions", "/vms/f/vm", "/vms/f/metrics", "/vms/f/console/log?offset=-1", "/vms/f/console/input",
      "/vms/f/snapshot/create", "/vms/f/snapshot/load", "/vms/%ff", "/vms/../etc", "/host", "/", "/vms/g1/actions", "/vms/g1/vm"];
    const values = [null, true, 0, -1, 1e300, "x", "Paused", "InstanceStart", [], {}, { a: 1 }, "/etc/passwd", "a".repeat(5000)];
    const keys = ["boot-source", "machine-config", "drives", "action_type", "state", "kernel_image_path", "mem_size_mib", "vcpu_count", "snapshot_path", "zzz"];
    const statuses = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const body: Record<string, unknown> = {};
      for (let k = rnd(4); k > 0; k--) body[keys[rnd(keys.length)]] = rnd(3) === 0 ? { [keys[rnd(keys.length)]]: values[rnd(values.length)] } : values[rnd(values.length)];
      const raw = rnd(5) === 0 ? Buffer.from(Array.from({ length: rnd(64) }, () => rnd(256))).toString("latin1") : JSON.stringify(body);
      let path = paths[rnd(paths.length)];
      // Never stop or pause the guest that must survive: g1's actions and vm only get GET (405).
      const method = path.startsWith("/vms/g1/") ? "GET" : methods[rnd(methods.length)];
      if (path === "/vms/f" && method === "PUT" && rnd(2) === 0) path = "/vms/f" + rnd(100);
      const r = await api(s, method, path, method === "GET" || method === "DELETE" ? undefined : raw);
      statuses.add(r.status);
      assert.ok(r.status < 500, `${method} ${path} ${raw.slice(0, 200)} → ${r.status} ${r.text}`);
      if (r.status >= 400) assert.equal(typeof r.json?.fault_message, "string", `${method} ${path}: ${r.text}`);
    }
    assert.ok(statuses.has(400) && statuses.has(404), [...statuses].join());
    await command(s, "g1", "echo fuzzed-$((3*3))", /fuzzed-9/);
    for (const v of (await api(s, "GET", "/vms")).json as { id: string }[]) if (v.id !== "g1") await api(s, "DELETE", `/vms/${v.id}`);
  });
});

describe("typevisor serve: budget, restart, worker limits", { concurrency: false }, () => {
  test("the memory budget refuses a VM that does not fit (507) and counts only running VMs", { timeout: 120_000 }, async () => {
    const s = await serve(["--memory-budget", "300"]);
    try {
      assert.equal((await api(s, "PUT", "/vms/huge", { "machine-config": { mem_size_mib: 512 } })).status, 507);
      await boot(s, "a");
      await boot(s, "b");
      assert.equal((await api(s, "PUT", "/vms/c", {})).status, 201, "defining it is fine");
      const r = await api(s, "PUT", "/vms/c/actions", { action_type: "InstanceStart" });
      assert.equal(r.status, 507, r.text);
      assert.match(r.json.fault_message, /budget/);
      assert.equal((await api(s, "GET", "/host")).json.memory_used_mib, 256);
      await api(s, "PUT", "/vms/a/actions", { action_type: "InstanceStop" });
      assert.equal((await api(s, "PUT", "/vms/c/actions", { action_type: "InstanceStart" })).status, 204, "fits once a is stopped");
    } finally {
      await s.stop();
    }
  });

  test("after a restart of the server, GET /vms lists the same VMs, as stopped", { timeout: 120_000 }, async () => {
    const s1 = await serve();
    await boot(s1, "keep1");
    assert.equal((await api(s1, "PUT", "/vms/keep2", { "machine-config": { mem_size_mib: 64, vcpu_count: 2 } })).status, 201);
    await s1.stop();
    const s2 = await serve([], s1.stateDir);
    try {
      assert.equal(s2.token, s1.token, "the token is kept");
      assert.doesNotMatch(s2.output(), /API token/, "and not printed again");
      const list = (await api(s2, "GET", "/vms")).json as { id: string; state: string; config: { memoryMiB?: number; harts?: number } }[];
      assert.deepEqual(list.map((v) => [v.id, v.state]), [["keep1", "Stopped"], ["keep2", "Stopped"]]);
      assert.equal(list[1].config.memoryMiB, 64);
      assert.equal((await api(s2, "PUT", "/vms/keep1/actions", { action_type: "InstanceStart" })).status, 204, "a stopped VM boots again");
      await waitConsole(s2, "keep1", PROMPT);
    } finally {
      await s2.stop();
    }
  });

  test("a worker that exceeds its heap limit ends; its VM is reported stopped and the server stays up", { timeout: 60_000 }, async () => {
    const s = await serve(["--worker-heap", "2"]);
    try {
      await api(s, "PUT", "/vms/small", {});
      const r = await api(s, "PUT", "/vms/small/actions", { action_type: "InstanceStart" });
      assert.equal(r.status, 409);
      const v = (await api(s, "GET", "/vms/small")).json;
      assert.equal(v.state, "Stopped");
      assert.match(v.stop_reason, /out of memory/);
      assert.equal((await api(s, "GET", "/host")).status, 200, "the server answers");
    } finally {
      await s.stop();
    }
  });
});
