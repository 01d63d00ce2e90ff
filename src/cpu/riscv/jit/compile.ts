/**
 * Emits one region (region.ts) as a WebAssembly function
 * run(state, tlb, budget) -> exit code, over the memory shared with RAM.
 *
 * - Guest registers the region uses live in i64 locals: loaded from the hart's
 *   state block on entry, stored back at every exit (one shared exit tail).
 * - Blocks sit in a loop over nested blocks (a br_table on the entry block
 *   index starts them): a forward branch is a plain br, a backward branch
 *   goes round the loop, a block that branches to itself is its own loop.
 *   Backward branches check the instruction budget.
 * - Loads and stores probe the TLB inline (as the interpreter does); a miss,
 *   a misaligned or device access calls a helper that may report a trap.
 *   A trap exits with pc at the faulting instruction and the retired count
 *   of the instructions before it: the state is exactly the interpreter's.
 */
import { Format, Op, ROW_BY_OP } from "../../../isa/riscv/table.js";
import { operandFiles } from "../../../isa/riscv/operands.js";
import { Pack } from "../decode-cache.js";
import { StateLayout } from "../hart.js";
import { TlbLayout } from "../../../mem/mmu.js";
import { CodeWriter, T, W, type FuncImport } from "./wasm.js";
import { isInlineCsr, Kind, KIND, targetSlot, type Region } from "./region.js";
import { TExit, Scratch } from "./abi.js";
import { emitFp, FP_TEMPS, isInlineFp, type FpContext } from "./fp.js";

/** Parameters and fixed locals of the emitted function. */
const enum L {
  St = 0, Tlb = 1, Budget = 2,
  N = 3, Next = 4, Code = 5, Lo = 6, Ti = 7, Flags = 8,
  Epc = 9, A = 10, V = 11,
  /** x1 is local X + 1 ... x31 is X + 31. */
  X = 11,
  /** The FP emitter's f64 temporaries. */
  F = 43,
}

/** The helpers every module imports, in import order (see tier.ts for what they do). */
export const IMPORTS: readonly FuncImport[] = [
  { name: "ld", type: { params: [T.I32, T.I32, T.I32], results: [T.I32] } },
  { name: "st", type: { params: [T.I32, T.I32, T.I32, T.I32, T.I32], results: [T.I32] } },
  { name: "op", type: { params: [T.I32, T.I32, T.I32, T.I32, T.I32], results: [T.I32] } },
];
const enum Fn { Ld = 0, St = 1, Op = 2 }

/** The locals beyond the parameters, grouped for the code section. */
export const LOCALS: [number, T][] = [[6, T.I32], [3 + 31, T.I64], [FP_TEMPS, T.F64]];

/** The type of the emitted function. */
export const RUN_TYPE = { params: [T.I32, T.I32, T.I32], results: [T.I32] };

/** Tag masks that also demand natural alignment (the TLB tag has its low 12 bits clear). */
const ALIGN_MASK = [0, ~0xfff, ~0xfff | 1, 0, ~0xfff | 3, 0, 0, 0, ~0xfff | 7];

/** Load ops: access size and the sign extension after a helper's zero-extended value. */
const LOAD: Partial<Record<number, [size: number, direct: W, ext: W | 0]>> = {
  [Op.LB]: [1, W.I64Load8S, W.I64Extend8S], [Op.LBU]: [1, W.I64Load8U, 0],
  [Op.LH]: [2, W.I64Load16S, W.I64Extend16S], [Op.LHU]: [2, W.I64Load16U, 0],
  [Op.LW]: [4, W.I64Load32S, W.I64Extend32S], [Op.LWU]: [4, W.I64Load32U, 0],
  [Op.LD]: [8, W.I64Load, 0], [Op.FLW]: [4, W.I64Load32U, 0], [Op.FLD]: [8, W.I64Load, 0],
};
const STORE: Partial<Record<number, [size: number, direct: W]>> = {
  [Op.SB]: [1, W.I64Store8], [Op.SH]: [2, W.I64Store16], [Op.SW]: [4, W.I64Store32], [Op.SD]: [8, W.I64Store],
  [Op.FSW]: [4, W.I64Store32], [Op.FSD]: [8, W.I64Store],
};
const ALIGN_LOG2 = [0, 0, 1, 0, 2, 0, 0, 0, 3];

/** Simple register-register and register-immediate ALU ops: [wasm op, 32-bit (W) form, immediate form]. */
const ALU: Partial<Record<number, [W, boolean, boolean]>> = {
  [Op.ADD]: [W.I64Add, false, false], [Op.SUB]: [W.I64Sub, false, false], [Op.SLL]: [W.I64Shl, false, false],
  [Op.XOR]: [W.I64Xor, false, false], [Op.SRL]: [W.I64ShrU, false, false], [Op.SRA]: [W.I64ShrS, false, false],
  [Op.OR]: [W.I64Or, false, false], [Op.AND]: [W.I64And, false, false], [Op.MUL]: [W.I64Mul, false, false],
  [Op.ADDI]: [W.I64Add, false, true], [Op.XORI]: [W.I64Xor, false, true], [Op.ORI]: [W.I64Or, false, true],
  [Op.ANDI]: [W.I64And, false, true], [Op.SLLI]: [W.I64Shl, false, true], [Op.SRLI]: [W.I64ShrU, false, true],
  [Op.SRAI]: [W.I64ShrS, false, true],
  [Op.ADDW]: [W.I32Add, true, false], [Op.SUBW]: [W.I32Sub, true, false], [Op.SLLW]: [W.I32Shl, true, false],
  [Op.SRLW]: [W.I32ShrU, true, false], [Op.SRAW]: [W.I32ShrS, true, false], [Op.MULW]: [W.I32Mul, true, false],
  [Op.ADDIW]: [W.I32Add, true, true], [Op.SLLIW]: [W.I32Shl, true, true], [Op.SRLIW]: [W.I32ShrU, true, true],
  [Op.SRAIW]: [W.I32ShrS, true, true],
};

/** Branch ops and their i64 comparisons. */
const BRANCH: Partial<Record<number, W>> = {
  [Op.BEQ]: W.I64Eq, [Op.BNE]: W.I64Ne, [Op.BLT]: W.I64LtS, [Op.BGE]: W.I64GeS, [Op.BLTU]: W.I64LtU, [Op.BGEU]: W.I64GeU,
};

/** The function body for `region` of the page at guest address `base`, decoded in `ops`. */
export function emitRegion(region: Region, ops: Int32Array, base: bigint): Uint8Array {
  return new Emitter(region, ops, base).emit();
}

class Emitter {
  private readonly w = new CodeWriter();
  /** Open control constructs. */
  private depth = 0;
  private exitLevel = 0;
  private loopLevel = 0;
  /** Level of each block's label (its code starts at the label's end), by block index. */
  private blockLevel: number[] = [];
  /** Level of the current block's self loop. */
  private selfLevel = 0;
  private cur = 0;
  /** Instructions in the current block and the index of the one being emitted. */
  private curLen = 0;
  private k = 0;
  private readonly read = new Set<number>();
  private readonly written = new Set<number>();

  constructor(private readonly region: Region, private readonly ops: Int32Array, private readonly base: bigint) {}

  emit(): Uint8Array {
    const { w, region } = this;
    this.scanRegisters();
    for (const r of new Set([...this.read, ...this.written])) this.loadX(r);
    w.get(L.St).mem(W.I32Load, 2, StateLayout.Scratch + Scratch.Flags).set(L.Flags);
    w.i32(region.entry).set(L.Next);
    this.open(W.Block); this.exitLevel = this.depth;
    this.open(W.Loop); this.loopLevel = this.depth;
    const K = region.blocks.length;
    for (let j = K - 1; j >= 0; j--) { this.open(W.Block); this.blockLevel[j] = this.depth; }
    w.get(L.Next).op(W.BrTable).u32(K);
    for (let j = 0; j < K; j++) w.u32(this.depth - this.blockLevel[j]);
    w.u32(this.depth - this.blockLevel[0]);
    for (let i = 0; i < K; i++) {
      this.close();
      this.emitBlock(i);
    }
    this.close(); // loop
    this.close(); // exit block
    // The shared exit tail: registers back, then pc and the count for the caller.
    for (const r of this.written) this.storeX(r);
    w.get(L.St).get(L.Epc).mem(W.I64Store, 3, StateLayout.Scratch + Scratch.Pc);
    w.get(L.St).get(L.N).mem(W.I32Store, 2, StateLayout.Scratch + Scratch.Count);
    w.get(L.St).get(L.Flags).mem(W.I32Store, 2, StateLayout.Scratch + Scratch.Flags);
    w.get(L.Code);
    return w.bytes();
  }

  private open(kind: W.Block | W.Loop | W.If, type: T = T.Void): void {
    this.w.op(kind).byte(type);
    this.depth++;
  }

  private close(): void {
    this.w.op(W.End);
    this.depth--;
  }

  /** Registers read and written, from the operand files of each instruction. */
  private scanRegisters(): void {
    for (const b of this.region.blocks) {
      for (const s of b.slots) {
        const word = this.ops[s * 2];
        const op = word & Pack.OpMask;
        const f = operandFiles(ROW_BY_OP[op]!);
        const rd = (word >>> Pack.RdShift) & 63, rs1 = (word >>> Pack.Rs1Shift) & 31, rs2 = (word >>> Pack.Rs2Shift) & 31;
        if (f.rs1 === "x" && rs1 !== 0) this.read.add(rs1);
        if (f.rs2 === "x" && rs2 !== 0 && hasRs2(op)) this.read.add(rs2);
        if (f.rd === "x" && rd !== 0 && rd !== 32 && hasRd(op)) this.written.add(rd);
      }
    }
  }

  private emitBlock(i: number): void {
    const { w, region } = this;
    const b = region.blocks[i];
    this.cur = i;
    this.curLen = b.slots.length;
    w.get(L.N).i32(b.slots.length).op(W.I32Add).set(L.N);
    this.open(W.Loop); this.selfLevel = this.depth;
    for (this.k = 0; this.k < b.slots.length; this.k++) this.emitInsn(b.slots[this.k]);
    this.close();
    if (b.fallthrough >= 0) {
      const next = region.blocks[i + 1];
      if (next === undefined || next.start !== b.fallthrough) this.exitTo(this.pcOf(b.fallthrough), TExit.Jump, 0);
    }
  }

  private pcOf(slot: number): bigint {
    return this.base + BigInt(slot * 2);
  }

  /** Leaves with pc and code; `undo` instructions counted in the block have not run. */
  private exitTo(pc: bigint, code: number, undo: number): void {
    const w = this.w;
    w.i64(pc).set(L.Epc);
    if (undo !== 0) w.get(L.N).i32(undo).op(W.I32Sub).set(L.N);
    w.i32(code).set(L.Code).op(W.Br).u32(this.depth - this.exitLevel);
  }

  /** Leaves with a trap at the current instruction (the helper recorded cause and tval). */
  private trapHere(slot: number): void {
    this.exitTo(this.pcOf(slot), TExit.Trap, this.curLen - this.k);
  }

  /** Goes to the branch or jal target `imm` bytes from slot `s`: within the region, or out with pc. */
  private jumpTo(s: number, imm: number): void {
    const w = this.w;
    const t = targetSlot(s, imm);
    const j = t < 0 ? undefined : this.region.blockAt.get(t);
    if (j === undefined) { this.exitTo(this.pcOf(s) + BigInt(imm), TExit.Jump, 0); return; }
    if (j > this.cur) { w.op(W.Br).u32(this.depth - this.blockLevel[j]); return; }
    // Backward: check the budget first.
    w.get(L.N).get(L.Budget).op(W.I32GeU);
    this.open(W.If);
    this.exitTo(this.pcOf(t), TExit.Budget, 0);
    this.close();
    if (j === this.cur) {
      w.get(L.N).i32(this.curLen).op(W.I32Add).set(L.N);
      w.op(W.Br).u32(this.depth - this.selfLevel);
      return;
    }
    w.i32(j).set(L.Next).op(W.Br).u32(this.depth - this.loopLevel);
  }

  /** Loads x[r]'s local from the state block (its low and high words). */
  private loadX(r: number): void {
    const w = this.w;
    w.get(L.St).mem(W.I64Load32U, 2, StateLayout.Xl + 4 * r);
    w.get(L.St).mem(W.I64Load32S, 2, StateLayout.Xh + 4 * r).i64(32n).op(W.I64Shl).op(W.I64Or).set(L.X + r);
  }

  /** Stores x[r]'s local into the state block, where the interpreter and helpers see it. */
  private storeX(r: number): void {
    const w = this.w;
    w.get(L.St).get(L.X + r).mem(W.I64Store32, 2, StateLayout.Xl + 4 * r);
    w.get(L.St).get(L.X + r).i64(32n).op(W.I64ShrU).mem(W.I64Store32, 2, StateLayout.Xh + 4 * r);
  }

  /** Pushes x[r] as i64. */
  private x(r: number): void {
    if (r === 0) this.w.i64(0n);
    else this.w.get(L.X + r);
  }

  private emitInsn(s: number): void {
    const { w, ops } = this;
    const word = ops[s * 2], imm = ops[s * 2 + 1];
    const op = (word & Pack.OpMask) as Op;
    const rd = (word >>> Pack.RdShift) & 63, rs1 = (word >>> Pack.Rs1Shift) & 31, rs2 = (word >>> Pack.Rs2Shift) & 31;
    const len = word >>> Pack.LenShift;
    const toRd = rd !== 0 && rd !== 32;
    const kind = KIND[op];
    if (isInlineFp(op)) {
      const c: FpContext = {
        w, helper: () => this.helper(s, op, rd, rs1, rs2, imm), x: (r) => this.x(r),
        setX: (r) => { if (r !== 0 && r !== 32) w.set(L.X + r); else w.op(W.Drop); },
      };
      emitFp(c, { flags: L.Flags, bits: L.V, f: L.F }, op, rd, rs1, rs2, imm);
      return;
    }
    if (kind === Kind.Helper) { this.helper(s, op, rd, rs1, rs2, imm); return; }
    if (isInlineCsr(op, imm, rs1)) { this.fpCsr(op, rd, rs1, imm); return; }
    if (kind === Kind.Branch) {
      this.x(rs1); this.x(rs2); w.op(BRANCH[op]!);
      this.open(W.If);
      this.jumpTo(s, imm);
      this.close();
      return;
    }
    if (kind === Kind.Jal) {
      if (toRd) w.i64(this.pcOf(s + len)).set(L.X + rd);
      this.jumpTo(s, imm);
      return;
    }
    if (kind === Kind.Jalr) {
      this.x(rs1); w.i64(BigInt(imm)).op(W.I64Add).i64(-2n).op(W.I64And).set(L.Epc);
      if (toRd) w.i64(this.pcOf(s + len)).set(L.X + rd);
      w.i32(TExit.Jump).set(L.Code).op(W.Br).u32(this.depth - this.exitLevel);
      return;
    }
    const alu = ALU[op];
    if (alu !== undefined) {
      if (!toRd) return;
      const [o, word32, isImm] = alu;
      if (word32) {
        this.x(rs1); w.op(W.I32WrapI64);
        if (isImm) w.i32(imm); else { this.x(rs2); w.op(W.I32WrapI64); }
        w.op(o).op(W.I64ExtendI32S);
      } else {
        this.x(rs1);
        if (isImm) w.i64(BigInt(imm)); else this.x(rs2);
        w.op(o);
      }
      w.set(L.X + rd);
      return;
    }
    const ld = LOAD[op];
    if (ld !== undefined) { this.load(s, op, rd, rs1, imm, ld); return; }
    const sto = STORE[op];
    if (sto !== undefined) { this.store(s, op, rs1, rs2, imm, sto); return; }
    switch (op) {
      case Op.LUI: if (toRd) w.i64(BigInt(imm)).set(L.X + rd); return;
      case Op.AUIPC: if (toRd) w.i64(this.pcOf(s) + BigInt(imm)).set(L.X + rd); return;
      case Op.SLTI: case Op.SLTIU:
        if (!toRd) return;
        this.x(rs1); w.i64(BigInt(imm)).op(op === Op.SLTI ? W.I64LtS : W.I64LtU).op(W.I64ExtendI32U).set(L.X + rd);
        return;
      case Op.SLT: case Op.SLTU:
        if (!toRd) return;
        this.x(rs1); this.x(rs2); w.op(op === Op.SLT ? W.I64LtS : W.I64LtU).op(W.I64ExtendI32U).set(L.X + rd);
        return;
      case Op.FENCE: return;
      case Op.DIV: case Op.DIVU: case Op.REM: case Op.REMU:
        if (toRd) this.divide(op, rd, rs1, rs2);
        return;
      case Op.DIVW: case Op.DIVUW: case Op.REMW: case Op.REMUW:
        if (toRd) this.divideWord(op, rd, rs1, rs2);
        return;
    }
    throw new Error(`jit: no emitter for op ${op}`);
  }

  /** a in L.A, lo word in L.Lo; leaves the TLB entry address in L.Ti and pushes the hit test. */
  private probe(rs1: number, imm: number, size: number, tag: number, tagHi: number): void {
    const w = this.w;
    this.x(rs1); w.i64(BigInt(imm)).op(W.I64Add).set(L.A);
    w.get(L.A).op(W.I32WrapI64).op(W.LocalTee).u32(L.Lo);
    w.i32(12).op(W.I32ShrU).i32(1023).op(W.I32And).i32(2).op(W.I32Shl).get(L.Tlb).op(W.I32Add).op(W.LocalTee).u32(L.Ti);
    w.mem(W.I32Load, 2, tag).get(L.Lo).i32(ALIGN_MASK[size]).op(W.I32And).op(W.I32Eq);
    w.get(L.Ti).mem(W.I32Load, 2, tagHi).get(L.A).i64(32n).op(W.I64ShrU).op(W.I32WrapI64).op(W.I32Eq);
    w.op(W.I32And);
  }

  /** Pushes the host address of the access (a TLB hit): offset of the page + low 12 bits. */
  private hostAddr(off: number): void {
    this.w.get(L.Ti).mem(W.I32Load, 2, off).get(L.Lo).i32(0xfff).op(W.I32And).op(W.I32Add);
  }

  private load(s: number, op: Op, rd: number, rs1: number, imm: number, [size, direct, ext]: [number, W, W | 0]): void {
    const w = this.w;
    this.probe(rs1, imm, size, TlbLayout.RTag, TlbLayout.RTagHi);
    this.open(W.If, T.I64);
    this.hostAddr(TlbLayout.ROff);
    w.mem(direct, ALIGN_LOG2[size], 0);
    w.op(W.Else);
    w.get(L.Lo).get(L.A).i64(32n).op(W.I64ShrU).op(W.I32WrapI64).i32(size).op(W.Call).u32(Fn.Ld);
    this.open(W.If);
    this.trapHere(s);
    this.close();
    w.get(L.St).mem(W.I64Load, 3, StateLayout.Scratch + Scratch.Value);
    if (ext !== 0) w.op(ext);
    this.close();
    if (op === Op.FLW || op === Op.FLD) {
      if (op === Op.FLW) w.i64(-1n << 32n).op(W.I64Or);
      w.set(L.V).get(L.St).get(L.V).mem(W.I64Store, 3, StateLayout.F + 8 * rd);
    } else if (rd !== 0 && rd !== 32) w.set(L.X + rd);
    else w.op(W.Drop);
  }

  private store(s: number, op: Op, rs1: number, rs2: number, imm: number, [size, direct]: [number, W]): void {
    const w = this.w;
    const fp = op === Op.FSW || op === Op.FSD;
    const value = (): void => {
      if (fp) w.get(L.St).mem(W.I64Load, 3, StateLayout.F + 8 * rs2);
      else this.x(rs2);
    };
    this.probe(rs1, imm, size, TlbLayout.WTag, TlbLayout.WTagHi);
    this.open(W.If);
    this.hostAddr(TlbLayout.WOff);
    value();
    w.mem(direct, ALIGN_LOG2[size], 0);
    w.op(W.Else);
    w.get(L.Lo).get(L.A).i64(32n).op(W.I64ShrU).op(W.I32WrapI64).i32(size);
    value(); w.set(L.V);
    w.get(L.V).op(W.I32WrapI64).get(L.V).i64(32n).op(W.I64ShrU).op(W.I32WrapI64);
    w.op(W.Call).u32(Fn.St);
    this.open(W.If);
    this.trapHere(s);
    this.close();
    this.close();
  }

  /** An instruction run by the interpreter's handler: its integer operands pass through the state block. */
  private helper(s: number, op: Op, rd: number, rs1: number, rs2: number, imm: number): void {
    const w = this.w;
    const f = operandFiles(ROW_BY_OP[op]!);
    for (const [file, r] of [[f.rs1, rs1], [f.rs2, hasRs2(op) ? rs2 : 0]] as const) {
      if (file === "x" && r !== 0) this.storeX(r);
    }
    // fflags pass through the scratch word both ways (the handler may raise flags).
    w.get(L.St).get(L.Flags).mem(W.I32Store, 2, StateLayout.Scratch + Scratch.Flags);
    w.i32(op).i32(rd).i32(rs1).i32(rs2).i32(imm).op(W.Call).u32(Fn.Op);
    this.open(W.If);
    this.trapHere(s);
    this.close();
    w.get(L.St).mem(W.I32Load, 2, StateLayout.Scratch + Scratch.Flags).set(L.Flags);
    if (f.rd === "x" && rd !== 0 && rd !== 32) this.loadX(rd);
  }

  /** frflags/fsflags/fscsr-style accesses to fflags, and reads of frm (0 here) and fcsr (= fflags here). */
  private fpCsr(op: Op, rd: number, rs1: number, csr: number): void {
    const w = this.w;
    const old = (): void => { if (csr === 2) w.i64(0n); else w.get(L.Flags).op(W.I64ExtendI32U); };
    if (rd !== 0 && rd !== 32) { old(); w.set(L.V); }
    if (csr === 1) {
      const imm = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
      const src = (): void => { if (imm) w.i32(rs1); else { this.x(rs1); w.op(W.I32WrapI64); } };
      if (op === Op.CSRRW || op === Op.CSRRWI) { src(); w.i32(31).op(W.I32And).set(L.Flags); }
      else if (rs1 !== 0 && (op === Op.CSRRS || op === Op.CSRRSI)) { w.get(L.Flags); src(); w.i32(31).op(W.I32And).op(W.I32Or).set(L.Flags); }
      else if (rs1 !== 0) { w.get(L.Flags); src(); w.i32(-1).op(W.I32Xor).op(W.I32And).set(L.Flags); }
    }
    if (rd !== 0 && rd !== 32) w.get(L.V).set(L.X + rd);
  }

  /** 64-bit division and remainder with RISC-V's answers for a zero divisor and overflow. */
  private divide(op: Op, rd: number, rs1: number, rs2: number): void {
    const w = this.w;
    const signed = op === Op.DIV || op === Op.REM, isDiv = op === Op.DIV || op === Op.DIVU;
    this.x(rs2); w.op(W.I64Eqz);
    this.open(W.If, T.I64);
    if (isDiv) w.i64(-1n); else this.x(rs1);
    w.op(W.Else);
    if (signed && isDiv) {
      this.x(rs1); w.i64(-(1n << 63n)).op(W.I64Eq); this.x(rs2); w.i64(-1n).op(W.I64Eq).op(W.I32And);
      this.open(W.If, T.I64);
      this.x(rs1);
      w.op(W.Else);
      this.x(rs1); this.x(rs2); w.op(W.I64DivS);
      this.close();
    } else {
      this.x(rs1); this.x(rs2);
      w.op(signed ? W.I64RemS : isDiv ? W.I64DivU : W.I64RemU);
    }
    this.close();
    w.set(L.X + rd);
  }

  /** The W forms of division and remainder. */
  private divideWord(op: Op, rd: number, rs1: number, rs2: number): void {
    const w = this.w;
    const a = (): void => { this.x(rs1); w.op(W.I32WrapI64); };
    const b = (): void => { this.x(rs2); w.op(W.I32WrapI64); };
    const signed = op === Op.DIVW || op === Op.REMW, isDiv = op === Op.DIVW || op === Op.DIVUW;
    b(); w.op(W.I32Eqz);
    this.open(W.If, T.I64);
    if (isDiv) w.i64(-1n); else { a(); w.op(W.I64ExtendI32S); }
    w.op(W.Else);
    if (signed && isDiv) {
      a(); w.i32(-0x80000000).op(W.I32Eq); b(); w.i32(-1).op(W.I32Eq).op(W.I32And);
      this.open(W.If, T.I64);
      a(); w.op(W.I64ExtendI32S);
      w.op(W.Else);
      a(); b(); w.op(W.I32DivS).op(W.I64ExtendI32S);
      this.close();
    } else {
      a(); b();
      w.op(signed ? W.I32RemS : isDiv ? W.I32DivU : W.I32RemU).op(W.I64ExtendI32S);
    }
    this.close();
    w.set(L.X + rd);
  }
}

/** Whether op reads its rs2 field as a register (stores, branches, R-type). */
function hasRs2(op: Op): boolean {
  const f = ROW_BY_OP[op]!.format;
  return f === Format.R || f === Format.S || f === Format.B || f === Format.Amo || f === Format.R4 || f === Format.Rrm;
}

/** Whether op writes its rd field (not stores or branches). */
function hasRd(op: Op): boolean {
  const f = ROW_BY_OP[op]!.format;
  return f !== Format.S && f !== Format.B && f !== Format.Fence && f !== Format.None && f !== Format.R2;
}
