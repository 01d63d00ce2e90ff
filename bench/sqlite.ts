/**
 * The system-call-heavy rows of `npm run bench`: SQLite's shell (built from
 * Debian's sqlite3 source by the tests' build) runs the scripted workload of
 * tests/sqlite-workload.ts — thousands of transactions, each a few reads,
 * writes, fsyncs and lock calls on the database and its journal — in
 * rollback-journal and WAL modes, under typevisor and under qemu-riscv64, and
 * natively (the same source built for the host). Outputs must match qemu's.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSqlite } from "../tests/sqlite-build.js";
import { MODES, workload } from "../tests/sqlite-workload.js";
import { GUEST_ENV, runProcess, runUnderQemu, runUnderTypevisor } from "../tests/guest-run.js";
import { timed, workloadRow, type Row } from "./timing.js";

/** Runs the workload once per journal mode and runner, each in a fresh directory under `cwd`. */
export async function benchSqlite(timeoutSeconds: number, cwd: string): Promise<Row[]> {
  const programs = buildSqlite();
  const rows: Row[] = [];
  for (const mode of MODES) {
    const name = `sqlite3 workload, journal_mode=${mode}`;
    process.stderr.write(`bench: ${name} ... `);
    const fresh = (who: string) => {
      const dir = join(cwd, `sqlite-${mode}-${who}`);
      mkdirSync(dir);
      return { cwd: dir, timeoutMs: timeoutSeconds * 1000, env: GUEST_ENV, args: ["test.db"], stdin: workload(mode) };
    };
    const q = await timed(() => runUnderQemu("static", { ...fresh("qemu"), program: programs.shell.static }));
    const t = await timed(() => runUnderTypevisor("static", { ...fresh("typevisor"), program: programs.shell.static }, ["--stats"]));
    const n = await timed(() => runProcess([programs.native, "test.db"], fresh("native")));
    const nativeDiffers = n.result.stdout !== q.result.stdout ? "the native shell's output differs from qemu's" : undefined;
    rows.push(workloadRow(name, q, t, n, timeoutSeconds, nativeDiffers));
  }
  return rows;
}
