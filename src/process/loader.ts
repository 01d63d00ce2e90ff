/**
 * Loading a program into a fresh address space, as Linux's binfmt_elf does:
 * PT_LOAD segments mapped with their permissions, the dynamic loader named by
 * PT_INTERP loaded beside it (from the sysroot), a stack, and the initial stack
 * contents (argc, argv, envp, auxv) of the psABI "Process Initialization".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ElfError, parseElf, PFlag, PType, type ElfImage } from "./elf.js";
import { AddressSpace, pageUp } from "./address-space.js";
import { Prot } from "./vmas.js";
import { PAGE_SIZE } from "../mem/ram.js";

/** Layout of a process address space (Sv39-sized user space, as Linux on RISC-V gives). */
export const enum Layout {
  /** Top of the user address space (2^38). */
  TaskSize = 0x4000000000,
  /** Top of the main thread's stack. */
  StackTop = 0x3ffffff000,
  /** Size of the main thread's stack region. */
  StackSize = 8 * 1024 * 1024,
  /** mmap() allocates downwards from here. */
  MmapTop = 0x3fff000000,
  /** Lowest address mmap() hands out without a hint. */
  MmapFloor = 0x10000,
  /** Where a position-independent main program is placed (2/3 of the task size, as Linux). */
  PieBase = 0x2aaaaaa000,
}

/** Auxiliary vector keys (AT_*), from Linux's include/uapi/linux/auxvec.h. */
export const enum At {
  NULL = 0, PHDR = 3, PHENT = 4, PHNUM = 5, PAGESZ = 6, BASE = 7, FLAGS = 8, ENTRY = 9,
  UID = 11, EUID = 12, GID = 13, EGID = 14, PLATFORM = 15, HWCAP = 16, CLKTCK = 17,
  SECURE = 23, RANDOM = 25, HWCAP2 = 26, EXECFN = 31,
}

/** AT_HWCAP for RV64IMAFDC: one bit per single-letter extension ('a' = bit 0). */
export const HWCAP_RV64GC = ["i", "m", "a", "f", "d", "c"].reduce((m, c) => m | (1 << (c.charCodeAt(0) - 97)), 0);

/** Where the loaded program starts and what its stack looks like. */
export interface LoadedProgram {
  /** Initial pc (the interpreter's entry for dynamic programs). */
  entry: number;
  /** Initial sp (points at argc). */
  sp: number;
  /** Initial program break (end of the main program's data). */
  brk: number;
  /** Load bias of the main program and of the interpreter (0 if none). */
  bias: number;
  interpBias: number;
  /** Path of the interpreter on the host, if dynamic. */
  interpPath: string | undefined;
  /** The auxiliary vector as written on the stack (key/value pairs of 64-bit words, AT_NULL last). */
  auxv: Uint8Array;
}

/** What to run. */
export interface LoadOptions {
  /** Host path of the program. */
  path: string;
  argv: string[];
  envp: string[];
  /** Directory that holds the guest's libraries and dynamic loader, or undefined. */
  sysroot: string | undefined;
  /** 16 bytes for AT_RANDOM (random by default; fixed in tests). */
  random?: Uint8Array;
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" :
      code === "EISDIR" ? "is a directory" : String((e as Error).message);
    throw new ElfError(`${what}: ${why}`, code === "ENOENT");
  }
}

/** Maps the PT_LOAD segments of `elf` at `bias`; returns the end of the highest segment. */
function mapSegments(space: AddressSpace, elf: ElfImage, data: Uint8Array, bias: number, name: string): number {
  let prevEnd = 0, prevProt = 0, top = 0;
  const loads = elf.phdrs.filter((p) => p.type === PType.Load).sort((a, b) => a.vaddr - b.vaddr);
  for (const ph of loads) {
    const prot = (ph.flags & PFlag.R ? Prot.Read : 0) | (ph.flags & PFlag.W ? Prot.Write : 0) | (ph.flags & PFlag.X ? Prot.Exec : 0);
    let s = Math.floor((ph.vaddr + bias) / PAGE_SIZE) * PAGE_SIZE;
    const e = pageUp(ph.vaddr + bias + ph.memsz);
    if (s < prevEnd) {
      // The segment shares its first page(s) with the previous one: that page gets both permissions.
      space.protect(s, Math.min(prevEnd, e) - s, prevProt | prot);
      s = prevEnd;
    }
    if (e > s) space.map(s, e - s, prot, name);
    space.write(ph.vaddr + bias, data.subarray(ph.offset, ph.offset + ph.filesz), true);
    prevEnd = Math.max(prevEnd, e); prevProt = prot;
    top = Math.max(top, ph.vaddr + bias + ph.memsz);
  }
  return top;
}

/** Span of the PT_LOAD segments (lowest page, size), for placing a PIE object. */
function span(elf: ElfImage): { low: number; size: number } {
  const loads = elf.phdrs.filter((p) => p.type === PType.Load);
  const low = Math.min(...loads.map((p) => Math.floor(p.vaddr / PAGE_SIZE) * PAGE_SIZE));
  const high = Math.max(...loads.map((p) => p.vaddr + p.memsz));
  return { low, size: pageUp(high - low) };
}

/** Loads the program described by `opts` into `space` and builds its initial stack. */
export function loadProgram(space: AddressSpace, opts: LoadOptions): LoadedProgram {
  const data = readFile(opts.path, opts.path);
  const elf = parseElf(data, opts.path);
  if (elf.type === 3 && elf.interp === undefined && elf.phdrs.some((p) => p.type === PType.Dynamic) && elf.entry === 0) {
    throw new ElfError(`${opts.path}: a shared library, not a program`);
  }
  const { low } = span(elf);
  const bias = elf.type === 3 ? Layout.PieBase - low : 0;
  const end = mapSegments(space, elf, data, bias, opts.path);
  const brk = pageUp(end);

  let interpBias = 0, entry = elf.entry + bias, interpPath: string | undefined;
  if (elf.interp !== undefined) {
    interpPath = opts.sysroot !== undefined ? join(opts.sysroot, elf.interp) : elf.interp;
    const idata = readFile(interpPath, `${opts.path}: dynamic loader ${interpPath}` +
      (opts.sysroot === undefined ? " (no --sysroot given)" : ""));
    const ielf = parseElf(idata, interpPath);
    const is = span(ielf);
    const at = space.findFree(is.size, Layout.MmapFloor, Layout.MmapTop);
    if (at < 0) throw new ElfError(`${interpPath}: no room to load the dynamic loader`);
    interpBias = at - is.low;
    mapSegments(space, ielf, idata, interpBias, interpPath);
    entry = ielf.entry + interpBias;
  }

  space.map(Layout.StackTop - Layout.StackSize, Layout.StackSize, Prot.Read | Prot.Write, "[stack]");
  const phdrSeg = elf.phdrs.find((p) => p.type === PType.Phdr);
  const firstLoad = elf.phdrs.filter((p) => p.type === PType.Load).sort((a, b) => a.offset - b.offset)[0];
  const phdrAddr = phdrSeg ? phdrSeg.vaddr + bias : firstLoad.vaddr - firstLoad.offset + elf.phoff + bias;
  const random = opts.random ?? crypto.getRandomValues(new Uint8Array(16));
  const { sp, auxv } = buildStack(space, opts, [
    [At.PHDR, phdrAddr], [At.PHENT, elf.phentsize], [At.PHNUM, elf.phnum], [At.PAGESZ, PAGE_SIZE],
    [At.BASE, interpBias], [At.FLAGS, 0], [At.ENTRY, elf.entry + bias], [At.UID, uid()], [At.EUID, uid()],
    [At.GID, gid()], [At.EGID, gid()], [At.HWCAP, HWCAP_RV64GC], [At.CLKTCK, 100], [At.SECURE, 0],
    [At.HWCAP2, 0],
  ], random);
  return { entry, sp, brk, bias, interpBias, interpPath, auxv };
}

function uid(): number {
  return process.getuid?.() ?? 0;
}

function gid(): number {
  return process.getgid?.() ?? 0;
}

/** Writes strings, AT_RANDOM bytes, auxv, envp, argv and argc below Layout.StackTop; returns sp and the auxv's bytes. */
function buildStack(space: AddressSpace, opts: LoadOptions, aux: [number, number][], random: Uint8Array): { sp: number; auxv: Uint8Array } {
  let top = Layout.StackTop;
  const push = (bytes: Uint8Array): number => {
    top -= bytes.length;
    space.write(top, bytes);
    return top;
  };
  const cstr = (s: string) => Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);
  const execfn = push(cstr(opts.argv[0] ?? opts.path));
  const envPtrs = opts.envp.map((s) => push(cstr(s)));
  const argPtrs = opts.argv.map((s) => push(cstr(s)));
  top -= top % 16;
  const randomAddr = push(random);
  const auxv: number[] = [];
  for (const [k, v] of aux) auxv.push(k, v);
  auxv.push(At.RANDOM, randomAddr, At.EXECFN, execfn, At.NULL, 0);
  const words = [opts.argv.length, ...argPtrs, 0, ...envPtrs, 0, ...auxv];
  top -= words.length * 8;
  top -= top % 16;
  const buf = new DataView(new ArrayBuffer(words.length * 8));
  words.forEach((w, i) => buf.setBigUint64(i * 8, BigInt(w), true));
  const bytes = new Uint8Array(buf.buffer);
  space.write(top, bytes);
  return { sp: top, auxv: bytes.slice((words.length - auxv.length) * 8) };
}
