/**
 * Loading a bare-metal ELF into a board's RAM: every PT_LOAD segment at its
 * physical address (p_paddr), and the `tohost`/`fromhost` symbols if the
 * file has them (HTIF). Field layouts from the System V gABI ("ELF Header",
 * "Program Header", "Section Header", "Symbol Table").
 */
import type { Ram } from "../mem/ram.js";

/** A kernel image that cannot be loaded; the message is one line for the user. */
export class BootError extends Error {
  override name = "BootError";
}

/** What the loader found. */
export interface BareMetalImage {
  entry: number;
  /** The lowest and just past the highest physical address the segments occupy. */
  low: number;
  high: number;
  /** Physical addresses of the HTIF words, when the file defines them. */
  tohost: number | undefined;
  fromhost: number | undefined;
}

const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;

/** Parses `data` (named `what` in errors) and copies its segments into `ram`, which starts at physical `ramBase`. */
export function loadBareMetalElf(data: Uint8Array, what: string, ram: Ram, ramBase: number): BareMetalImage {
  if (!isElf(data)) {
    throw new BootError(`${what}: not an ELF file (--bios none wants a RISC-V ELF executable)`);
  }
  if (data.length < 64 || data[4] !== 2 || data[5] !== 1) throw new BootError(`${what}: not a 64-bit little-endian ELF file`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u64 = (o: number) => Number(v.getBigUint64(o, true));
  const machine = v.getUint16(18, true);
  if (machine !== EM_RISCV) throw new BootError(`${what}: ELF for machine ${machine}, not RISC-V`);
  const entry = u64(24), phoff = u64(32), shoff = u64(40);
  const phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  const shentsize = v.getUint16(58, true), shnum = v.getUint16(60, true);
  if (phnum === 0 || phentsize < 56 || phoff + phnum * phentsize > data.length) {
    throw new BootError(`${what}: truncated or malformed program headers`);
  }
  let loaded = 0, low = Infinity, high = 0;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (v.getUint32(o, true) !== PT_LOAD) continue;
    const offset = u64(o + 8), paddr = u64(o + 24), filesz = u64(o + 32), memsz = u64(o + 40);
    if (memsz === 0) continue;
    if (offset + filesz > data.length) throw new BootError(`${what}: truncated ELF file (segment ${i})`);
    const start = paddr - ramBase;
    if (start < 0 || start + memsz > ram.size) {
      throw new BootError(`${what}: segment ${i} at 0x${paddr.toString(16)}..0x${(paddr + memsz).toString(16)} is outside RAM ` +
        `(0x${ramBase.toString(16)}..0x${(ramBase + ram.size).toString(16)}; try a larger --memory)`);
    }
    ram.u8.set(data.subarray(offset, offset + filesz), start);
    ram.u8.fill(0, start + filesz, start + memsz);
    loaded++;
    low = Math.min(low, paddr);
    high = Math.max(high, paddr + memsz);
  }
  if (loaded === 0) throw new BootError(`${what}: ELF has no loadable segments`);
  if (entry < ramBase || entry >= ramBase + ram.size) {
    throw new BootError(`${what}: entry point 0x${entry.toString(16)} is outside RAM`);
  }
  const syms = shoff > 0 && shentsize >= 64 && shoff + shnum * shentsize <= data.length
    ? findSymbols(v, shoff, shentsize, shnum, ["tohost", "fromhost"]) : new Map<string, number>();
  return { entry, low, high, tohost: syms.get("tohost"), fromhost: syms.get("fromhost") };
}

/** Whether `data` starts with the ELF magic number. */
export function isElf(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

/** Values of the named symbols in the first symbol table. */
function findSymbols(v: DataView, shoff: number, shentsize: number, shnum: number, names: string[]): Map<string, number> {
  const found = new Map<string, number>();
  const u64 = (o: number) => Number(v.getBigUint64(o, true));
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (v.getUint32(sh + 4, true) !== SHT_SYMTAB) continue;
    const off = u64(sh + 24), size = u64(sh + 32), link = v.getUint32(sh + 40, true), entsize = u64(sh + 56) || 24;
    if (link >= shnum || off + size > v.byteLength) return found;
    const strSh = shoff + link * shentsize;
    const strOff = u64(strSh + 24), strSize = u64(strSh + 32);
    if (strOff + strSize > v.byteLength) return found;
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    for (let s = off; s + 24 <= off + size; s += entsize) {
      const nameOff = v.getUint32(s, true);
      if (nameOff >= strSize) continue;
      const start = strOff + nameOff;
      let end = start;
      while (end < strOff + strSize && bytes[end] !== 0) end++;
      const name = Buffer.from(bytes.subarray(start, end)).toString("latin1");
      if (names.includes(name) && !found.has(name)) found.set(name, u64(s + 8));
    }
    return found;
  }
  return found;
}
