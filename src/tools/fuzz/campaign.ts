/**
 * A fuzzing campaign: generate seeded cases, pack them into executables, run
 * each executable under the oracle (and the subject, when there is one), and
 * compare the per-case dumps. On a mismatch the offending case is re-run as a
 * series of prefixes (all in one executable) to find the first item after
 * which the two emulators disagree.
 */
import { Rng } from "./prng.js";
import { buildProgram, generateCase, truncateCase, DUMP_BYTES, type TestCase } from "./program.js";
import { insnCount, type Group } from "./gen.js";
import { diffDumps, splitDumps, sameDump, type Dump } from "./dump.js";
import { describeEnd, runTarget, WorkDir, type RunResult, type Target } from "./run.js";
import { formatDivergence, formatItems, type Divergence } from "./report.js";

/** What to run. */
export interface CampaignOptions {
  readonly seed: number;
  /** Number of cases (ignored when `only` is given). */
  readonly cases: number;
  readonly groups: readonly Group[];
  /** Items per case. */
  readonly length: number;
  /** Cases per executable. */
  readonly batch: number;
  readonly oracle: Target;
  /** When absent, only the oracle runs and every case must complete (generator self-check). */
  readonly subject?: Target;
  readonly timeoutMs: number;
  /** Run just these case indices. */
  readonly only?: readonly number[];
  /** Stop after this many mismatching cases (default 1). */
  readonly maxMismatches?: number;
  /** Executables run at the same time (default 2). */
  readonly jobs?: number;
  /** Called after each executable with the number of cases done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One case on which the emulators disagreed (or the oracle failed). */
export interface Mismatch {
  readonly caseIndex: number;
  /** Multi-line description: divergence, disassembly, reproducer. */
  readonly report: string;
}

/** Totals of a campaign. */
export interface CampaignResult {
  readonly cases: number;
  readonly instructions: number;
  readonly mismatches: readonly Mismatch[];
  readonly ms: number;
}

/** Generates case `index` of a campaign; the same (seed, index, groups, length) always gives the same case. */
export function makeCase(seed: number, index: number, groups: readonly Group[], length: number): TestCase {
  return generateCase(new Rng(seed, index), { groups }, length);
}

/** The command line that reproduces one case. */
export function reproducer(o: CampaignOptions, index: number): string {
  return `npm run fuzz -- --seed ${o.seed} --ext ${o.groups.join(",")} --length ${o.length} --case ${index}`;
}

const MAX_STDOUT_SLACK = 4096;

/** Runs a campaign to completion (or to the mismatch limit). */
export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const start = Date.now();
  const indices = o.only ? [...o.only] : Array.from({ length: o.cases }, (_, i) => i);
  const batches: number[][] = [];
  for (let i = 0; i < indices.length; i += o.batch) batches.push(indices.slice(i, i + o.batch));
  const work = await WorkDir.create();
  const mismatches: Mismatch[] = [];
  const limit = o.maxMismatches ?? 1;
  let instructions = 0, casesRun = 0, next = 0;
  try {
    const worker = async () => {
      while (next < batches.length && mismatches.length < limit) {
        const idx = batches[next++];
        const cases = idx.map((i) => makeCase(o.seed, i, o.groups, o.length));
        for (const c of cases) instructions += insnCount(c.items);
        const found = await runBatch(o, work, idx, cases);
        casesRun += idx.length;
        mismatches.push(...found);
        o.onProgress?.(casesRun, indices.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 2) }, worker));
  } finally {
    await work.dispose();
  }
  mismatches.sort((a, b) => a.caseIndex - b.caseIndex);
  return { cases: casesRun, instructions, mismatches: mismatches.slice(0, limit), ms: Date.now() - start };
}

async function runBoth(o: CampaignOptions, work: WorkDir, cases: readonly TestCase[]) {
  const prog = buildProgram(cases);
  const file = await work.writeExecutable(prog.elf);
  const opts = { timeoutMs: o.timeoutMs, maxStdout: DUMP_BYTES * cases.length + MAX_STDOUT_SLACK, cwd: work.path };
  const [exp, act] = await Promise.all([
    runTarget(o.oracle, file, opts),
    o.subject ? runTarget(o.subject, file, opts) : Promise.resolve(undefined),
  ]);
  await work.remove(file);
  return { prog, exp, act };
}

function oracleOk(r: RunResult, n: number): boolean {
  return r.status === 0 && r.stdout.length === DUMP_BYTES * n;
}

/** Runs one executable of cases and returns the cases that mismatched. */
async function runBatch(o: CampaignOptions, work: WorkDir, idx: readonly number[], cases: readonly TestCase[]): Promise<Mismatch[]> {
  const { exp, act } = await runBoth(o, work, cases);
  if (!oracleOk(exp, cases.length)) {
    // A generator bug: find the first case the oracle did not complete.
    const k = Math.min(Math.floor(exp.stdout.length / DUMP_BYTES), cases.length - 1);
    return [{ caseIndex: idx[k], report: oracleFailure(o, idx[k], exp) }];
  }
  if (act === undefined) return [];
  const e = splitDumps(exp.stdout), a = splitDumps(act.stdout);
  for (let k = 0; k < cases.length; k++) {
    if (k < a.length && sameDump(e[k], a[k])) continue;
    return [{ caseIndex: idx[k], report: await explain(o, work, idx[k], cases[k], act, e[k], a[k]) }];
  }
  if (act.status !== 0 || act.stdout.length !== exp.stdout.length) {
    const why = `all ${cases.length} dumps match but ${o.subject!.name} ended with ${describeEnd(act, o.timeoutMs)}` +
      ` and wrote ${act.stdout.length} bytes (expected exit 0, ${exp.stdout.length} bytes)\n${act.stderr.trim()}`;
    return [{ caseIndex: idx[cases.length - 1], report: why }];
  }
  return [];
}

function oracleFailure(o: CampaignOptions, index: number, r: RunResult): string {
  const c = makeCase(o.seed, index, o.groups, o.length);
  const prog = buildProgram([c]);
  return [
    `case ${index}: ${o.oracle.name} did not complete the case (${describeEnd(r, o.timeoutMs)}); this is a generator bug.`,
    r.stderr.trim(),
    ...formatItems(c.items, prog.layouts[0].itemAddrs),
    `reproduce: ${reproducer(o, index)}`,
  ].join("\n");
}

/** Locates the first diverging item of a mismatching case and writes the report. */
async function explain(o: CampaignOptions, work: WorkDir, index: number, c: TestCase, batchRun: RunResult,
  batchExpected: Dump, batchActual: Dump | undefined): Promise<string> {
  const prefixes = Array.from({ length: c.items.length + 1 }, (_, n) => truncateCase(c, n));
  const { exp, act } = await runBoth(o, work, prefixes);
  const e = splitDumps(exp.stdout), a = splitDumps(act!.stdout);
  let n = 0;
  while (n < prefixes.length && n < e.length && n < a.length && sameDump(e[n], a[n])) n++;
  if (n >= prefixes.length) {
    return [
      `case ${index} (seed ${o.seed}): ${o.subject!.name} disagreed with ${o.oracle.name} when the case ran after other` +
        ` cases in one executable, but not when it ran alone: state leaks between cases, or a run is not deterministic.`,
      `In the batch, ${o.subject!.name} ended with ${describeEnd(batchRun, o.timeoutMs)}${batchRun.stderr.trim() ? ": " + batchRun.stderr.trim() : ""}`,
      ...(batchExpected && batchActual ? diffDumps(batchExpected, batchActual) : []),
      `reproduce: ${reproducer(o, index)} (alone it passes; run the whole batch to see it)`,
    ].join("\n");
  }
  const dv: Divergence = {
    item: n - 1,
    before: n > 0 ? e[n - 1] : undefined,
    expected: e[n],
    actual: a[n],
  };
  const full = buildProgram([c]);
  const addrs = full.layouts[0].itemAddrs;
  // Item addresses in the report are those of the single-case executable the reproducer builds.
  const lines = [
    `case ${index} (seed ${o.seed}): ${o.subject!.name} disagrees with ${o.oracle.name}`,
    ...formatDivergence(c.items, addrs, dv, { oracle: o.oracle.name, subject: o.subject!.name },
      describeEnd(act!, o.timeoutMs), act!.stderr),
    "Stream:",
    ...formatItems(c.items, addrs, dv.item),
    `reproduce: ${reproducer(o, index)}`,
  ];
  return lines.join("\n");
}

/** Builds the single-case executable for case `index` (for --keep / inspection with objdump). */
export function caseExecutable(seed: number, index: number, groups: readonly Group[], length: number): Uint8Array {
  return buildProgram([makeCase(seed, index, groups, length)]).elf;
}
