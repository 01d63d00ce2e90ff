/**
 * The target description GDB reads (qXfer:features:read:target.xml): RV64
 * with the standard feature names GDB's RISC-V support looks for
 * (org.gnu.gdb.riscv.cpu and .fpu). Register numbers are the remote
 * protocol's: x0-x31 are 0-31, pc 32, f0-f31 33-64, then fflags, frm, fcsr.
 */

/** Remote register numbers. */
export const enum Reg {
  Pc = 32,
  F0 = 33,
  Fflags = 65,
  Frm = 66,
  Fcsr = 67,
  Count = 68,
}

const X_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
  "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"];
const F_NAMES = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
  "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"];

function reg(name: string, regnum: number, bits: number, type: string): string {
  return `<reg name="${name}" bitsize="${bits}" regnum="${regnum}" type="${type}"/>`;
}

/** target.xml for an RV64GC hart. */
export function targetXml(): string {
  const cpu = X_NAMES.map((n, i) => reg(n, i, 64, i === 1 ? "code_ptr" : i === 2 || i === 8 ? "data_ptr" : "int")).join("") +
    reg("pc", Reg.Pc, 64, "code_ptr");
  const fpu = '<union id="riscv_double"><field name="float" type="ieee_single"/><field name="double" type="ieee_double"/></union>' +
    F_NAMES.map((n, i) => reg(n, Reg.F0 + i, 64, "riscv_double")).join("") +
    reg("fflags", Reg.Fflags, 32, "int") + reg("frm", Reg.Frm, 32, "int") + reg("fcsr", Reg.Fcsr, 32, "int");
  return '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0">' +
    "<architecture>riscv:rv64</architecture><osabi>GNU/Linux</osabi>" +
    `<feature name="org.gnu.gdb.riscv.cpu">${cpu}</feature>` +
    `<feature name="org.gnu.gdb.riscv.fpu">${fpu}</feature></target>`;
}
