/**
 * The hypervisor's virtual-machine loads and stores (privileged spec 1.12,
 * section 8.3.2): HLV, HLVX and HSV access memory from HS-mode (or M-mode,
 * or U-mode with hstatus.HU) as VS- or VU-mode would (hstatus.SPVP), through
 * both stages of translation. They are rare, so they run outside the
 * interpreter: the system VM performs them, walking the page tables without
 * the TLB.
 */
import { Op } from "../../../isa/riscv/table.js";
import { Access } from "../../../mem/mmu.js";
import { Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import type { PrivCsrs } from "./csr.js";
import { Hstatus } from "./hcsr.js";
import type { SvTranslator } from "./sv.js";

/** Bytes accessed and sign extension of each HLV/HLVX/HSV op, and whether it is HLVX (execute permission). */
const SHAPE: ReadonlyMap<Op, { size: number; signed: boolean; hlvx: boolean }> = new Map([
  [Op.HLV_B, { size: 1, signed: true, hlvx: false }], [Op.HLV_BU, { size: 1, signed: false, hlvx: false }],
  [Op.HLV_H, { size: 2, signed: true, hlvx: false }], [Op.HLV_HU, { size: 2, signed: false, hlvx: false }],
  [Op.HLVX_HU, { size: 2, signed: false, hlvx: true }], [Op.HLV_W, { size: 4, signed: true, hlvx: false }],
  [Op.HLVX_WU, { size: 4, signed: false, hlvx: true }], [Op.HLV_WU, { size: 4, signed: false, hlvx: false }],
  [Op.HLV_D, { size: 8, signed: false, hlvx: false }],
  [Op.HSV_B, { size: 1, signed: false, hlvx: false }], [Op.HSV_H, { size: 2, signed: false, hlvx: false }],
  [Op.HSV_W, { size: 4, signed: false, hlvx: false }], [Op.HSV_D, { size: 8, signed: false, hlvx: false }],
]);

/** Whether `op` is a hypervisor load or store. */
export function isHypervisorLoadStore(op: Op): boolean {
  return SHAPE.has(op);
}

/**
 * Throws the exception an H instruction (HLV/HSV/HFENCE) raises at hart h's
 * privilege, if any: a virtual instruction with V=1, an illegal instruction
 * in U-mode (HLV/HSV: unless hstatus.HU allows them).
 */
export function checkHypervisorInsn(h: Hart, c: PrivCsrs, loadStore: boolean): void {
  if (!c.hExtension) throw new Trap(Cause.IllegalInsn, 0, 0);
  if (h.virt) throw new Trap(Cause.VirtualInsn, 0, 0);
  if (h.priv === Priv.User && !(loadStore && (c.hyp.hstatus & Hstatus.HU) !== 0)) throw new Trap(Cause.IllegalInsn, 0, 0);
}

/**
 * Performs HLV/HLVX/HSV `op` (rd, rs1, rs2 as decoded) on hart h: the
 * address is x[rs1], translated with V=1 at the privilege hstatus.SPVP names.
 * A fault throws its Trap (tval a guest virtual address); a store writes
 * nothing unless every byte can be written.
 */
export function hypervisorLoadStore(h: Hart, c: PrivCsrs, sv: SvTranslator, op: Op, rd: number, rs1: number, rs2: number): void {
  checkHypervisorInsn(h, c, true);
  const shape = SHAPE.get(op)!;
  const priv = (c.hyp.hstatus & Hstatus.SPVP) !== 0 ? Priv.Supervisor : Priv.User;
  const store = op >= Op.HSV_B;
  const access = store ? Access.Write : Access.Read;
  const lo = h.xl[rs1], hi = h.xh[rs1];
  // Each byte's page (a host offset, or ioPage(pa) for a device) and offset, all translated before
  // anything is read or written.
  const pages: number[] = [], offs: number[] = [];
  for (let k = 0; k < shape.size; k++) {
    const a = (lo + k) | 0, ah = (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    pages.push(k === 0 || (a & 0xfff) === 0 ? sv.translateAs(a, ah, access, priv, true, shape.hlvx, false) : pages[k - 1]);
    offs.push(a & 0xfff);
  }
  const ram = h.mmu.ram, io = h.mmu.io!;
  if (pages[0] < 0) {
    // A device register: one naturally aligned access within the page.
    if (pages[shape.size - 1] !== pages[0] || (lo & (shape.size - 1)) !== 0) io.fault(access, lo, hi);
    const pa = -1 - pages[0] + offs[0];
    if (store) {
      if (shape.size === 8) { io.store(pa + 4, 4, h.xh[rs2], lo, hi); io.store(pa, 4, h.xl[rs2], lo, hi); }
      else io.store(pa, shape.size, h.xl[rs2], lo, hi);
      io.storeDone();
    } else if (shape.size === 8) setX(h, rd, io.load(pa, 4, lo, hi), io.load(pa + 4, 4, lo, hi));
    else setNarrow(h, rd, io.load(pa, shape.size, lo, hi), shape.size, shape.signed);
    return;
  }
  if (pages.some((p) => p < 0)) io.fault(access, lo, hi); // RAM and a device: no such access
  if (store) {
    const vlo = h.xl[rs2], vhi = h.xh[rs2];
    for (let k = 0; k < shape.size; k++) ram.u8[pages[k] + offs[k]] = ((k < 4 ? vlo : vhi) >>> (8 * (k & 3))) & 0xff;
    return;
  }
  let vlo = 0, vhi = 0;
  for (let k = 0; k < shape.size; k++) {
    const b = ram.u8[pages[k] + offs[k]];
    if (k < 4) vlo |= b << (8 * k);
    else vhi |= b << (8 * (k - 4));
  }
  if (shape.size === 8) setX(h, rd, vlo, vhi);
  else setNarrow(h, rd, vlo, shape.size, shape.signed);
}

/** The `size`-byte value v (1, 2 or 4 bytes) zero- or sign-extended to 32 bits. */
function extend(v: number, size: number, signed: boolean): number {
  const shift = 32 - 8 * size;
  return signed ? (v << shift) >> shift : shift === 0 ? v | 0 : v & ((1 << (8 * size)) - 1);
}

/** x[rd] = the `size`-byte value v (1, 2 or 4 bytes), zero- or sign-extended to 64 bits. */
function setNarrow(h: Hart, rd: number, v: number, size: number, signed: boolean): void {
  const lo = extend(v, size, signed);
  setX(h, rd, lo, signed && lo < 0 ? -1 : 0);
}

/** x[rd] = (lo, hi); x0 stays zero. */
function setX(h: Hart, rd: number, lo: number, hi: number): void {
  if (rd === 0) return;
  h.xl[rd] = lo | 0;
  h.xh[rd] = hi | 0;
}
