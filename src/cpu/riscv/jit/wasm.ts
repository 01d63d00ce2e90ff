/**
 * A minimal WebAssembly binary writer: just what the translating tier emits.
 * Instructions are appended to a CodeWriter as bytes (opcodes from the
 * WebAssembly core specification, section 5); batchModuleBytes() wraps
 * function bodies into a module that imports the shared memory, the shared
 * function table and the helpers.
 */

/** Value types (core spec 5.3.1). */
export const enum T {
  I32 = 0x7f,
  I64 = 0x7e,
  F64 = 0x7c,
  /** The empty block type. */
  Void = 0x40,
}

/** Opcodes used by the tier (core spec 5.4). */
export const enum W {
  Unreachable = 0x00, Block = 0x02, Loop = 0x03, If = 0x04, Else = 0x05, End = 0x0b,
  Br = 0x0c, BrIf = 0x0d, BrTable = 0x0e, Return = 0x0f, Call = 0x10, CallIndirect = 0x11, Drop = 0x1a, Select = 0x1b,
  LocalGet = 0x20, LocalSet = 0x21, LocalTee = 0x22,
  I32Load = 0x28, I64Load = 0x29, I64Load8S = 0x30, I64Load8U = 0x31, I64Load16S = 0x32, I64Load16U = 0x33,
  I64Load32S = 0x34, I64Load32U = 0x35,
  I32Store = 0x36, I64Store = 0x37, I64Store8 = 0x3c, I64Store16 = 0x3d, I64Store32 = 0x3e,
  I32Const = 0x41, I64Const = 0x42,
  I32Eqz = 0x45, I32Eq = 0x46, I32Ne = 0x47, I32LtU = 0x49, I32GeU = 0x4f,
  I64Eqz = 0x50, I64Eq = 0x51, I64Ne = 0x52, I64LtS = 0x53, I64LtU = 0x54, I64GeS = 0x59, I64GeU = 0x5a,
  I32Add = 0x6a, I32Sub = 0x6b, I32Mul = 0x6c, I32DivS = 0x6d, I32DivU = 0x6e, I32RemS = 0x6f, I32RemU = 0x70,
  I32And = 0x71, I32Or = 0x72, I32Xor = 0x73, I32Shl = 0x74, I32ShrS = 0x75, I32ShrU = 0x76,
  I64Add = 0x7c, I64Sub = 0x7d, I64Mul = 0x7e, I64DivS = 0x7f, I64DivU = 0x80, I64RemS = 0x81, I64RemU = 0x82,
  I64And = 0x83, I64Or = 0x84, I64Xor = 0x85, I64Shl = 0x86, I64ShrS = 0x87, I64ShrU = 0x88,
  I32WrapI64 = 0xa7, I64ExtendI32S = 0xac, I64ExtendI32U = 0xad,
  I64Extend8S = 0xc2, I64Extend16S = 0xc3, I64Extend32S = 0xc4,
}

/** Appends bytes of one function body. */
export class CodeWriter {
  private buf: Uint8Array<ArrayBuffer>;
  /** Bytes written. */
  length = 0;

  /** A writer whose first buffer holds `capacity` bytes. */
  constructor(capacity = 4096) {
    this.buf = new Uint8Array(new ArrayBuffer(Math.max(16, capacity)));
  }

  /** Appends `b`. */
  append(b: Uint8Array): this {
    while (this.length + b.length > this.buf.length) this.grow();
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  private grow(): void {
    const n = new Uint8Array(new ArrayBuffer(this.buf.length * 2));
    n.set(this.buf);
    this.buf = n;
  }

  /** Appends one byte. */
  byte(b: number): this {
    if (this.length === this.buf.length) this.grow();
    this.buf[this.length++] = b;
    return this;
  }

  /** Appends an opcode. */
  op(o: W): this {
    return this.byte(o);
  }

  /** Appends an unsigned LEB128 number (below 2^32). */
  u32(v: number): this {
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  /** Appends a signed LEB128 number. */
  s64(v: bigint): this {
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /** Appends a signed LEB128 number from an int32. */
  s32(v: number): this {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /** i32.const v. */
  i32(v: number): this {
    return this.op(W.I32Const).s32(v);
  }

  /** i64.const v (v taken as a signed 64-bit value). */
  i64(v: bigint): this {
    return this.op(W.I64Const).s64(BigInt.asIntN(64, v));
  }

  /** local.get n. */
  get(n: number): this {
    return this.op(W.LocalGet).u32(n);
  }

  /** local.set n. */
  set(n: number): this {
    return this.op(W.LocalSet).u32(n);
  }

  /** A load or store with alignment log2 `align` and constant offset. */
  mem(o: W, align: number, offset: number): this {
    return this.op(o).u32(align).u32(offset);
  }

  /** The bytes written so far. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }
}

/** A function type: parameter and result types. */
export interface FuncType {
  params: T[];
  results: T[];
}

/** An imported function: module "e", field `name`. */
export interface FuncImport {
  name: string;
  type: FuncType;
}

/** Appends a section: id, then the body's size and bytes. */
function section(out: CodeWriter, id: number, body: CodeWriter): void {
  out.byte(id).u32(body.length).append(body.bytes());
}

function name(out: CodeWriter, s: string): void {
  out.u32(s.length);
  for (let i = 0; i < s.length; i++) out.byte(s.charCodeAt(i));
}

function funcType(out: CodeWriter, t: FuncType): void {
  out.byte(0x60).u32(t.params.length);
  for (const p of t.params) out.byte(p);
  out.u32(t.results.length);
  for (const r of t.results) out.byte(r);
}

const MAGIC_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function header(out: CodeWriter): void {
  for (const b of MAGIC_VERSION) out.byte(b);
}

/** Imports a function table as table 0: module "e", field "tbl", funcref, at least `min` entries. */
function importTable(imp: CodeWriter, min: number): void {
  name(imp, "e"); name(imp, "tbl"); imp.byte(0x01).byte(0x70).byte(0x00).u32(min);
}

/**
 * A module of `bodies.length` functions of type `type` (each with the same
 * extra `locals`; bodies without their final end), exported as "0", "1"...
 * It imports memory "e"."mem" (`pages` 64 KiB pages, never grown) and the
 * functions `imports`, numbered 0.. in order. (Not the function table: V8
 * updates every instance that imports a table whenever the table changes.)
 */
export function batchModuleBytes(type: FuncType, imports: readonly FuncImport[], locals: [number, T][],
  bodies: readonly Uint8Array[], pages: number): Uint8Array<ArrayBuffer> {
  let size = 256;
  for (const b of bodies) size += b.length + 16;
  const out = new CodeWriter(size);
  header(out);
  const types = new CodeWriter(64).u32(imports.length + 1);
  for (const im of imports) funcType(types, im.type);
  funcType(types, type);
  section(out, 1, types);
  const imp = new CodeWriter(64).u32(imports.length + 1);
  name(imp, "e"); name(imp, "mem"); imp.byte(0x02).byte(0x01).u32(pages).u32(pages);
  imports.forEach((im, i) => { name(imp, "e"); name(imp, im.name); imp.byte(0x00).u32(i); });
  section(out, 2, imp);
  const fns = new CodeWriter(8 + bodies.length).u32(bodies.length);
  for (let i = 0; i < bodies.length; i++) fns.u32(imports.length);
  section(out, 3, fns);
  const exp = new CodeWriter(16 + bodies.length * 6).u32(bodies.length);
  for (let i = 0; i < bodies.length; i++) { name(exp, String(i)); exp.byte(0x00).u32(imports.length + i); }
  section(out, 7, exp);
  const code = new CodeWriter(size).u32(bodies.length);
  for (const body of bodies) {
    const f = new CodeWriter(body.length + 32).u32(locals.length);
    for (const [count, t] of locals) f.u32(count).byte(t);
    f.append(body).op(W.End);
    code.u32(f.length).append(f.bytes());
  }
  section(out, 10, code);
  return out.bytes();
}

/**
 * The trampoline module: one exported function "call" taking a table index
 * and then the parameters of `type`, which calls table entry `index` with
 * them (call_indirect). Host code enters translated code only through it, so
 * V8 optimizes one JS-to-WebAssembly call site instead of one per region.
 */
export function trampolineBytes(type: FuncType): Uint8Array<ArrayBuffer> {
  const out = new CodeWriter(128);
  header(out);
  const types = new CodeWriter(32).u32(2);
  funcType(types, type);
  funcType(types, { params: [T.I32, ...type.params], results: type.results });
  section(out, 1, types);
  const imp = new CodeWriter(16).u32(1);
  importTable(imp, 0);
  section(out, 2, imp);
  section(out, 3, new CodeWriter(8).u32(1).u32(1));
  const exp = new CodeWriter(16).u32(1);
  name(exp, "call"); exp.byte(0x00).u32(0);
  section(out, 7, exp);
  const f = new CodeWriter(32).u32(0);
  for (let i = 0; i < type.params.length; i++) f.get(i + 1);
  f.get(0).op(W.CallIndirect).u32(0).u32(0).op(W.End);
  section(out, 10, new CodeWriter(f.length + 8).u32(1).u32(f.length).append(f.bytes()));
  return out.bytes();
}
