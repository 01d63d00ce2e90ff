import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { decode, newDecoded } from "../../isa/riscv/decode.js";
import { Format, Op, ROW_BY_OP } from "../../isa/riscv/table.js";
import { operandFiles } from "../../isa/riscv/operands.js";
import { ALL_GROUPS, BASE_REG, type Item } from "./gen.js";
import { buildProgram, generateCase, type TestCase } from "./program.js";
import { splitDumps } from "./dump.js";
import { Rng } from "./prng.js";
import { WorkDir } from "./run.js";

const hasQemu = spawnSync("qemu-riscv64", ["--version"], { stdio: "ignore" }).status === 0;

function allCases(n: number): TestCase[] {
  const out: TestCase[] = [];
  for (let i = 0; i < n; i++) out.push(generateCase(new Rng(77, i), { groups: ALL_GROUPS }, 64));
  return out;
}

const opsOf = (it: Item) =>
  [...it.insns, ...(it.patched ? [it.patched] : [])].map((i) => decode(i.word & 0xffff, i.word >>> 16, newDecoded()));

test("the generator is deterministic for a given seed and stream", () => {
  const a = generateCase(new Rng(5, 3), { groups: ALL_GROUPS }, 40);
  const b = generateCase(new Rng(5, 3), { groups: ALL_GROUPS }, 40);
  assert.deepEqual(a, b);
  const c = generateCase(new Rng(5, 4), { groups: ALL_GROUPS }, 40);
  assert.notDeepEqual(a.items, c.items);
});

test("every generated instruction decodes, and none is a system call, breakpoint or privileged", () => {
  const banned = new Set([Op.ECALL, Op.EBREAK, Op.ILLEGAL, Op.SRET, Op.MRET, Op.WFI, Op.SFENCE_VMA]);
  for (const c of allCases(300)) {
    for (const it of c.items) {
      for (const d of opsOf(it)) {
        assert.ok(!banned.has(d.op), `op ${d.op} (${ROW_BY_OP[d.op]?.name}) in stream`);
        const row = ROW_BY_OP[d.op]!;
        // The base register is never written.
        if (operandFiles(row).rd === "x" && d.rd === BASE_REG) {
          assert.ok(d.op === Op.ADDI && d.rs1 === BASE_REG && d.length === 2, `write to sp by ${row.name}`);
        }
        // Only the FP CSRs are touched.
        if (row.format === Format.Csr) assert.ok(d.imm >= 1 && d.imm <= 3, `CSR 0x${d.imm.toString(16)}`);
        // No reserved rounding modes.
        if (row.format === Format.Rrm || row.format === Format.R1rm) assert.ok(d.imm !== 5 && d.imm !== 6);
        if (row.format === Format.R4) assert.ok(((d.imm >> 8) & 7) < 5 || ((d.imm >> 8) & 7) === 7);
      }
    }
  }
});

test("every group contributes instructions of its own extension", () => {
  for (const g of ALL_GROUPS) {
    const c = generateCase(new Rng(9, 0), { groups: [g] }, 200);
    const exts = new Set<string>();
    let compressed = 0;
    for (const it of c.items) {
      for (const [k, d] of opsOf(it).entries()) {
        exts.add(ROW_BY_OP[d.op]!.ext);
        if (k < it.insns.length && it.insns[k].size === 2) compressed++;
      }
    }
    if (g === "c") assert.ok(compressed > 100, `only ${compressed} compressed instructions`);
    else assert.ok(exts.has(g), `group ${g} produced only ${[...exts].join(",")}`);
  }
});

test("qemu agrees with the generator's assumptions: paired SCs succeed, lone SCs fail, sp is preserved",
  { skip: !hasQemu && "qemu-riscv64 not installed" }, async () => {
    // One case per LR/SC-related item, each with nothing else in its stream.
    const singles: { c: TestCase; scRd: number; paired: boolean }[] = [];
    for (const c of allCases(300)) {
      for (const it of c.items) {
        const ds = opsOf(it);
        const last = ds[ds.length - 1];
        if (last.op !== Op.SC_W && last.op !== Op.SC_D) continue;
        const paired = ds.some((d) => d.op === Op.LR_W || d.op === Op.LR_D);
        if (last.rd !== 0) singles.push({ c: { ...c, items: [it] }, scRd: last.rd, paired });
      }
    }
    assert.ok(singles.some((s) => s.paired) && singles.some((s) => !s.paired), "no LR/SC items generated");
    const work = await WorkDir.create();
    try {
      const prog = buildProgram(singles.map((s) => s.c));
      const file = await work.writeExecutable(prog.elf);
      const r = spawnSync("qemu-riscv64", [file], { maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, String(r.stderr));
      const dumps = splitDumps(new Uint8Array(r.stdout));
      assert.equal(dumps.length, singles.length);
      singles.forEach((s, k) => {
        assert.equal(dumps[k].x[s.scRd], s.paired ? 0n : 1n, `case ${k}: sc result`);
        assert.equal(dumps[k].x[BASE_REG] % 16n, 0n);
      });
    } finally {
      await work.dispose();
    }
  });
