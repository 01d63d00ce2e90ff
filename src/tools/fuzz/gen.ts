/**
 * The random instruction-stream generator. A stream is a list of items; an item
 * is one instruction or a short sequence that must stay together (an address
 * computation and the access that uses it, an LR/SC pair, a forward branch and
 * the instruction it may skip). Every item leaves the process in a defined
 * state: sp (x2) always holds the scratch base and is never written, memory is
 * only touched at aligned addresses inside the scratch area (and the patch slot
 * of self-modifying-code items), rounding modes are valid, and nothing depends
 * on implementation-defined behaviour.
 */
import { Format, INSNS, Op, ROW_BY_OP, type InsnRow } from "../../isa/riscv/table.js";
import { operandFiles } from "../../isa/riscv/operands.js";
import type { Operands } from "../../isa/riscv/fields.js";
import { decode, newDecoded } from "../../isa/riscv/decode.js";
import { C_SPEC_BY_NAME, encodeC, randomImm, type CSpec, type RegKind } from "./rvc.js";
import { cins, hiLo, ins, sizeOf, type Insn } from "./asm.js";
import type { Rng } from "./prng.js";

/**
 * Instruction groups the stream can draw from: ISA extensions, where "i" also
 * brings counted loops and "zifencei" brings self-modifying code (store an
 * instruction, FENCE.I, execute it).
 */
export type Group = "i" | "m" | "a" | "f" | "d" | "c" | "zifencei";

/** Every group, in ISA-string order. */
export const ALL_GROUPS: readonly Group[] = ["i", "m", "a", "f", "d", "c", "zifencei"];

/** One unit of the stream: instructions that are generated, kept and removed together. */
export interface Item {
  readonly insns: readonly Insn[];
  /** An instruction the item writes into the patch slot and executes (self-modifying code). */
  readonly patched?: Insn;
}

/** The register that holds the scratch base address; never written by a stream. */
export const BASE_REG = 2;
/** Lowest scratch offset from BASE_REG that the stream accesses. */
export const SCRATCH_BELOW = 512;
/** One past the highest scratch offset from BASE_REG that the stream accesses. */
export const SCRATCH_ABOVE = 512;
/** Offset from BASE_REG of the 8-byte executable slot that self-modifying-code items patch. */
export const PATCH_SLOT = SCRATCH_ABOVE;

/** The floating-point CSR numbers (the only CSRs the stream touches). */
const enum FpCsr {
  /** accrued exception flags */
  fflags = 0x001,
  /** dynamic rounding mode */
  frm = 0x002,
  /** frm and fflags together */
  fcsr = 0x003,
}

/** Rounding-mode field values: the five modes and "dynamic" (5 and 6 are reserved). */
const RM_VALUES = [0, 1, 2, 3, 4, 7] as const;

const IMM12_EDGES = [0, 1, -1, 2, -2, 2047, -2048, 2046, -2047, 0x7f, 0x80, 0xff, 0x100, 0x3ff, 0x400, 31, 32, 63, 64];
const IMM20_EDGES = [0, 1, 0x7ffff, 0x80000, 0xfffff, 0x80001, 0x7fffe, 0x00800];

const rowsWhere = (pred: (r: InsnRow) => boolean) => INSNS.filter(pred);
const LOAD_NAMES = new Set(["lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "flw", "fld"]);
const STORE_NAMES = new Set(["sb", "sh", "sw", "sd", "fsw", "fsd"]);
const ALU_R = rowsWhere((r) => r.ext === "i" && r.format === Format.R);
const ALU_I = rowsWhere((r) => r.ext === "i" && r.format === Format.I && !LOAD_NAMES.has(r.name) && r.name !== "jalr");
const SHIFTS = rowsWhere((r) => r.format === Format.Shift5 || r.format === Format.Shift6);
const INT_LOADS = rowsWhere((r) => r.ext === "i" && LOAD_NAMES.has(r.name));
const INT_STORES = rowsWhere((r) => r.ext === "i" && STORE_NAMES.has(r.name));
const BRANCHES = rowsWhere((r) => r.format === Format.B);
const M_ROWS = rowsWhere((r) => r.ext === "m");
const AMO_ROWS = rowsWhere((r) => r.format === Format.Amo && !r.name.startsWith("sc."));
const fpArith = (ext: "f" | "d") => rowsWhere((r) => r.ext === ext && !LOAD_NAMES.has(r.name) && !STORE_NAMES.has(r.name));
const F_ROWS = fpArith("f");
const D_ROWS = fpArith("d");

/** Byte size of the access made by a load/store/AMO row. */
function accessSize(name: string): number {
  if (/^(lb|lbu|sb)$/.test(name)) return 1;
  if (/^(lh|lhu|sh)$/.test(name)) return 2;
  if (/^(lw|lwu|sw|flw|fsw)$/.test(name) || name.endsWith(".w")) return 4;
  return 8;
}

/** Options for one generator. */
export interface GenOptions {
  readonly groups: readonly Group[];
}

type ItemMaker = () => Item;

/** True when some instruction of `insns` writes integer register `r`. */
export function writesX(insns: readonly Insn[], r: number): boolean {
  const d = newDecoded();
  for (const i of insns) {
    decode(i.word & 0xffff, i.word >>> 16, d);
    const row = ROW_BY_OP[d.op];
    if (row !== undefined && operandFiles(row).rd === "x" && d.rd === r) return true;
  }
  return false;
}

/** Generates stream items for one test case. */
export class StreamGen {
  private readonly hotX: number[];
  private readonly hotF: number[];
  private readonly makers: ItemMaker[] = [];
  private readonly weights: number[] = [];
  private readonly has: ReadonlySet<Group>;
  /** Makers of single non-memory, non-control instructions (loop bodies' staple, patch contents). */
  private readonly simple: ItemMaker[] = [];
  private loopMaker: ItemMaker | undefined;
  private inLoop = false;

  constructor(private readonly rng: Rng, opts: GenOptions) {
    this.has = new Set(opts.groups);
    // A few "hot" registers per case make results feed into later instructions.
    this.hotX = Array.from({ length: 5 }, () => this.anyDestX());
    this.hotX.push(8 + rng.below(8), 8 + rng.below(8));
    this.hotF = Array.from({ length: 5 }, () => rng.below(32));
    this.hotF.push(8 + rng.below(8));
    const add = (w: number, m: ItemMaker) => { this.makers.push(m); this.weights.push(w); };
    if (this.has.has("i")) {
      add(4, () => this.fromRow(rng.pick(ALU_R)));
      add(3, () => this.fromRow(rng.pick(ALU_I)));
      add(2, () => this.fromRow(rng.pick(SHIFTS)));
      add(1, () => this.upper());
      add(2, () => this.memory(rng.pick(INT_LOADS)));
      add(2, () => this.memory(rng.pick(INT_STORES)));
      add(1, () => this.branch());
      add(0.5, () => this.jump());
      add(0.2, () => this.fence());
      this.loopMaker = () => this.loop();
      add(0.4, this.loopMaker);
      this.simple.push(() => this.fromRow(rng.pick(ALU_R)), () => this.fromRow(rng.pick(ALU_I)),
        () => this.fromRow(rng.pick(SHIFTS)), () => this.upper());
    }
    if (this.has.has("m")) {
      add(6, () => this.fromRow(rng.pick(M_ROWS)));
      this.simple.push(() => this.fromRow(rng.pick(M_ROWS)));
    }
    if (this.has.has("a")) {
      add(3, () => this.amo());
      add(1.5, () => this.lrsc());
      add(0.3, () => this.loneSc());
    }
    if (this.has.has("f")) {
      add(6, () => this.fromRow(rng.pick(F_ROWS)));
      this.simple.push(() => this.fromRow(rng.pick(F_ROWS)));
      add(1.5, () => this.memory(ROW_BY_OP[rng.pick([Op.FLW, Op.FSW])]!));
      add(1, () => this.fpCsr());
    }
    if (this.has.has("d")) {
      add(6, () => this.fromRow(rng.pick(D_ROWS)));
      this.simple.push(() => this.fromRow(rng.pick(D_ROWS)));
      add(1.5, () => this.memory(ROW_BY_OP[rng.pick([Op.FLD, Op.FSD])]!));
      add(0.5, () => this.fpCsr());
    }
    if (this.has.has("c")) {
      add(4, () => this.cAlu());
      add(2, () => this.cMemory());
      add(1, () => this.cJump());
      add(0.3, () => this.cStackAdjust());
      this.simple.push(() => this.cAlu());
    }
    if (this.has.has("zifencei")) add(this.makers.length === 0 ? 1 : 0.5, () => this.patch());
    if (this.simple.length === 0) this.simple.push(() => this.fromRow(rng.pick(ALU_I)));
    if (this.makers.length === 0) throw new Error("no instruction groups selected");
  }

  /** The next random item. */
  item(): Item {
    for (;;) {
      const m = this.rng.weighted(this.makers, this.weights);
      if (!(this.inLoop && m === this.loopMaker)) return m();
    }
  }

  /** `n` random items. */
  items(n: number): Item[] {
    return Array.from({ length: n }, () => this.item());
  }

  // ---- registers and immediates ----------------------------------------------

  private anyDestX(): number {
    for (;;) {
      const r = 1 + this.rng.below(31);
      if (r !== BASE_REG) return r;
    }
  }

  /** An integer destination: never the base register, sometimes x0. */
  private destX(): number {
    if (this.rng.chance(0.03)) return 0;
    return this.rng.chance(0.7) ? this.rng.pick(this.hotX) : this.anyDestX();
  }

  /** An integer destination other than x0 and the base register. */
  private destXnz(): number {
    const r = this.destX();
    return r === 0 ? this.anyDestX() : r;
  }

  private srcX(): number {
    if (this.rng.chance(0.05)) return this.rng.chance(0.5) ? 0 : BASE_REG;
    return this.rng.chance(0.7) ? this.rng.pick(this.hotX) : this.rng.below(32);
  }

  private regF(): number {
    return this.rng.chance(0.7) ? this.rng.pick(this.hotF) : this.rng.below(32);
  }

  private imm12(): number {
    return this.rng.chance(0.5) ? this.rng.pick(IMM12_EDGES) : this.rng.range(-2048, 2047);
  }

  private rm(): number {
    return this.rng.chance(0.4) ? 7 : this.rng.pick(RM_VALUES);
  }

  /** An aligned scratch offset from the base register for an access of `size` bytes. */
  private scratchOffset(size: number): number {
    const lo = -SCRATCH_BELOW / size, hi = SCRATCH_ABOVE / size - 1;
    // Favour a small window so that stores and loads meet.
    if (this.rng.chance(0.6)) return size * this.rng.range(Math.max(lo, -8 / size - 2), Math.min(hi, 16 / size + 2));
    return size * this.rng.range(lo, hi);
  }

  // ---- 32-bit items ---------------------------------------------------------------

  /** Any non-memory row: operands picked by register file, immediates by format. */
  private fromRow(row: InsnRow): Item {
    const f = operandFiles(row);
    const o: Operands = { rd: 0, rs1: 0, rs2: 0, imm: 0 };
    if (f.rd === "x") o.rd = this.destX();
    else if (f.rd === "f") o.rd = this.regF();
    o.rs1 = f.rs1 === "f" ? this.regF() : this.srcX();
    o.rs2 = f.rs2 === "f" ? this.regF() : this.srcX();
    switch (row.format) {
      case Format.I: o.imm = this.imm12(); break;
      case Format.Shift6: o.imm = this.rng.chance(0.4) ? this.rng.pick([0, 1, 31, 32, 33, 63]) : this.rng.below(64); break;
      case Format.Shift5: o.imm = this.rng.chance(0.4) ? this.rng.pick([0, 1, 15, 16, 31]) : this.rng.below(32); break;
      case Format.R4: o.imm = this.regF() | (this.rm() << 8); break;
      case Format.Rrm: case Format.R1rm: o.imm = this.rm(); break;
      default: break;
    }
    return { insns: [ins(row.op, o)] };
  }

  private upper(): Item {
    const imm20 = this.rng.chance(0.5) ? this.rng.pick(IMM20_EDGES) : this.rng.below(1 << 20);
    return { insns: [ins(this.rng.chance(0.7) ? Op.LUI : Op.AUIPC, { rd: this.destX(), imm: imm20 << 12 })] };
  }

  /**
   * A load or store (integer or FP) at an aligned scratch address: usually
   * directly off the base register, sometimes through a computed base.
   */
  private memory(row: InsnRow): Item {
    const size = accessSize(row.name);
    const target = this.scratchOffset(size);
    const f = operandFiles(row);
    const isLoad = row.format === Format.I;
    const data = isLoad ? (f.rd === "f" ? this.regF() : this.destX()) : (f.rs2 === "f" ? this.regF() : this.srcX());
    if (this.rng.chance(0.75)) {
      return { insns: [ins(row.op, { rd: data, rs1: BASE_REG, rs2: data, imm: target })] };
    }
    const t = this.destXnz();
    const disp = size * this.rng.range(-1024 / size, 1024 / size);
    return {
      insns: [
        ins(Op.ADDI, { rd: t, rs1: BASE_REG, imm: target - disp }),
        ins(row.op, { rd: data, rs1: t, rs2: data, imm: disp }),
      ],
    };
  }

  /** A small instruction that a forward branch may skip. */
  private filler(): Insn {
    if (this.has.has("c") && this.rng.chance(0.4)) {
      return this.rng.chance(0.5)
        ? cins("c.li", { rd: this.destX(), imm: this.rng.range(-32, 31) })
        : cins("c.addi", { rd: this.destX(), imm: this.rng.range(-32, 31) });
    }
    return ins(Op.ADDI, { rd: this.destX(), rs1: this.srcX(), imm: this.imm12() });
  }

  /** A forward conditional branch over one instruction. */
  private branch(): Item {
    const skip = this.filler();
    const rs1 = this.srcX();
    const rs2 = this.rng.chance(0.2) ? rs1 : this.srcX();
    return { insns: [ins(this.rng.pick(BRANCHES).op, { rs1, rs2, imm: 4 + skip.size }), skip] };
  }

  /** JAL or AUIPC+JALR forward over one instruction, linking into a random register. */
  private jump(): Item {
    const skip = this.filler();
    if (this.rng.chance(0.5)) return { insns: [ins(Op.JAL, { rd: this.destX(), imm: 4 + skip.size }), skip] };
    const t = this.destXnz();
    // jalr clears bit 0 of the target, so an odd offset lands on the same place.
    const imm = 8 + skip.size + (this.rng.chance(0.3) ? 1 : 0);
    return { insns: [ins(Op.AUIPC, { rd: t, imm: 0 }), ins(Op.JALR, { rd: this.destX(), rs1: t, imm }), skip] };
  }

  private fence(): Item {
    if (this.rng.chance(0.3)) return { insns: [ins(Op.FENCE_I, {})] };
    return { insns: [ins(Op.FENCE, { imm: this.rng.below(256) })] };
  }

  // ---- A ------------------------------------------------------------------------

  private aqrl(): number {
    return this.rng.below(4);
  }

  /** An AMO on an aligned scratch word through a freshly computed address. */
  private amo(): Item {
    const row = this.rng.pick(AMO_ROWS);
    const size = accessSize(row.name);
    const t = this.destXnz();
    return {
      insns: [
        ins(Op.ADDI, { rd: t, rs1: BASE_REG, imm: this.scratchOffset(size) }),
        ins(row.op, { rd: this.destX(), rs1: t, rs2: this.srcX(), imm: this.aqrl() }),
      ],
    };
  }

  /**
   * LR followed by SC of the same width to the same address with only ALU
   * instructions in between, so the SC must succeed.
   */
  private lrsc(): Item {
    const d = this.rng.chance(0.5);
    const size = d ? 8 : 4;
    let t = this.destXnz();
    const insns: Insn[] = [ins(Op.ADDI, { rd: t, rs1: BASE_REG, imm: this.scratchOffset(size) })];
    let lrRd = this.destX();
    if (lrRd === t) lrRd = 0;
    insns.push(ins(d ? Op.LR_D : Op.LR_W, { rd: lrRd, rs1: t, imm: this.aqrl() }));
    for (let n = this.rng.below(3); n > 0; n--) {
      let rd = this.destX();
      if (rd === t) rd = 0;
      const row = this.rng.pick(ALU_R);
      insns.push(ins(row.op, { rd, rs1: this.srcX(), rs2: this.srcX() }));
    }
    insns.push(ins(d ? Op.SC_D : Op.SC_W, { rd: this.destX(), rs1: t, rs2: this.srcX(), imm: this.aqrl() }));
    return { insns };
  }

  /** An SC with no reservation held (every LR is paired with an SC), which must fail. */
  private loneSc(): Item {
    const d = this.rng.chance(0.5);
    const t = this.destXnz();
    return {
      insns: [
        ins(Op.ADDI, { rd: t, rs1: BASE_REG, imm: this.scratchOffset(d ? 8 : 4) }),
        ins(d ? Op.SC_D : Op.SC_W, { rd: this.destX(), rs1: t, rs2: this.srcX(), imm: this.aqrl() }),
      ],
    };
  }

  // ---- F/D CSRs ----------------------------------------------------------------------

  /** Reads and writes of fflags, frm and fcsr that never leave frm invalid. */
  private fpCsr(): Item {
    const rd = this.destX();
    const uimm = this.rng.below(32);
    const r = this.rng;
    switch (r.below(8)) {
      case 0: return { insns: [ins(Op.CSRRS, { rd, rs1: 0, imm: r.pick([FpCsr.fflags, FpCsr.frm, FpCsr.fcsr]) })] };
      case 1: return { insns: [ins(r.pick([Op.CSRRW, Op.CSRRS, Op.CSRRC]), { rd, rs1: this.srcX(), imm: FpCsr.fflags })] };
      case 2: return { insns: [ins(r.pick([Op.CSRRWI, Op.CSRRSI, Op.CSRRCI]), { rd, rs1: uimm, imm: FpCsr.fflags })] };
      case 3: return { insns: [ins(Op.CSRRWI, { rd, rs1: r.below(5), imm: FpCsr.frm })] };
      // Clearing bits of a valid frm (0..4) always leaves a valid one.
      case 4: return { insns: [ins(r.pick([Op.CSRRC, Op.CSRRCI]), { rd, rs1: r.chance(0.5) ? this.srcX() : uimm, imm: r.pick([FpCsr.frm, FpCsr.fcsr]) })] };
      // An immediate reaches only fcsr bits 4:0, the flags.
      case 5: return { insns: [ins(r.pick([Op.CSRRWI, Op.CSRRSI, Op.CSRRCI]), { rd, rs1: uimm, imm: FpCsr.fcsr })] };
      default: {
        // Write a valid frm (with garbage in the ignored upper bits) through a register.
        const t = this.destXnz();
        const toFcsr = r.chance(0.5);
        const valid = toFcsr ? (r.below(5) << 5) | r.below(32) : r.below(5);
        const junk = toFcsr ? r.below(8) << 8 : r.below(256) << 3;
        const v = (((valid | junk) & 0xfff) << 20) >> 20;
        return {
          insns: [
            ins(Op.ADDI, { rd: t, rs1: 0, imm: v }),
            ins(Op.CSRRW, { rd, rs1: t, imm: toFcsr ? FpCsr.fcsr : FpCsr.frm }),
          ],
        };
      }
    }
  }

  // ---- loops and self-modifying code -----------------------------------------------

  /**
   * A counted loop: `counter = n; body; counter -= 1; bnez counter, body`.
   * The body is 1..4 ordinary items that leave the counter alone; the
   * iteration count is sometimes large enough to make code hot.
   */
  private loop(): Item {
    const r = this.rng;
    const c = this.destXnz();
    const n = r.chance(0.2) ? r.range(200, 2047) : r.range(1, 40);
    const body: Insn[] = [];
    this.inLoop = true;
    for (let k = r.range(1, 4); k > 0;) {
      const it = this.item();
      if (writesX(it.insns, c) || (it.patched && writesX([it.patched], c))) continue;
      body.push(...it.insns);
      k--;
    }
    this.inLoop = false;
    const compressed = this.has.has("c") && c >= 8 && c < 16 && r.chance(0.5);
    const dec = compressed ? cins("c.addi", { rd: c, imm: -1 }) : ins(Op.ADDI, { rd: c, rs1: c, imm: -1 });
    const back = -(sizeOf(body) + dec.size);
    const branch = compressed && back >= -256
      ? cins("c.bnez", { rs1: c, imm: back })
      : ins(Op.BNE, { rs1: c, rs2: 0, imm: back });
    return { insns: [ins(Op.ADDI, { rd: c, rs1: 0, imm: n }), ...body, dec, branch] };
  }

  /** Loads the 32-bit constant `v` into integer register `rd` (lui + addiw). */
  private li32(rd: number, v: number): Insn[] {
    const { hi, lo } = hiLo(v | 0);
    return [ins(Op.LUI, { rd, imm: hi }), ins(Op.ADDIW, { rd, rs1: rd, imm: lo })];
  }

  /**
   * Self-modifying code: write a random instruction and a return jump into the
   * patch slot, FENCE.I, then call the slot. The slot is reused, so a stale
   * decoded-instruction cache would run an older instruction.
   */
  private patch(): Item {
    const r = this.rng;
    let insn: Insn;
    do insn = r.pick(this.simple)().insns[0]; while (writesX([insn], BASE_REG));
    const t = this.destXnz();
    let u = this.destXnz();
    while (u === t) u = this.anyDestX();
    let link = this.destXnz();
    while (writesX([insn], link)) link = this.anyDestX();
    const out: Insn[] = [ins(Op.ADDI, { rd: t, rs1: BASE_REG, imm: PATCH_SLOT })];
    if (insn.size === 2) {
      out.push(...this.li32(u, insn.word | (encodeC("c.jr", { rs1: link }) << 16)), ins(Op.SW, { rs1: t, rs2: u, imm: 0 }));
    } else {
      out.push(...this.li32(u, insn.word), ins(Op.SW, { rs1: t, rs2: u, imm: 0 }));
      out.push(...this.li32(u, ins(Op.JALR, { rd: 0, rs1: link, imm: 0 }).word), ins(Op.SW, { rs1: t, rs2: u, imm: 4 }));
    }
    out.push(ins(Op.FENCE_I, {}), ins(Op.JALR, { rd: link, rs1: t, imm: 0 }));
    return { insns: out, patched: insn };
  }

  // ---- C ---------------------------------------------------------------------------

  private spec(name: string): CSpec {
    return C_SPEC_BY_NAME.get(name)!;
  }

  /** A register for a compressed field of kind `k`, from the x or f file. */
  private cReg(k: RegKind, file: string, role: "dest" | "src"): number {
    if (k === "prime") return 8 + this.rng.below(8);
    let r: number;
    if (file === "f") r = this.regF();
    else if (role === "dest") r = k === "full" ? this.destX() : this.destXnz();
    else r = this.srcX();
    if (k !== "full" && r === 0) r = file === "f" ? r : this.destXnz();
    if (k === "nonzero-not-sp" && r === BASE_REG) r = this.destXnz();
    return r;
  }

  /** Random operands for a compressed form, registers by kind and file, immediate by range. */
  private cOperands(spec: CSpec): Operands {
    const f = operandFiles(ROW_BY_OP[spec.op]!);
    return {
      rd: spec.rd ? this.cReg(spec.rd.kind, f.rd, "dest") : 0,
      rs1: spec.rs1 ? this.cReg(spec.rs1.kind, f.rs1, "src") : 0,
      rs2: spec.rs2 ? this.cReg(spec.rs2.kind, f.rs2, "src") : 0,
      imm: spec.imm ? randomImm(this.rng, spec.imm) : 0,
    };
  }

  private static readonly C_ALU = ["c.addi", "c.addiw", "c.li", "c.lui", "c.srli", "c.srai", "c.andi", "c.sub",
    "c.xor", "c.or", "c.and", "c.subw", "c.addw", "c.slli", "c.mv", "c.add", "c.addi4spn"];

  /** A compressed ALU instruction. */
  private cAlu(): Item {
    const name = this.rng.pick(StreamGen.C_ALU);
    return { insns: [cins(name, this.cOperands(this.spec(name)))] };
  }

  /** A compressed load or store: sp-relative, or through an x8..x15 base computed just before. */
  private cMemory(): Item {
    const r = this.rng;
    if (r.chance(0.5)) {
      const name = r.pick(["c.lwsp", "c.ldsp", "c.fldsp", "c.swsp", "c.sdsp", "c.fsdsp"]);
      return { insns: [cins(name, this.cOperands(this.spec(name)))] };
    }
    const name = r.pick(["c.lw", "c.ld", "c.fld", "c.sw", "c.sd", "c.fsd"]);
    const spec = this.spec(name);
    const o = this.cOperands(spec);
    const size = spec.imm!.align;
    const target = this.scratchOffset(size);
    // Split target into base + uimm with uimm within the form's range.
    const maxU = Math.min(spec.imm!.hi, Math.max(0, target + SCRATCH_BELOW));
    o.imm = size * r.below(Math.floor(maxU / size) + 1);
    const disp = target - o.imm;
    const setBase = disp >= 4 && disp <= 1020 && r.chance(0.6)
      ? cins("c.addi4spn", { rd: o.rs1, imm: disp })
      : ins(Op.ADDI, { rd: o.rs1, rs1: BASE_REG, imm: disp });
    return { insns: [setBase, cins(name, o)] };
  }

  /** Compressed forward jumps and branches over one instruction. */
  private cJump(): Item {
    const skip = this.filler();
    const r = this.rng;
    switch (r.below(4)) {
      case 0: return { insns: [cins("c.j", { imm: 2 + skip.size }), skip] };
      case 1: return { insns: [cins(r.pick(["c.beqz", "c.bnez"]), { rs1: 8 + r.below(8), imm: 2 + skip.size }), skip] };
      default: {
        const t = this.destXnz();
        const name = r.chance(0.5) ? "c.jr" : "c.jalr";
        return {
          insns: [
            ins(Op.AUIPC, { rd: t, imm: 0 }),
            ins(Op.ADDI, { rd: t, rs1: t, imm: 10 + skip.size + (r.chance(0.3) ? 1 : 0) }),
            cins(name, { rs1: t }),
            skip,
          ],
        };
      }
    }
  }

  /** c.addi16sp there and back, with an sp-relative load in between. */
  private cStackAdjust(): Item {
    const r = this.rng;
    const adj = 16 * (r.chance(0.5) ? r.range(1, 31) : -r.range(1, 31));
    const name = r.pick(["c.ldsp", "c.lwsp", "c.fldsp"]);
    const spec = this.spec(name);
    const o = this.cOperands(spec);
    const size = spec.imm!.align;
    const maxU = Math.min(spec.imm!.hi, SCRATCH_ABOVE - size - adj);
    const minU = Math.max(0, -SCRATCH_BELOW - adj);
    o.imm = size * r.range(Math.ceil(minU / size), Math.floor(maxU / size));
    return {
      insns: [cins("c.addi16sp", { imm: adj }), cins(name, o), cins("c.addi16sp", { imm: -adj })],
    };
  }
}

/** Total code size of a list of items, in bytes. */
export function itemsSize(items: readonly Item[]): number {
  let n = 0;
  for (const it of items) n += sizeOf(it.insns);
  return n;
}

/** Number of instructions in a list of items. */
export function insnCount(items: readonly Item[]): number {
  let n = 0;
  for (const it of items) n += it.insns.length;
  return n;
}
