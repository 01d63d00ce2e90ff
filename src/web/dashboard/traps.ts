/**
 * Trap rates for the dashboard: the metrics' exit counters (cumulative) turned
 * into exits per second by kind, between two samples, with the sentence
 * explaining each kind (system/exit-names.ts EXIT_DOCS) for learners.
 */
import { EXIT_DOCS } from "../../system/exit-names.js";

/** The kinds charted, each the sum of one group of the metrics' `exits`. */
export const TRAP_KINDS = [
  { key: "sbi", label: "SBI calls" },
  { key: "csr", label: "CSR emulation" },
  { key: "exceptions", label: "Exceptions" },
  { key: "interrupts", label: "Interrupts" },
  { key: "mmio", label: "MMIO" },
  { key: "page_walks", label: "Page walks" },
  { key: "xret", label: "mret/sret" },
  { key: "wfi", label: "wfi" },
  { key: "guest_hypervisor.exits", label: "Nested guests' exits" },
] as const;

/** The one-line explanation of exit kind `key`. */
export function explain(key: string): string {
  return EXIT_DOCS[`exits.${key}`] ?? "";
}

/** The total of one group of counters (a number, or an object of numbers). */
function total(v: unknown): number {
  if (typeof v === "number") return v;
  if (v !== null && typeof v === "object") return Object.values(v as Record<string, unknown>).reduce<number>((s, x) => s + total(x), 0);
  return 0;
}

/** A sample of the counters at a time (ms). */
export interface Sample {
  at: number;
  exits: Record<string, unknown>;
}

/** The counter or group at dotted path `key` of `exits` ("mmio", "guest_hypervisor.exits"). */
function at(exits: Record<string, unknown>, key: string): unknown {
  let v: unknown = exits;
  for (const k of key.split(".")) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Exits per second of each TRAP_KINDS entry between two samples (0 for a kind that did not grow). */
export function rates(before: Sample, after: Sample): number[] {
  const dt = (after.at - before.at) / 1000;
  return TRAP_KINDS.map(({ key }) => (dt > 0 ? Math.max(0, total(at(after.exits, key)) - total(at(before.exits, key))) / dt : 0));
}
