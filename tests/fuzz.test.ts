/**
 * Differential fuzzing in CI: a fixed-seed, bounded set of random instruction
 * streams per extension group, run under qemu-riscv64 (the oracle) and
 * typevisor; any difference in final registers, fcsr or scratch memory fails
 * the test with a report and a reproducer command. Skipped when qemu-riscv64
 * is not installed (or typevisor's CLI is not built).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ALL_GROUPS, type Group } from "../src/tools/fuzz/gen.js";
import { runCampaign } from "../src/tools/fuzz/campaign.js";
import { commandWorks, defaultTypevisorBin, qemuTarget, typevisorTarget } from "../src/tools/fuzz/run.js";

/** Fixed so that CI is reproducible; FUZZ_SEED overrides it for local exploration. */
const SEED = Number(process.env.FUZZ_SEED ?? 20250101);
const CASES = 1000;
const LENGTH = 48;

const hasQemu = commandWorks("qemu-riscv64");
const bin = defaultTypevisorBin();
const hasCli = existsSync(bin) && existsSync(resolve(dirname(bin), "../dist/src/cli/main.js"));
const skip = !hasQemu ? "qemu-riscv64 not installed" : !hasCli ? "typevisor CLI not built" : false;

/** Each group alone and all together, run as translated code (--jit=always); all together on the interpreter too. */
const campaigns: [readonly Group[], string][] = [...ALL_GROUPS.map((g): [Group[], string] => [[g], "always"]), [ALL_GROUPS, "always"], [ALL_GROUPS, "off"]];

for (const [groups, jit] of campaigns) {
  test(`typevisor (--jit=${jit}) matches qemu on ${CASES} random cases of ${groups.join(",")}`, { skip }, async () => {
    const r = await runCampaign({
      seed: SEED, cases: CASES, groups, length: LENGTH, batch: 50, jobs: 2, timeoutMs: 60_000,
      oracle: qemuTarget(), subject: typevisorTarget(bin, jit), maxMismatches: 1,
    });
    assert.equal(r.mismatches.length, 0, "\n" + r.mismatches.map((m) => m.report).join("\n\n"));
    assert.equal(r.cases, CASES);
  });
}
