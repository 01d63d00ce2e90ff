/**
 * The hypervisor extension's rows of `npm run bench`: guests nested inside a
 * guest. The bare-metal hypervisor of tests/hyp (two VS-mode guests, switched
 * on a timer, a UART emulated on guest-page faults) under typevisor and under
 * qemu-system-riscv64 -cpu rv64,h=true: seconds, instructions, entries into
 * the guests and the instructions run outside them per entry, the cost of a
 * world switch (VS -> HS -> VS) with the handling of the exit. And the
 * dual-mode hosted setup of tests/kvm: Linux with KVM in the guest, a VMM in
 * its user space booting a nested Linux to its shell, step by step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHypervisor, HYP_ELF } from "../tests/hyp-build.js";
import { runProcess } from "../tests/guest-run.js";
import { build as buildKvm, session, type Session } from "../tests/kvm-session.js";

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
  const kvm = await kvmRows();
  const insns = /instructions=(\d+)/.exec(stats)?.[1];
  const entries = /guest entries: (\d+) \(instructions outside the guest per entry: ([\d.]+)/.exec(stats);
  const s = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
  const a = median(tv), b = median(qemu);
  return [
    "| nested guests (H extension) | typevisor s | qemu-system s | typevisor/qemu | instructions (typevisor) | guest entries | instructions outside the guest per entry |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| bare-metal hypervisor in HS-mode, two VS-mode guests (tests/hyp), median of ${RUNS} | ${s(a)} | ${s(b)} | ` +
      `${a !== undefined && b !== undefined ? `${(a / b).toFixed(1)}×` : "—"} | ${insns ?? "—"} | ${entries?.[1] ?? "—"} | ${entries?.[2] ?? "—"} |`,
    ...kvm,
  ].join("\n");
}

/** The tests/kvm session on both machines, as rows of the nested table (one step each). */
async function kvmRows(): Promise<string[]> {
  await buildKvm();
  const run = async (engine: "typevisor" | "qemu"): Promise<Session | undefined> => {
    try {
      return await session(engine);
    } catch (e) {
      process.stderr.write(`bench: the KVM session on ${engine} failed: ${(e as Error).message.split("\n")[0]}\n`);
      return undefined;
    }
  };
  const tv = await run("typevisor"), qemu = await run("qemu");
  const insns = tv && /instructions=(\d+)/.exec(tv.console)?.[1];
  const entries = tv && /guest entries: (\d+) \(instructions outside the guest per entry: ([\d.]+)/.exec(tv.console);
  const s = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
  const ratio = (x: number | undefined, y: number | undefined) => (x !== undefined && y !== undefined ? `${(x / y).toFixed(1)}×` : "—");
  const steps: [string, (s: Session) => number][] = [
    ["Linux with KVM (Image-kvm) boots to its shell", (x) => x.seconds.outerBoot],
    ["its VMM runs a bare-metal guest (tests/kvm/nested-hello.S)", (x) => x.seconds.bare],
    ["its VMM boots the default Linux guest to a shell (KVM, dual-mode hosted)", (x) => x.seconds.nestedBoot],
  ];
  return [
    ...steps.map(([what, f]) => `| ${what} | ${s(tv && f(tv))} | ${s(qemu && f(qemu))} | ${ratio(tv && f(tv), qemu && f(qemu))} | | | |`),
    `| the whole KVM session, both guests and the poweroffs | ${s(tv?.seconds.total)} | ${s(qemu?.seconds.total)} | ` +
      `${ratio(tv?.seconds.total, qemu?.seconds.total)} | ${insns ?? "—"} | ${entries?.[1] ?? "—"} | ${entries?.[2] ?? "—"} |`,
  ];
}
