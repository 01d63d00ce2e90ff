/**
 * The register-and-memory dumps that each case writes to stdout: splitting a
 * run's output into per-case dumps, comparing two of them, and describing the
 * differences in readable form (FP values decoded, fcsr split into frm and flags).
 */
import { DUMP_BYTES, DUMP_FCSR, DUMP_SCRATCH } from "./program.js";
import { SCRATCH_BELOW } from "./gen.js";

/** One case's final state as written by its epilogue. */
export interface Dump {
  /** x0..x31 */
  readonly x: readonly bigint[];
  /** f0..f31 raw bits */
  readonly f: readonly bigint[];
  readonly fcsr: bigint;
  /** Scratch memory, starting SCRATCH_BELOW bytes below sp. */
  readonly mem: Uint8Array;
  /** The raw dump bytes. */
  readonly raw: Uint8Array;
}

/** Splits a run's stdout into complete dumps (a trailing partial dump is dropped). */
export function splitDumps(out: Uint8Array): Dump[] {
  const dumps: Dump[] = [];
  for (let off = 0; off + DUMP_BYTES <= out.length; off += DUMP_BYTES) {
    const raw = out.subarray(off, off + DUMP_BYTES);
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const x: bigint[] = [], f: bigint[] = [];
    for (let r = 0; r < 32; r++) {
      x.push(v.getBigUint64(8 * r, true));
      f.push(v.getBigUint64(256 + 8 * r, true));
    }
    dumps.push({ x, f, fcsr: v.getBigUint64(DUMP_FCSR, true), mem: raw.subarray(DUMP_SCRATCH), raw });
  }
  return dumps;
}

/** True when two dumps are byte-for-byte equal. */
export function sameDump(a: Dump, b: Dump): boolean {
  if (a.raw.length !== b.raw.length) return false;
  for (let i = 0; i < a.raw.length; i++) if (a.raw[i] !== b.raw[i]) return false;
  return true;
}

const ABI = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"];

/** "x10/a0" style name of an integer register. */
export function xName(r: number): string {
  return `x${r}/${ABI[r]}`;
}

/** 64-bit value as 0x-prefixed, zero-padded hex. */
export function hex64(v: bigint): string {
  return "0x" + v.toString(16).padStart(16, "0");
}

/** An integer register value with its signed reading. */
export function describeInt(v: bigint): string {
  return `${hex64(v)} (${BigInt.asIntN(64, v)})`;
}

function f64Of(bits: bigint): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, bits, true);
  return dv.getFloat64(0, true);
}

function f32Of(bits: number): number {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits, true);
  return dv.getFloat32(0, true);
}

function fpText(v: number, bits: bigint, expBits: number, fracBits: number): string {
  if (!Number.isNaN(v)) return Object.is(v, -0) ? "-0" : String(v);
  const quiet = (bits >> BigInt(fracBits - 1)) & 1n;
  const sign = (bits >> BigInt(expBits + fracBits)) & 1n;
  return `${sign ? "-" : ""}${quiet ? "qNaN" : "sNaN"}`;
}

/** An FP register value read both as a double and, when NaN-boxed, as a single. */
export function describeFp(bits: bigint): string {
  const d = fpText(f64Of(bits), bits, 11, 52);
  if (bits >> 32n === 0xffffffffn) {
    const lo = Number(bits & 0xffffffffn);
    return `${hex64(bits)} (s: ${fpText(f32Of(lo), BigInt(lo), 8, 23)})`;
  }
  return `${hex64(bits)} (d: ${d})`;
}

const RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "rm7"];

/** fcsr as "frm=rne fflags=NV|NX". */
export function describeFcsr(v: bigint): string {
  const n = Number(v & 0xffn);
  const flags = ["NX", "UF", "OF", "DZ", "NV"].filter((_, i) => n & (1 << i)).reverse();
  const extra = v >> 8n ? ` upper=${hex64(v >> 8n)}` : "";
  return `${hex64(v)} (frm=${RM_NAMES[n >> 5]} fflags=${flags.join("|") || "-"}${extra})`;
}

/** Offset from sp of a scratch byte index, as "sp+0x18" / "sp-0x40". */
export function spOffset(index: number): string {
  const o = index - SCRATCH_BELOW;
  return o < 0 ? `sp-0x${(-o).toString(16)}` : `sp+0x${o.toString(16)}`;
}

/** The 64-bit scratch word at byte index `i` (must be 8-aligned). */
export function memWord(d: Dump, i: number): bigint {
  return new DataView(d.mem.buffer, d.mem.byteOffset, d.mem.byteLength).getBigUint64(i, true);
}

/** Lines describing every difference between an expected and an actual dump. */
export function diffDumps(expected: Dump, actual: Dump): string[] {
  const out: string[] = [];
  const line = (what: string, e: string, a: string) => out.push(`  ${what.padEnd(12)} expected ${e}\n  ${"".padEnd(12)} actual   ${a}`);
  for (let r = 0; r < 32; r++) {
    if (expected.x[r] !== actual.x[r]) line(xName(r), describeInt(expected.x[r]), describeInt(actual.x[r]));
  }
  for (let r = 0; r < 32; r++) {
    if (expected.f[r] !== actual.f[r]) line(`f${r}`, describeFp(expected.f[r]), describeFp(actual.f[r]));
  }
  if (expected.fcsr !== actual.fcsr) line("fcsr", describeFcsr(expected.fcsr), describeFcsr(actual.fcsr));
  for (let i = 0; i < expected.mem.length; i += 8) {
    const e = memWord(expected, i), a = memWord(actual, i);
    if (e !== a) line(`[${spOffset(i)}]`, hex64(e), hex64(a));
  }
  return out;
}
