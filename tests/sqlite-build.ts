/**
 * Builds SQLite's shell from Debian's sqlite3 source (unpacked under
 * tests/build/src by scripts/install-test-deps.sh): the amalgamation
 * (sqlite3.c, shell.c) is made by the source's own configure and make (which
 * run the host's tclsh), then compiled for riscv64, statically and
 * dynamically linked, and for the host (the benchmark's native baseline).
 * tests/sqlite/contend.c, a program that makes forked processes contend for
 * one database's locks, is linked with the same library. Everything goes to
 * tests/build/sqlite/<Debian version>/, so a new source builds afresh.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CROSS_CC, GUEST_BUILD_DIR, ROOT, isUpToDate, requireTool, type Linkage } from "./build-guests.js";
import { buildOnce } from "./build-once.js";

const SRC_ROOT = join(GUEST_BUILD_DIR, "src");
const CONTEND_SOURCE = join(ROOT, "tests", "sqlite", "contend.c");
/** Options of every build: no extension loading (dlopen in a static program), otherwise SQLite's defaults. */
const DEFINES = ["-O2", "-DSQLITE_OMIT_LOAD_EXTENSION"];

/** The built programs. */
export interface SqlitePrograms {
  /** The shell, for riscv64, by linkage. */
  shell: Record<Linkage, string>;
  /** The shell built for the host. */
  native: string;
  /** tests/sqlite/contend.c for riscv64, by linkage. */
  contend: Record<Linkage, string>;
}

/** The unpacked source directory and the Debian version that keys the build. */
function source(): { dir: string; version: string } {
  const entries = existsSync(SRC_ROOT) ? readdirSync(SRC_ROOT) : [];
  const dir = entries.find((d) => /^sqlite3-[\d.]+$/.test(d));
  const dsc = entries.find((d) => /^sqlite3_.*\.dsc$/.test(d));
  assert.ok(dir && dsc, `sqlite3 source not found under ${SRC_ROOT}: run scripts/install-test-deps.sh`);
  return { dir: join(SRC_ROOT, dir), version: dsc.slice("sqlite3_".length, -".dsc".length) };
}

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
}

/** Builds (or finds built) the shell and the contention program; see the module comment. */
export function buildSqlite(): SqlitePrograms {
  const src = source();
  const out = join(GUEST_BUILD_DIR, "sqlite", src.version);
  const at = (name: string) => join(out, name);
  const programs: SqlitePrograms = {
    shell: { static: at("sqlite3.static"), dynamic: at("sqlite3.dynamic") },
    native: at("sqlite3.native"),
    contend: { static: at("contend.static"), dynamic: at("contend.dynamic") },
  };
  // The shell for riscv64 static is linked last: its presence means the library build is complete.
  buildOnce(programs.shell.static, () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    requireTool("gcc", "gcc");
    requireTool("make", "make");
    requireTool("tclsh", "tcl", ["/dev/null"]);
    const amalgamation = at("amalgamation");
    mkdirSync(amalgamation, { recursive: true });
    run(join(src.dir, "configure"), ["--disable-tcl", "--disable-readline"], amalgamation);
    run("make", ["sqlite3.c", "shell.c"], amalgamation);
    const c = (name: string) => join(amalgamation, name);
    run("gcc", [...DEFINES, "-c", c("sqlite3.c"), "-o", at("sqlite3-native.o")], out);
    run("gcc", [...DEFINES, c("shell.c"), at("sqlite3-native.o"), "-o", programs.native, "-lm"], out);
    run(CROSS_CC, [...DEFINES, "-c", c("sqlite3.c"), "-o", at("sqlite3.o")], out);
    run(CROSS_CC, [...DEFINES, "-c", c("shell.c"), "-o", at("shell.o")], out);
    run(CROSS_CC, [at("shell.o"), at("sqlite3.o"), "-o", programs.shell.dynamic, "-lm"], out);
    run(CROSS_CC, ["-static", at("shell.o"), at("sqlite3.o"), "-o", programs.shell.static, "-lm"], out);
  });
  for (const linkage of ["static", "dynamic"] as const) {
    const output = programs.contend[linkage];
    if (isUpToDate(CONTEND_SOURCE, output)) continue;
    const flags = [...DEFINES, "-Wall", "-Wextra", "-I", at("amalgamation"), ...(linkage === "static" ? ["-static"] : [])];
    run(CROSS_CC, [...flags, CONTEND_SOURCE, at("sqlite3.o"), "-o", output, "-lm"], out);
  }
  return programs;
}
