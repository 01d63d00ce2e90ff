/**
 * The system VM's row of `npm run bench`: seconds from start to the built-in
 * Linux guest's shell prompt under typevisor and under qemu-system-riscv64 on
 * the same kernel and initramfs, with one hart and with four, and typevisor's
 * guest MIPS during the boot.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

const PROMPT = "/ # ";

/** Time to the first prompt of the machine `argv` starts, and everything it printed (stdout and stderr). */
export function timeToPrompt(argv: string[], timeoutMs: number): Promise<{ seconds: number | undefined; output: string }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    let out = "", seconds: number | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("latin1");
      if (seconds === undefined && out.includes(PROMPT)) {
        seconds = (performance.now() - start) / 1000;
        child.stdin.write("poweroff -f\n");
      }
    });
    child.stderr.on("data", (d: Buffer) => { out += d.toString("latin1"); });
    child.on("close", () => { clearTimeout(timer); resolve({ seconds, output: out }); });
    child.on("error", () => { clearTimeout(timer); resolve({ seconds: undefined, output: out }); });
  });
}

/** Runs the boot benchmark (one hart, then four) and returns its Markdown table. */
export async function benchBoot(root: string, typevisorBin: string, timeoutSeconds: number): Promise<string> {
  const image = join(root, "images", "Image"), initrd = join(root, "images", "initramfs.cpio");
  const rows = [
    "| system VM | typevisor s to shell | qemu-system s to shell | typevisor/qemu | guest MIPS (typevisor) |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const harts of [1, 4]) {
    const tv = await timeToPrompt([process.execPath, typevisorBin, "boot", "--stats", "--smp", String(harts)], timeoutSeconds * 1000);
    const qemu = await timeToPrompt(["qemu-system-riscv64", "-M", "virt", "-m", "128", "-smp", String(harts), "-nographic", "-bios", "default",
      "-kernel", image, "-initrd", initrd, "-append", "console=ttyS0"], timeoutSeconds * 1000);
    const stats = /instructions=(\d+) seconds=([\d.]+)/.exec(tv.output);
    const mips = stats ? Number(stats[1]) / Number(stats[2]) / 1e6 : undefined;
    const s = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
    const ratio = tv.seconds !== undefined && qemu.seconds !== undefined ? `${(tv.seconds / qemu.seconds).toFixed(1)}×` : "—";
    rows.push(`| Linux 6.1 + busybox (OpenSBI), ${harts} hart${harts > 1 ? "s" : ""} | ${s(tv.seconds)} | ${s(qemu.seconds)} | ${ratio} | ${mips === undefined ? "—" : mips.toFixed(1)} |`);
  }
  return rows.join("\n");
}
