/**
 * Snapshots and live migration in the hypervisor, against the built-in Linux
 * guest: snapshot → delete → load gives back the same shell (variables, tmpfs
 * files), a snapshot taken while the guest writes to its disk loses no write,
 * refused files create no VM, and a guest counting on its console is migrated
 * between two servers with no count lost or repeated.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { api, command, serve, waitConsole, type Served } from "./hypervisor-server.js";

const PROMPT = /# $/;

async function boot(s: Served, id: string, config: object = {}): Promise<void> {
  assert.equal((await api(s, "PUT", `/vms/${id}`, config)).status, 201);
  assert.equal((await api(s, "PUT", `/vms/${id}/actions`, { action_type: "InstanceStart" })).status, 204);
  await waitConsole(s, id, PROMPT, 0, 120_000);
}

async function snapshot(s: Served, id: string, base: string): Promise<void> {
  assert.equal((await api(s, "PATCH", `/vms/${id}/vm`, { state: "Paused" })).status, 204);
  const r = await api(s, "PUT", `/vms/${id}/snapshot/create`, { snapshot_path: `${base}.state`, mem_file_path: `${base}.mem` });
  assert.equal(r.status, 204, r.text);
}

describe("hypervisor snapshots", { concurrency: false }, () => {
  let s: Served;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tv-snap-"));
    s = await serve(["--allow-path", dir]);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("snapshot → delete → load gives back the same shell, with its variables and tmpfs files", { timeout: 120_000 }, async () => {
    await boot(s, "orig");
    await command(s, "orig", "X=41; echo kept-in-tmpfs > /tmp/f; cd /tmp", PROMPT);
    assert.equal((await api(s, "PUT", "/vms/orig/snapshot/create", { snapshot_path: join(dir, "r.state"), mem_file_path: join(dir, "r.mem") })).status, 409,
      "a running VM is not snapshotted");
    await snapshot(s, "orig", join(dir, "a"));
    assert.ok(readFileSync(join(dir, "a.mem")).length < 64 << 20, "zero pages are not written");
    assert.equal((await api(s, "DELETE", "/vms/orig")).status, 204);
    const r = await api(s, "PUT", "/vms/copy/snapshot/load", { snapshot_path: join(dir, "a.state"), mem_file_path: join(dir, "a.mem"), resume_vm: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.state, "Running");
    const out = await command(s, "copy", "echo $((X+1)) $(cat f) $(pwd)", /42 kept-in-tmpfs \/tmp/);
    assert.match(out, /42 kept-in-tmpfs \/tmp/);
    const paused = await api(s, "PUT", "/vms/copy2/snapshot/load", { snapshot_path: join(dir, "a.state"), mem_file_path: join(dir, "a.mem") });
    assert.equal(paused.json.state, "Paused", "without resume_vm the restored VM waits");
    assert.equal((await api(s, "PATCH", "/vms/copy2/vm", { state: "Resumed" })).status, 204);
    await command(s, "copy2", "echo again-$X", /again-41/);
    for (const id of ["copy", "copy2"]) await api(s, "DELETE", `/vms/${id}`);
  });

  test("a truncated, corrupted or foreign snapshot is refused with a clear error and no VM is created", { timeout: 60_000 }, async () => {
    const state = readFileSync(join(dir, "a.state")), mem = readFileSync(join(dir, "a.mem"));
    const cases: [string, () => void, RegExp][] = [
      ["truncated memory", () => { writeFileSync(join(dir, "b.state"), state); writeFileSync(join(dir, "b.mem"), mem); truncateSync(join(dir, "b.mem"), 1000); }, /truncated/],
      ["corrupted state", () => { const c = Buffer.from(state); c[c.length - 10] ^= 0xff; writeFileSync(join(dir, "b.state"), c); writeFileSync(join(dir, "b.mem"), mem); }, /checksum|corrupt/],
      ["foreign file", () => { writeFileSync(join(dir, "b.state"), "hello, not a snapshot\n".repeat(4)); writeFileSync(join(dir, "b.mem"), mem); }, /not a typevisor snapshot/],
    ];
    for (const [what, make, re] of cases) {
      make();
      const r = await api(s, "PUT", "/vms/bad/snapshot/load", { snapshot_path: join(dir, "b.state"), mem_file_path: join(dir, "b.mem"), resume_vm: true });
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      assert.match(r.json.fault_message, re, what);
      assert.equal((await api(s, "GET", "/vms/bad")).status, 404, `${what}: no VM was created`);
    }
    const outside = await api(s, "PUT", "/vms/bad/snapshot/load", { snapshot_path: "/etc/passwd", mem_file_path: join(dir, "a.mem") });
    assert.equal(outside.status, 403);
  });

  test("a snapshot taken while the guest writes to its disk restores without losing a write", { timeout: 180_000 }, async () => {
    const disk = join(dir, "disk.img");
    writeFileSync(disk, new Uint8Array(8 << 20));
    await boot(s, "io", { drives: [{ drive_id: "rootfs", path_on_host: disk, is_read_only: false }] });
    await command(s, "io", "mke2fs -q /dev/vda && mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && echo mounted", /\nmounted\r?\n/);
    await api(s, "POST", "/vms/io/console/input", "i=0; while [ $i -lt 400 ]; do echo line-$i >> /mnt/log; sync; i=$((i+1)); done; echo wrote-all\n");
    await new Promise((r) => setTimeout(r, 700));
    await snapshot(s, "io", join(dir, "io"));
    assert.equal((await api(s, "DELETE", "/vms/io")).status, 204);
    const r = await api(s, "PUT", "/vms/io2/snapshot/load", { snapshot_path: join(dir, "io.state"), mem_file_path: join(dir, "io.mem"), resume_vm: true });
    assert.equal(r.status, 201, r.text);
    await waitConsole(s, "io2", /wrote-all/, 0, 120_000);
    const out = await command(s, "io2", "wc -l < /mnt/log; sed -n '1p;$p' /mnt/log; umount /mnt && echo unmounted", /\nunmounted\r?\n/);
    assert.match(out, /\b400\r?\nline-0\r?\nline-399\r?\n/);
    assert.equal((await api(s, "PUT", "/vms/io2/actions", { action_type: "InstanceStop" })).status, 204);
    const image = readFileSync(disk).toString("latin1");
    assert.ok(image.includes("line-399\n") && image.includes("line-0\n"), "the writes reached the host's disk image");
  });
});

describe("crash consistency", () => {
  test("killing the server with SIGKILL while a guest writes keeps every write the guest flushed on the host disk", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "tv-kill-"));
    const disk = join(dir, "disk.img");
    writeFileSync(disk, new Uint8Array(8 << 20));
    const s = await serve(["--allow-path", dir]);
    try {
      await boot(s, "w", { drives: [{ drive_id: "data", path_on_host: disk, is_read_only: false }] });
      await command(s, "w", "mke2fs -q /dev/vda && mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && echo mounted", /\nmounted\r?\n/);
      // Flushed writes (sync: virtio-blk FLUSH → fsync), then writes that keep going when the server dies.
      await command(s, "w", "for i in 1 2 3 4 5; do echo flushed-$i >> /mnt/log; done; sync; echo synced-$((2*2))", /synced-4/);
      await api(s, "POST", "/vms/w/console/input", "while true; do echo more >> /mnt/more; done\n");
      await new Promise((r) => setTimeout(r, 500));
      s.child.kill("SIGKILL");
      await new Promise((r) => s.child.once("exit", r));
      const image = readFileSync(disk).toString("latin1");
      for (let i = 1; i <= 5; i++) assert.ok(image.includes(`flushed-${i}\n`), `flushed-${i} is on the host image`);
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("live migration", { concurrency: false }, () => {
  test("a guest counting on its console moves between two servers with no count lost or repeated", { timeout: 180_000 }, async () => {
    const a = await serve(), b = await serve();
    try {
      await boot(a, "counter");
      await api(a, "POST", "/vms/counter/console/input", "i=0; while true; do i=$((i+1)); echo n$i; usleep 20000; done\n");
      await waitConsole(a, "counter", /n30\r?\n/);
      const r = await api(a, "PUT", "/vms/counter/migrate", { destination: b.url, token: b.token });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.downtime_ms > 0 && r.json.pages_sent > 0, r.text);
      const src = await api(a, "GET", "/vms/counter");
      assert.equal(src.json.state, "Stopped");
      assert.match(src.json.stop_reason, /migrated to/);
      assert.equal((await api(b, "GET", "/vms/counter")).json.state, "Running");
      const before = (await api(a, "GET", "/vms/counter/console/log?offset=0")).text;
      const lastBefore = Math.max(...[...before.matchAll(/^n(\d+)\r?$/gm)].map((m) => Number(m[1])));
      const after = await waitConsole(b, "counter", new RegExp(`^n${lastBefore + 40}\\r?$`, "m"), 0, 60_000);
      await api(b, "POST", "/vms/counter/console/input", "\x03");
      const counts = [...(before + after.text).matchAll(/^n(\d+)\r?$/gm)].map((m) => Number(m[1]));
      const expected = Array.from({ length: counts.length }, (_, k) => k + 1);
      assert.deepEqual(counts, expected, "every count once, in order, across the move");
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
