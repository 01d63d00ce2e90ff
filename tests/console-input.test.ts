/**
 * Console input to `typevisor boot` is never lost: bytes written to its stdin
 * wait on the host side of the UART until the guest is ready for them, so a
 * script piped in at once (before Linux has even started) runs whole, a
 * 64 KiB paste reaches a program in the guest byte for byte, and a polled
 * bare-metal reader gets its input too, across a reset of the machine.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, test } from "node:test";
import { buildBareMetal, CROSS_CC, requireTool, ROOT } from "./build-guests.js";
import { runProcess, TYPEVISOR_BIN } from "./guest-run.js";

const PROMPT = "/ # ";
/** How long a machine may run (its --timeout). */
const GUEST_TIMEOUT_MS = 100_000;

/** What a finished machine left: its exit status and its console text (stdout and stderr, CRs removed). */
interface Session {
  status: number;
  console: string;
}

/**
 * Boots the default guest with a console on pipes and calls `feed` with the
 * child and the console text so far: once at spawn and after every chunk of
 * output. Resolves when the machine ends: it stops itself after `timeoutMs`
 * (--timeout, status 124); it is killed (a rejection) if still there 20 s later.
 */
function boot(feed: (child: ChildProcessWithoutNullStreams, console: string) => void, timeoutMs: number): Promise<Session> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TYPEVISOR_BIN, "boot", "--timeout", String(timeoutMs / 1000)], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let text = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the machine did not end within ${timeoutMs} ms; console:\n${text.slice(-3000)}`));
    }, timeoutMs + 20_000);
    child.stdin.on("error", () => {}); // the machine may end before it has read everything
    child.stdout.on("data", (d: Buffer) => { text += d.toString("latin1"); feed(child, text); });
    child.stderr.on("data", (d: Buffer) => { text += d.toString("latin1"); });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal ? 137 : 1), console: text.replace(/\r/g, "") });
    });
    feed(child, text);
  });
}

/** `length` bytes of printable ASCII in lines of 1 to 120 characters (the last ends the data with "\n"), from a fixed seed. */
function pasteText(length: number, seed: number): Buffer {
  let state = seed >>> 0;
  const next = () => { // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = Buffer.alloc(length);
  let lineLeft = 1 + Math.floor(next() * 120);
  for (let i = 0; i < length; i++) {
    if (i === length - 1 || lineLeft === 0) {
      out[i] = 0x0a;
      lineLeft = 1 + Math.floor(next() * 120);
    } else {
      out[i] = 0x20 + Math.floor(next() * 95); // 0x20..0x7e: no byte the tty treats specially
      lineLeft--;
    }
  }
  return out;
}

describe("console input to typevisor boot", { concurrency: false }, () => {
  // Measured, boot included: 1.2-1.8 s per test alone (3.4 s on a cold first run), up to 20 s with six copies
  // of this file running on two CPUs. The guest gets 5x the loaded figure.
  test("a script written at spawn, before the guest is up, runs every command", { timeout: GUEST_TIMEOUT_MS + 30_000 }, async () => {
    const script = [
      "echo r1=$((6*7))",
      "echo r2=$(uname -m)",
      "echo r3=$(cat /proc/cmdline)",
      "echo r4=$(echo typevisor | md5sum | cut -c1-12)",
      "ls /proc/self/fd > /dev/null; echo r5=$?",
      "echo r6=$(echo one two three | wc -w)",
      "poweroff -f",
    ].join("\n") + "\n";
    let sent = false;
    const s = await boot((child) => { if (!sent) { sent = true; child.stdin.write(script); } }, GUEST_TIMEOUT_MS);
    assert.equal(s.status, 0, `exit status; console:\n${s.console.slice(-3000)}`);
    const md5 = createHash("md5").update("typevisor\n").digest("hex").slice(0, 12);
    for (const line of ["r1=42", "r2=riscv64", "r3=console=ttyS0", `r4=${md5}`, "r5=0", "r6=3"]) {
      assert.match(s.console, new RegExp(`^${line}$`, "m"), `${line} in the console:\n${s.console.slice(-3000)}`);
    }
    assert.match(s.console, /reboot: Power down/);
  });

  for (const when of ["at spawn", "after the first prompt"]) {
    test(`a 64 KiB paste into cat, sent ${when}, reaches the guest byte for byte (md5sum in the guest matches)`, { timeout: GUEST_TIMEOUT_MS + 30_000 }, async () => {
      const paste = pasteText(64 * 1024, 7);
      const input = Buffer.concat([Buffer.from("cat > /tmp/f\n"), paste, Buffer.from("\x04md5sum /tmp/f\npoweroff -f\n")]);
      let sent = false;
      const s = await boot((child, text) => {
        if (!sent && (when === "at spawn" || text.includes(PROMPT))) { sent = true; child.stdin.write(input); }
      }, GUEST_TIMEOUT_MS);
      assert.equal(s.status, 0, `exit status; console:\n${s.console.slice(-3000)}`);
      const m = /^([0-9a-f]{32}) {2}\/tmp\/f$/m.exec(s.console);
      assert.ok(m, `md5sum's line in the console:\n${s.console.slice(-3000)}`);
      assert.equal(m[1], createHash("md5").update(paste).digest("hex"), "the file in the guest holds exactly the bytes sent");
    });
  }

  test("a polled bare-metal reader (IER = 0, FIFOs off) gets input sent at spawn; what it had not taken at a reset goes to the next boot", { timeout: 60_000 }, async () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    const elf = join(ROOT, "tests", "build", "console", "polled-reader.elf");
    await buildBareMetal(join(ROOT, "tests", "console", "polled-reader.S"), elf);
    // 'r' makes the first boot reset the machine; the one-byte RBR held only that byte, so "hello" waited on the host.
    // (qemu-system-riscv64 prints "got: hello" or, when its reset races its reading of stdin, "got: ello".)
    const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--bios", "none", "--kernel", elf, "--timeout", "20"],
      { cwd: ROOT, stdin: "rhello\n", timeoutMs: 40_000 });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "got: hello\nPASS\n");
    assert.equal(r.status, 0);
  });
});
