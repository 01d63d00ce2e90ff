/**
 * Differential test of the decoder and disassembler against GNU binutils:
 * every instruction of real RISC-V libraries (Debian's cross glibc) is decoded
 * by typevisor and compared with what riscv64-linux-gnu-objdump prints for it
 * (mnemonic, register operands and immediates).
 */
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode, newDecoded } from "../src/isa/riscv/decode.js";
import { disassemble } from "../src/isa/riscv/disasm.js";
import { Op, ROW_BY_OP } from "../src/isa/riscv/table.js";

const SYSROOT = "/usr/riscv64-linux-gnu/lib";
const LIBS = ["libc.so.6", "libm.so.6"];

/** The 32-bit instruction a compressed mnemonic stands for. */
const C_BASE: Record<string, string> = {
  "c.addi4spn": "addi", "c.fld": "fld", "c.lw": "lw", "c.ld": "ld", "c.fsd": "fsd", "c.sw": "sw", "c.sd": "sd",
  "c.nop": "addi", "c.addi": "addi", "c.addiw": "addiw", "c.li": "addi", "c.addi16sp": "addi", "c.lui": "lui",
  "c.srli": "srli", "c.srai": "srai", "c.andi": "andi", "c.sub": "sub", "c.xor": "xor", "c.or": "or", "c.and": "and",
  "c.subw": "subw", "c.addw": "addw", "c.j": "jal", "c.beqz": "beq", "c.bnez": "bne", "c.slli": "slli",
  "c.fldsp": "fld", "c.lwsp": "lw", "c.ldsp": "ld", "c.jr": "jalr", "c.mv": "add", "c.ebreak": "ebreak",
  "c.jalr": "jalr", "c.add": "add", "c.fsdsp": "fsd", "c.swsp": "sw", "c.sdsp": "sd",
  "c.slli64": "slli", "c.srli64": "srli", "c.srai64": "srai",
};

/**
 * Encodings the spec reserves that objdump still names; typevisor (like QEMU)
 * treats them as illegal. C.ADDI16SP with a zero immediate is reserved.
 */
const RESERVED_OBJDUMP_ACCEPTS = new Set([0x6101]);

const NO_IMMEDIATES = /^(beq|bne|blt|bge|bltu|bgeu|jal|csrr\w*|fence.*)$/;

function registers(text: string): string[] {
  return (text.match(/\b[xf]\d+\b/g) ?? []).filter((r) => r.length <= 3 && Number(r.slice(1)) < 32);
}

function numbers(text: string): number[] {
  return (text.replace(/\b[xf]\d+\b|\b(rm\d|unknown)\b/g, "").match(/-?0x[0-9a-f]+|-?\d+/g) ?? []).map((s) => Number(s));
}

/**
 * Compares each line of an objdump listing with typevisor's decoding of the same bytes.
 * Words objdump cannot name (".2byte"/".4byte") must be illegal for us too when `strict`.
 * Returns the number of instructions compared and the first disagreements.
 */
function compareListing(out: string, strict: boolean): { checked: number; failures: string[] } {
    const d = newDecoded();
    let checked = 0;
    const failures: string[] = [];
    for (const line of out.split("\n")) {
      const m = /^\s*[0-9a-f]+:\s+([0-9a-f]{4}|[0-9a-f]{8})\s+(\S+)\s*([^#<]*)/.exec(line);
      if (m === null) continue;
      const [, hex, mnemonic, operands] = m;
      const word = parseInt(hex, 16);
      const lo16 = word & 0xffff, hi16 = hex.length === 8 ? word >>> 16 : 0;
      decode(lo16, hi16, d);
      if (mnemonic.startsWith(".") || mnemonic === "unimp" || mnemonic === "c.unimp") {
        if (strict && d.op !== Op.ILLEGAL && failures.length < 20) failures.push(`${hex}: objdump "${mnemonic}" vs typevisor "${disassemble(lo16, hi16)}"`);
        checked++;
        continue;
      }
      const compressed = hex.length === 4;
      const wantName = RESERVED_OBJDUMP_ACCEPTS.has(word) ? "(illegal)" :
        compressed ? C_BASE[mnemonic] : mnemonic.replace(/\.(aqrl|aq|rl)$/, "");
      if (wantName === undefined) continue; // an extension we do not implement
      const row = ROW_BY_OP[d.op];
      const gotName = d.op === Op.ILLEGAL || row === undefined ? "(illegal)" : row.name;
      let ok = gotName === wantName;
      if (ok && gotName === "(illegal)") { checked++; continue; }
      const ours = disassemble(lo16, hi16);
      if (ok && compressed) {
        ok = [...new Set(registers(operands))].every((r) => registers(ours).includes(r));
      } else if (ok) {
        ok = registers(operands).join() === registers(ours).join() &&
          (NO_IMMEDIATES.test(wantName) || numbers(operands).join() === numbers(ours.slice(ours.indexOf(" "))).join());
      }
      if (!ok && failures.length < 20) failures.push(`${hex}: objdump "${mnemonic} ${operands.trim()}" vs typevisor "${ours}"`);
      checked++;
    }
    return { checked, failures };
}

function objdump(args: string[]): string {
  return execFileSync("riscv64-linux-gnu-objdump", ["-M", "no-aliases,numeric", ...args], { maxBuffer: 1 << 30, encoding: "utf8" });
}

for (const lib of LIBS) {
  test(`decodes every instruction of ${lib} as binutils objdump does`, () => {
    const path = `${SYSROOT}/${lib}`;
    assert.ok(existsSync(path), `${path} is missing: install gcc-riscv64-linux-gnu (see README)`);
    const { checked, failures } = compareListing(objdump(["-d", path]), false);
    assert.ok(checked > 10000, `only ${checked} instructions found in ${lib}`);
    assert.deepEqual(failures, [], `disagreements with objdump in ${lib}`);
  });
}

/** Disassembles raw little-endian bytes with objdump. */
function objdumpRaw(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "tv-dec-"));
  const file = join(dir, "code.bin");
  writeFileSync(file, bytes);
  try {
    return objdump(["-D", "-b", "binary", "-m", "riscv:rv64", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("decodes all 49152 compressed encodings as objdump does, reserved ones as illegal", () => {
  const words: number[] = [];
  for (let h = 0; h < 65536; h++) if ((h & 3) !== 3) words.push(h);
  const bytes = new Uint8Array(words.length * 2);
  words.forEach((h, i) => { bytes[i * 2] = h & 0xff; bytes[i * 2 + 1] = h >> 8; });
  const { checked, failures } = compareListing(objdumpRaw(bytes), true);
  assert.equal(checked, words.length);
  assert.deepEqual(failures, []);
});

test("classifies 100000 random 32-bit words as legal or illegal as objdump does", () => {
  let seed = 12345;
  const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed; };
  const n = 100000;
  const bytes = new Uint8Array(n * 4);
  const v = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    // Random words, with the opcode drawn from the major opcodes of RV64G so most are near-legal.
    const opcodes = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73];
    v.setUint32(i * 4, ((rand() & ~0x7f) | opcodes[rand() % opcodes.length]) >>> 0, true);
  }
  const { checked, failures } = compareListing(objdumpRaw(bytes), false);
  assert.ok(checked > n * 0.5, `only ${checked} words compared`);
  assert.deepEqual(failures, []);
});
