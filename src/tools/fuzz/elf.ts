/**
 * A writer for minimal static RISC-V ELF64 executables: one PT_LOAD segment per
 * given segment, plus a small section table (one section per segment and a
 * .shstrtab) so that objdump and readelf can show the result. Layout follows the
 * System V gABI and the RISC-V ELF psABI (EM_RISCV, e_flags bits).
 */

/** e_machine for RISC-V. */
export const EM_RISCV = 243;
/** e_flags: the code may contain compressed instructions. */
export const EF_RISCV_RVC = 0x1;
/** e_flags: double-precision hard-float ABI. */
export const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;

/** Segment permissions (p_flags bits). */
export const enum SegFlag {
  /** PF_X: executable */
  X = 1,
  /** PF_W: writable */
  W = 2,
  /** PF_R: readable */
  R = 4,
}

/** One loadable segment. */
export interface Segment {
  /** Section name shown by tools, e.g. ".text". */
  readonly name: string;
  /** Virtual address; must be page-aligned (4 KiB). */
  readonly vaddr: number;
  readonly data: Uint8Array;
  /** Bytes of zeros after `data` in memory (p_memsz - p_filesz). */
  readonly bssSize?: number;
  /** SegFlag bits. */
  readonly flags: number;
}

/** Description of the executable to write. */
export interface ElfImage {
  readonly entry: number;
  readonly segments: readonly Segment[];
  /** Defaults to RVC | double-float ABI. */
  readonly eFlags?: number;
}

const PAGE = 0x1000;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const PT_LOAD = 1;
const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** Thrown for images that cannot be laid out (unaligned or overlapping segments). */
export class ElfLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ElfLayoutError";
  }
}

/** Serialises `image` as an ET_EXEC ELF64 little-endian file. */
export function writeElf(image: ElfImage): Uint8Array {
  const segs = image.segments;
  const phoff = EHDR_SIZE;
  // Each segment's bytes start on a page boundary in the file so that
  // p_offset and p_vaddr agree modulo the page size.
  const offsets: number[] = [];
  let pos = alignUp(phoff + PHDR_SIZE * segs.length, PAGE);
  let lastEnd = 0;
  for (const s of segs) {
    if (s.vaddr % PAGE !== 0) throw new ElfLayoutError(`segment ${s.name} at 0x${s.vaddr.toString(16)} is not page-aligned`);
    if (s.vaddr < lastEnd) throw new ElfLayoutError(`segment ${s.name} overlaps or precedes the previous one`);
    lastEnd = s.vaddr + s.data.length + (s.bssSize ?? 0);
    offsets.push(pos);
    pos = alignUp(pos + s.data.length, PAGE);
  }
  const names = ["", ...segs.map((s) => s.name), ".shstrtab"];
  const nameOff: number[] = [];
  let strtab = "";
  for (const n of names) {
    nameOff.push(strtab.length);
    strtab += n + "\0";
  }
  const strtabOff = pos;
  const shoff = alignUp(strtabOff + strtab.length, 8);
  const shnum = names.length;
  const total = shoff + SHDR_SIZE * shnum;

  const buf = new Uint8Array(total);
  const v = new DataView(buf.buffer);
  const u16 = (o: number, x: number) => v.setUint16(o, x, true);
  const u32 = (o: number, x: number) => v.setUint32(o, x, true);
  const u64 = (o: number, x: number) => v.setBigUint64(o, BigInt(x), true);

  // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV.
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  u16(16, 2); // ET_EXEC
  u16(18, EM_RISCV);
  u32(20, 1); // e_version
  u64(24, image.entry);
  u64(32, phoff);
  u64(40, shoff);
  u32(48, image.eFlags ?? (EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE));
  u16(52, EHDR_SIZE);
  u16(54, PHDR_SIZE);
  u16(56, segs.length);
  u16(58, SHDR_SIZE);
  u16(60, shnum);
  u16(62, shnum - 1); // e_shstrndx

  segs.forEach((s, i) => {
    const p = phoff + i * PHDR_SIZE;
    u32(p, PT_LOAD);
    u32(p + 4, s.flags);
    u64(p + 8, offsets[i]);
    u64(p + 16, s.vaddr);
    u64(p + 24, s.vaddr); // p_paddr
    u64(p + 32, s.data.length);
    u64(p + 40, s.data.length + (s.bssSize ?? 0));
    u64(p + 48, PAGE);
    buf.set(s.data, offsets[i]);
  });
  for (let i = 0; i < strtab.length; i++) buf[strtabOff + i] = strtab.charCodeAt(i);

  // Section headers: index 0 is the null section.
  segs.forEach((s, i) => {
    const h = shoff + (i + 1) * SHDR_SIZE;
    u32(h, nameOff[i + 1]);
    u32(h + 4, SHT_PROGBITS);
    u64(h + 8, SHF_ALLOC | (s.flags & SegFlag.W ? SHF_WRITE : 0) | (s.flags & SegFlag.X ? SHF_EXECINSTR : 0));
    u64(h + 16, s.vaddr);
    u64(h + 24, offsets[i]);
    u64(h + 32, s.data.length);
    u64(h + 48, s.flags & SegFlag.X ? 2 : 8); // sh_addralign
  });
  const sh = shoff + (shnum - 1) * SHDR_SIZE;
  u32(sh, nameOff[shnum - 1]);
  u32(sh + 4, SHT_STRTAB);
  u64(sh + 24, strtabOff);
  u64(sh + 32, strtab.length);
  u64(sh + 48, 1);
  return buf;
}
