/**
 * A writer for flattened device trees (the "DTB" format of the Devicetree
 * Specification v0.4, chapter 5): a small tree API (nodes holding properties)
 * and `toBlob()`, which lays out the header, the memory reservation block, the
 * structure block and the strings block. All values are big-endian; the
 * structure block is made of 32-bit tokens with every item padded to 4 bytes.
 */

/** Strings in the blob are UTF-8. */
const UTF8 = new TextEncoder();

/** Structure block tokens (spec 5.4.1). */
const enum Token {
  /** Start of a node, followed by its NUL-terminated name padded to 4 bytes */
  BeginNode = 1,
  /** End of a node */
  EndNode = 2,
  /** A property: value length, name offset in the strings block, value padded to 4 bytes */
  Prop = 3,
  /** Ignored */
  Nop = 4,
  /** End of the structure block */
  End = 9,
}

/** The blob's magic number (spec 5.2). */
export const FDT_MAGIC = 0xd00dfeed;
/** Version written, and the oldest version it is backwards compatible with (spec 5.2). */
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
/** Size of the version 17 header. */
const HEADER_SIZE = 40;

/** A device tree that cannot be built (a programming error in the caller). */
export class FdtError extends Error {
  override name = "FdtError";
}

/** A node name: node-name[@unit-address] with the characters of spec table 2.1 (the root's is empty). */
const NODE_NAME = /^[A-Za-z0-9,._+-]{1,31}(@[A-Za-z0-9,._+-]+)?$/;
/** A property name: the characters of spec table 2.2, 1 to 31 of them. */
const PROP_NAME = /^[A-Za-z0-9,._+?#-]{1,31}$/;

/** One node: its properties in the order they were set, then its children in the order they were added. */
export class FdtNode {
  readonly props = new Map<string, Uint8Array>();
  readonly children: FdtNode[] = [];
  private handle = 0;

  constructor(readonly name: string, private readonly tree: Fdt) {
    if (name !== "" && !NODE_NAME.test(name)) throw new FdtError(`bad device tree node name '${name}'`);
  }

  /** Adds a child node (names must be unique among siblings) and returns it. */
  node(name: string): FdtNode {
    if (this.children.some((c) => c.name === name)) throw new FdtError(`duplicate device tree node '${name}'`);
    const n = new FdtNode(name, this.tree);
    this.children.push(n);
    return n;
  }

  /** The child called `name`, if any. */
  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** Sets a property to raw bytes (replacing an earlier value). */
  bytes(name: string, value: Uint8Array): this {
    if (!PROP_NAME.test(name)) throw new FdtError(`bad device tree property name '${name}'`);
    this.props.set(name, value);
    return this;
  }

  /** A property with no value (a boolean that is true when present). */
  empty(name: string): this {
    return this.bytes(name, new Uint8Array(0));
  }

  /** One or more 32-bit cells. */
  u32(name: string, ...cells: number[]): this {
    const b = new Uint8Array(cells.length * 4);
    const v = new DataView(b.buffer);
    cells.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c > 0xffff_ffff) throw new FdtError(`property ${name}: ${c} is not a 32-bit cell`);
      v.setUint32(i * 4, c);
    });
    return this.bytes(name, b);
  }

  /** One or more 64-bit values, each as two cells (high, low). */
  u64(name: string, ...values: (number | bigint)[]): this {
    const b = new Uint8Array(values.length * 8);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => {
      const n = BigInt(x);
      if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new FdtError(`property ${name}: ${x} is not a 64-bit value`);
      v.setBigUint64(i * 8, n);
    });
    return this.bytes(name, b);
  }

  /** A NUL-terminated string. */
  string(name: string, s: string): this {
    return this.strings(name, s);
  }

  /** A string list: each string NUL-terminated, one after the other. */
  strings(name: string, ...list: string[]): this {
    for (const s of list) if (s.includes("\0")) throw new FdtError(`property ${name}: a string contains NUL`);
    return this.bytes(name, UTF8.encode(list.map((s) => s + "\0").join("")));
  }

  /** This node's phandle, giving it one (the `phandle` property) the first time it is asked for. */
  phandle(): number {
    if (this.handle === 0) {
      this.handle = this.tree.allocatePhandle();
      this.u32("phandle", this.handle);
    }
    return this.handle;
  }
}

/** A memory reservation (spec 5.3): physical memory the client program must not use. */
export interface FdtReservation {
  address: number | bigint;
  size: number | bigint;
}

/** A whole device tree: the root node, the memory reservations and the boot CPU. */
export class Fdt {
  readonly root: FdtNode = new FdtNode("", this);
  readonly reservations: FdtReservation[] = [];
  /** The physical id of the boot CPU (the header's boot_cpuid_phys). */
  bootCpuId = 0;
  private lastPhandle = 0;

  /** A new phandle, unique in this tree (never 0 or 0xffffffff). */
  allocatePhandle(): number {
    return ++this.lastPhandle;
  }

  /** The node at an absolute path such as "/soc/serial@10000000", if any. */
  find(path: string): FdtNode | undefined {
    let n: FdtNode | undefined = this.root;
    for (const part of path.split("/").filter((p) => p !== "")) n = n?.child(part);
    return n;
  }

  /** The flattened blob. */
  toBlob(): Uint8Array {
    // Strings block: each property name once.
    const names = new Map<string, number>();
    let stringsSize = 0;
    const stringParts: Uint8Array[] = [];
    const nameOffset = (name: string): number => {
      let off = names.get(name);
      if (off === undefined) {
        off = stringsSize;
        names.set(name, off);
        const b = UTF8.encode(name + "\0");
        stringParts.push(b);
        stringsSize += b.length;
      }
      return off;
    };
    // Structure block, built as a list of chunks (each a multiple of 4 bytes).
    const chunks: Uint8Array[] = [];
    let structSize = 0;
    const token = (...words: number[]) => {
      const b = new Uint8Array(words.length * 4);
      const v = new DataView(b.buffer);
      words.forEach((w, i) => v.setUint32(i * 4, w));
      chunks.push(b);
      structSize += b.length;
    };
    const padded = (data: Uint8Array) => {
      const b = new Uint8Array(align4(data.length));
      b.set(data);
      chunks.push(b);
      structSize += b.length;
    };
    const emit = (n: FdtNode) => {
      token(Token.BeginNode);
      const nameBytes = UTF8.encode(n.name + "\0");
      padded(nameBytes);
      for (const [name, value] of n.props) {
        token(Token.Prop, value.length, nameOffset(name));
        padded(value);
      }
      for (const c of n.children) emit(c);
      token(Token.EndNode);
    };
    emit(this.root);
    token(Token.End);

    const offRsvmap = HEADER_SIZE; // already 8-byte aligned
    const rsvSize = (this.reservations.length + 1) * 16;
    const offStruct = offRsvmap + rsvSize;
    const offStrings = offStruct + structSize;
    const total = offStrings + stringsSize;
    const blob = new Uint8Array(total);
    const v = new DataView(blob.buffer);
    v.setUint32(0, FDT_MAGIC);
    v.setUint32(4, total);
    v.setUint32(8, offStruct);
    v.setUint32(12, offStrings);
    v.setUint32(16, offRsvmap);
    v.setUint32(20, FDT_VERSION);
    v.setUint32(24, FDT_LAST_COMP_VERSION);
    v.setUint32(28, this.bootCpuId);
    v.setUint32(32, stringsSize);
    v.setUint32(36, structSize);
    this.reservations.forEach((r, i) => {
      v.setBigUint64(offRsvmap + i * 16, BigInt(r.address));
      v.setBigUint64(offRsvmap + i * 16 + 8, BigInt(r.size));
    });
    let at = offStruct;
    for (const c of chunks) { blob.set(c, at); at += c.length; }
    for (const s of stringParts) { blob.set(s, at); at += s.length; }
    return blob;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
