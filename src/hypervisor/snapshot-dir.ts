/**
 * The server's own snapshot directory (`<state-dir>/snapshots`): where the
 * dashboard writes snapshots by name, and what GET /snapshots lists. A
 * snapshot NAME is the pair NAME.state and NAME.state.mem there — the same
 * pair `typevisor vm snapshot ID FILE` writes (FILE and FILE.mem).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { badRequest, notFound } from "./api/errors.js";

/** One snapshot in the directory. */
export interface SnapshotEntry {
  name: string;
  snapshot_path: string;
  mem_file_path: string;
  /** Both files together. */
  bytes: number;
  /** When the state file was written (ISO time). */
  created: string;
}

/** Names a snapshot may have: they become file names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The snapshot directory of a server. */
export class SnapshotDir {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** The two files of snapshot `name` (a 400 for a name that is not a plain file name). */
  paths(name: string): { snapshot_path: string; mem_file_path: string } {
    if (!NAME.test(name) || name.includes("..")) throw badRequest(`snapshot name '${name.slice(0, 80)}' must be 1-128 letters, digits, '.', '_' or '-'`);
    const state = join(this.dir, `${name}.state`);
    return { snapshot_path: state, mem_file_path: `${state}.mem` };
  }

  /** Every complete snapshot (both files present), newest first. */
  list(): SnapshotEntry[] {
    const out: SnapshotEntry[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith(".state") || !NAME.test(f.slice(0, -6))) continue;
      const p = this.paths(f.slice(0, -6));
      try {
        const s = statSync(p.snapshot_path), m = statSync(p.mem_file_path);
        out.push({ name: f.slice(0, -6), ...p, bytes: s.size + m.size, created: s.mtime.toISOString() });
      } catch {
        // Half a snapshot (being written, or its memory file removed) is not listed.
      }
    }
    return out.sort((a, b) => b.created.localeCompare(a.created) || a.name.localeCompare(b.name));
  }

  /** Removes snapshot `name` (404 when there is none). */
  remove(name: string): void {
    const p = this.paths(name);
    if (!existsSync(p.snapshot_path) || !existsSync(p.mem_file_path)) throw notFound(`no snapshot '${name}' in ${this.dir}`);
    rmSync(p.snapshot_path, { force: true });
    rmSync(p.mem_file_path, { force: true });
  }
}
