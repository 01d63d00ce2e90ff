/**
 * The RV64GC instruction set as data: one row per instruction, in the manner of
 * QEMU's decodetree files. The decoder, the disassembler, the encoder used by the
 * fuzzer and the run loop's dispatch ids are all derived from this table.
 *
 * Encodings follow "The RISC-V Instruction Set Manual, Volume I: Unprivileged ISA"
 * (chapter "RV32/64G Instruction Set Listings") and Volume II for the privileged rows.
 */

/** Operand layout of an instruction: which fields exist and how the immediate is built. */
export const enum Format {
  /** rd, rs1, rs2 */
  R,
  /** rd, rs1, imm[11:0] */
  I,
  /** rs1, rs2, imm[11:0] split as imm[11:5] | imm[4:0] */
  S,
  /** rs1, rs2, 13-bit branch offset */
  B,
  /** rd, imm[31:12] */
  U,
  /** rd, 21-bit jump offset */
  J,
  /** rd, rs1, 6-bit shift amount (RV64 shifts) */
  Shift6,
  /** rd, rs1, 5-bit shift amount (W shifts) */
  Shift5,
  /** rd, rs1, rs2 with aq/rl bits (AMO); imm holds aq<<1|rl */
  Amo,
  /** rd, rs1 (LR: rs2 field is zero); imm holds aq<<1|rl */
  Lr,
  /** rd, rs1, rs2, rs3 and rounding mode (fused multiply-add); imm holds rs3 | rm<<8 */
  R4,
  /** rd, rs1, rs2 and rounding mode; imm holds rm */
  Rrm,
  /** rd, rs1 and rounding mode (one-source FP ops); imm holds rm */
  R1rm,
  /** rd, rs1 (one-source ops without rounding mode) */
  R1,
  /** rd, rs1 (register or 5-bit uimm), imm holds the CSR number */
  Csr,
  /** FENCE: imm holds pred<<4|succ */
  Fence,
  /** no operands */
  None,
  /** rs1, rs2 (SFENCE.VMA) */
  R2,
}

/** Dispatch ids. Op 0 means "not decoded yet" in the decoded-instruction cache. */
export const enum Op {
  DECODE = 0,
  /** No row matched: raises an illegal-instruction exception. */
  ILLEGAL,
  /** Sentinel past the last slot of a decoded page: leaves the page. */
  PAGE_END,
  // RV64I
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LD, LBU, LHU, LWU,
  SB, SH, SW, SD,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  ADDIW, SLLIW, SRLIW, SRAIW,
  ADDW, SUBW, SLLW, SRLW, SRAW,
  FENCE, FENCE_I, ECALL, EBREAK,
  // Zicsr
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  // M
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  MULW, DIVW, DIVUW, REMW, REMUW,
  // A
  LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
  LR_D, SC_D, AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D,
  // F
  FLW, FSW, FMADD_S, FMSUB_S, FNMSUB_S, FNMADD_S,
  FADD_S, FSUB_S, FMUL_S, FDIV_S, FSQRT_S, FSGNJ_S, FSGNJN_S, FSGNJX_S, FMIN_S, FMAX_S,
  FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S, FMV_X_W, FCLASS_S, FEQ_S, FLT_S, FLE_S,
  FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU, FMV_W_X,
  // D
  FLD, FSD, FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D,
  FADD_D, FSUB_D, FMUL_D, FDIV_D, FSQRT_D, FSGNJ_D, FSGNJN_D, FSGNJX_D, FMIN_D, FMAX_D,
  FCVT_S_D, FCVT_D_S, FEQ_D, FLT_D, FLE_D, FCLASS_D,
  FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D, FMV_X_D,
  FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU, FMV_D_X,
  // Privileged
  SRET, MRET, WFI, SFENCE_VMA,
  // Hypervisor extension (performed by the system VM, like the privileged rows)
  HFENCE_VVMA, HFENCE_GVMA,
  HLV_B, HLV_BU, HLV_H, HLV_HU, HLVX_HU, HLV_W, HLVX_WU, HLV_WU, HLV_D,
  HSV_B, HSV_H, HSV_W, HSV_D,
  /** Number of ops; keep last. */
  COUNT,
}

/** ISA extension a row belongs to (the letters of the ISA string). */
export type Extension = "i" | "m" | "a" | "f" | "d" | "zicsr" | "zifencei" | "priv" | "h";

/** One instruction encoding: the word matches when (word & mask) === match. */
export interface InsnRow {
  readonly op: Op;
  readonly name: string;
  readonly match: number;
  readonly mask: number;
  readonly format: Format;
  readonly ext: Extension;
}

const R = 0xfe00707f; // funct7 + funct3 + opcode
const I = 0x0000707f; // funct3 + opcode
const U = 0x0000007f; // opcode only
const SH6 = 0xfc00707f; // funct6 + funct3 + opcode
const AMO = 0xf800707f; // funct5 + funct3 + opcode (aq/rl free)
const LR = 0xf9f0707f; // as AMO with rs2 = 0
const R4 = 0x0600007f; // fmt + opcode
const RRM = 0xfe00007f; // funct7 + opcode (rm free)
const R1RM = 0xfff0007f; // funct7 + rs2 + opcode (rm free)
const R1 = 0xfff0707f; // funct7 + rs2 + funct3 + opcode
const EXACT = 0xffffffff;

function row(op: Op, name: string, match: number, mask: number, format: Format, ext: Extension): InsnRow {
  return { op, name, match: match | 0, mask: mask | 0, format, ext };
}

/** AMO rows for one width: funct3 2 is .w, 3 is .d. */
function amoRows(f3: number, suffix: string, ops: readonly Op[]): InsnRow[] {
  const funct5 = [0b00010, 0b00011, 0b00001, 0b00000, 0b00100, 0b01100, 0b01000, 0b10000, 0b10100, 0b11000, 0b11100];
  const names = ["lr", "sc", "amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"];
  return names.map((n, i) => {
    const match = (funct5[i] << 27) | (f3 << 12) | 0x2f;
    return row(ops[i], `${n}.${suffix}`, match, i === 0 ? LR : AMO, i === 0 ? Format.Lr : Format.Amo, "a");
  });
}

/** The whole table, in encoding order. */
export const INSNS: readonly InsnRow[] = [
  row(Op.LUI, "lui", 0x37, U, Format.U, "i"),
  row(Op.AUIPC, "auipc", 0x17, U, Format.U, "i"),
  row(Op.JAL, "jal", 0x6f, U, Format.J, "i"),
  row(Op.JALR, "jalr", 0x67, I, Format.I, "i"),
  row(Op.BEQ, "beq", 0x0063, I, Format.B, "i"),
  row(Op.BNE, "bne", 0x1063, I, Format.B, "i"),
  row(Op.BLT, "blt", 0x4063, I, Format.B, "i"),
  row(Op.BGE, "bge", 0x5063, I, Format.B, "i"),
  row(Op.BLTU, "bltu", 0x6063, I, Format.B, "i"),
  row(Op.BGEU, "bgeu", 0x7063, I, Format.B, "i"),
  row(Op.LB, "lb", 0x0003, I, Format.I, "i"),
  row(Op.LH, "lh", 0x1003, I, Format.I, "i"),
  row(Op.LW, "lw", 0x2003, I, Format.I, "i"),
  row(Op.LD, "ld", 0x3003, I, Format.I, "i"),
  row(Op.LBU, "lbu", 0x4003, I, Format.I, "i"),
  row(Op.LHU, "lhu", 0x5003, I, Format.I, "i"),
  row(Op.LWU, "lwu", 0x6003, I, Format.I, "i"),
  row(Op.SB, "sb", 0x0023, I, Format.S, "i"),
  row(Op.SH, "sh", 0x1023, I, Format.S, "i"),
  row(Op.SW, "sw", 0x2023, I, Format.S, "i"),
  row(Op.SD, "sd", 0x3023, I, Format.S, "i"),
  row(Op.ADDI, "addi", 0x0013, I, Format.I, "i"),
  row(Op.SLTI, "slti", 0x2013, I, Format.I, "i"),
  row(Op.SLTIU, "sltiu", 0x3013, I, Format.I, "i"),
  row(Op.XORI, "xori", 0x4013, I, Format.I, "i"),
  row(Op.ORI, "ori", 0x6013, I, Format.I, "i"),
  row(Op.ANDI, "andi", 0x7013, I, Format.I, "i"),
  row(Op.SLLI, "slli", 0x1013, SH6, Format.Shift6, "i"),
  row(Op.SRLI, "srli", 0x5013, SH6, Format.Shift6, "i"),
  row(Op.SRAI, "srai", 0x40005013, SH6, Format.Shift6, "i"),
  row(Op.ADD, "add", 0x0033, R, Format.R, "i"),
  row(Op.SUB, "sub", 0x40000033, R, Format.R, "i"),
  row(Op.SLL, "sll", 0x1033, R, Format.R, "i"),
  row(Op.SLT, "slt", 0x2033, R, Format.R, "i"),
  row(Op.SLTU, "sltu", 0x3033, R, Format.R, "i"),
  row(Op.XOR, "xor", 0x4033, R, Format.R, "i"),
  row(Op.SRL, "srl", 0x5033, R, Format.R, "i"),
  row(Op.SRA, "sra", 0x40005033, R, Format.R, "i"),
  row(Op.OR, "or", 0x6033, R, Format.R, "i"),
  row(Op.AND, "and", 0x7033, R, Format.R, "i"),
  row(Op.ADDIW, "addiw", 0x001b, I, Format.I, "i"),
  row(Op.SLLIW, "slliw", 0x101b, R, Format.Shift5, "i"),
  row(Op.SRLIW, "srliw", 0x501b, R, Format.Shift5, "i"),
  row(Op.SRAIW, "sraiw", 0x4000501b, R, Format.Shift5, "i"),
  row(Op.ADDW, "addw", 0x003b, R, Format.R, "i"),
  row(Op.SUBW, "subw", 0x4000003b, R, Format.R, "i"),
  row(Op.SLLW, "sllw", 0x103b, R, Format.R, "i"),
  row(Op.SRLW, "srlw", 0x503b, R, Format.R, "i"),
  row(Op.SRAW, "sraw", 0x4000503b, R, Format.R, "i"),
  row(Op.FENCE, "fence", 0x000f, I, Format.Fence, "i"),
  row(Op.FENCE_I, "fence.i", 0x100f, I, Format.None, "zifencei"),
  row(Op.ECALL, "ecall", 0x00000073, EXACT, Format.None, "i"),
  row(Op.EBREAK, "ebreak", 0x00100073, EXACT, Format.None, "i"),

  row(Op.CSRRW, "csrrw", 0x1073, I, Format.Csr, "zicsr"),
  row(Op.CSRRS, "csrrs", 0x2073, I, Format.Csr, "zicsr"),
  row(Op.CSRRC, "csrrc", 0x3073, I, Format.Csr, "zicsr"),
  row(Op.CSRRWI, "csrrwi", 0x5073, I, Format.Csr, "zicsr"),
  row(Op.CSRRSI, "csrrsi", 0x6073, I, Format.Csr, "zicsr"),
  row(Op.CSRRCI, "csrrci", 0x7073, I, Format.Csr, "zicsr"),

  row(Op.MUL, "mul", 0x02000033, R, Format.R, "m"),
  row(Op.MULH, "mulh", 0x02001033, R, Format.R, "m"),
  row(Op.MULHSU, "mulhsu", 0x02002033, R, Format.R, "m"),
  row(Op.MULHU, "mulhu", 0x02003033, R, Format.R, "m"),
  row(Op.DIV, "div", 0x02004033, R, Format.R, "m"),
  row(Op.DIVU, "divu", 0x02005033, R, Format.R, "m"),
  row(Op.REM, "rem", 0x02006033, R, Format.R, "m"),
  row(Op.REMU, "remu", 0x02007033, R, Format.R, "m"),
  row(Op.MULW, "mulw", 0x0200003b, R, Format.R, "m"),
  row(Op.DIVW, "divw", 0x0200403b, R, Format.R, "m"),
  row(Op.DIVUW, "divuw", 0x0200503b, R, Format.R, "m"),
  row(Op.REMW, "remw", 0x0200603b, R, Format.R, "m"),
  row(Op.REMUW, "remuw", 0x0200703b, R, Format.R, "m"),

  ...amoRows(2, "w", [Op.LR_W, Op.SC_W, Op.AMOSWAP_W, Op.AMOADD_W, Op.AMOXOR_W, Op.AMOAND_W, Op.AMOOR_W,
    Op.AMOMIN_W, Op.AMOMAX_W, Op.AMOMINU_W, Op.AMOMAXU_W]),
  ...amoRows(3, "d", [Op.LR_D, Op.SC_D, Op.AMOSWAP_D, Op.AMOADD_D, Op.AMOXOR_D, Op.AMOAND_D, Op.AMOOR_D,
    Op.AMOMIN_D, Op.AMOMAX_D, Op.AMOMINU_D, Op.AMOMAXU_D]),

  row(Op.FLW, "flw", 0x2007, I, Format.I, "f"),
  row(Op.FSW, "fsw", 0x2027, I, Format.S, "f"),
  row(Op.FMADD_S, "fmadd.s", 0x43, R4, Format.R4, "f"),
  row(Op.FMSUB_S, "fmsub.s", 0x47, R4, Format.R4, "f"),
  row(Op.FNMSUB_S, "fnmsub.s", 0x4b, R4, Format.R4, "f"),
  row(Op.FNMADD_S, "fnmadd.s", 0x4f, R4, Format.R4, "f"),
  row(Op.FADD_S, "fadd.s", 0x00000053, RRM, Format.Rrm, "f"),
  row(Op.FSUB_S, "fsub.s", 0x08000053, RRM, Format.Rrm, "f"),
  row(Op.FMUL_S, "fmul.s", 0x10000053, RRM, Format.Rrm, "f"),
  row(Op.FDIV_S, "fdiv.s", 0x18000053, RRM, Format.Rrm, "f"),
  row(Op.FSQRT_S, "fsqrt.s", 0x58000053, R1RM, Format.R1rm, "f"),
  row(Op.FSGNJ_S, "fsgnj.s", 0x20000053, R, Format.R, "f"),
  row(Op.FSGNJN_S, "fsgnjn.s", 0x20001053, R, Format.R, "f"),
  row(Op.FSGNJX_S, "fsgnjx.s", 0x20002053, R, Format.R, "f"),
  row(Op.FMIN_S, "fmin.s", 0x28000053, R, Format.R, "f"),
  row(Op.FMAX_S, "fmax.s", 0x28001053, R, Format.R, "f"),
  row(Op.FCVT_W_S, "fcvt.w.s", 0xc0000053, R1RM, Format.R1rm, "f"),
  row(Op.FCVT_WU_S, "fcvt.wu.s", 0xc0100053, R1RM, Format.R1rm, "f"),
  row(Op.FCVT_L_S, "fcvt.l.s", 0xc0200053, R1RM, Format.R1rm, "f"),
  row(Op.FCVT_LU_S, "fcvt.lu.s", 0xc0300053, R1RM, Format.R1rm, "f"),
  row(Op.FMV_X_W, "fmv.x.w", 0xe0000053, R1, Format.R1, "f"),
  row(Op.FCLASS_S, "fclass.s", 0xe0001053, R1, Format.R1, "f"),
  row(Op.FEQ_S, "feq.s", 0xa0002053, R, Format.R, "f"),
  row(Op.FLT_S, "flt.s", 0xa0001053, R, Format.R, "f"),
  row(Op.FLE_S, "fle.s", 0xa0000053, R, Format.R, "f"),
  row(Op.FCVT_S_W, "fcvt.s.w", 0xd0000053, R1RM, Format.R1rm, "f"),
  row(Op.FCVT_S_WU, "fcvt.s.wu", 0xd0100053, R1RM, Format.R1rm, "f"),
  row(Op.FCVT_S_L, "fcvt.s.l", 0xd0200053, R1RM, Format.R1rm, "f"),
  row(Op.FCVT_S_LU, "fcvt.s.lu", 0xd0300053, R1RM, Format.R1rm, "f"),
  row(Op.FMV_W_X, "fmv.w.x", 0xf0000053, R1, Format.R1, "f"),

  row(Op.FLD, "fld", 0x3007, I, Format.I, "d"),
  row(Op.FSD, "fsd", 0x3027, I, Format.S, "d"),
  row(Op.FMADD_D, "fmadd.d", 0x02000043, R4, Format.R4, "d"),
  row(Op.FMSUB_D, "fmsub.d", 0x02000047, R4, Format.R4, "d"),
  row(Op.FNMSUB_D, "fnmsub.d", 0x0200004b, R4, Format.R4, "d"),
  row(Op.FNMADD_D, "fnmadd.d", 0x0200004f, R4, Format.R4, "d"),
  row(Op.FADD_D, "fadd.d", 0x02000053, RRM, Format.Rrm, "d"),
  row(Op.FSUB_D, "fsub.d", 0x0a000053, RRM, Format.Rrm, "d"),
  row(Op.FMUL_D, "fmul.d", 0x12000053, RRM, Format.Rrm, "d"),
  row(Op.FDIV_D, "fdiv.d", 0x1a000053, RRM, Format.Rrm, "d"),
  row(Op.FSQRT_D, "fsqrt.d", 0x5a000053, R1RM, Format.R1rm, "d"),
  row(Op.FSGNJ_D, "fsgnj.d", 0x22000053, R, Format.R, "d"),
  row(Op.FSGNJN_D, "fsgnjn.d", 0x22001053, R, Format.R, "d"),
  row(Op.FSGNJX_D, "fsgnjx.d", 0x22002053, R, Format.R, "d"),
  row(Op.FMIN_D, "fmin.d", 0x2a000053, R, Format.R, "d"),
  row(Op.FMAX_D, "fmax.d", 0x2a001053, R, Format.R, "d"),
  row(Op.FCVT_S_D, "fcvt.s.d", 0x40100053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_D_S, "fcvt.d.s", 0x42000053, R1RM, Format.R1rm, "d"),
  row(Op.FEQ_D, "feq.d", 0xa2002053, R, Format.R, "d"),
  row(Op.FLT_D, "flt.d", 0xa2001053, R, Format.R, "d"),
  row(Op.FLE_D, "fle.d", 0xa2000053, R, Format.R, "d"),
  row(Op.FCLASS_D, "fclass.d", 0xe2001053, R1, Format.R1, "d"),
  row(Op.FCVT_W_D, "fcvt.w.d", 0xc2000053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_WU_D, "fcvt.wu.d", 0xc2100053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_L_D, "fcvt.l.d", 0xc2200053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_LU_D, "fcvt.lu.d", 0xc2300053, R1RM, Format.R1rm, "d"),
  row(Op.FMV_X_D, "fmv.x.d", 0xe2000053, R1, Format.R1, "d"),
  row(Op.FCVT_D_W, "fcvt.d.w", 0xd2000053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_D_WU, "fcvt.d.wu", 0xd2100053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_D_L, "fcvt.d.l", 0xd2200053, R1RM, Format.R1rm, "d"),
  row(Op.FCVT_D_LU, "fcvt.d.lu", 0xd2300053, R1RM, Format.R1rm, "d"),
  row(Op.FMV_D_X, "fmv.d.x", 0xf2000053, R1, Format.R1, "d"),

  row(Op.SRET, "sret", 0x10200073, EXACT, Format.None, "priv"),
  row(Op.MRET, "mret", 0x30200073, EXACT, Format.None, "priv"),
  row(Op.WFI, "wfi", 0x10500073, EXACT, Format.None, "priv"),
  row(Op.SFENCE_VMA, "sfence.vma", 0x12000073, 0xfe007fff, Format.R2, "priv"),

  row(Op.HFENCE_VVMA, "hfence.vvma", 0x22000073, 0xfe007fff, Format.R2, "h"),
  row(Op.HFENCE_GVMA, "hfence.gvma", 0x62000073, 0xfe007fff, Format.R2, "h"),
  row(Op.HLV_B, "hlv.b", 0x60004073, R1, Format.R1, "h"),
  row(Op.HLV_BU, "hlv.bu", 0x60104073, R1, Format.R1, "h"),
  row(Op.HLV_H, "hlv.h", 0x64004073, R1, Format.R1, "h"),
  row(Op.HLV_HU, "hlv.hu", 0x64104073, R1, Format.R1, "h"),
  row(Op.HLVX_HU, "hlvx.hu", 0x64304073, R1, Format.R1, "h"),
  row(Op.HLV_W, "hlv.w", 0x68004073, R1, Format.R1, "h"),
  row(Op.HLVX_WU, "hlvx.wu", 0x68304073, R1, Format.R1, "h"),
  row(Op.HLV_WU, "hlv.wu", 0x68104073, R1, Format.R1, "h"),
  row(Op.HLV_D, "hlv.d", 0x6c004073, R1, Format.R1, "h"),
  row(Op.HSV_B, "hsv.b", 0x62004073, 0xfe007fff, Format.R2, "h"),
  row(Op.HSV_H, "hsv.h", 0x66004073, 0xfe007fff, Format.R2, "h"),
  row(Op.HSV_W, "hsv.w", 0x6a004073, 0xfe007fff, Format.R2, "h"),
  row(Op.HSV_D, "hsv.d", 0x6e004073, 0xfe007fff, Format.R2, "h"),
];

/** Rows indexed by Op. */
export const ROW_BY_OP: readonly (InsnRow | undefined)[] = (() => {
  const a: (InsnRow | undefined)[] = new Array(Op.COUNT).fill(undefined);
  for (const r of INSNS) a[r.op] = r;
  return a;
})();
