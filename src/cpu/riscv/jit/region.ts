/**
 * What to translate: from an entry slot of a decoded page, the code reachable
 * by straight-line execution and by branches and jumps whose targets lie in
 * the same page, cut into basic blocks. A region ends at an instruction the
 * tier leaves to the interpreter (system instructions, CSR accesses, ecall,
 * fence.i...), at an indirect jump, and at the page's end; it never holds a
 * 4-byte instruction that straddles the page end.
 */
import { Op } from "../../../isa/riscv/table.js";
import { Pack, SLOTS } from "../decode-cache.js";

/** Most instructions in one region: keeps modules small for V8's compilers (a few KiB of wasm). */
export const MAX_REGION_INSNS = 600;

/** How the tier treats an op. */
export const enum Kind {
  /** Left to the interpreter: the region ends before it. */
  Interp = 0,
  /** Emitted inline. */
  Inline = 1,
  /** Emitted as a call to the interpreter's handler (FP arithmetic, atomics, MULH*). */
  Helper = 2,
  /** A conditional branch (inline). */
  Branch = 3,
  /** jal (inline; may leave the region). */
  Jal = 4,
  /** jalr: ends the region with the computed target. */
  Jalr = 5,
}

/** Kind of every op. */
export const KIND: Uint8Array = (() => {
  const k = new Uint8Array(Op.COUNT);
  const inline = [
    Op.LUI, Op.AUIPC, Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.SB, Op.SH, Op.SW, Op.SD,
    Op.ADDI, Op.SLTI, Op.SLTIU, Op.XORI, Op.ORI, Op.ANDI, Op.SLLI, Op.SRLI, Op.SRAI,
    Op.ADD, Op.SUB, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.SRA, Op.OR, Op.AND,
    Op.ADDIW, Op.SLLIW, Op.SRLIW, Op.SRAIW, Op.ADDW, Op.SUBW, Op.SLLW, Op.SRLW, Op.SRAW,
    Op.FENCE, Op.MUL, Op.DIV, Op.DIVU, Op.REM, Op.REMU, Op.MULW, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW,
    Op.FLW, Op.FSW, Op.FLD, Op.FSD,
  ];
  for (const op of inline) k[op] = Kind.Inline;
  for (const op of [Op.BEQ, Op.BNE, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU]) k[op] = Kind.Branch;
  k[Op.JAL] = Kind.Jal;
  k[Op.JALR] = Kind.Jalr;
  for (let op = Op.MULH; op <= Op.MULHU; op++) k[op] = Kind.Helper;
  for (let op = Op.LR_W; op <= Op.AMOMAXU_D; op++) k[op] = Kind.Helper;
  for (let op = Op.FMADD_S; op <= Op.FMV_W_X; op++) k[op] = Kind.Helper;
  for (let op = Op.FMADD_D; op <= Op.FMV_D_X; op++) k[op] = Kind.Helper;
  return k;
})();

/** CSR numbers of the unprivileged FP CSRs (Zicsr). */
const FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;

/**
 * Whether a CSR instruction is one translated code runs itself: any access to
 * fflags, and reads of frm and fcsr (translated FP code runs with frm = RNE).
 */
export function isInlineCsr(op: number, csr: number, rs1: number): boolean {
  if (op < Op.CSRRW || op > Op.CSRRCI) return false;
  if (csr === FFLAGS) return true;
  const readOnly = (op === Op.CSRRS || op === Op.CSRRC || op === Op.CSRRSI || op === Op.CSRRCI) && rs1 === 0;
  return readOnly && (csr === FRM || csr === FCSR);
}

/** A basic block: instructions at consecutive slots, entered only at the first. */
export interface BasicBlock {
  /** Slot of the first instruction. */
  start: number;
  /** Slots of its instructions, in order. */
  slots: number[];
  /**
   * Slot where execution continues after the last instruction when it falls
   * through (a leader of the next block, the slot of an instruction left to
   * the interpreter, or SLOTS at the page end); -1 when the last instruction
   * always jumps.
   */
  fallthrough: number;
}

/** A region: its blocks in address order and the index of the entry block. */
export interface Region {
  blocks: BasicBlock[];
  entry: number;
  /** Block index of each leader slot in the region. */
  blockAt: Map<number, number>;
}

/** Slot of the target of the branch or jal at `slot` (imm is the byte offset), or -1 when it leaves the page. */
export function targetSlot(slot: number, imm: number): number {
  const t = (slot << 1) + imm;
  return t >= 0 && t < SLOTS * 2 ? t >> 1 : -1;
}

/**
 * The region entered at `entry` of the decoded page `ops`; `decodeAt(slot)`
 * fills a slot that is not decoded yet. Undefined when the instruction at the
 * entry is left to the interpreter.
 */
export function findRegion(ops: Int32Array, entry: number, decodeAt: (slot: number) => void): Region | undefined {
  const opAt = (s: number): number => {
    if ((ops[s * 2] & Pack.OpMask) === Op.DECODE) decodeAt(s);
    return ops[s * 2] & Pack.OpMask;
  };
  const len = (s: number): number => ops[s * 2] >>> Pack.LenShift;
  /** Whether the instruction at s can be translated (not left to the interpreter). */
  const translatable = (s: number): boolean => {
    if (s >= SLOTS) return false;
    const op = opAt(s);
    if (KIND[op] === Kind.Interp && !isInlineCsr(op, ops[s * 2 + 1], (ops[s * 2] >>> Pack.Rs1Shift) & 31)) return false;
    return !(s === SLOTS - 1 && len(s) === 2);
  };
  if (!translatable(entry)) return undefined;
  const leaders = new Set<number>([entry]);
  const seen = new Set<number>();
  const work = [entry];
  let count = 0;
  while (work.length > 0) {
    let s = work.pop()!;
    while (!seen.has(s) && translatable(s) && count < MAX_REGION_INSNS) {
      seen.add(s);
      count++;
      const k = KIND[opAt(s)];
      const next = s + len(s);
      if (k === Kind.Branch || k === Kind.Jal) {
        const t = targetSlot(s, ops[s * 2 + 1]);
        if (t >= 0 && translatable(t)) { leaders.add(t); work.push(t); }
        if (k === Kind.Jal) break;
        leaders.add(next);
      }
      if (k === Kind.Jalr) break;
      s = next;
    }
  }
  const slots = [...seen].sort((a, b) => a - b);
  const blocks: BasicBlock[] = [];
  const blockAt = new Map<number, number>();
  let cur: BasicBlock | undefined;
  for (const s of slots) {
    if (cur === undefined || leaders.has(s) || cur.fallthrough !== s) {
      cur = { start: s, slots: [], fallthrough: -1 };
      blockAt.set(s, blocks.length);
      blocks.push(cur);
    }
    cur.slots.push(s);
    const k = KIND[ops[s * 2] & Pack.OpMask];
    cur.fallthrough = k === Kind.Jal || k === Kind.Jalr ? -1 : s + len(s);
  }
  // A block whose fall-through slot starts another block ends there.
  return { blocks, entry: blockAt.get(entry)!, blockAt };
}
