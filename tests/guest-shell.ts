/**
 * A shell in a booted guest, driven from a test: the default guest booted
 * by `typevisor boot` or by `qemu-system-riscv64 -M virt` with the same
 * firmware, kernel and initramfs, its console on pipes. run() types a
 * command and resolves with its output and exit status, read between two
 * markers the shell prints (so the echo of the command line itself is never
 * taken for output).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";

/** Which machine runs the guest. */
export type Engine = "typevisor" | "qemu";

/** The default guest's parts, as `typevisor boot` loads them. */
export const IMAGES = {
  bios: join(ROOT, "images", "fw_dynamic.bin"),
  kernel: join(ROOT, "images", "Image"),
  initrd: join(ROOT, "images", "initramfs.cpio"),
};

/**
 * argv for one engine: `netArgs` are typevisor --net values, translated to
 * QEMU's -netdev user (or socket) / -device virtio-net-device for qemu, `append` extra kernel arguments.
 */
export function machineArgv(engine: Engine, nets: readonly string[], append = ""): string[] {
  const cmdline = `console=ttyS0${append === "" ? "" : " " + append}`;
  if (engine === "typevisor") {
    return [process.execPath, ...(process.env.TV_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.TV_PROFILE_DIR}`] : []), TYPEVISOR_BIN, "boot", "--append", cmdline, "--timeout", "300", ...nets.flatMap((n) => ["--net", n])];
  }
  const argv = ["qemu-system-riscv64", "-M", "virt", "-m", "128", "-smp", "1", "-nographic", "-bios", IMAGES.bios,
    "-kernel", IMAGES.kernel, "-initrd", IMAGES.initrd, "-append", cmdline];
  nets.forEach((n, i) => {
    // QEMU's user and socket netdevs; a mac= option belongs to its -device.
    if (!/^(user|socket)\b/.test(n)) throw new Error(`qemu: only user and socket networking are compared, not ${n}`);
    const mac = /,mac=([0-9a-f:]+)/i.exec(n)?.[1];
    const netdev = n.replace(/,mac=[0-9a-f:]+/i, "").replace(/^(user|socket)/, `$1,id=n${i}`);
    argv.push("-netdev", netdev, "-device", `virtio-net-device,netdev=n${i}${mac === undefined ? "" : `,mac=${mac}`}`);
  });
  return argv;
}

export class GuestShell {
  private text = "";
  private waiters: (() => void)[] = [];
  private marker = 0;
  private exited = false;
  readonly child: ChildProcessWithoutNullStreams;

  private constructor(argv: string[], readonly name: string) {
    this.child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const take = (d: Buffer) => { this.text += d.toString("latin1").replace(/\r/g, ""); for (const w of this.waiters.splice(0)) w(); };
    this.child.stdout.on("data", take);
    this.child.stderr.on("data", take);
    this.child.stdin.on("error", () => {});
    this.child.on("close", () => { this.exited = true; for (const w of this.waiters.splice(0)) w(); });
  }

  /** Boots a guest and resolves once its shell prompt is up. */
  static async boot(engine: Engine, nets: readonly string[], opts: { append?: string; timeoutMs?: number; name?: string } = {}): Promise<GuestShell> {
    const g = new GuestShell(machineArgv(engine, nets, opts.append), opts.name ?? engine);
    try {
      await g.waitFor((t) => t.includes("/ # "), opts.timeoutMs ?? 120_000, "the shell prompt");
    } catch (e) {
      g.kill();
      throw e;
    }
    return g;
  }

  /** Everything the console printed so far. */
  get console(): string {
    return this.text;
  }

  private async waitFor(done: (text: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text)) {
      if (this.exited) throw new Error(`${this.name}: the machine ended while waiting for ${what}; console:\n${this.text.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms; console:\n${this.text.slice(-2000)}`);
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 1000)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /** Runs a shell command in the guest; resolves with what it printed and its exit status. */
  async run(command: string, timeoutMs = 60_000): Promise<{ out: string; status: number }> {
    const n = ++this.marker;
    const begin = `@@B${n}@@`, end = `@@E${n}@@`;
    // The markers are printed from pieces so that the echoed command line does not contain them.
    this.child.stdin.write(`echo @@B${n}""@@; ${command}; echo @@E${n}""@@ $?\n`);
    const re = new RegExp(`^${begin}\\n([\\s\\S]*?)^${end} (\\d+)\\n`, "m");
    await this.waitFor((t) => re.test(t), timeoutMs, `the end of '${command}'`);
    const m = re.exec(this.text)!;
    return { out: m[1], status: Number(m[2]) };
  }

  /** Powers the guest off and waits for the machine to end (killed after 20 s). */
  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin.write("poweroff -f\n");
    const t = setTimeout(() => this.kill(), 20_000);
    await new Promise<void>((r) => { if (this.exited) r(); else this.child.once("close", () => r()); });
    clearTimeout(t);
  }

  /** Ends the machine at once. */
  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}
