/** The FDT writer: the blob's layout checked by an independent reader written from the specification. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Fdt, FDT_MAGIC, FdtError } from "./fdt.js";

interface ParsedNode {
  name: string;
  props: Map<string, Uint8Array>;
  children: ParsedNode[];
}

/** Reads a blob back, checking every rule of Devicetree Specification v0.4 chapter 5 on the way. */
function parse(blob: Uint8Array) {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = (i: number) => v.getUint32(i * 4);
  assert.equal(h(0), FDT_MAGIC);
  assert.equal(h(1), blob.length, "totalsize");
  const offStruct = h(2), offStrings = h(3), offRsv = h(4);
  assert.equal(h(5), 17, "version");
  assert.equal(h(6), 16, "last_comp_version");
  const sizeStrings = h(8), sizeStruct = h(9);
  assert.equal(offRsv % 8, 0, "reservation block 8-byte aligned");
  assert.equal(offStruct % 4, 0, "structure block 4-byte aligned");
  assert.ok(offStruct + sizeStruct <= offStrings && offStrings + sizeStrings <= blob.length, "blocks inside the blob");
  const reservations: [bigint, bigint][] = [];
  for (let o = offRsv; ; o += 16) {
    const a = v.getBigUint64(o), s = v.getBigUint64(o + 8);
    if (a === 0n && s === 0n) break;
    reservations.push([a, s]);
  }
  const str = (o: number) => {
    let e = o;
    while (blob[e] !== 0) e++;
    return Buffer.from(blob.subarray(o, e)).toString("utf8");
  };
  let p = offStruct;
  const word = () => { const w = v.getUint32(p); p += 4; return w; };
  const stack: ParsedNode[] = [];
  let root: ParsedNode | undefined;
  for (;;) {
    const t = word();
    if (t === 1) {
      const name = str(p);
      p += (name.length + 1 + 3) & ~3;
      const n: ParsedNode = { name, props: new Map(), children: [] };
      if (stack.length === 0) { assert.equal(root, undefined, "one root"); root = n; } else stack[stack.length - 1].children.push(n);
      stack.push(n);
    } else if (t === 3) {
      const len = word(), nameOff = word();
      assert.ok(nameOff < sizeStrings, "name offset inside the strings block");
      assert.equal(stack[stack.length - 1].children.length, 0, "properties come before child nodes");
      stack[stack.length - 1].props.set(str(offStrings + nameOff), blob.slice(p, p + len));
      p += (len + 3) & ~3;
    } else if (t === 2) {
      assert.ok(stack.pop(), "END_NODE matches a BEGIN_NODE");
    } else if (t === 9) {
      break;
    } else assert.fail(`unexpected token ${t}`);
  }
  assert.equal(stack.length, 0, "every node ended");
  assert.equal(p, offStruct + sizeStruct, "size_dt_struct ends at FDT_END");
  return { root: root!, reservations, bootCpu: h(7) };
}

const be32 = (...w: number[]) => { const b = new Uint8Array(w.length * 4); w.forEach((x, i) => new DataView(b.buffer).setUint32(i * 4, x)); return b; };

describe("flattened device tree writer", () => {
  test("an empty tree is a header, an empty reservation map, one root node and FDT_END", () => {
    const blob = new Fdt().toBlob();
    const { root, reservations } = parse(blob);
    assert.equal(root.name, "");
    assert.equal(root.props.size, 0);
    assert.deepEqual(reservations, []);
    // header 40 + reservation terminator 16 + BEGIN_NODE, "" padded, END_NODE, END = 16; no strings
    assert.equal(blob.length, 72);
  });

  test("cells, 64-bit values, strings, string lists, bytes and empty properties encode big-endian and padded", () => {
    const fdt = new Fdt();
    const n = fdt.root.node("dev@1000");
    n.u32("cells", 1, 0xffffffff).u64("wide", 0x1_2345_6789n, 7).string("s", "abc")
      .strings("list", "a", "bc").bytes("raw", new Uint8Array([1, 2, 3, 4, 5])).empty("flag");
    const dev = parse(fdt.toBlob()).root.children[0];
    assert.equal(dev.name, "dev@1000");
    assert.deepEqual(dev.props.get("cells"), be32(1, 0xffffffff));
    assert.deepEqual(dev.props.get("wide"), be32(1, 0x23456789, 0, 7));
    assert.deepEqual(dev.props.get("s"), new Uint8Array([0x61, 0x62, 0x63, 0]));
    assert.deepEqual(dev.props.get("list"), new Uint8Array([0x61, 0, 0x62, 0x63, 0]));
    assert.deepEqual(dev.props.get("raw"), new Uint8Array([1, 2, 3, 4, 5]));
    assert.deepEqual(dev.props.get("flag"), new Uint8Array(0));
    assert.deepEqual([...dev.props.keys()], ["cells", "wide", "s", "list", "raw", "flag"], "properties keep their order");
  });

  test("property names are stored once in the strings block", () => {
    const fdt = new Fdt();
    for (const name of ["a@1", "b@2", "c@3"]) fdt.root.node(name).string("compatible", "x");
    const blob = fdt.toBlob();
    const v = new DataView(blob.buffer);
    assert.equal(v.getUint32(32), "compatible\0".length);
    assert.equal(parse(blob).root.children.length, 3);
  });

  test("nested nodes, reservations and the boot CPU id come back as written", () => {
    const fdt = new Fdt();
    fdt.reservations.push({ address: 0x8000_0000, size: 0x8_0000 }, { address: 0x1_0000_0000n, size: 4096 });
    fdt.bootCpuId = 3;
    fdt.root.node("a").node("b").node("c").u32("x", 5);
    const { root, reservations, bootCpu } = parse(fdt.toBlob());
    assert.deepEqual(reservations, [[0x8000_0000n, 0x8_0000n], [0x1_0000_0000n, 4096n]]);
    assert.equal(bootCpu, 3);
    assert.deepEqual(root.children[0].children[0].children[0].props.get("x"), be32(5));
    assert.equal(fdt.find("/a/b/c")?.name, "c");
    assert.equal(fdt.find("/a/x"), undefined);
  });

  test("phandles are unique, start at 1, and are given once", () => {
    const fdt = new Fdt();
    const a = fdt.root.node("a"), b = fdt.root.node("b");
    assert.equal(a.phandle(), 1);
    assert.equal(b.phandle(), 2);
    assert.equal(a.phandle(), 1);
    assert.deepEqual(parse(fdt.toBlob()).root.children[1].props.get("phandle"), be32(2));
  });

  test("bad names, duplicate nodes and out-of-range cells are refused", () => {
    const fdt = new Fdt();
    fdt.root.node("x");
    assert.throws(() => fdt.root.node("x"), FdtError);
    assert.throws(() => fdt.root.node("bad name"), FdtError);
    assert.throws(() => fdt.root.u32("has space", 1), FdtError);
    assert.throws(() => fdt.root.u32("n", -1), FdtError);
    assert.throws(() => fdt.root.u32("n", 2 ** 32), FdtError);
    assert.throws(() => fdt.root.u64("n", -1n), FdtError);
    assert.throws(() => fdt.root.string("n", "a\0b"), FdtError);
  });
});
