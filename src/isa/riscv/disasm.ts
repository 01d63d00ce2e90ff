/** Disassembler driven by the instruction table: one line of assembly per instruction. */
import { Format, ROW_BY_OP } from "./table.js";
import { decode, newDecoded } from "./decode.js";
import { operandFiles } from "./operands.js";

const ROUNDING = ["rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"];

/** Disassembles the instruction in `lo16`/`hi16` (see decode) to text such as "addi a0, a0, 1". */
export function disassemble(lo16: number, hi16: number): string {
  const d = decode(lo16, hi16, newDecoded());
  const row = ROW_BY_OP[d.op];
  if (row === undefined) return "unknown";
  const f = operandFiles(row);
  const reg = (file: string, n: number) => `${file}${n}`;
  const parts: string[] = [];
  switch (row.format) {
    case Format.I:
      if (row.name.startsWith("l") || row.name === "flw" || row.name === "fld" || row.name === "jalr") {
        return `${row.name} ${reg(f.rd, d.rd)}, ${d.imm}(${reg(f.rs1, d.rs1)})`;
      }
      return `${row.name} ${reg(f.rd, d.rd)}, ${reg(f.rs1, d.rs1)}, ${d.imm}`;
    case Format.S:
      return `${row.name} ${reg(f.rs2, d.rs2)}, ${d.imm}(${reg(f.rs1, d.rs1)})`;
    case Format.B:
      return `${row.name} ${reg(f.rs1, d.rs1)}, ${reg(f.rs2, d.rs2)}, ${d.imm}`;
    case Format.U:
      return `${row.name} ${reg(f.rd, d.rd)}, 0x${(d.imm >>> 12).toString(16)}`;
    case Format.J:
      return `${row.name} ${reg(f.rd, d.rd)}, ${d.imm}`;
    case Format.Csr:
      return `${row.name} ${reg(f.rd, d.rd)}, 0x${d.imm.toString(16)}, ${f.rs1 ? reg("x", d.rs1) : d.rs1}`;
    case Format.Amo: case Format.Lr: {
      const suffix = (d.imm & 2 ? ".aq" : "") + (d.imm & 1 ? ".rl" : "");
      const src = row.format === Format.Amo ? `${reg("x", d.rs2)}, ` : "";
      return `${row.name}${suffix} ${reg("x", d.rd)}, ${src}(${reg("x", d.rs1)})`;
    }
    default:
      if (f.rd) parts.push(reg(f.rd, d.rd));
      if (f.rs1) parts.push(reg(f.rs1, d.rs1));
      if (f.rs2) parts.push(reg(f.rs2, d.rs2));
      if (row.format === Format.R4) parts.push(reg("f", d.imm & 31));
      if (row.format === Format.Shift5 || row.format === Format.Shift6) parts.push(String(d.imm));
      const rm = row.format === Format.R4 ? (d.imm >> 8) & 7 : d.imm & 7;
      if ((row.format === Format.Rrm || row.format === Format.R1rm || row.format === Format.R4) && rm !== 7) {
        parts.push(ROUNDING[rm] || `rm${rm}`);
      }
      return parts.length ? `${row.name} ${parts.join(", ")}` : row.name;
  }
}
