/**
 * The target description GDB reads (qXfer:features:read:target.xml): RV64
 * with the standard feature names GDB's RISC-V support looks for
 * (org.gnu.gdb.riscv.cpu and .fpu; for a system VM's harts also .csr and
 * .virtual, whose one register is the privilege level). Register numbers are
 * the remote protocol's: x0-x31 are 0-31, pc 32, f0-f31 33-64, then fflags,
 * frm, fcsr; then the CSRs of SYSTEM_CSRS in order, then priv.
 */

/** Remote register numbers. */
export const enum Reg {
  Pc = 32,
  F0 = 33,
  Fflags = 65,
  Frm = 66,
  Fcsr = 67,
  /** Registers of a process's thread. */
  Count = 68,
  /** The first CSR of a system VM's hart (SYSTEM_CSRS[0]). */
  FirstCsr = 68,
}

/** The CSRs a system VM's harts show to GDB: name and number (privileged spec, table 2.2-2.5). */
export const SYSTEM_CSRS: readonly (readonly [string, number])[] = [
  ["sstatus", 0x100], ["sie", 0x104], ["stvec", 0x105], ["scounteren", 0x106], ["senvcfg", 0x10a],
  ["sscratch", 0x140], ["sepc", 0x141], ["scause", 0x142], ["stval", 0x143], ["sip", 0x144], ["satp", 0x180],
  ["mstatus", 0x300], ["misa", 0x301], ["medeleg", 0x302], ["mideleg", 0x303], ["mie", 0x304], ["mtvec", 0x305],
  ["mcounteren", 0x306], ["menvcfg", 0x30a], ["mscratch", 0x340], ["mepc", 0x341], ["mcause", 0x342], ["mtval", 0x343],
  ["mip", 0x344], ["mcycle", 0xb00], ["minstret", 0xb02], ["cycle", 0xc00], ["time", 0xc01], ["instret", 0xc02],
  ["mvendorid", 0xf11], ["marchid", 0xf12], ["mimpid", 0xf13], ["mhartid", 0xf14],
];

/** The remote number of the privilege-level register (after the CSRs). */
export const PRIV_REG = Reg.FirstCsr + SYSTEM_CSRS.length;

const X_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
  "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"];
const F_NAMES = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
  "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"];

function reg(name: string, regnum: number, bits: number, type: string): string {
  return `<reg name="${name}" bitsize="${bits}" regnum="${regnum}" type="${type}"/>`;
}

/** target.xml for an RV64GC hart; with `system`, its CSRs and privilege level too. */
export function targetXml(system: boolean): string {
  const cpu = X_NAMES.map((n, i) => reg(n, i, 64, i === 1 ? "code_ptr" : i === 2 || i === 8 ? "data_ptr" : "int")).join("") +
    reg("pc", Reg.Pc, 64, "code_ptr");
  const fpu = '<union id="riscv_double"><field name="float" type="ieee_single"/><field name="double" type="ieee_double"/></union>' +
    F_NAMES.map((n, i) => reg(n, Reg.F0 + i, 64, "riscv_double")).join("") +
    reg("fflags", Reg.Fflags, 32, "int") + reg("frm", Reg.Frm, 32, "int") + reg("fcsr", Reg.Fcsr, 32, "int");
  return '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0">' +
    "<architecture>riscv:rv64</architecture><osabi>GNU/Linux</osabi>" +
    `<feature name="org.gnu.gdb.riscv.cpu">${cpu}</feature>` +
    `<feature name="org.gnu.gdb.riscv.fpu">${fpu}</feature>` +
    (system ? `<feature name="org.gnu.gdb.riscv.csr">${SYSTEM_CSRS.map(([n], i) => reg(n, Reg.FirstCsr + i, 64, "int")).join("")}</feature>` +
      `<feature name="org.gnu.gdb.riscv.virtual">${reg("priv", PRIV_REG, 64, "int")}</feature>` : "") +
    "</target>";
}
