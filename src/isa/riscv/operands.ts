/**
 * Which register file (integer x or floating-point f) each operand of an
 * instruction names, derived from the table row. Used by the decoder (x0 writes
 * are discarded, f0 writes are not), the disassembler and the fuzzer.
 */
import { Format, type InsnRow } from "./table.js";

/** Register file of one operand: "x", "f", or "" when the instruction has no such operand. */
export type RegFile = "x" | "f" | "";

/** Register files of rd, rs1, rs2 (and rs3 for fused ops, always f). */
export interface OperandFiles {
  rd: RegFile;
  rs1: RegFile;
  rs2: RegFile;
  rs3: RegFile;
}

const HAS: Record<Format, [boolean, boolean, boolean]> = {
  [Format.R]: [true, true, true], [Format.I]: [true, true, false], [Format.S]: [false, true, true],
  [Format.B]: [false, true, true], [Format.U]: [true, false, false], [Format.J]: [true, false, false],
  [Format.Shift6]: [true, true, false], [Format.Shift5]: [true, true, false], [Format.Amo]: [true, true, true],
  [Format.Lr]: [true, true, false], [Format.R4]: [true, true, true], [Format.Rrm]: [true, true, true],
  [Format.R1rm]: [true, true, false], [Format.R1]: [true, true, false], [Format.Csr]: [true, true, false],
  [Format.Fence]: [false, false, false], [Format.None]: [false, false, false], [Format.R2]: [false, true, true],
};

/** Register files of the operands of `row`. */
export function operandFiles(row: InsnRow): OperandFiles {
  const [hd, h1, h2] = HAS[row.format];
  let rd: RegFile = "x", rs1: RegFile = "x", rs2: RegFile = "x";
  if (row.ext === "f" || row.ext === "d") {
    const n = row.name;
    rd = rs1 = rs2 = "f";
    if (n === "flw" || n === "fld") rs1 = "x";
    else if (n === "fsw" || n === "fsd") rs1 = "x";
    else if (/^fcvt\.(w|wu|l|lu)\./.test(n) || n.startsWith("fmv.x.") || n.startsWith("fclass")) rd = "x";
    else if (/^fcvt\.[sd]\.(w|wu|l|lu)$/.test(n) || /^fmv\.[wd]\.x$/.test(n)) rs1 = "x";
    else if (/^f(eq|lt|le)\./.test(n)) rd = "x";
  }
  if (row.format === Format.Csr && row.name.endsWith("i")) rs1 = "";
  return {
    rd: hd ? rd : "", rs1: h1 ? rs1 : "", rs2: h2 ? rs2 : "",
    rs3: row.format === Format.R4 ? "f" : "",
  };
}
