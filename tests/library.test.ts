/**
 * typevisor as a library: a script that imports "typevisor" (the package's
 * own exports, as a dependent project would) runs a RISC-V program with the
 * process VM and a bare-metal program with the system VM; what they print
 * must be what qemu-riscv64 and qemu-system-riscv64 print.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { buildBareMetal, buildGuests, guestBinary, GUEST_BUILD_DIR, ROOT, requireTool } from "./build-guests.js";
import { runProcess } from "./guest-run.js";

const DIR = join(GUEST_BUILD_DIR, "library");
const ARGS_ENV = guestBinary("args_env", "static");
const M_MODE = join(DIR, "m-mode.elf");

/** Runs `source` (an ES module that imports "typevisor") with node from inside the package, so the import resolves to it. */
async function script(name: string, source: string): Promise<{ stdout: string; status: number }> {
  const file = join(DIR, `${name}.mjs`);
  writeFileSync(file, source);
  const r = await runProcess([process.execPath, file], { cwd: ROOT, timeoutMs: 60_000 });
  assert.equal(r.stderr, "", r.stderr);
  return r;
}

describe('import { ... } from "typevisor"', () => {
  before(async () => {
    mkdirSync(DIR, { recursive: true });
    await buildBareMetal(join(ROOT, "tests", "baremetal", "m-mode.S"), M_MODE);
    await buildGuests(["args_env"]);
  });

  test("a Process runs a RISC-V Linux program with its arguments, environment and exit status, as qemu-riscv64 does", async () => {
    requireTool("qemu-riscv64", "qemu-user");
    const ours = await script("process", `
      import { Process } from "typevisor";
      const p = new Process({ path: ${JSON.stringify(ARGS_ENV)}, argv: [${JSON.stringify(ARGS_ENV)}, "from", "a library"], envp: ["LIB=1"] });
      const status = await p.run();
      process.stdout.write("status " + status + ", instructions " + (p.kernel.instructions > 10000 ? "many" : "few") + "\\n");
    `);
    const qemu = await runProcess(["qemu-riscv64", ARGS_ENV, "from", "a library"], { cwd: ROOT, timeoutMs: 60_000, env: { LIB: "1" } });
    assert.equal(ours.stdout, `${qemu.stdout}status ${qemu.status}, instructions many\n`);
  });

  test("a Machine boots a bare-metal program with its console as a callback, as qemu-system-riscv64 does, and counts its exits", async () => {
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    const ours = await script("machine", `
      import { Machine, exitMetrics } from "typevisor";
      const out = [];
      const m = new Machine({ bios: "none", kernel: ${JSON.stringify(M_MODE)} }, { console: (b) => out.push(b) });
      const stop = await m.run();
      const exits = exitMetrics(m.board).exits;
      process.stdout.write(Buffer.from(out).toString("latin1"));
      process.stdout.write(JSON.stringify(stop) + " " + (Object.keys(exits).length > 0) + "\\n");
    `);
    const qemu = await runProcess(["qemu-system-riscv64", "-M", "virt", "-m", "128", "-bios", "none", "-kernel", M_MODE,
      "-display", "none", "-serial", "stdio", "-monitor", "none"], { cwd: ROOT, timeoutMs: 30_000 });
    assert.equal(ours.stdout, `${qemu.stdout}{"kind":"poweroff","code":${qemu.status}} true\n`);
  });
});
