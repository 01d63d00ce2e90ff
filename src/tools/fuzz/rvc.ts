/**
 * An encoder for the RV64 C extension, written from the "RVC" chapter of the
 * unprivileged spec. Each compressed instruction is described by a spec row:
 * where its register fields sit, which registers it may name, how its immediate
 * is scattered over the 16 bits, and the 32-bit instruction it stands for.
 * Operands are given as those of that 32-bit expansion (`rd`, `rs1`, `rs2`,
 * `imm`), so `expansionOf` is simply the table's `encode` on the same operands.
 *
 * C.EBREAK is listed for completeness; the generator never emits it.
 */
import { Op } from "../../isa/riscv/table.js";
import { encode } from "../../isa/riscv/decode.js";
import type { Operands } from "../../isa/riscv/fields.js";
import type { Rng } from "./prng.js";

/** Which registers an encoded register field accepts. */
export type RegKind =
  /** any of x0..x31 (5-bit field) */
  | "full"
  /** x1..x31 */
  | "nonzero"
  /** x1..x31 except x2 (C.LUI) */
  | "nonzero-not-sp"
  /** x8..x15 (3-bit field) */
  | "prime";

/** One encoded register operand: its kind and the low bit of its field. */
export interface RegField {
  readonly kind: RegKind;
  /** Bit position of the field's least significant bit (7 or 2). */
  readonly at: number;
}

/** The immediate of a compressed instruction, in the expansion's units. */
export interface ImmField {
  readonly lo: number;
  readonly hi: number;
  /** Every valid value is a multiple of this. */
  readonly align: number;
  /** Zero is reserved (or means something else) for this instruction. */
  readonly nonzero: boolean;
  /** [immHighBit, immLowBit, instructionLowBit] triples placing immediate bits. */
  readonly scatter: readonly (readonly [number, number, number])[];
}

/** A compressed instruction form. */
export interface CSpec {
  readonly name: string;
  /** The 32-bit instruction it expands to. */
  readonly op: Op;
  /** Fixed bits: quadrant, funct3 and any other constant fields. */
  readonly bits: number;
  readonly rd?: RegField;
  readonly rs1?: RegField;
  readonly rs2?: RegField;
  readonly imm?: ImmField;
  /** rs1 of the expansion is the same register as rd (c.addi, c.add, ...). */
  readonly tied?: boolean;
  /** Operands of the expansion that the 16-bit form fixes (e.g. rs1 = sp). */
  readonly implicit?: Partial<Operands>;
}

const q = (quadrant: number, funct3: number, other = 0) => quadrant | (funct3 << 13) | other;
const imm6 = (lo: number, hi: number, nonzero = false, align = 1): ImmField =>
  ({ lo, hi, align, nonzero, scatter: [[5, 5, 12], [4, 0, 2]] });
const RD7: RegField = { kind: "full", at: 7 };
const RDP7: RegField = { kind: "prime", at: 7 };
const RDP2: RegField = { kind: "prime", at: 2 };
const SP = { rs1: 2 };
const LD_IMM: ImmField = { lo: 0, hi: 248, align: 8, nonzero: false, scatter: [[5, 3, 10], [7, 6, 5]] };
const LW_IMM: ImmField = { lo: 0, hi: 124, align: 4, nonzero: false, scatter: [[5, 3, 10], [2, 2, 6], [6, 6, 5]] };
const LDSP_IMM: ImmField = { lo: 0, hi: 504, align: 8, nonzero: false, scatter: [[5, 5, 12], [4, 3, 5], [8, 6, 2]] };
const LWSP_IMM: ImmField = { lo: 0, hi: 252, align: 4, nonzero: false, scatter: [[5, 5, 12], [4, 2, 4], [7, 6, 2]] };
const SDSP_IMM: ImmField = { lo: 0, hi: 504, align: 8, nonzero: false, scatter: [[5, 3, 10], [8, 6, 7]] };
const SWSP_IMM: ImmField = { lo: 0, hi: 252, align: 4, nonzero: false, scatter: [[5, 2, 9], [7, 6, 7]] };
const BR_IMM: ImmField = { lo: -256, hi: 254, align: 2, nonzero: false,
  scatter: [[8, 8, 12], [4, 3, 10], [7, 6, 5], [2, 1, 3], [5, 5, 2]] };
const J_IMM: ImmField = { lo: -2048, hi: 2046, align: 2, nonzero: false,
  scatter: [[11, 11, 12], [4, 4, 11], [9, 8, 9], [10, 10, 8], [6, 6, 7], [7, 7, 6], [3, 1, 3], [5, 5, 2]] };

/** Every RV64C instruction form, by name. */
export const C_SPECS: readonly CSpec[] = [
  // Quadrant 0
  { name: "c.addi4spn", op: Op.ADDI, bits: q(0, 0), rd: RDP2, implicit: SP,
    imm: { lo: 4, hi: 1020, align: 4, nonzero: true, scatter: [[5, 4, 11], [9, 6, 7], [2, 2, 6], [3, 3, 5]] } },
  { name: "c.fld", op: Op.FLD, bits: q(0, 1), rd: RDP2, rs1: RDP7, imm: LD_IMM },
  { name: "c.lw", op: Op.LW, bits: q(0, 2), rd: RDP2, rs1: RDP7, imm: LW_IMM },
  { name: "c.ld", op: Op.LD, bits: q(0, 3), rd: RDP2, rs1: RDP7, imm: LD_IMM },
  { name: "c.fsd", op: Op.FSD, bits: q(0, 5), rs2: RDP2, rs1: RDP7, imm: LD_IMM },
  { name: "c.sw", op: Op.SW, bits: q(0, 6), rs2: RDP2, rs1: RDP7, imm: LW_IMM },
  { name: "c.sd", op: Op.SD, bits: q(0, 7), rs2: RDP2, rs1: RDP7, imm: LD_IMM },
  // Quadrant 1
  { name: "c.addi", op: Op.ADDI, bits: q(1, 0), rd: RD7, tied: true, imm: imm6(-32, 31) },
  { name: "c.addiw", op: Op.ADDIW, bits: q(1, 1), rd: { kind: "nonzero", at: 7 }, tied: true, imm: imm6(-32, 31) },
  { name: "c.li", op: Op.ADDI, bits: q(1, 2), rd: RD7, implicit: { rs1: 0 }, imm: imm6(-32, 31) },
  { name: "c.addi16sp", op: Op.ADDI, bits: q(1, 3, 2 << 7), implicit: { rd: 2, rs1: 2 },
    imm: { lo: -512, hi: 496, align: 16, nonzero: true, scatter: [[9, 9, 12], [4, 4, 6], [6, 6, 5], [8, 7, 3], [5, 5, 2]] } },
  { name: "c.lui", op: Op.LUI, bits: q(1, 3), rd: { kind: "nonzero-not-sp", at: 7 },
    imm: { lo: -32 * 4096, hi: 31 * 4096, align: 4096, nonzero: true, scatter: [[17, 17, 12], [16, 12, 2]] } },
  { name: "c.srli", op: Op.SRLI, bits: q(1, 4, 0 << 10), rd: RDP7, tied: true, imm: imm6(0, 63) },
  { name: "c.srai", op: Op.SRAI, bits: q(1, 4, 1 << 10), rd: RDP7, tied: true, imm: imm6(0, 63) },
  { name: "c.andi", op: Op.ANDI, bits: q(1, 4, 2 << 10), rd: RDP7, tied: true, imm: imm6(-32, 31) },
  { name: "c.sub", op: Op.SUB, bits: q(1, 4, (3 << 10) | (0 << 5)), rd: RDP7, rs2: RDP2, tied: true },
  { name: "c.xor", op: Op.XOR, bits: q(1, 4, (3 << 10) | (1 << 5)), rd: RDP7, rs2: RDP2, tied: true },
  { name: "c.or", op: Op.OR, bits: q(1, 4, (3 << 10) | (2 << 5)), rd: RDP7, rs2: RDP2, tied: true },
  { name: "c.and", op: Op.AND, bits: q(1, 4, (3 << 10) | (3 << 5)), rd: RDP7, rs2: RDP2, tied: true },
  { name: "c.subw", op: Op.SUBW, bits: q(1, 4, (1 << 12) | (3 << 10) | (0 << 5)), rd: RDP7, rs2: RDP2, tied: true },
  { name: "c.addw", op: Op.ADDW, bits: q(1, 4, (1 << 12) | (3 << 10) | (1 << 5)), rd: RDP7, rs2: RDP2, tied: true },
  { name: "c.j", op: Op.JAL, bits: q(1, 5), implicit: { rd: 0 }, imm: J_IMM },
  { name: "c.beqz", op: Op.BEQ, bits: q(1, 6), rs1: RDP7, implicit: { rs2: 0 }, imm: BR_IMM },
  { name: "c.bnez", op: Op.BNE, bits: q(1, 7), rs1: RDP7, implicit: { rs2: 0 }, imm: BR_IMM },
  // Quadrant 2
  { name: "c.slli", op: Op.SLLI, bits: q(2, 0), rd: RD7, tied: true, imm: imm6(0, 63) },
  { name: "c.fldsp", op: Op.FLD, bits: q(2, 1), rd: RD7, implicit: SP, imm: LDSP_IMM },
  { name: "c.lwsp", op: Op.LW, bits: q(2, 2), rd: { kind: "nonzero", at: 7 }, implicit: SP, imm: LWSP_IMM },
  { name: "c.ldsp", op: Op.LD, bits: q(2, 3), rd: { kind: "nonzero", at: 7 }, implicit: SP, imm: LDSP_IMM },
  { name: "c.jr", op: Op.JALR, bits: q(2, 4), rs1: { kind: "nonzero", at: 7 }, implicit: { rd: 0, imm: 0 } },
  { name: "c.mv", op: Op.ADD, bits: q(2, 4), rd: RD7, rs2: { kind: "nonzero", at: 2 }, implicit: { rs1: 0 } },
  { name: "c.ebreak", op: Op.EBREAK, bits: q(2, 4, 1 << 12) },
  { name: "c.jalr", op: Op.JALR, bits: q(2, 4, 1 << 12), rs1: { kind: "nonzero", at: 7 }, implicit: { rd: 1, imm: 0 } },
  { name: "c.add", op: Op.ADD, bits: q(2, 4, 1 << 12), rd: RD7, rs2: { kind: "nonzero", at: 2 }, tied: true },
  { name: "c.fsdsp", op: Op.FSD, bits: q(2, 5), rs2: { kind: "full", at: 2 }, implicit: SP, imm: SDSP_IMM },
  { name: "c.swsp", op: Op.SW, bits: q(2, 6), rs2: { kind: "full", at: 2 }, implicit: SP, imm: SWSP_IMM },
  { name: "c.sdsp", op: Op.SD, bits: q(2, 7), rs2: { kind: "full", at: 2 }, implicit: SP, imm: SDSP_IMM },
];

/** Spec rows by name. */
export const C_SPEC_BY_NAME: ReadonlyMap<string, CSpec> = new Map(C_SPECS.map((s) => [s.name, s]));

/** Thrown when operands do not fit a compressed form. */
export class RvcOperandError extends Error {
  constructor(name: string, why: string) {
    super(`${name}: ${why}`);
    this.name = "RvcOperandError";
  }
}

/** True when register `r` may appear in a field of kind `k`. */
export function regAllowed(k: RegKind, r: number): boolean {
  switch (k) {
    case "full": return r >= 0 && r < 32;
    case "nonzero": return r > 0 && r < 32;
    case "nonzero-not-sp": return r > 0 && r < 32 && r !== 2;
    case "prime": return r >= 8 && r < 16;
  }
}

/** True when `v` is a valid immediate for `f`. */
export function immAllowed(f: ImmField, v: number): boolean {
  return Number.isInteger(v) && v >= f.lo && v <= f.hi && v % f.align === 0 && !(f.nonzero && v === 0);
}

function encodeReg(spec: CSpec, which: "rd" | "rs1" | "rs2", field: RegField | undefined, r: number): number {
  if (field === undefined) return 0;
  if (!regAllowed(field.kind, r)) throw new RvcOperandError(spec.name, `${which} x${r} not allowed (${field.kind})`);
  return (field.kind === "prime" ? r - 8 : r) << field.at;
}

/**
 * Encodes a compressed instruction. `o` holds the operands of its 32-bit
 * expansion; fields the form does not encode are ignored. Throws
 * RvcOperandError when an operand does not fit.
 */
export function encodeC(name: string, o: Partial<Operands>): number {
  const spec = C_SPEC_BY_NAME.get(name);
  if (spec === undefined) throw new RvcOperandError(name, "unknown compressed instruction");
  let h = spec.bits;
  h |= encodeReg(spec, "rd", spec.rd, o.rd ?? 0);
  h |= encodeReg(spec, "rs1", spec.rs1, o.rs1 ?? 0);
  h |= encodeReg(spec, "rs2", spec.rs2, o.rs2 ?? 0);
  if (spec.imm !== undefined) {
    const v = o.imm ?? 0;
    if (!immAllowed(spec.imm, v)) throw new RvcOperandError(spec.name, `immediate ${v} out of range`);
    for (const [hi, lo, at] of spec.imm.scatter) {
      const width = hi - lo + 1;
      h |= ((v >> lo) & ((1 << width) - 1)) << at;
    }
  }
  return h & 0xffff;
}

/** The full operands of the 32-bit expansion, with tied and implicit registers filled in. */
export function expandedOperands(spec: CSpec, o: Partial<Operands>): Operands {
  const full: Operands = {
    rd: spec.rd ? o.rd ?? 0 : 0,
    rs1: spec.rs1 ? o.rs1 ?? 0 : 0,
    rs2: spec.rs2 ? o.rs2 ?? 0 : 0,
    imm: spec.imm ? o.imm ?? 0 : 0,
  };
  if (spec.tied) full.rs1 = full.rd;
  return { ...full, ...spec.implicit };
}

/** The 32-bit instruction that the compressed form `name` with operands `o` stands for. */
export function expansionOf(name: string, o: Partial<Operands>): number {
  const spec = C_SPEC_BY_NAME.get(name);
  if (spec === undefined) throw new RvcOperandError(name, "unknown compressed instruction");
  return encode(spec.op, expandedOperands(spec, o));
}

/** A random register allowed in a field of kind `k`. */
export function randomReg(rng: Rng, k: RegKind): number {
  for (;;) {
    const r = k === "prime" ? 8 + rng.below(8) : rng.below(32);
    if (regAllowed(k, r)) return r;
  }
}

/** A random immediate valid for `f`, biased towards its ends and small values. */
export function randomImm(rng: Rng, f: ImmField): number {
  for (;;) {
    const steps = Math.floor((f.hi - f.lo) / f.align);
    let v: number;
    switch (rng.below(4)) {
      case 0: v = f.lo; break;
      case 1: v = f.lo + steps * f.align; break;
      case 2: v = rng.range(-2, 2) * f.align; break;
      default: v = f.lo + rng.below(steps + 1) * f.align;
    }
    if (immAllowed(f, v)) return v;
  }
}
