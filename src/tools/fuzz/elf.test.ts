import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Op } from "../../isa/riscv/table.js";
import { writeElf, ElfLayoutError, EM_RISCV, SegFlag } from "./elf.js";
import { CodeBuffer, hiLo, ins } from "./asm.js";

const CODE = 0x10000;
const DATA = 0x20000;

/** write(1, "hello\n", 6); exit_group(7) */
function helloImage() {
  const msg = new TextEncoder().encode("hello\n");
  const code = new CodeBuffer();
  const { hi, lo } = hiLo(DATA);
  code.emit(
    ins(Op.ADDI, { rd: 10, rs1: 0, imm: 1 }),
    ins(Op.LUI, { rd: 11, imm: hi }),
    ins(Op.ADDI, { rd: 11, rs1: 11, imm: lo }),
    ins(Op.ADDI, { rd: 12, rs1: 0, imm: msg.length }),
    ins(Op.ADDI, { rd: 17, rs1: 0, imm: 64 }),
    ins(Op.ECALL, {}),
    ins(Op.ADDI, { rd: 10, rs1: 0, imm: 7 }),
    ins(Op.ADDI, { rd: 17, rs1: 0, imm: 94 }),
    ins(Op.ECALL, {}),
  );
  return writeElf({
    entry: CODE,
    segments: [
      { name: ".text", vaddr: CODE, data: code.finish(), flags: SegFlag.R | SegFlag.X },
      { name: ".data", vaddr: DATA, data: msg, bssSize: 100, flags: SegFlag.R | SegFlag.W },
    ],
  });
}

function withFile<T>(bytes: Uint8Array, f: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "elf-test-"));
  try {
    const p = join(dir, "a.out");
    writeFileSync(p, bytes);
    chmodSync(p, 0o755);
    return f(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const has = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: "ignore" }).status === 0;

test("the header describes a little-endian ELF64 RISC-V executable with RVC and double-float flags", () => {
  const elf = helloImage();
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  assert.deepEqual([...elf.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  assert.equal(v.getUint16(16, true), 2); // ET_EXEC
  assert.equal(v.getUint16(18, true), EM_RISCV);
  assert.equal(v.getBigUint64(24, true), BigInt(CODE));
  assert.equal(v.getUint32(48, true), 5);
  assert.equal(v.getUint16(56, true), 2); // e_phnum
  // Second program header: PT_LOAD, RW, file size 6, memory size 106, offset congruent to vaddr.
  const ph = 64 + 56;
  assert.equal(v.getUint32(ph, true), 1);
  assert.equal(v.getUint32(ph + 4, true), SegFlag.R | SegFlag.W);
  assert.equal(Number(v.getBigUint64(ph + 8, true)) % 0x1000, DATA % 0x1000);
  assert.equal(v.getBigUint64(ph + 32, true), 6n);
  assert.equal(v.getBigUint64(ph + 40, true), 106n);
});

test("segments that are unaligned or out of order are refused", () => {
  const data = new Uint8Array(4);
  assert.throws(() => writeElf({ entry: 0, segments: [{ name: ".a", vaddr: 0x10010, data, flags: SegFlag.R }] }), ElfLayoutError);
  assert.throws(() => writeElf({
    entry: 0,
    segments: [
      { name: ".a", vaddr: 0x20000, data, flags: SegFlag.R },
      { name: ".b", vaddr: 0x10000, data, flags: SegFlag.R },
    ],
  }), ElfLayoutError);
});

test("readelf accepts the file and lists both segments and sections", { skip: !has("readelf", "--version") && "readelf not installed" }, () => {
  withFile(helloImage(), (p) => {
    const r = spawnSync("readelf", ["-W", "-h", "-l", "-S", p], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Machine:\s+RISC-V/);
    assert.match(r.stdout, /Flags:\s+0x5, RVC, double-float ABI/);
    assert.equal((r.stdout.match(/^\s+LOAD\s/gm) ?? []).length, 2);
    assert.match(r.stdout, /\.text\s+PROGBITS\s+0+10000/);
    assert.match(r.stdout, /\.data\s+PROGBITS\s+0+20000/);
    assert.doesNotMatch(r.stderr, /warning|error/i);
  });
});

test("qemu-riscv64 loads and runs the file", { skip: !has("qemu-riscv64", "--version") && "qemu-riscv64 not installed" }, () => {
  withFile(helloImage(), (p) => {
    const r = spawnSync("qemu-riscv64", [p], { encoding: "utf8" });
    assert.equal(r.stdout, "hello\n");
    assert.equal(r.status, 7, r.stderr);
  });
});
