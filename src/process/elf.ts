/**
 * ELF64 parsing for the process VM: just what loading needs (header, program
 * headers, PT_INTERP), with a clear one-line error for anything that is not a
 * 64-bit little-endian RISC-V executable. Field layouts are those of the
 * System V ABI (gABI) "ELF Header" and "Program Header" chapters.
 */

/** A file that cannot be run: not ELF, wrong class or machine, truncated. */
export class ElfError extends Error {
  override name = "ElfError";
  /** True when the file does not exist (a shell's exit status 127 rather than 126). */
  constructor(message: string, readonly notFound = false) {
    super(message);
  }
}

/** Program header types used here. */
export const enum PType {
  Load = 1,
  Dynamic = 2,
  Interp = 3,
  Phdr = 6,
  GnuStack = 0x6474e551,
}

/** Segment permission flags (p_flags). */
export const enum PFlag {
  X = 1,
  W = 2,
  R = 4,
}

/** One program header, with 64-bit fields as numbers (all well below 2^53 in practice). */
export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

/** What the loader needs from an ELF file. */
export interface ElfImage {
  /** ET_EXEC (2) or ET_DYN (3, PIE executables and shared objects). */
  type: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  /** Path of the dynamic loader named by PT_INTERP, if any. */
  interp: string | undefined;
  /** e_flags (RVC, float ABI). */
  flags: number;
}

/** ELF machine numbers we can name in error messages. */
const MACHINES: Record<number, string> = {
  3: "x86 (i386)", 8: "MIPS", 20: "PowerPC", 21: "PowerPC64", 22: "s390", 40: "ARM", 62: "x86-64",
  183: "AArch64", 243: "RISC-V", 258: "LoongArch",
};

/** EM_RISCV */
export const EM_RISCV = 243;

function u64(v: DataView, off: number): number {
  return Number(v.getBigUint64(off, true));
}

/** Parses and validates `data` as a 64-bit RISC-V ELF; `what` names the file in errors. */
export function parseElf(data: Uint8Array, what: string): ElfImage {
  if (data.length < 4 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    throw new ElfError(`${what}: not an ELF executable`);
  }
  if (data.length < 64) throw new ElfError(`${what}: truncated ELF file (${data.length} bytes, header needs 64)`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const cls = data[4], enc = data[5];
  const machine32 = v.getUint16(18, enc !== 2);
  if (cls === 1) {
    const m = MACHINES[machine32] ?? `machine ${machine32}`;
    throw new ElfError(`${what}: 32-bit ${m} ELF; typevisor runs 64-bit RISC-V (RV64) programs`);
  }
  if (cls !== 2) throw new ElfError(`${what}: invalid ELF class ${cls}`);
  if (enc !== 1) throw new ElfError(`${what}: big-endian ELF; RISC-V programs are little-endian`);
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  if (machine !== EM_RISCV) {
    const m = MACHINES[machine] ?? `machine ${machine}`;
    throw new ElfError(`${what}: ELF for ${m}, not RISC-V; typevisor runs RISC-V (RV64) programs`);
  }
  if (type !== 2 && type !== 3) throw new ElfError(`${what}: ELF type ${type} is not an executable or shared object`);
  const entry = u64(v, 24), phoff = u64(v, 32), flags = v.getUint32(48, true);
  const phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  if (phnum === 0) throw new ElfError(`${what}: ELF has no program headers`);
  if (phentsize < 56) throw new ElfError(`${what}: bad program header size ${phentsize}`);
  if (phoff + phnum * phentsize > data.length) {
    throw new ElfError(`${what}: truncated ELF file (program headers end at ${phoff + phnum * phentsize}, file has ${data.length} bytes)`);
  }
  const phdrs: ProgramHeader[] = [];
  let interp: string | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const ph: ProgramHeader = {
      type: v.getUint32(o, true), flags: v.getUint32(o + 4, true), offset: u64(v, o + 8),
      vaddr: u64(v, o + 16), filesz: u64(v, o + 32), memsz: u64(v, o + 40), align: u64(v, o + 48),
    };
    if ((ph.type === PType.Load || ph.type === PType.Interp) && ph.offset + ph.filesz > data.length) {
      throw new ElfError(`${what}: truncated ELF file (segment ${i} ends at ${ph.offset + ph.filesz}, file has ${data.length} bytes)`);
    }
    if (ph.type === PType.Load && ph.filesz > ph.memsz) throw new ElfError(`${what}: segment ${i} has filesz > memsz`);
    if (ph.type === PType.Interp) {
      const bytes = data.subarray(ph.offset, ph.offset + ph.filesz);
      const nul = bytes.indexOf(0);
      interp = Buffer.from(nul >= 0 ? bytes.subarray(0, nul) : bytes).toString("utf8");
    }
    phdrs.push(ph);
  }
  if (!phdrs.some((p) => p.type === PType.Load)) throw new ElfError(`${what}: ELF has no loadable segments`);
  return { type, entry, phoff, phentsize, phnum, phdrs, interp, flags };
}
