/**
 * Differential instruction fuzzer: random RV64GC instruction streams run under
 * qemu-riscv64 (the oracle) and typevisor, final registers, fcsr and scratch
 * memory compared.
 *
 *   npm run fuzz -- [--seed N] [--cases N] [--ext i,m,a,f,d,c] [--length N] [--case I[,J...]]
 *                   [--each-ext] [--oracle-only] [--batch N] [--jobs N] [--timeout MS]
 *                   [--max-mismatches N] [--qemu CMD] [--typevisor PATH] [--subject CMD] [--write-elf FILE]
 *
 * Prints one summary line per campaign; exits 1 when a case mismatches (after
 * printing a report with a reproducer command), 2 on bad usage or a missing oracle.
 */
import { parseArgs } from "node:util";
import { writeFileSync, chmodSync } from "node:fs";
import { ALL_GROUPS, type Group } from "./fuzz/gen.js";
import { caseExecutable, runCampaign, type CampaignOptions } from "./fuzz/campaign.js";
import { commandTarget, commandWorks, qemuTarget, typevisorTarget } from "./fuzz/run.js";

const USAGE = `usage: npm run fuzz -- [options]
  --seed N            master seed (default: random, printed)
  --cases N           number of cases (default 500)
  --ext LIST          instruction groups, from ${ALL_GROUPS.join(",")} (default: all)
  --each-ext          run a separate campaign per group in --ext
  --length N          items per case (default 48)
  --case LIST         run only these case indices (a reproducer)
  --oracle-only       run qemu only and check that every case completes
  --batch N           cases per executable (default 50)
  --jobs N            executables in flight (default 2)
  --timeout MS        per-executable time limit (default 30000)
  --max-mismatches N  stop after N mismatching cases (default 1)
  --qemu CMD          oracle command (default qemu-riscv64)
  --typevisor PATH    typevisor launcher (default bin/typevisor.js)
  --jit MODE          typevisor's translating tier: always (default: every case runs
                      as translated code), auto or off (the interpreter)
  --subject CMD       compare against this command instead of typevisor (CMD FILE is run)
  --write-elf FILE    write the single-case executable of --case to FILE and exit`;

class UsageError extends Error {}

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} needs a non-negative integer, got "${v}"`);
  return n;
}

function groupsOf(v: string | undefined): Group[] {
  if (v === undefined) return [...ALL_GROUPS];
  const gs = v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const g of gs) if (!(ALL_GROUPS as readonly string[]).includes(g)) throw new UsageError(`unknown group "${g}"`);
  if (gs.length === 0) throw new UsageError("--ext is empty");
  return gs as Group[];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: "string" }, cases: { type: "string" }, ext: { type: "string" }, length: { type: "string" },
      case: { type: "string" }, "each-ext": { type: "boolean" }, "oracle-only": { type: "boolean" },
      batch: { type: "string" }, jobs: { type: "string" }, timeout: { type: "string" },
      "max-mismatches": { type: "string" }, qemu: { type: "string" }, typevisor: { type: "string" }, jit: { type: "string" }, subject: { type: "string" },
      "write-elf": { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = int(values.seed, "seed", Math.floor(Math.random() * 0x7fffffff));
  const groups = groupsOf(values.ext);
  const length = int(values.length, "length", 48);
  const only = values.case?.split(",").map((s) => int(s, "case", 0));
  if (values["write-elf"] !== undefined) {
    if (only?.length !== 1) throw new UsageError("--write-elf needs exactly one --case");
    writeFileSync(values["write-elf"], caseExecutable(seed, only[0], groups, length));
    chmodSync(values["write-elf"], 0o755);
    return 0;
  }
  const qemu = values.qemu ?? "qemu-riscv64";
  if (!commandWorks(qemu)) {
    console.error(`fuzz: the oracle "${qemu}" does not run (install qemu-user)`);
    return 2;
  }
  const subject = values["oracle-only"] ? undefined
    : values.subject !== undefined ? commandTarget(values.subject) : typevisorTarget(values.typevisor, values.jit ?? "always");
  const base: Omit<CampaignOptions, "groups"> = {
    seed, length, only,
    cases: int(values.cases, "cases", 500),
    batch: Math.max(1, int(values.batch, "batch", 50)),
    jobs: Math.max(1, int(values.jobs, "jobs", 2)),
    timeoutMs: int(values.timeout, "timeout", 30_000),
    maxMismatches: Math.max(1, int(values["max-mismatches"], "max-mismatches", 1)),
    oracle: qemuTarget(qemu),
    subject,
  };
  const campaigns = values["each-ext"] ? groups.map((g) => [g]) : [groups];
  let failed = false;
  for (const gs of campaigns) {
    const progress = process.stderr.isTTY
      ? (done: number, total: number) => process.stderr.write(`\r${gs.join(",")}: ${done}/${total} cases`)
      : undefined;
    const r = await runCampaign({ ...base, groups: gs, onProgress: progress });
    if (progress) process.stderr.write("\r\x1b[K");
    for (const m of r.mismatches) console.log(m.report + "\n");
    const vs = subject ? `${base.oracle.name} vs ${subject.name}` : `${base.oracle.name} only`;
    console.log(`fuzz: seed ${seed}, ext ${gs.join(",")}, ${r.cases} cases, ${r.instructions} instructions, ` +
      `${r.mismatches.length} mismatch${r.mismatches.length === 1 ? "" : "es"} (${vs}), ${(r.ms / 1000).toFixed(1)} s`);
    if (r.mismatches.length > 0) failed = true;
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || (e instanceof Error && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`fuzz: ${e.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.FUZZ_DEBUG) console.error(e);
    process.exit(2);
  },
);
