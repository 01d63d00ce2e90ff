/**
 * Driving gdb-multiarch against a VM's GDB stub (typevisor's or QEMU's) for
 * the debugger tests: a free port, waiting until the VM listens, a batch
 * session, and masking what legitimately differs between two transcripts.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** True once something listens on TCP `port` (IPv4 or IPv6), read from /proc/net without connecting. */
function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].some((f) => {
    try {
      return readFileSync(f, "utf8").split("\n").some((l) => {
        const cols = l.trim().split(/\s+/);
        return cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A";
      });
    } catch {
      return false;
    }
  });
}

/** What one debugging session printed. */
export interface Session {
  /** What gdb printed (stdout and stderr). */
  gdb: string;
  /** What the guest printed on stdout. */
  guest: string;
}

/**
 * Starts the VM that `argv` gives for a free port (waiting for a debugger),
 * runs gdb-multiarch in batch mode with the `setup` commands, `target remote`
 * and `commands`, and collects both sides. Once gdb has ended, the VM is
 * killed as soon as its output shows `until` (when given), or 30 s later if
 * it has not ended by itself.
 */
export async function debugSession(argvFor: (port: number) => string[], setup: string[], commands: string[],
  opts: { until?: string } = {}): Promise<Session> {
  const port = await freePort();
  const argv = argvFor(port);
  const vm = argv[0];
  const guest = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let guestOut = "";
  guest.stdout.on("data", (d: Buffer) => { guestOut += d.toString(); });
  const guestDone = new Promise<void>((r) => guest.on("close", () => r()));
  const deadline = Date.now() + 30_000;
  while (!listening(port)) {
    assert.ok(Date.now() < deadline, `${vm} never listened on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const gdbOut = await gdbBatch([...setup, `target remote :${port}`, ...commands]);
  const killer = setTimeout(() => guest.kill("SIGKILL"), 30_000);
  const seen = setInterval(() => { if (opts.until !== undefined && guestOut.includes(opts.until)) guest.kill("SIGKILL"); }, 50);
  await guestDone;
  clearTimeout(killer);
  clearInterval(seen);
  return { gdb: gdbOut, guest: guestOut };
}

/**
 * Runs gdb-multiarch in batch mode with `commands` and resolves with what it
 * printed (stdout and stderr). It runs asynchronously, so this process keeps
 * reading a VM's output meanwhile (a VM blocked on a full pipe would stop).
 */
export function gdbBatch(commands: string[]): Promise<string> {
  return new Promise((resolve) => {
    const g = spawn("gdb-multiarch", ["-batch", "-nx", ...commands.flatMap((c) => ["-ex", c])], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    g.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    g.stderr.on("data", (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => g.kill("SIGKILL"), 120_000);
    g.on("close", () => { clearTimeout(timer); resolve(out); });
  });
}

/** A transcript with what legitimately differs between typevisor and QEMU masked: addresses, thread names, watchpoint kinds. */
export function normalize(s: string): string {
  return s
    .replace(/0x[0-9a-f]+/g, "ADDR")
    .replace(/Thread \d+(\.\d+)?( \(CPU#\d+ \[[^\]]*\]\))?/g, "Thread")
    .replace(/Hardware watchpoint/g, "Watchpoint")
    .replace(/ \((Remote target|process \d+)\)/g, "")
    .replace(/^qemu-riscv64: .*\n/gm, "")
    .replace(/ {2,}/g, " ")
    .replace(/ +$/gm, "");
}

