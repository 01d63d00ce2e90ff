/**
 * Decodes a Code attribute's bytes into instructions (JVMS 6.5), driven by the
 * opcode table: offsets, operands, tableswitch/lookupswitch with their padding,
 * and the wide prefix. listInstructions prints them the way `javap -c` does.
 */

import { ByteReader } from "./bytes.js";
import { ClassFormatError } from "./errors.js";
import { OPCODES, Operands } from "./opcodes.js";

/** One decoded instruction. Fields not used by its operand layout are absent. */
export interface Instruction {
  /** Offset of the opcode in the code array. */
  pc: number;
  /** The opcode byte (for wide forms: the modified opcode, with `wide` set). */
  opcode: number;
  /** javap's mnemonic. */
  mnemonic: string;
  /** Bytes taken, opcode and padding included. */
  length: number;
  /** True when preceded by the wide prefix (which is part of this instruction). */
  wide?: boolean;
  /** Local-variable index (loads, stores, ret, iinc). */
  local?: number;
  /** Constant-pool index (ldc*, field and method instructions, new, checkcast...). */
  index?: number;
  /** Immediate: bipush/sipush value, iinc increment, invokeinterface count, multianewarray dimensions, newarray atype. */
  value?: number;
  /** Absolute branch target (pc + offset). */
  target?: number;
  /** tableswitch/lookupswitch default target. */
  defaultTarget?: number;
  /** tableswitch low bound. */
  low?: number;
  /** tableswitch/lookupswitch (match, absolute target) pairs in class-file order. */
  cases?: [number, number][];
}

/** Decodes every instruction of `code`, in order. */
export function decodeInstructions(code: Uint8Array): Instruction[] {
  const r = new ByteReader(code);
  const out: Instruction[] = [];
  while (!r.atEnd()) out.push(decodeInstruction(r));
  return out;
}

/** Decodes the instruction at `r.pos` and advances past it. */
export function decodeInstruction(r: ByteReader): Instruction {
  const pc = r.pos;
  const opcode = r.u1();
  const info = OPCODES[opcode];
  if (info === undefined) throw new ClassFormatError(`Illegal opcode ${opcode} at bytecode offset ${pc}`);
  const insn: Instruction = { pc, opcode, mnemonic: info.mnemonic, length: 0 };
  switch (info.operands) {
    case Operands.None:
      break;
    case Operands.S1:
      insn.value = (r.u1() << 24) >> 24;
      break;
    case Operands.S2:
      insn.value = (r.u2() << 16) >> 16;
      break;
    case Operands.Local:
      insn.local = r.u1();
      break;
    case Operands.Cp1:
      insn.index = r.u1();
      break;
    case Operands.Cp2:
      insn.index = r.u2();
      break;
    case Operands.Branch2:
      insn.target = pc + ((r.u2() << 16) >> 16);
      break;
    case Operands.Branch4:
      insn.target = pc + r.s4();
      break;
    case Operands.Iinc:
      insn.local = r.u1();
      insn.value = (r.u1() << 24) >> 24;
      break;
    case Operands.InvokeInterface:
      insn.index = r.u2();
      insn.value = r.u1();
      r.u1();
      break;
    case Operands.InvokeDynamic:
      insn.index = r.u2();
      r.u2();
      break;
    case Operands.MultiANewArray:
      insn.index = r.u2();
      insn.value = r.u1();
      break;
    case Operands.ArrayType:
      insn.value = r.u1();
      break;
    case Operands.TableSwitch: {
      r.pos = (pc + 4) & ~3;
      insn.defaultTarget = pc + r.s4();
      const low = r.s4();
      const high = r.s4();
      if (high < low) throw new ClassFormatError(`tableswitch with high < low at bytecode offset ${pc}`);
      insn.low = low;
      insn.cases = [];
      for (let k = low; k <= high; k++) insn.cases.push([k, pc + r.s4()]);
      break;
    }
    case Operands.LookupSwitch: {
      r.pos = (pc + 4) & ~3;
      insn.defaultTarget = pc + r.s4();
      const npairs = r.s4();
      if (npairs < 0) throw new ClassFormatError(`lookupswitch with negative npairs at bytecode offset ${pc}`);
      insn.cases = [];
      for (let k = 0; k < npairs; k++) insn.cases.push([r.s4(), pc + r.s4()]);
      break;
    }
    case Operands.Wide:
      return decodeWide(r, pc);
  }
  insn.length = r.pos - pc;
  return insn;
}

/** The instruction after a wide prefix at `pc`: u2 local index, and for iinc an s2 increment. */
function decodeWide(r: ByteReader, pc: number): Instruction {
  const opcode = r.u1();
  const info = OPCODES[opcode];
  if (info === undefined || (info.operands !== Operands.Local && info.operands !== Operands.Iinc)) {
    throw new ClassFormatError(`Illegal wide opcode ${opcode} at bytecode offset ${pc}`);
  }
  const insn: Instruction = { pc, opcode, mnemonic: info.mnemonic, length: 0, wide: true, local: r.u2() };
  if (info.operands === Operands.Iinc) insn.value = (r.u2() << 16) >> 16;
  insn.length = r.pos - pc;
  return insn;
}

/** One line per instruction, "offset: mnemonic", as the left part of `javap -c` lines. */
export function listInstructions(code: Uint8Array): string[] {
  return decodeInstructions(code).map((i) => `${i.pc}: ${i.mnemonic}${i.wide ? "_w" : ""}`);
}
