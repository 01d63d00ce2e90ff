/**
 * `typevisor vm` against a real hypervisor: a `typevisor serve` child process
 * on a free port, driven by `typevisor vm` child processes as a user would,
 * through the life of a VM (create, ls, start, console in pipe mode and on a
 * terminal, pause, resume, metrics, snapshot, stop, rm) and its errors (wrong
 * token, no server, unknown subcommand, a refusal from the API).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, requireTool } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";
import { freePort } from "./host-net.js";
import { gdbBatch } from "./gdb-session.js";

/** How long the built-in guest may take to reach its shell prompt (about 1-2 s when the host is idle). */
const BOOT_TIMEOUT_MS = 60_000;
/** Per test: generous, as the whole suite may run in parallel on a busy host. */
const TEST_TIMEOUT_MS = 120_000;
/** Per command (a console session waits for output, the others answer at once). */
const COMMAND_TIMEOUT_MS = 60_000;

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with `input` on stdin; rejects when it outlives `timeoutMs`. */
function run(cmd: string, args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: { PATH: "/usr/bin:/bin", LANG: "C", HOME: scratch, ...opts.env } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString("latin1"); });
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString("latin1"); });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")}: no exit within ${opts.timeoutMs ?? COMMAND_TIMEOUT_MS} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? COMMAND_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? 128 + (signal === null ? 0 : 9), stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

let scratch = "";
let stateDir = "";
let server = "";
let serve: ChildProcessWithoutNullStreams | undefined;

/** `typevisor vm ARGS` against the test's server, its token read from the state dir. */
const vm = (args: string[], opts: Parameters<typeof run>[2] = {}) =>
  run(process.execPath, [TYPEVISOR_BIN, "vm", "--server", server, "--state-dir", stateDir, ...args], opts);

/** Runs `vm ARGS` and asserts it succeeded; resolves with its stdout. */
async function ok(args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await vm(args, opts);
  assert.equal(r.status, 0, `vm ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** The VMs `vm ls` lists: id → its row's cells (ID, STATE, VCPUS, MEMORY as "N MiB", UPTIME, STOP REASON...). */
async function ls(): Promise<Map<string, string[]>> {
  const lines = (await ok(["ls"])).split("\n").filter((l) => l !== "");
  if (lines[0].startsWith("no VMs")) return new Map();
  assert.match(lines[0], /^ID\s+STATE\s+VCPUS\s+MEMORY\s+UPTIME/);
  return new Map(lines.slice(1).map((l) => {
    const cells = l.split(/\s+/);
    return [cells[0], cells];
  }));
}

/** The state `vm ls` shows for `id` (undefined when it is not listed). */
const stateOf = async (id: string) => (await ls()).get(id)?.[1];

/** Asserts the shape every error must have: a non-zero status `status`, one line on stderr, no stack trace; returns the line. */
function oneLineError(r: Result, status: number): string {
  assert.equal(r.status, status, `expected exit status ${status}; stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, "stderr must not contain a stack trace");
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  return lines[0];
}

/** Polls `vm logs ID` until the guest's shell prompt shows. */
async function waitForPrompt(id: string): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  let log = "";
  while (Date.now() < deadline) {
    log = await ok(["logs", id]);
    if (/\/ # $/.test(log)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`no shell prompt from VM ${id} within ${BOOT_TIMEOUT_MS} ms; console:\n${log}`);
}

describe("typevisor vm drives a real 'typevisor serve'", { timeout: 10 * TEST_TIMEOUT_MS }, () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "typevisor-vm-cli-"));
    stateDir = join(scratch, "state");
    serve = spawn(process.execPath, [TYPEVISOR_BIN, "serve", "--listen", "127.0.0.1:0", "--state-dir", stateDir],
      { env: { PATH: "/usr/bin:/bin", LANG: "C", HOME: scratch } });
    let out = "", err = "";
    serve.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    const port = await new Promise<string>((resolve, reject) => {
      serve!.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out.split("\n")[0]);
        if (m !== null) resolve(m[1]);
      });
      serve!.on("exit", (code) => reject(new Error(`typevisor serve exited (${code}) before listening:\n${out}${err}`)));
    });
    server = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (serve !== undefined && serve.exitCode === null) {
      for (const id of (await ls().catch(() => new Map<string, string[]>())).keys()) await vm(["stop", id]);
      const exited = once(serve, "exit");
      serve.kill("SIGTERM");
      const timer = setTimeout(() => serve?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  test("create defines VMs (the built-in guest, or with the memory and vCPUs asked for) that ls lists as NotStarted", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.match(await ok(["create", "a"]), /VM a defined/);
    await ok(["create", "b", "--memory", "64", "--smp", "2"]);
    const vms = await ls();
    assert.deepEqual(vms.get("a")?.slice(1, 5), ["NotStarted", "1", "128", "MiB"]);
    assert.deepEqual(vms.get("b")?.slice(1, 5), ["NotStarted", "2", "64", "MiB"]);
  });

  test("create sends relative paths made absolute against the current directory", { timeout: TEST_TIMEOUT_MS }, async () => {
    await ok(["create", "k", "--kernel", "images/Image", "--initrd", "images/initramfs.cpio"], { cwd: ROOT });
    const token = readFileSync(join(stateDir, "token"), "utf8").trim();
    const got = await (await fetch(`${server}/vms/k`, { headers: { authorization: `Bearer ${token}` } })).json() as { config: { kernel: string } };
    assert.equal(got.config.kernel, realpathSync(join(ROOT, "images", "Image")));
    await ok(["rm", "k"]);
    // A path that does not exist comes back in the server's message, made absolute.
    const line = oneLineError(await vm(["create", "z", "--kernel", "no/such/Image"], { cwd: scratch }), 1);
    assert.ok(line.includes(join(scratch, "no/such/Image")), line);
  });

  test("create --net sends each card as a network interface (eth0, eth1...), a SPEC that does not parse is one line and status 2", { timeout: TEST_TIMEOUT_MS }, async () => {
    await ok(["create", "n", "--net", "user,hostfwd=tcp:127.0.0.1:18080-:80,mac=52:54:00:00:00:0a", "--net", "switch:lab"]);
    const token = readFileSync(join(stateDir, "token"), "utf8").trim();
    const got = await (await fetch(`${server}/vms/n`, { headers: { authorization: `Bearer ${token}` } })).json() as { config: { nets: object[] } };
    assert.deepEqual(got.config.nets, [
      { backend: "user", hostForwards: [{ protocol: "tcp", hostAddr: "127.0.0.1", hostPort: 18080, guestAddr: "", guestPort: 80 }], mac: "52:54:00:00:00:0a", id: "eth0" },
      { backend: "switch", name: "lab", id: "eth1" },
    ]);
    await ok(["rm", "n"]);
    assert.match(oneLineError(await vm(["create", "m", "--net", "tap0"]), 2), /--net tap0: 'tap0' is not a network backend/);
  });

  test("start boots a VM, and console in pipe mode sends stdin to its shell and prints the answer", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.match(await ok(["start", "a"]), /VM a started/);
    await waitForPrompt("a");
    const out = await ok(["console", "a"], { input: "echo $((6*7))\n" });
    assert.match(out, /^42\r?$/m);
  });

  test("console on a terminal: Ctrl-A Ctrl-A sends a Ctrl-A, Ctrl-A X detaches and the VM keeps running", { timeout: TEST_TIMEOUT_MS }, async () => {
    requireTool("script", "bsdutils"); // Debian's essential set has it; a missing tool fails, never skips
    const cmd = [process.execPath, TYPEVISOR_BIN, "vm", "--server", server, "--state-dir", stateDir, "console", "a"].join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { env: { PATH: "/usr/bin:/bin", LANG: "C", HOME: scratch } });
    let screen = "";
    const seen = (re: RegExp) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited for ${re}; screen:\n${JSON.stringify(screen)}`)), COMMAND_TIMEOUT_MS);
      const look = () => { if (re.test(screen)) { clearTimeout(timer); child.stdout.off("data", look); resolve(); } };
      child.stdout.on("data", look);
      look();
    });
    child.stdout.on("data", (d: Buffer) => { screen += d.toString("latin1"); });
    const exit = once(child, "exit");
    await seen(/attached to VM a's console/);
    // Busybox's line editor takes Ctrl-A to the start of the line: "cho ..." becomes "echo ...".
    child.stdin.write("cho $((7*8))\x01\x01e\r");
    await seen(/\n56\r/);
    child.stdin.write("\x01x");
    await seen(/detached; VM a keeps running/);
    const [code] = await exit;
    assert.equal(code, 0);
    assert.equal(await stateOf("a"), "Running");
  });

  test("pause shows the VM Paused in ls, and resume runs it again", { timeout: TEST_TIMEOUT_MS }, async () => {
    await ok(["pause", "a"]);
    assert.equal(await stateOf("a"), "Paused");
    await ok(["resume", "a"]);
    assert.equal(await stateOf("a"), "Running");
  });

  test("gdb opens a stub on the VM and prints the gdb-multiarch command that attaches to it", { timeout: TEST_TIMEOUT_MS }, async () => {
    requireTool("gdb-multiarch", "gdb-multiarch");
    assert.equal((await vm(["gdb", "a", "--port", "x"])).status, 2);
    const out = await ok(["gdb", "a"]);
    const m = /^gdb-multiarch -ex 'set architecture riscv:rv64' -ex 'target remote (127\.0\.0\.1:\d+)'\n$/.exec(out);
    assert.ok(m !== null, out);
    const g = await gdbBatch(["set architecture riscv:rv64", `target remote ${m[1]}`, "p $priv", "info threads", "detach"]);
    assert.match(g, /\$1 = [013]\n/, g);
    assert.match(g, /\* 1 +Thread 1 /, g);
    assert.equal(await stateOf("a"), "Running");
  });

  test("metrics prints the instructions the guest executed, MIPS, host CPU time, uptime and exits", { timeout: TEST_TIMEOUT_MS }, async () => {
    const out = await ok(["metrics", "a"]);
    const m = /^instructions\s+([\d,]+)$/m.exec(out);
    assert.ok(m !== null, out);
    assert.ok(Number(m[1].replaceAll(",", "")) > 0, out);
    for (const row of [/^MIPS\s+[\d.]+$/m, /^host CPU seconds\s+[\d.]+$/m, /^uptime\s+\S+$/m, /^(EXIT REASON\s+COUNT|no exits recorded)$/m]) assert.match(out, row);
  });

  test("snapshot leaves a VM it paused paused when it succeeds, running when the server refuses; restore reports the same way", { timeout: TEST_TIMEOUT_MS }, async () => {
    const file = join(stateDir, "a.snap");
    const r = await vm(["snapshot", "a", file]);
    if (r.status === 0) {
      assert.match(r.stdout, /stays paused/);
      assert.ok(existsSync(file) && existsSync(`${file}.mem`));
      assert.equal(await stateOf("a"), "Paused");
      await ok(["resume", "a"]);
    } else {
      oneLineError(r, 1);
      assert.equal(await stateOf("a"), "Running");
    }
    const restored = await vm(["restore", file, "r"]);
    if (r.status === 0 && restored.status === 0) assert.equal(await stateOf("r"), "Running");
    else oneLineError(restored, 1);
  });

  test("stop leaves the VM Stopped with its reason in ls, and rm removes it", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.match(await ok(["stop", "a"]), /VM a stopped/);
    const row = (await ls()).get("a")?.join(" ");
    assert.match(row ?? "", /^a Stopped .*stopped by the host/);
    await ok(["rm", "a"]);
    const vms = await ls();
    assert.equal(vms.has("a"), false);
    assert.equal(vms.has("b"), true);
  });

  test("an API error prints the server's fault_message on one line, exit status 1", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.match(oneLineError(await vm(["start", "nosuch"]), 1), /^typevisor vm start: no VM 'nosuch'$/);
  });

  test("a wrong token is one line about the token, exit status 1", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.match(oneLineError(await vm(["--token", "wrong", "ls"]), 1), /refused the API token from --token/);
  });

  test("no server on the port is the 'cannot reach' line, exit status 1", { timeout: TEST_TIMEOUT_MS }, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await run(process.execPath, [TYPEVISOR_BIN, "vm", "--server", url, "--token", "x", "ls"]);
    assert.equal(oneLineError(r, 1), `typevisor vm ls: cannot reach the hypervisor at ${url}: is 'typevisor serve' running?`);
  });

  test("an unknown subcommand, a missing argument or an unknown option exit with status 2", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.match(oneLineError(await vm(["frobnicate"]), 2), /unknown subcommand 'frobnicate'/);
    assert.match(oneLineError(await vm(["start"]), 2), /missing ID/);
    assert.match(oneLineError(await vm(["ls", "--frob"]), 2), /unknown option '--frob'/);
    assert.match(oneLineError(await vm(["create", "x", "--memory", "lots"]), 2), /--memory wants a whole number of MiB/);
  });

  test("--help explains the subcommands, and SUBCOMMAND --help its options", { timeout: TEST_TIMEOUT_MS }, async () => {
    const all = await ok(["--help"]);
    for (const sub of ["ls", "create", "start", "stop", "pause", "resume", "rm", "console", "logs", "metrics", "snapshot", "restore"]) {
      assert.match(all, new RegExp(`^  ${sub}\\b`, "m"));
    }
    assert.match(await ok(["create", "--help"]), /--disk-ro FILE/);
    assert.match(await ok(["console", "--help"]), /Ctrl-A X detaches/);
  });

  test("$TYPEVISOR_SERVER and $TYPEVISOR_TOKEN stand in for --server and --token", { timeout: TEST_TIMEOUT_MS }, async () => {
    const token = readFileSync(join(stateDir, "token"), "utf8").trim();
    const r = await run(process.execPath, [TYPEVISOR_BIN, "vm", "ls"], { env: { TYPEVISOR_SERVER: server, TYPEVISOR_TOKEN: token } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^b\s+NotStarted/m);
  });
});
