/**
 * Real software nobody here wrote, checked by its own tests: CPython 3.11,
 * cross-built for riscv64 from Debian's python3.11 source
 * (tests/cpython-build.ts), runs a slice of its regression suite — the
 * modules that lean hardest on the operating system — under qemu-riscv64 and
 * under typevisor. Each module runs as `python3.11 -m test -v MODULE`, and
 * unittest's verbose lines (`test_x (test.test_os.Class.test_x) ... ok`) give
 * each test case's result on each side. The rule: every case that passes
 * under qemu-riscv64 passes under typevisor, except the known gaps listed in
 * KNOWN_FAILURES with their reason. Both counts are printed per module.
 * By default the modules of DEFAULT_MODULES run (all but test_subprocess);
 * TV_CPYTHON_MODULES=all runs the whole slice (test_subprocess adds 11
 * minutes), and TV_CPYTHON_MODULES=test_os,test_time runs only those modules.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { buildCpython, type CpythonBuild } from "./cpython-build.js";
import { GUEST_ENV, runUnderQemu, runUnderTypevisor, type RunRequest, type RunResult } from "./guest-run.js";

/** The slice of the regression suite: modules about processes, files, signals, time, threads and sockets. */
const MODULES = [
  "test_os",
  "test_posix",
  "test_signal",
  "test_time",
  "test_fcntl",
  "test_tempfile",
  "test_shutil",
  "test_select",
  "test_selectors",
  "test_threading",
  "test_mmap",
  "test_subprocess",
  "test_socket",
  "test_pty",
] as const;

/**
 * What `npm test` runs: every module of the slice but test_subprocess, which
 * starts hundreds of child interpreters and takes 11 minutes under typevisor
 * (TV_CPYTHON_MODULES=all or =test_subprocess runs it).
 */
const DEFAULT_MODULES: readonly (typeof MODULES)[number][] = MODULES.filter((m) => m !== "test_subprocess");

/**
 * Cases never run (regrtest --ignore): run as root, they set the host's real
 * clock — under qemu-riscv64 they pass, and test_monotonic_settime moves it an
 * hour back for a moment.
 */
const IGNORED = ["test_clock_settime", "test_monotonic_settime"];

/**
 * The harness's limit for one module's whole run on one side. regrtest's own
 * per-case --timeout is not used: its watchdog is a thread (faulthandler's),
 * and qemu-user deadlocks in children forked by a threaded process
 * (test_posix hung until the watchdog fired; without it, it takes 9 s).
 */
const MODULE_TIMEOUT_MS = 15 * 60_000;

/**
 * Test cases that pass under qemu-riscv64 and not (yet) under typevisor, by
 * unittest id (or a class's id, for all its cases), with why; this table
 * records the gap precisely until it closes.
 */
export const KNOWN_FAILURES: Readonly<Record<string, string>> = {
  // test_os
  "test.test_os.Pep383Tests.test_listdir": "a non-UTF-8 file name (byte 0xff) comes back as U+FFFD: host file names are decoded lossily",
  "test.test_os.ExtendedAttributeTests.test_fds": "skipped: 'no non-broken extended attribute support' (setxattr/getxattr not provided)",
  "test.test_os.ExtendedAttributeTests.test_lpath": "skipped: no extended attribute support",
  "test.test_os.ExtendedAttributeTests.test_simple": "skipped: no extended attribute support",
  // test_shutil
  "test.test_shutil.TestCopy.test_copy2_xattr": "skipped: no extended attribute support",
  "test.test_shutil.TestCopy.test_copyxattr": "skipped: no extended attribute support",
  "test.test_shutil.TestCopy.test_copyxattr_symlinks": "skipped: no extended attribute support",
  // test_socket
  "test.test_socket.RecvmsgSCMRightsStreamTest": "sendmsg with SCM_RIGHTS on a stream socket bound to a path fails with EOPNOTSUPP: those run over the host's Unix sockets, and Node cannot pass descriptors (socketpair and datagram sockets pass them)",
  "test.test_socket.RecvmsgIntoSCMRightsStreamTest": "as RecvmsgSCMRightsStreamTest: SCM_RIGHTS over a path-bound stream socket",
  "test.test_socket.TestUnixDomain.testUnencodableAddr": "a Unix socket path with a non-UTF-8 byte comes back from getsockname decoded lossily (U+FFFD)",
};

/**
 * Modules whose gap under typevisor is not recorded in KNOWN_FAILURES yet:
 * they run as todo tests, so their counts and unexplained cases are reported
 * without failing the suite.
 */
const UNRECORDED: Readonly<Partial<Record<(typeof MODULES)[number], string>>> = {
  // None today. test_subprocess was here until its run finished in time (2026-12-03: 294 of 330 cases pass
  // in 655 s, qemu-riscv64 84 in 132 s), once the translating tier's compile budget made each of its
  // hundreds of child interpreters start in under 2 s instead of 6-13 s.
};

/** Why a case is a known failure: its own entry or its class's. */
function knownReason(id: string): string | undefined {
  return KNOWN_FAILURES[id] ?? KNOWN_FAILURES[id.slice(0, id.lastIndexOf("."))];
}

/** One test case's result as unittest's verbose runner printed it. */
type Outcome = "ok" | "FAIL" | "ERROR" | "skipped" | "expected failure" | "unexpected success";

/** What one side's run of a module gave. */
interface ModuleRun {
  result: RunResult;
  /** Each test case's outcome by unittest id (a case whose subtest failed counts as failed). */
  cases: Map<string, Outcome>;
  seconds: number;
}

const HEADER = /^(test\w*) \(([\w.]+)\)/;
const STATUS = / \.\.\. (ok|FAIL|ERROR|skipped|expected failure|unexpected success)\b/;
/** The outcome alone on a line: the case printed output after its ` ... `. */
const STATUS_ALONE = /^(ok|FAIL|ERROR|expected failure|unexpected success)$|^(skipped) /;
const RANK: Record<Outcome, number> = { ok: 0, skipped: 0, "expected failure": 0, "unexpected success": 1, FAIL: 2, ERROR: 2 };

/**
 * Reads unittest's verbose output: each case starts a line with
 * `name (id)`, maybe followed by a docstring line, and its outcome follows
 * ` ... ` — or stands alone on a later line when the case printed something. A case whose process died before
 * an outcome is left out (it did not pass).
 */
export function parseVerbose(output: string): Map<string, Outcome> {
  const cases = new Map<string, Outcome>();
  let current: string | undefined;
  for (const line of output.split("\n")) {
    const header = HEADER.exec(line);
    if (header !== null) current = header[2]!.endsWith(`.${header[1]}`) ? header[2]! : `${header[2]}.${header[1]}`;
    const status = current === undefined ? null : (STATUS.exec(line) ?? STATUS_ALONE.exec(line));
    if (current === undefined || status === null) continue;
    const outcome = (status[1] ?? status[2]) as Outcome;
    const before = cases.get(current);
    if (before === undefined || RANK[outcome] > RANK[before]) cases.set(current, outcome);
    // Subtest failures print their own status and the case goes on; anything else ends it.
    if (outcome !== "FAIL" && outcome !== "ERROR") current = undefined;
  }
  return cases;
}

const passed = (run: ModuleRun): Set<string> => new Set([...run.cases].filter(([, o]) => o === "ok").map(([id]) => id));

type Runner = (req: RunRequest) => Promise<RunResult>;

/** Runs one regression module in a fresh working and temporary directory; its whole output is kept in logs/MODULE.SIDE.txt beside the prefix. */
async function runModule(side: string, run: Runner, build: CpythonBuild, module: string): Promise<ModuleRun> {
  const dir = mkdtempSync(join(tmpdir(), "tv-cpython-"));
  const started = Date.now();
  try {
    const env = { ...GUEST_ENV, HOME: dir, TMPDIR: dir, PYTHONHASHSEED: "0", PYTHONDONTWRITEBYTECODE: "1" };
    const args = ["-m", "test", "-v", ...IGNORED.flatMap((name) => ["--ignore", name]), module];
    const result = await run({ program: build.python, args, env, cwd: dir, timeoutMs: MODULE_TIMEOUT_MS });
    const logs = join(dirname(build.prefix), "logs");
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, `${module}.${side}.txt`), `${result.stdout}\n--- stderr\n${result.stderr}\n--- status ${result.status}${result.timedOut ? " (timed out)" : ""}\n`);
    return { result, cases: parseVerbose(result.stdout + result.stderr), seconds: Math.round((Date.now() - started) / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last lines of a run's output, for a failure message. */
const tail = (r: RunResult, lines = 30): string => (r.stdout + r.stderr).split("\n").slice(-lines).join("\n");

describe("CPython 3.11's regression suite (Debian's source, built for riscv64)", { concurrency: 2 }, () => {
  let build: CpythonBuild;
  before(() => {
    build = buildCpython();
    if (build.builtInSeconds !== undefined) console.log(`# CPython built in ${build.builtInSeconds} s`);
  });

  const chosen = process.env.TV_CPYTHON_MODULES;
  const only = chosen === "all" ? [...MODULES] : chosen === undefined ? [...DEFAULT_MODULES] : chosen.split(",").filter((m) => m !== "");
  for (const module of MODULES.filter((m) => only === undefined || only.includes(m))) {
    test(`every case of ${module} that passes under qemu-riscv64 passes under typevisor`, { timeout: 2 * MODULE_TIMEOUT_MS + 60_000, todo: UNRECORDED[module] }, async (t) => {
      const qemu = await runModule("qemu", (req) => runUnderQemu("static", req), build, module);
      const want = passed(qemu);
      assert.ok(!qemu.result.timedOut, `qemu-riscv64 did not finish ${module}`);
      assert.ok(want.size > 0, `no case of ${module} passed under qemu-riscv64:\n${tail(qemu.result)}`);
      const tv = await runModule("typevisor", (req) => runUnderTypevisor("static", req), build, module);
      const got = passed(tv);
      const missing = [...want].filter((id) => !got.has(id));
      const unexplained = missing.filter((id) => knownReason(id) === undefined);
      const fixed = Object.keys(KNOWN_FAILURES).filter((id) => id.startsWith(`test.${module}.`) && got.has(id));
      t.diagnostic(`${module}: qemu-riscv64 ${want.size} passed of ${qemu.cases.size} in ${qemu.seconds} s; typevisor ${got.size} passed of ${tv.cases.size} in ${tv.seconds} s; known failures ${missing.length - unexplained.length}`);
      for (const id of fixed) t.diagnostic(`now passes under typevisor, drop it from KNOWN_FAILURES: ${id}`);
      const show = unexplained.map((id) => `  ${id}: ${tv.cases.get(id) ?? "no result (the run ended first)"}`).join("\n");
      assert.deepEqual(unexplained, [], `cases of ${module} that pass under qemu-riscv64 but not under typevisor${tv.result.timedOut ? " (typevisor's run timed out)" : ""}:\n${show}\n--- end of typevisor's output:\n${tail(tv.result)}`);
    });
  }
});
