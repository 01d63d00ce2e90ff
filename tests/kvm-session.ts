/**
 * The dual-mode hosted setup of tests/kvm/ (see its README.md), for the test
 * and the benchmark: build() makes the VMM, the nested bare-metal guest and
 * the outer guest's initramfs; session() boots the outer guest on typevisor or
 * QEMU, runs both nested guests under the VMM and reports what each printed
 * and how long each step took.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile, CROSS_CC, requireTool, ROOT } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";

const SOURCE_DIR = join(ROOT, "tests", "kvm");
export const BUILD_DIR = join(ROOT, "tests", "build", "kvm");
/** The VMM, built for riscv64. */
export const VMM = join(BUILD_DIR, "vmm");
const HELLO_ELF = join(BUILD_DIR, "nested-hello.elf");
const HELLO_BIN = join(BUILD_DIR, "hello.bin");
const OUTER_INITRD = join(BUILD_DIR, "outer-initramfs.cpio");
export const KVM_KERNEL = join(ROOT, "images", "Image-kvm");
export const NESTED_KERNEL = join(ROOT, "images", "Image");
export const BASE_INITRD = join(ROOT, "images", "initramfs.cpio");
const FIRMWARE = join(ROOT, "images", "fw_dynamic.bin");
/** The oracle machine. */
export const QEMU_SYSTEM = "qemu-system-riscv64";
const OBJCOPY = "riscv64-linux-gnu-objcopy";
const OUTER_MEMORY_MIB = 512;
/** The nested Linux's RAM: enough for its kernel and initramfs, small enough to be quick to fault in. */
export const NESTED_MEMORY_MIB = 64;

// ---- the outer guest's initramfs ----

/** One file or directory of a newc archive. */
interface CpioEntry {
  /** The path inside the archive, without a leading slash. */
  name: string;
  /** File type and permission bits, e.g. 0o100755 for an executable, 0o040755 for a directory. */
  mode: number;
  data?: Uint8Array;
}

/**
 * The magic of the "new ASCII" format, which 13 fields of eight hex digits follow
 * (cpio(5); Linux's Documentation/driver-api/early-userspace/buffer-format.rst).
 */
const NEWC_MAGIC = "070701";
/** Every entry's mtime: fixed, so that the archive is the same bytes on every build. */
const CPIO_MTIME = 1_700_000_000;

/** A newc archive of `entries`, ending with the TRAILER!!! entry; header+name and data each padded to 4 bytes. */
function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    length += b.length;
    const pad = (4 - (length % 4)) % 4;
    if (pad > 0) {
      parts.push(Buffer.alloc(pad));
      length += pad;
    }
  };
  const all: CpioEntry[] = [...entries, { name: "TRAILER!!!", mode: 0 }];
  all.forEach((e, i) => {
    const data = e.data ?? new Uint8Array(0);
    const isTrailer = e.name === "TRAILER!!!";
    const fields = [
      isTrailer ? 0 : i + 1, // ino
      e.mode,
      0, // uid
      0, // gid
      isTrailer ? 1 : (e.mode & 0o170000) === 0o040000 ? 2 : 1, // nlink
      isTrailer ? 0 : CPIO_MTIME,
      data.length, // filesize
      0, 0, // devmajor, devminor
      0, 0, // rdevmajor, rdevminor
      Buffer.byteLength(e.name) + 1, // namesize, with its NUL
      0, // check (only the "070702" format has a checksum)
    ];
    push(Buffer.from(NEWC_MAGIC + fields.map((f) => f.toString(16).padStart(8, "0")).join("") + e.name + "\0", "latin1"));
    if (data.length > 0) push(Buffer.from(data.buffer, data.byteOffset, data.length));
  });
  return Buffer.concat(parts);
}

/**
 * images/initramfs.cpio followed by an archive with the VMM and the nested guests.
 * Linux unpacks concatenated archives one after the other (init/initramfs.c skips
 * the zeros between them); the second needs to start on a 4-byte boundary.
 */
function writeOuterInitrd(): void {
  const base = readFileSync(BASE_INITRD);
  assert.equal(base.length % 4, 0, "images/initramfs.cpio ends on a 4-byte boundary");
  const extra = newcArchive([
    { name: "vmm", mode: 0o100755, data: readFileSync(VMM) },
    { name: "nested", mode: 0o040755 },
    { name: "nested/hello.bin", mode: 0o100644, data: readFileSync(HELLO_BIN) },
    { name: "nested/Image", mode: 0o100644, data: readFileSync(NESTED_KERNEL) },
    { name: "nested/initramfs.cpio", mode: 0o100644, data: readFileSync(BASE_INITRD) },
  ]);
  writeFileSync(OUTER_INITRD, Buffer.concat([base, extra]));
}

const mtime = (path: string) => statSync(path).mtimeMs;

/** Builds the VMM, the nested bare-metal guest and the outer initramfs (what is up to date is kept). */
export async function build(): Promise<void> {
  requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
  requireTool(OBJCOPY, "binutils-riscv64-linux-gnu");
  await compile({
    cc: CROSS_CC,
    source: join(SOURCE_DIR, "vmm.c"),
    output: VMM,
    flags: ["-static", "-O2", "-Wall", "-Wextra", "-Werror"],
    libs: [],
  });
  // The nested guest: linked at guest-physical 0x80000000, then flattened to the raw binary vmm --bare loads.
  const built = await compile({
    cc: CROSS_CC,
    source: join(SOURCE_DIR, "nested-hello.S"),
    output: HELLO_ELF,
    flags: ["-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles", "-static", "-no-pie",
      "-Wl,-Ttext=0x80000000", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments"],
    libs: [],
  });
  if (built || !existsSync(HELLO_BIN)) {
    const r = spawnSync(OBJCOPY, ["-O", "binary", HELLO_ELF, HELLO_BIN], { encoding: "utf8" });
    assert.equal(r.status, 0, `${OBJCOPY} -O binary: ${r.stderr}`);
  }
  const inputs = [VMM, HELLO_BIN, NESTED_KERNEL, BASE_INITRD];
  if (!existsSync(OUTER_INITRD) || mtime(OUTER_INITRD) < Math.max(...inputs.map(mtime))) writeOuterInitrd();
}

// ---- a console driven from the test ----

/** A machine whose console is on the child's stdio; everything it prints, `\r` removed, is in `text`. */
class Console {
  text = "";
  private waiters: (() => void)[] = [];
  private exited = false;
  private marker = 0;
  readonly child: ChildProcessWithoutNullStreams;
  readonly started = performance.now();

  constructor(argv: readonly string[], readonly name: string) {
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const take = (d: Buffer) => {
      this.text += d.toString("latin1").replace(/\r/g, "");
      for (const w of this.waiters.splice(0)) w();
    };
    this.child.stdout.on("data", take);
    this.child.stderr.on("data", take);
    this.child.stdin.on("error", () => {});
    this.child.on("close", () => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Seconds since the machine started. */
  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Resolves with the first match of `re` in the console text after offset `from`. */
  async waitFor(re: RegExp, timeoutMs: number, what: string, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.text.slice(from));
      if (m !== null) return m;
      if (this.exited) throw new Error(`${this.name}: the machine ended while waiting for ${what}; console:\n${this.text.slice(-3000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms; console:\n${this.text.slice(-3000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 1000));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  type(line: string): void {
    this.child.stdin.write(line + "\n");
  }

  /**
   * Runs a shell command and resolves with what it printed and its status, read
   * between two markers the shell prints (written in pieces, so that the echoed
   * command line never matches them). Works at the outer and the nested shell alike.
   */
  async run(command: string, timeoutMs: number): Promise<{ out: string; status: number }> {
    const n = ++this.marker;
    const from = this.text.length;
    this.type(`echo @@B${n}""@@; ${command}; echo @@E${n}""@@ $?`);
    const m = await this.waitFor(new RegExp(`^@@B${n}@@\\n([\\s\\S]*?)^@@E${n}@@ (\\d+)\\n`, "m"), timeoutMs, `the end of '${command}'`, from);
    return { out: m[1]!, status: Number(m[2]) };
  }

  /** Waits for the machine to end (killed after `timeoutMs`); resolves with its exit status. */
  async ended(timeoutMs: number): Promise<number | null> {
    const t = setTimeout(() => this.kill(), timeoutMs);
    if (!this.exited) await new Promise<void>((r) => this.child.once("close", () => r()));
    clearTimeout(t);
    return this.child.exitCode;
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

// ---- one session on one machine ----

/** Which machine runs the outer guest. */
export type Engine = "typevisor" | "qemu";

function outerArgv(engine: Engine): string[] {
  if (engine === "typevisor") {
    return [process.execPath, TYPEVISOR_BIN, "boot", "--kernel", KVM_KERNEL, "--initrd", OUTER_INITRD,
      "--memory", String(OUTER_MEMORY_MIB), "--append", "console=ttyS0", "--stats", "--timeout", "600"];
  }
  return [QEMU_SYSTEM, "-M", "virt", "-cpu", "rv64,h=true", "-m", String(OUTER_MEMORY_MIB), "-nographic",
    "-bios", FIRMWARE, "-kernel", KVM_KERNEL, "-initrd", OUTER_INITRD, "-append", "console=ttyS0"];
}

/** What one machine printed at each step, and how long the steps took (seconds). */
export interface Session {
  engine: Engine;
  kvmCheck: { out: string; status: number };
  bare: { out: string; status: number };
  /** The nested Linux's console from the VMM's start to its exit line. */
  nestedConsole: string;
  nestedAnswer: { out: string; status: number };
  nestedStatus: number;
  /** The outer machine's exit status after the outer guest's poweroff. */
  outerStatus: number | null;
  /** The outer machine's console. */
  console: string;
  seconds: { outerBoot: number; bare: number; nestedBoot: number; nestedCommand: number; nestedPoweroff: number; total: number };
}

/** Limits per step, in ms: typevisor interprets every instruction of both kernels, so it gets far more. */
const LIMITS: Record<Engine, { outerBoot: number; bare: number; nestedBoot: number; command: number }> = {
  qemu: { outerBoot: 120_000, bare: 60_000, nestedBoot: 180_000, command: 60_000 },
  typevisor: { outerBoot: 180_000, bare: 60_000, nestedBoot: 180_000, command: 60_000 },
};

/** The command typed at the nested Linux's shell. */
export const NESTED_COMMAND = "echo nested-$((6*7)); uname -r";

/** Boots the outer guest on `engine` and runs both nested guests under the VMM (see the module comment). */
export async function session(engine: Engine): Promise<Session> {
  const limits = LIMITS[engine];
  const c = new Console(outerArgv(engine), engine);
  try {
    await c.waitFor(/typevisor guest: Linux [^\n]*\n[\s\S]*?\/ # /, limits.outerBoot, "the outer shell prompt");
    const outerBoot = c.seconds;
    const kvmCheck = await c.run("test -c /dev/kvm && echo /dev/kvm is a character device; dmesg | grep -i kvm", limits.command);

    const bareStart = c.seconds;
    const bare = await c.run("/vmm --bare /nested/hello.bin", limits.bare);
    const bareSeconds = c.seconds - bareStart;

    // The nested Linux: the VMM owns the console until the nested guest powers off.
    const nestedStart = c.seconds;
    const from = c.text.length;
    c.type(`echo @@NB""@@; /vmm --kernel /nested/Image --initrd /nested/initramfs.cpio --mem ${NESTED_MEMORY_MIB}; echo @@NE""@@ $?`);
    const begin = await c.waitFor(/^@@NB@@\n/m, limits.command, "the VMM's start", from);
    const nestedFrom = from + begin.index + begin[0].length;
    await c.waitFor(/typevisor guest: Linux [^\n]*\n[\s\S]*?\/ # /, limits.nestedBoot, "the nested shell prompt", nestedFrom);
    const nestedBoot = c.seconds - nestedStart;
    const commandStart = c.seconds;
    const nestedAnswer = await c.run(NESTED_COMMAND, limits.command);
    const nestedCommand = c.seconds - commandStart;
    const poweroffStart = c.seconds;
    c.type("poweroff -f");
    const end = await c.waitFor(/^@@NE@@ (\d+)\n/m, limits.command, "the VMM's end after the nested poweroff", nestedFrom);
    const nestedPoweroff = c.seconds - poweroffStart;
    const nestedConsole = c.text.slice(nestedFrom, nestedFrom + end.index);

    // The outer guest powers off too; typevisor then prints its --stats.
    c.type("poweroff -f");
    const outerStatus = await c.ended(60_000);
    return {
      engine, kvmCheck, bare, nestedConsole, nestedAnswer, nestedStatus: Number(end[1]), outerStatus, console: c.text,
      seconds: { outerBoot, bare: bareSeconds, nestedBoot, nestedCommand, nestedPoweroff, total: c.seconds },
    };
  } finally {
    c.kill();
  }
}

