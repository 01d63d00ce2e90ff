/**
 * The GDB stub of the process VM (`typevisor run -g PORT`), driven by Debian's
 * gdb-multiarch in batch mode, against the same GDB script run on
 * `qemu-riscv64 -g PORT`: both transcripts must agree once the addresses
 * (each VM loads the program elsewhere) and the names each stub gives its
 * threads are masked out, and must show what the script is about.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { compile, CROSS_CC, GUEST_BUILD_DIR, RISCV_SYSROOT, ROOT, requireTool } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";
import { debugSession, normalize, type Session } from "./gdb-session.js";

const SRC = join(ROOT, "tests", "debug");
const WATCH_SORT = join(GUEST_BUILD_DIR, "debug", "watch-sort");
const THREADS = join(GUEST_BUILD_DIR, "debug", "threads");

/** Runs the script on both VMs (typevisor with `options`); asserts their transcripts agree and returns typevisor's. */
async function sameAsQemu(program: string, commands: string[], qemuOnly: string[] = [], options: string[] = []): Promise<Session> {
  const vm = (which: "typevisor" | "qemu") => (port: number) => which === "typevisor"
    ? [process.execPath, TYPEVISOR_BIN, "run", ...options, "-g", String(port), program]
    : ["qemu-riscv64", "-L", RISCV_SYSROOT, "-g", String(port), program];
  const setup = ["set sysroot " + RISCV_SYSROOT, "file " + program];
  const ours = await debugSession(vm("typevisor"), [...setup], commands);
  const qemu = await debugSession(vm("qemu"), [...setup, ...qemuOnly], commands);
  assert.equal(normalize(ours.gdb), normalize(qemu.gdb));
  assert.equal(ours.guest, qemu.guest);
  return ours;
}

describe("the GDB stub (typevisor run -g), against qemu-riscv64 -g", () => {
  before(async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    requireTool("gdb-multiarch", "gdb-multiarch");
    requireTool("qemu-riscv64", "qemu-user");
    mkdirSync(join(GUEST_BUILD_DIR, "debug"), { recursive: true });
    await compile({ cc: CROSS_CC, source: join(SRC, "watch-sort.c"), output: WATCH_SORT, flags: ["-g", "-O0"], libs: [] });
    await compile({ cc: CROSS_CC, source: join(SRC, "threads.c"), output: THREADS, flags: ["-g", "-O0", "-pthread"], libs: [] });
  });

  test("a breakpoint in a comparator called by libc's qsort: a backtrace through libc, a local, finish", async () => {
    const s = await sameAsQemu(WATCH_SORT, ["break compare", "continue", "bt", "next", "print x", "finish", "continue"]);
    assert.match(s.gdb, /Breakpoint 1, compare \(a=0x[0-9a-f]+, b=0x[0-9a-f]+\) at .*watch-sort\.c:13/);
    assert.match(s.gdb, /in qsort_r \(\) from .*libc\.so\.6\n#\d+ +0x[0-9a-f]+ in main \(\) at .*watch-sort\.c:23/);
    assert.match(s.gdb, /\$1 = 42\n/);
    assert.match(s.gdb, /in \?\? \(\) from .*libc\.so\.6\nValue returned is \$2 = 1\n/);
  });

  test("a watchpoint on a global stops at the line after each store, with the old and new values", async () => {
    // qemu-user has no watchpoints of its own: gdb emulates them there by single-stepping.
    const s = await sameAsQemu(WATCH_SORT, ["break 24", "continue", "watch counter", "continue", "continue", "continue", "delete", "continue"],
      ["set can-use-hw-watchpoints 0"]);
    assert.match(s.gdb, /Hardware watchpoint 2: counter\n\nOld value = 0\nNew value = 3\nmain \(\) at .*watch-sort\.c:24\n/);
    assert.match(s.gdb, /Old value = 3\nNew value = 10\n/);
    assert.match(s.gdb, /Old value = 10\nNew value = 29\n/);
  });

  test("with every block translated on first execution (--jit=always), points and steps behave the same", async () => {
    const s = await sameAsQemu(WATCH_SORT, ["break 24", "continue", "delete", "tbreak compare", "stepi", "stepi", "watch counter", "continue",
      "continue", "info registers pc"], ["set can-use-hw-watchpoints 0"], ["--jit=always"]);
    assert.match(s.gdb, /Old value = 0\nNew value = 3\n/);
  });

  test("next over a line whose signal handler runs in the middle of it", async () => {
    const s = await sameAsQemu(WATCH_SORT, ["handle SIGUSR1 nostop noprint pass", "break 28", "continue", "print handled", "next", "print handled", "continue"]);
    assert.equal(s.guest, "sorted 3 19 42, counter 96, handled 10\n");
    assert.match(s.gdb, /Breakpoint 1, main \(\) at .*watch-sort\.c:28\n28\t  raise\(SIGUSR1\);\n\$1 = 0\n29\t/);
    assert.match(s.gdb, /\$2 = 10\n/);
  });

  test("the threads of a pthread program, each with its frame", async () => {
    const s = await sameAsQemu(THREADS, ["break all_started", "continue", "info threads", "thread apply all bt 1", "continue"]);
    const rows = s.gdb.split("\n").filter((l) => /^[* ] +\d+ +Thread /.test(l));
    assert.equal(rows.length, 4, s.gdb);
    assert.match(rows[0], /^\* +1 +Thread \d+ +all_started \(\) at .*threads\.c:10/);
    for (const r of rows.slice(1)) assert.match(r, /in pthread_barrier_wait \(\) from .*libc\.so\.6/);
    assert.equal(s.guest, "all started\n");
  });

  test("single steps and register reads agree instruction by instruction", async () => {
    await sameAsQemu(WATCH_SORT, ["break main", "continue", "stepi", "stepi", "stepi", "info registers pc sp ra a0", "x/4i $pc", "print $fcsr", "continue"]);
  });
});

describe("typevisor run -g: bad input", () => {
  test("a port that is not a number is one line and status 2", () => {
    const r = spawnSync(process.execPath, [TYPEVISOR_BIN, "run", "-g", "x", "/bin/true"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "typevisor run: --gdb wants a TCP port (1-65535), not 'x'\n");
  });

  test("a port already in use is one line and status 1", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [TYPEVISOR_BIN, "run", "-g", String(port), join(ROOT, "examples", "hello.riscv64")]);
      let stderr = "";
      c.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
      c.on("close", (status) => resolve({ status, stderr }));
    });
    busy.close();
    assert.equal(r.stderr, `typevisor run: --gdb: port ${port} is already in use\n`);
    assert.equal(r.status, 1);
  });
});
