/**
 * The hypervisor extension's rows of `npm run bench`: guests nested inside a
 * guest. The bare-metal hypervisor of tests/hyp (two VS-mode guests, switched
 * on a timer, a UART emulated on guest-page faults) under typevisor and under
 * qemu-system-riscv64 -cpu rv64,h=true: seconds, instructions, entries into
 * the guests and the instructions run outside them per entry, the cost of a
 * world switch (VS -> HS -> VS) with the handling of the exit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHypervisor, HYP_ELF } from "../tests/hyp-build.js";
import { runProcess } from "../tests/guest-run.js";

/** Runs of each side; the median is reported. */
const RUNS = 3;

/** The median of `xs` (undefined when empty). */
function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall-clock seconds of `argv` when it exits 0, with its stderr. */
async function timedRun(argv: string[], timeoutMs: number): Promise<{ seconds: number | undefined; stderr: string }> {
  const start = performance.now();
  const r = await runProcess(argv, { cwd: tmpdir(), timeoutMs });
  return { seconds: r.status === 0 ? (performance.now() - start) / 1000 : undefined, stderr: r.stderr };
}

/** The nested-guest benchmark's Markdown table. */
export async function benchNested(typevisorBin: string, timeoutSeconds: number): Promise<string> {
  await buildHypervisor();
  const tv: number[] = [], qemu: number[] = [];
  let stats = "";
  const scratch = mkdtempSync(join(tmpdir(), "typevisor-nested-"));
  try {
    for (let i = 0; i < RUNS; i++) {
      const t = await timedRun([process.execPath, typevisorBin, "boot", "--bios", "none", "--kernel", HYP_ELF, "--stats"], timeoutSeconds * 1000);
      if (t.seconds !== undefined) tv.push(t.seconds);
      stats = t.stderr;
      const q = await timedRun(["qemu-system-riscv64", "-M", "virt", "-cpu", "rv64,h=true", "-m", "128", "-bios", "none",
        "-kernel", HYP_ELF, "-display", "none", "-serial", `file:${join(scratch, "serial.txt")}`, "-monitor", "none"], timeoutSeconds * 1000);
      if (q.seconds !== undefined) qemu.push(q.seconds);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const insns = /instructions=(\d+)/.exec(stats)?.[1];
  const entries = /guest entries: (\d+) \(instructions outside the guest per entry: ([\d.]+)/.exec(stats);
  const s = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
  const a = median(tv), b = median(qemu);
  return [
    "| nested guests (H extension) | typevisor s | qemu-system s | typevisor/qemu | instructions (typevisor) | guest entries | instructions outside the guest per entry |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| bare-metal hypervisor in HS-mode, two VS-mode guests (tests/hyp), median of ${RUNS} | ${s(a)} | ${s(b)} | ` +
      `${a !== undefined && b !== undefined ? `${(a / b).toFixed(1)}×` : "—"} | ${insns ?? "—"} | ${entries?.[1] ?? "—"} | ${entries?.[2] ?? "—"} |`,
  ].join("\n");
}
