/**
 * The hypervisor's rows of `npm run bench`: a real `typevisor serve` on a
 * loopback port hosting built-in Linux guests. Measured: seconds until N guests
 * started at once (1, 2, 4, 8) all show a shell prompt; the server's resident
 * memory per idle guest; host CPU of 8 idle guests; snapshot and restore of a
 * 128 MiB guest; live-migration downtime (when the server offers them).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, serve, waitConsole, type Served } from "../tests/hypervisor-server.js";

const PROMPT = /\/ # $/;

/** Resident set size of process `pid`, MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) process `pid` has used, all threads (Linux /proc). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Defines and starts `n` built-in guests named p0..; resolves with seconds until every one shows its prompt. */
async function bootMany(s: Served, prefix: string, n: number): Promise<number> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const start = performance.now();
  await Promise.all(ids.map(async (id) => {
    await api(s, "PUT", `/vms/${id}`, {});
    const r = await api(s, "PUT", `/vms/${id}/actions`, { action_type: "InstanceStart" });
    if (r.status !== 204) throw new Error(`${id}: ${r.text}`);
  }));
  await Promise.all(ids.map((id) => waitConsole(s, id, PROMPT, 0, 300_000)));
  return (performance.now() - start) / 1000;
}

/** Runs the hypervisor benchmark; returns its Markdown table. */
export async function benchHypervisor(): Promise<string> {
  const rows = ["| hypervisor | value |", "| --- | ---: |"];
  const s = await serve();
  try {
    const pid = s.child.pid!;
    for (const n of [1, 2, 4, 8]) {
      const seconds = await bootMany(s, `b${n}-`, n);
      rows.push(`| ${n} guest${n > 1 ? "s" : ""} booting at once: s until all have a shell | ${seconds.toFixed(2)} |`);
      if (n < 8) for (let i = 0; i < n; i++) await api(s, "DELETE", `/vms/b${n}-${i}`);
    }
    // 8 idle guests are up (b8-0..7): memory and CPU while they idle.
    await new Promise((r) => setTimeout(r, 2000));
    const rss8 = rssMiB(pid);
    const cpu0 = cpuSeconds(pid), t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const idleCpu = (cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
    for (let i = 0; i < 8; i++) await api(s, "DELETE", `/vms/b8-${i}`);
    await new Promise((r) => setTimeout(r, 2000));
    const rss0 = rssMiB(pid);
    rows.push(`| memory per idle guest (server RSS with 8 guests − without, / 8), MiB | ${((rss8 - rss0) / 8).toFixed(1)} |`);
    rows.push(`| host CPU of 8 idle guests, % of one core | ${(idleCpu * 100).toFixed(1)} |`);
    rows.push(...await snapshotRows(s));
  } finally {
    await s.stop();
  }
  rows.push(await migrationRow());
  return rows.join("\n");
}

/** Seconds to snapshot a paused 128 MiB Linux guest, and to load it back as a running VM. */
async function snapshotRows(s: Served): Promise<string[]> {
  await bootMany(s, "snap", 1);
  await api(s, "PATCH", "/vms/snap0/vm", { state: "Paused" });
  const base = join(s.stateDir, "bench");
  let t = performance.now();
  const c = await api(s, "PUT", "/vms/snap0/snapshot/create", { snapshot_path: `${base}.state`, mem_file_path: `${base}.mem` });
  const create = (performance.now() - t) / 1000;
  await api(s, "DELETE", "/vms/snap0");
  t = performance.now();
  const l = await api(s, "PUT", "/vms/snap1/snapshot/load", { snapshot_path: `${base}.state`, mem_file_path: `${base}.mem`, resume_vm: true });
  const load = (performance.now() - t) / 1000;
  await api(s, "DELETE", "/vms/snap1");
  const mib = (readFileSync(`${base}.mem`).length / (1 << 20)).toFixed(1);
  return [
    `| snapshot of a paused 128 MiB guest (memory file ${mib} MiB), s | ${c.status === 204 ? create.toFixed(3) : "failed"} |`,
    `| restore of it as a running VM, s | ${l.status === 201 ? load.toFixed(3) : "failed"} |`,
  ];
}

/** Live migration of a 128 MiB Linux guest running a busy shell loop between two servers: its downtime. */
async function migrationRow(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tv-bench-mig-"));
  const [a, b] = [await serve([], join(dir, "a")), await serve([], join(dir, "b"))];
  try {
    await bootMany(a, "mig", 1);
    await api(a, "POST", "/vms/mig0/console/input", "i=0; while true; do i=$((i+1)); done &\n");
    await new Promise((r) => setTimeout(r, 1000));
    const r = await api(a, "PUT", "/vms/mig0/migrate", { destination: b.url, token: b.token });
    if (r.status !== 200) return `| live migration of a busy 128 MiB guest: downtime, ms | failed: ${r.text.trim()} |`;
    const m = r.json as { downtime_ms: number; rounds: number; bytes_sent: number; total_ms: number };
    return `| live migration of a busy 128 MiB guest: downtime, ms (${m.rounds} rounds, ${(m.bytes_sent / (1 << 20)).toFixed(1)} MiB, ${m.total_ms} ms in all) | ${m.downtime_ms.toFixed(0)} |`;
  } finally {
    await a.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
