/**
 * The CLI on bad input: each case must end with a non-zero status and one
 * clear line on stderr, never a stack trace. Also checks that --help works.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildGuests, compile, GUEST_BUILD_DIR, GUEST_SOURCE_DIR, guestBinary, requireTool } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

function typevisor(args: string[]): CliResult {
  const r = spawnSync(process.execPath, [TYPEVISOR_BIN, ...args], {
    encoding: "utf8",
    input: "",
    timeout: 60_000,
    killSignal: "SIGKILL",
    env: { PATH: "/usr/bin:/bin", LANG: "C" },
  });
  if (r.error !== undefined) throw r.error;
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** A minimal but well-formed 32-bit RISC-V executable: one PT_LOAD holding `li a0,0; li a7,93; ecall`. */
function riscv32Elf(): Buffer {
  const code = [0x00000513, 0x05d00893, 0x00000073];
  const ehsize = 52;
  const phentsize = 32;
  const size = ehsize + phentsize + code.length * 4;
  const base = 0x10000;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* little-endian */, 1 /* EV_CURRENT */], 0);
  b.writeUInt16LE(2, 16); // e_type: ET_EXEC
  b.writeUInt16LE(243, 18); // e_machine: EM_RISCV
  b.writeUInt32LE(1, 20); // e_version
  b.writeUInt32LE(base + ehsize + phentsize, 24); // e_entry
  b.writeUInt32LE(ehsize, 28); // e_phoff
  b.writeUInt16LE(ehsize, 40); // e_ehsize
  b.writeUInt16LE(phentsize, 42); // e_phentsize
  b.writeUInt16LE(1, 44); // e_phnum
  b.writeUInt16LE(40, 46); // e_shentsize
  const ph = ehsize;
  b.writeUInt32LE(1, ph); // p_type: PT_LOAD
  b.writeUInt32LE(0, ph + 4); // p_offset
  b.writeUInt32LE(base, ph + 8); // p_vaddr
  b.writeUInt32LE(base, ph + 12); // p_paddr
  b.writeUInt32LE(size, ph + 16); // p_filesz
  b.writeUInt32LE(size, ph + 20); // p_memsz
  b.writeUInt32LE(5, ph + 24); // p_flags: R+X
  b.writeUInt32LE(0x1000, ph + 28); // p_align
  code.forEach((insn, i) => b.writeUInt32LE(insn, ehsize + phentsize + i * 4));
  return b;
}

/** Asserts the shape every error must have; returns the single line. */
function assertOneLineError(r: CliResult): string {
  assert.notEqual(r.status, 0, `expected a non-zero exit status; stderr:\n${r.stderr}`);
  const lines = r.stderr.split("\n");
  const traceLines = lines.filter((l) => l.startsWith("    at "));
  assert.deepEqual(traceLines, [], `stderr must not contain a stack trace:\n${r.stderr}`);
  const nonEmpty = lines.filter((l) => l.trim() !== "");
  assert.equal(nonEmpty.length, 1, `expected exactly one line on stderr, got:\n${r.stderr}`);
  assert.equal(r.stdout, "", "nothing should be written to stdout");
  return nonEmpty[0]!;
}

describe("typevisor run rejects bad programs with one clear line", { concurrency: 2 }, () => {
  let scratch = "";
  const nativeElf = join(GUEST_BUILD_DIR, "hello.native");

  before(async () => {
    requireTool("gcc", "gcc");
    await buildGuests(["hello"]);
    await compile({ cc: "gcc", source: join(GUEST_SOURCE_DIR, "hello.c"), output: nativeElf, flags: ["-O2"], libs: [] });
    scratch = mkdtempSync(join(tmpdir(), "typevisor-cli-errors-"));
  });

  after(() => {
    if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
  });

  test("a text file is reported as not being an ELF file", () => {
    const file = join(scratch, "notes.txt");
    writeFileSync(file, "this is just text\nnot a program\n", { mode: 0o755 });
    const line = assertOneLineError(typevisor(["run", file]));
    assert.match(line, /ELF/i);
    assert.ok(line.includes("notes.txt"), `the message should name the file: ${line}`);
  });

  test("an empty file is reported as not being an ELF file", () => {
    const file = join(scratch, "empty");
    writeFileSync(file, "", { mode: 0o755 });
    const line = assertOneLineError(typevisor(["run", file]));
    assert.match(line, /ELF|empty|truncated/i);
  });

  test("a native host ELF is reported as the wrong architecture", () => {
    const line = assertOneLineError(typevisor(["run", nativeElf]));
    assert.match(line, /RISC-V|architecture|machine|x86|aarch64|arm/i);
    assert.ok(line.includes("hello.native"), `the message should name the file: ${line}`);
  });

  test("a 32-bit RISC-V ELF is reported as unsupported", () => {
    const file = join(scratch, "rv32.elf");
    writeFileSync(file, riscv32Elf(), { mode: 0o755 });
    const line = assertOneLineError(typevisor(["run", file]));
    assert.match(line, /32|class|RV64|64-bit/i);
  });

  test("a truncated RISC-V ELF is reported as truncated or malformed", () => {
    const file = join(scratch, "truncated.elf");
    writeFileSync(file, readFileSync(guestBinary("hello", "static")).subarray(0, 100), { mode: 0o755 });
    const line = assertOneLineError(typevisor(["run", file]));
    assert.match(line, /truncat|short|incomplete|malformed|corrupt|end of file/i);
  });

  test("a missing file is reported by name", () => {
    const file = join(scratch, "does-not-exist");
    const line = assertOneLineError(typevisor(["run", file]));
    assert.match(line, /no such file|not found|does not exist|ENOENT|cannot open/i);
    assert.ok(line.includes("does-not-exist"), `the message should name the file: ${line}`);
  });

  test("a directory given as the program is rejected", () => {
    assertOneLineError(typevisor(["run", scratch]));
  });

  test("a dynamic program whose interpreter is missing from the sysroot is reported", () => {
    const line = assertOneLineError(typevisor(["run", "--sysroot", "/nonexistent", guestBinary("hello", "dynamic")]));
    assert.match(line, /interpreter|ld-linux|loader|sysroot/i);
  });

  test("run without a program fails without a stack trace", () => {
    const r = typevisor(["run"]);
    assert.notEqual(r.status, 0);
    assert.ok(!r.stderr.split("\n").some((l) => l.startsWith("    at ")), r.stderr);
    assert.notEqual(r.stderr.trim(), "", "an explanation belongs on stderr");
  });

  test("an unknown option fails with one line", () => {
    const line = assertOneLineError(typevisor(["run", "--no-such-option", guestBinary("hello", "static")]));
    assert.match(line, /no-such-option/);
  });
});

describe("typevisor help", () => {
  test("typevisor --help exits 0 and mentions --sysroot", () => {
    const r = typevisor(["--help"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /--sysroot/);
  });

  test("typevisor run --help exits 0 and mentions --sysroot", () => {
    const r = typevisor(["run", "--help"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /--sysroot/);
  });
});

describe("typevisor boot --cpu", () => {
  test("names the hypervisor extension in the device tree unless h=off; a bad value is one line and status 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "tv-cpu-"));
    try {
      const isa = (cpu: string[]) => {
        const dtb = join(dir, "board.dtb");
        const r = typevisor(["boot", ...cpu, "--dump-dtb", dtb]);
        assert.equal(r.status, 0, r.stderr);
        return /rv64imafdc\w*/.exec(readFileSync(dtb, "latin1"))?.[0];
      };
      assert.equal(isa([]), "rv64imafdch_zicsr_zifencei");
      assert.equal(isa(["--cpu", "rv64,h=on"]), "rv64imafdch_zicsr_zifencei");
      assert.equal(isa(["--cpu", "rv64,h=off"]), "rv64imafdc_zicsr_zifencei");
      const bad = typevisor(["boot", "--cpu", "rv64,h=maybe"]);
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr, "typevisor boot: --cpu wants rv64, rv64,h=on or rv64,h=off, not 'rv64,h=maybe'\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
