/**
 * Cross-builds CPython from Debian's python3.11 source (unpacked under
 * tests/build/src by scripts/install-test-deps.sh) for riscv64: configured
 * with --host=riscv64-linux-gnu and the host's own python3.11 as the build
 * interpreter (it runs the freezing and code-generation steps a cross build
 * cannot run on the target), linked statically with every standard extension
 * module built in (Modules/Setup.local, *static*), so the interpreter runs under
 * qemu-riscv64 and typevisor without a sysroot. Modules whose libraries have
 * no riscv64 build on the host (zlib, ssl, ffi, sqlite, readline, ...) are
 * left out by configure. `make install` puts the interpreter, the standard
 * library and the `test` package under
 * tests/build/cpython/<Debian version>/prefix (the prefix is compiled in, so
 * the guest finds its library without PYTHONHOME). The first build takes
 * about four minutes on two cores; later calls find it built.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CROSS_CC, GUEST_BUILD_DIR, RISCV_SYSROOT, requireTool } from "./build-guests.js";
import { buildOnce } from "./build-once.js";

const SRC_ROOT = join(GUEST_BUILD_DIR, "src");
/** The build interpreter: Debian's python3.11, the same release as the source (not a python3.11 earlier on PATH). */
export const BUILD_PYTHON = "/usr/bin/python3.11";
/** Parallel make jobs: the machine has two cores. */
const JOBS = 2;

/** A built interpreter and its installation prefix. */
export interface CpythonBuild {
  /** The riscv64 interpreter, statically linked. */
  python: string;
  /** The installation prefix (lib/python3.11 holds the standard library and the test package). */
  prefix: string;
  /** Seconds the build took, when this call built it. */
  builtInSeconds?: number;
}

/** A build step exited non-zero; the message carries the end of its log. */
export class CpythonBuildError extends Error {
  constructor(
    readonly step: string,
    readonly log: string,
  ) {
    const tail = existsSync(log) ? readFileSync(log, "latin1").split("\n").slice(-40).join("\n") : "";
    super(`building CPython failed at ${step} (full log: ${log}):\n${tail}`);
    this.name = "CpythonBuildError";
  }
}

/** The unpacked source directory and the Debian version that keys the build. */
function source(): { dir: string; version: string } {
  const entries = existsSync(SRC_ROOT) ? readdirSync(SRC_ROOT) : [];
  const dir = entries.find((d) => /^python3\.11-[\d.]+$/.test(d));
  const dsc = entries.find((d) => /^python3\.11_.*\.dsc$/.test(d));
  assert.ok(dir && dsc, `python3.11 source not found under ${SRC_ROOT}: run scripts/install-test-deps.sh`);
  return { dir: join(SRC_ROOT, dir), version: dsc.slice("python3.11_".length, -".dsc".length) };
}

/** Runs one build step with its output appended to `log`. */
function step(name: string, cmd: string, args: string[], cwd: string, log: string, env: NodeJS.ProcessEnv = process.env): void {
  const fd = openSync(log, "a");
  try {
    execFileSync(cmd, args, { cwd, env, stdio: ["ignore", fd, fd] });
  } catch {
    throw new CpythonBuildError(name, log);
  } finally {
    closeSync(fd);
  }
}

/** Builds (or finds built) the interpreter and its installed library; see the module comment. */
export function buildCpython(): CpythonBuild {
  const src = source();
  const out = join(GUEST_BUILD_DIR, "cpython", src.version);
  const prefix = join(out, "prefix");
  const build: CpythonBuild = { python: join(prefix, "bin", "python3.11"), prefix };
  // Written after `make install` finished: its presence means the whole build is there.
  const complete = join(out, "complete");
  buildOnce(complete, () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    requireTool(BUILD_PYTHON, "python3.11");
    requireTool("make", "make");
    const started = Date.now();
    const dir = join(out, "build");
    mkdirSync(dir, { recursive: true });
    const log = join(out, "build.log");
    writeFileSync(log, "");
    // The host's pkg-config would offer the host's libraries (zlib, lzma, uuid, tirpc) for the target:
    // pointed at the cross sysroot's (empty) directory, it offers none and configure checks headers itself.
    const env = { ...process.env, CONFIG_SITE: "", MODULE_BUILDTYPE: "static", PKG_CONFIG_PATH: "", PKG_CONFIG_LIBDIR: join(RISCV_SYSROOT, "lib", "pkgconfig") };
    step("configure", join(src.dir, "configure"), [
      "--host=riscv64-linux-gnu",
      "--build=x86_64-linux-gnu",
      `--with-build-python=${BUILD_PYTHON}`,
      `--prefix=${prefix}`,
      "--disable-ipv6",
      "--disable-shared",
      "--without-ensurepip",
      // What configure cannot find out about the target without running it.
      "ac_cv_file__dev_ptmx=yes",
      "ac_cv_file__dev_ptc=no",
      `CC=${CROSS_CC}`,
      "LDFLAGS=-static",
    ], dir, log, env);
    // Outside WebAssembly, 3.11 leaves the standard extension modules to setup.py, which builds them
    // shared; a static interpreter cannot load those. Modules/Setup.local (empty, read first by
    // makesetup) takes configure's list instead, marked *static*: they are linked into the interpreter.
    // Its last section, the test modules that must be *shared*, is left out (a static program loads none).
    const stdlib = readFileSync(join(dir, "Modules", "Setup.stdlib"), "utf8");
    const shared = stdlib.indexOf("\n*shared*");
    writeFileSync(join(dir, "Modules", "Setup.local"), shared < 0 ? stdlib : stdlib.slice(0, shared + 1));
    step("make", "make", [`-j${JOBS}`], dir, log, env);
    // Debian's sysconfigdata-name.diff drops the platform from the file's name in configure.ac, but
    // the shipped configure (which Debian's rules regenerate) still names it with the platform:
    // install and the installed sysconfig want the new name.
    const builddir = join(dir, readFileSync(join(dir, "pybuilddir.txt"), "utf8").trim());
    const sysconfigdata = readdirSync(builddir).find((f) => /^_sysconfigdata_.*\.py$/.test(f));
    assert.ok(sysconfigdata, `no _sysconfigdata_*.py in ${builddir}`);
    const debianName = sysconfigdata.replace("_linux_", "_");
    if (debianName !== sysconfigdata) copyFileSync(join(builddir, sysconfigdata), join(builddir, debianName));
    step("make install", "make", [`-j${JOBS}`, "install"], dir, log, env);
    build.builtInSeconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(complete, `built in ${build.builtInSeconds} s\n`);
  });
  assert.ok(existsSync(build.python), `${build.python} is missing though ${complete} exists`);
  return build;
}

// Builds by hand: `npx tsc -p . && node dist/tests/cpython-build.js`.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = buildCpython();
  console.log(built.builtInSeconds === undefined ? `already built: ${built.python}` : `built in ${built.builtInSeconds} s: ${built.python}`);
}
