/**
 * The JVM instruction set as data (JVMS chapter 6): one row per opcode with its
 * mnemonic and operand layout. The decoder and lister in instructions.ts are
 * derived from this table.
 */

/** How the operand bytes after an opcode are laid out. */
export const enum Operands {
  /** no operands */
  None,
  /** s1 immediate (bipush) */
  S1,
  /** s2 immediate (sipush) */
  S2,
  /** u1 local-variable index (iload, astore, ret...); u2 under wide */
  Local,
  /** u1 constant-pool index (ldc) */
  Cp1,
  /** u2 constant-pool index (ldc_w, getfield, invokevirtual, new...) */
  Cp2,
  /** s2 branch offset relative to the opcode (if*, goto, jsr) */
  Branch2,
  /** s4 branch offset (goto_w, jsr_w) */
  Branch4,
  /** u1 local index, s1 increment; u2 and s2 under wide */
  Iinc,
  /** u2 constant-pool index, u1 count, u1 zero */
  InvokeInterface,
  /** u2 constant-pool index, two zero bytes */
  InvokeDynamic,
  /** u2 constant-pool index, u1 dimensions */
  MultiANewArray,
  /** u1 atype (newarray) */
  ArrayType,
  /** padding to 4, default, low, high, then high-low+1 s4 offsets */
  TableSwitch,
  /** padding to 4, default, npairs, then npairs (match, offset) pairs */
  LookupSwitch,
  /** the wide prefix: modifies the next Local or Iinc instruction */
  Wide,
}

/** One opcode: its byte value, mnemonic as javap prints it and operand layout. */
export interface OpcodeInfo {
  opcode: number;
  mnemonic: string;
  operands: Operands;
}

const N = Operands.None;
const L = Operands.Local;
const C2 = Operands.Cp2;
const B2 = Operands.Branch2;

/** Rows in opcode order: [mnemonic, operands]; opcodes 0x00..0xc9 with no gaps. */
const ROWS: [string, Operands][] = [
  ["nop", N], ["aconst_null", N], ["iconst_m1", N], ["iconst_0", N], ["iconst_1", N], ["iconst_2", N],
  ["iconst_3", N], ["iconst_4", N], ["iconst_5", N], ["lconst_0", N], ["lconst_1", N], ["fconst_0", N],
  ["fconst_1", N], ["fconst_2", N], ["dconst_0", N], ["dconst_1", N],
  ["bipush", Operands.S1], ["sipush", Operands.S2], ["ldc", Operands.Cp1], ["ldc_w", C2], ["ldc2_w", C2],
  ["iload", L], ["lload", L], ["fload", L], ["dload", L], ["aload", L],
  ...["i", "l", "f", "d", "a"].flatMap((t) => [0, 1, 2, 3].map((n): [string, Operands] => [`${t}load_${n}`, N])),
  ["iaload", N], ["laload", N], ["faload", N], ["daload", N], ["aaload", N], ["baload", N], ["caload", N], ["saload", N],
  ["istore", L], ["lstore", L], ["fstore", L], ["dstore", L], ["astore", L],
  ...["i", "l", "f", "d", "a"].flatMap((t) => [0, 1, 2, 3].map((n): [string, Operands] => [`${t}store_${n}`, N])),
  ["iastore", N], ["lastore", N], ["fastore", N], ["dastore", N], ["aastore", N], ["bastore", N], ["castore", N],
  ["sastore", N],
  ["pop", N], ["pop2", N], ["dup", N], ["dup_x1", N], ["dup_x2", N], ["dup2", N], ["dup2_x1", N], ["dup2_x2", N],
  ["swap", N],
  ...["add", "sub", "mul", "div", "rem", "neg"].flatMap((op) => ["i", "l", "f", "d"].map((t): [string, Operands] => [t + op, N])),
  ["ishl", N], ["lshl", N], ["ishr", N], ["lshr", N], ["iushr", N], ["lushr", N],
  ["iand", N], ["land", N], ["ior", N], ["lor", N], ["ixor", N], ["lxor", N], ["iinc", Operands.Iinc],
  ["i2l", N], ["i2f", N], ["i2d", N], ["l2i", N], ["l2f", N], ["l2d", N], ["f2i", N], ["f2l", N], ["f2d", N],
  ["d2i", N], ["d2l", N], ["d2f", N], ["i2b", N], ["i2c", N], ["i2s", N],
  ["lcmp", N], ["fcmpl", N], ["fcmpg", N], ["dcmpl", N], ["dcmpg", N],
  ["ifeq", B2], ["ifne", B2], ["iflt", B2], ["ifge", B2], ["ifgt", B2], ["ifle", B2],
  ["if_icmpeq", B2], ["if_icmpne", B2], ["if_icmplt", B2], ["if_icmpge", B2], ["if_icmpgt", B2], ["if_icmple", B2],
  ["if_acmpeq", B2], ["if_acmpne", B2], ["goto", B2], ["jsr", B2], ["ret", L],
  ["tableswitch", Operands.TableSwitch], ["lookupswitch", Operands.LookupSwitch],
  ["ireturn", N], ["lreturn", N], ["freturn", N], ["dreturn", N], ["areturn", N], ["return", N],
  ["getstatic", C2], ["putstatic", C2], ["getfield", C2], ["putfield", C2],
  ["invokevirtual", C2], ["invokespecial", C2], ["invokestatic", C2],
  ["invokeinterface", Operands.InvokeInterface], ["invokedynamic", Operands.InvokeDynamic],
  ["new", C2], ["newarray", Operands.ArrayType], ["anewarray", C2], ["arraylength", N], ["athrow", N],
  ["checkcast", C2], ["instanceof", C2], ["monitorenter", N], ["monitorexit", N], ["wide", Operands.Wide],
  ["multianewarray", Operands.MultiANewArray], ["ifnull", B2], ["ifnonnull", B2],
  ["goto_w", Operands.Branch4], ["jsr_w", Operands.Branch4],
];

/** Opcode info by byte value; undefined for the unassigned and reserved bytes (0xca breakpoint, 0xfe, 0xff). */
export const OPCODES: readonly (OpcodeInfo | undefined)[] = (() => {
  const table: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  ROWS.forEach(([mnemonic, operands], opcode) => (table[opcode] = { opcode, mnemonic, operands }));
  return table;
})();

/** Opcode byte by mnemonic ("invokestatic" → 0xb8). */
export const OPCODE_BY_MNEMONIC: ReadonlyMap<string, number> = new Map(ROWS.map(([m], i) => [m, i]));

/** Element-type names of newarray's atype operand (JVMS Table 6.5.newarray-A), by atype. */
export const ARRAY_TYPES: Readonly<Record<number, string>> = {
  4: "boolean", 5: "char", 6: "float", 7: "double", 8: "byte", 9: "short", 10: "int", 11: "long",
};
