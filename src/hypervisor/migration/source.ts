/**
 * The source of a live migration (pre-copy): while the guest runs, its RAM is
 * sent to the destination hypervisor, then the pages it changed meanwhile, in
 * rounds, until few are left; then the guest is paused, the last pages and the
 * machine state go, and the destination runs it on. The downtime is the time
 * from that pause until the destination answers that the guest runs.
 */
import { ApiError } from "../api/errors.js";
import type { VmHandle } from "../vm-handle.js";
import { pageCount } from "./pages.js";

/** Most pre-copy rounds after the first full pass. */
const MAX_ROUNDS = 8;
/** A round this small (pages) ends the pre-copy: the rest goes while paused. */
const FEW_PAGES = 256;

/** What a migration reports. */
export interface MigrationReport {
  destination: string;
  rounds: number;
  pages_sent: number;
  bytes_sent: number;
  downtime_ms: number;
  total_ms: number;
}

/** Calls the destination's API; throws ApiError(502) with its fault_message when it refuses. */
async function call(dest: string, token: string, method: string, path: string, body: Uint8Array | string): Promise<void> {
  let r: Response;
  try {
    r = await fetch(dest + path, { method, body: body as BodyInit, headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    throw new ApiError(502, `cannot reach the destination ${dest}: ${(e as Error).message}`);
  }
  if (!r.ok) {
    const text = await r.text();
    let why = text;
    try { why = (JSON.parse(text) as { fault_message: string }).fault_message; } catch { /* not JSON */ }
    throw new ApiError(502, `the destination refused ${path}: ${r.status} ${why}`);
  }
}

/** Migrates the running VM `h` to the hypervisor at `dest` (under the same id); the local VM ends stopped. */
export async function migrate(h: VmHandle, dest: string, token: string): Promise<MigrationReport> {
  const start = performance.now();
  const base = `/vms/${encodeURIComponent(h.id)}/migration`;
  await call(dest, token, "PUT", `${base}/begin`, JSON.stringify({ config: h.config }));
  let rounds = 0, pages = 0, bytes = 0;
  const send = async (records: Uint8Array) => {
    pages += pageCount(records);
    bytes += records.length;
    if (records.length > 0) await call(dest, token, "PUT", `${base}/pages`, records);
  };
  try {
    for (;;) {
      const records = await h.migratePages();
      await send(records);
      rounds++;
      if (pageCount(records) < FEW_PAGES || rounds > MAX_ROUNDS) break;
    }
    await h.pause();
  } catch (e) {
    await call(dest, token, "PUT", `${base}/abort`, "").catch(() => {});
    throw e;
  }
  const paused = performance.now();
  try {
    await send(await h.migratePages());
    const state = await h.migrateState();
    bytes += state.length;
    await call(dest, token, "PUT", `${base}/finish`, state);
  } catch (e) {
    await call(dest, token, "PUT", `${base}/abort`, "").catch(() => {});
    await h.resume(); // the guest goes on here
    throw e;
  }
  const downtime = performance.now() - paused;
  await h.stop("migrated to " + dest);
  return { destination: dest, rounds, pages_sent: pages, bytes_sent: bytes, downtime_ms: Math.round(downtime * 10) / 10, total_ms: Math.round(performance.now() - start) };
}
