/**
 * Differential test: every guest program in tests/guest/, statically and
 * dynamically linked, runs under qemu-riscv64 (the reference) and under
 * typevisor with the same argv, environment and stdin; stdout, stderr and
 * exit status must be identical.
 *
 * Missing tools (the cross compiler, qemu-user) fail the suite; they never
 * skip it. TV_TEST_TIMEOUT_MS overrides the per-run timeout (default 60 s).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, constants, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildGuests, guestBinary, LINKAGES, listGuests } from "./build-guests.js";
import { GUEST_ENV, runUnderQemu, runUnderTypevisor, type RunRequest } from "./guest-run.js";

const TIMEOUT_MS = Number(process.env["TV_TEST_TIMEOUT_MS"] ?? 60_000);
/** The translating tier's modes each program runs under (undefined: typevisor's default). */
const JIT_MODES = [undefined, "off", "always"] as const;

interface GuestCase {
  /** Program name: tests/guest/<program>.c */
  program: string;
  /** Finishes the sentence "the static <program> ..." in the test name. */
  does: string;
  args?: string[];
  stdin?: string | Buffer;
  /** Added to GUEST_ENV. */
  env?: Record<string, string>;
  /** Expected exit status, checked on the qemu side too so a broken reference is noticed. */
  status?: number;
}

const WC_INPUT = [
  "The quick brown fox jumps over the lazy dog.",
  "  Leading spaces,\ttabs\tand trailing spaces   ",
  "",
  "Symbols: 3.14159 !@#$%^&*() and UPPER lower MiXeD",
  "no newline at the end",
].join("\n");

/** 300 kB of deterministic bytes (xorshift32), to push a large stdin through a pipe. */
function pseudoRandomBytes(length: number): Buffer {
  const b = Buffer.alloc(length);
  let x = 0x12345678;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** How each guest is run. A program missing from this table runs once with no arguments. */
const CASES: GuestCase[] = [
  { program: "hello", does: "writes to stdout and stderr" },
  {
    program: "args_env",
    does: "sees its argv and environment",
    args: ["one", "two words", "", "ünïcødé", "--flag=x"],
    env: { TV_EXTRA: "value with spaces" },
  },
  { program: "exit_code", does: "exits with status 0 when asked", args: ["0"], status: 0 },
  { program: "exit_code", does: "exits with status 42 when asked", args: ["42"], status: 42 },
  { program: "exit_code", does: "exits with status 255 when asked", args: ["255"], status: 255 },
  { program: "exit_code", does: "exits with status 0 when asked for 256 (only 8 bits survive)", args: ["256"], status: 0 },
  { program: "exit_code", does: "prints usage and exits 2 without an argument", status: 2 },
  { program: "stdin_wc", does: "counts and upper-cases its stdin", stdin: WC_INPUT },
  { program: "stdin_wc", does: "handles an empty stdin", stdin: "" },
  { program: "stdin_checksum", does: "checksums 300 kB read from stdin", stdin: pseudoRandomBytes(300_000) },
  { program: "fileio", does: "creates, reads, writes, renames and removes files" },
  { program: "dirs", does: "creates, lists and removes directories" },
  { program: "time", does: "reads clocks and sleeps" },
  { program: "malloc_hash", does: "survives heavy malloc, realloc and free" },
  { program: "strings_sort", does: "sorts and manipulates strings" },
  { program: "printf_float", does: "formats floating-point numbers" },
  { program: "mathlib", does: "computes libm functions in every rounding mode" },
  { program: "fp_ops", does: "converts, compares and classifies floats with the right flags" },
  { program: "intarith", does: "handles integer division and overflow edge cases" },
  { program: "control_flow", does: "runs recursion, jump tables, setjmp and varargs" },
  { program: "stdio_files", does: "uses buffered stdio on files" },
  { program: "pthread_pool", does: "runs a worker pool of threads" },
  { program: "pthread_sync", does: "synchronises threads with mutexes, condvars and atomics" },
  { program: "atomics", does: "performs every atomic read-modify-write" },
  { program: "thread_signals", does: "routes signals to threads and exits from a worker", status: 3 },
  { program: "signals", does: "handles, blocks and waits for signals" },
  { program: "sigsegv_catch", does: "catches SIGSEGV, SIGILL and SIGTRAP on an alternate stack" },
  { program: "segv_die", does: "dies of SIGSEGV with status 139", status: 139 },
  { program: "abort", does: "dies of abort() with status 134", args: ["abort"], status: 134 },
  { program: "abort", does: "dies of a failed assert with status 134", args: ["assert"], status: 134 },
  { program: "pipes", does: "moves data through pipes and polls them" },
  { program: "epoll_eventfd", does: "waits with epoll on pipes, eventfd and timerfd" },
  { program: "sockets", does: "talks TCP, UDP and socketpairs over loopback" },
  { program: "mmap_misc", does: "maps, remaps and protects memory" },
  { program: "jit", does: "runs machine code it wrote and then rewrote" },
  { program: "jit-smc", does: "sees its code rewritten in a hot loop, remapped, and rewritten by another thread" },
  { program: "jit-fault", does: "faults in the middle of hot code with exactly the registers before the fault" },
  { program: "jit-timer", does: "has a timer signal interrupt a loop that makes no system call" },
  { program: "process_info", does: "reports its identity, limits and auxiliary vector" },
];

const guests = listGuests();
const configured = new Set(CASES.map((c) => c.program));
const allCases: GuestCase[] = [
  ...CASES,
  ...guests.filter((g) => !configured.has(g)).map((program) => ({ program, does: "runs without arguments" })),
];

describe("typevisor matches qemu-riscv64 on the guest programs", { concurrency: availableParallelism() }, () => {
  let scratch = "";

  before(async () => {
    await buildGuests();
    scratch = mkdtempSync(join(tmpdir(), "typevisor-differential-"));
  });

  after(() => {
    if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
  });

  test("every configured program exists in tests/guest", () => {
    const missing = [...configured].filter((p) => !guests.includes(p));
    assert.deepEqual(missing, [], `CASES names programs with no tests/guest/<name>.c`);
  });

  for (const c of allCases) {
    for (const linkage of LINKAGES) {
      test(`the ${linkage} ${c.program} ${c.does}`, { timeout: TIMEOUT_MS * (1 + JIT_MODES.length) + 10_000 }, async () => {
        // Each run gets its own empty working directory, which also catches any core dumps.
        const cwd = mkdtempSync(join(scratch, `${c.program}-${linkage}-`));
        const req: RunRequest = {
          program: guestBinary(c.program, linkage),
          cwd,
          timeoutMs: TIMEOUT_MS,
          env: { ...GUEST_ENV, ...c.env },
          ...(c.args !== undefined && { args: c.args }),
          ...(c.stdin !== undefined && { stdin: c.stdin }),
        };
        let expected = await runUnderQemu(linkage, req);
        // The reference itself once printed nothing at all on a loaded CI host (sys-sched-time, dynamic):
        // a qemu-riscv64 run with no output that did not end as the case expects is run again, once.
        if (expected.stdout === "" && expected.status !== (c.status ?? 0)) {
          console.log(`# qemu-riscv64 gave no output and status ${expected.status} (stderr: ${JSON.stringify(expected.stderr.slice(0, 200))}); running it again`);
          expected = await runUnderQemu(linkage, req);
        }
        assert.equal(expected.timedOut, false, `qemu-riscv64 timed out after ${TIMEOUT_MS} ms (the reference itself is broken)`);
        if (c.status !== undefined)
          assert.equal(expected.status, c.status, `qemu-riscv64 exit status (the reference itself); stderr:\n${expected.stderr}`);

        // Every tier: the default (auto: hot code translated), the interpreter alone, and
        // translation on first execution (every instruction that runs is translated code).
        for (const jit of JIT_MODES) {
          const actual = await runUnderTypevisor(linkage, req, jit === undefined ? [] : [`--jit=${jit}`]);
          const how = jit === undefined ? "" : ` (--jit=${jit})`;
          assert.equal(actual.timedOut, false, `typevisor${how} timed out after ${TIMEOUT_MS} ms; stderr so far:\n${actual.stderr}`);
          assert.equal(actual.stdout, expected.stdout, `stdout differs from qemu-riscv64${how}`);
          assert.equal(actual.stderr, expected.stderr, `stderr differs from qemu-riscv64${how}`);
          assert.equal(actual.status, expected.status, `exit status differs from qemu-riscv64${how}`);
          if (expected.signaled) {
            const name = Object.entries(constants.signals).find(([, n]) => n === actual.status - 128)?.[0];
            assert.match(actual.signalNotice ?? "", new RegExp(`killed by ${name}\\b`), "typevisor names the fatal signal on stderr");
          } else {
            assert.equal(actual.signalNotice, undefined, "no fatal-signal notice for a normal exit");
          }
        }
        rmSync(cwd, { recursive: true, force: true });
      });
    }
  }
});
