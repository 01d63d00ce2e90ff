import { test } from "node:test";
import assert from "node:assert/strict";
import { batchModuleBytes, CodeWriter, T, trampolineBytes, W } from "./wasm.js";

test("LEB128 numbers are written as the WebAssembly specification encodes them", () => {
  const hex = (w: CodeWriter) => Buffer.from(w.bytes()).toString("hex");
  assert.equal(hex(new CodeWriter().u32(0)), "00");
  assert.equal(hex(new CodeWriter().u32(624485)), "e58e26");
  assert.equal(hex(new CodeWriter().u32(0xffffffff)), "ffffffff0f");
  assert.equal(hex(new CodeWriter().s32(-123456)), "c0bb78");
  assert.equal(hex(new CodeWriter().s32(63)), "3f");
  assert.equal(hex(new CodeWriter().s32(64)), "c000");
  assert.equal(hex(new CodeWriter().s32(-64)), "40");
  assert.equal(hex(new CodeWriter().s64(-(1n << 63n))), "8080808080808080807f");
  assert.equal(hex(new CodeWriter().s64((1n << 63n) - 1n)), "ffffffffffffffffff00");
});

test("a batch module and the trampoline validate, link and run through a shared table", () => {
  const type = { params: [T.I32, T.I32, T.I32], results: [T.I32] };
  // f0 returns a + b + c; f1 returns the i64 local's low word after adding 7 to it (the locals start at zero).
  const f0 = new CodeWriter().get(0).get(1).op(W.I32Add).get(2).op(W.I32Add).bytes();
  const f1 = new CodeWriter().get(3).i64(7n).op(W.I64Add).set(3).get(3).op(W.I32WrapI64).bytes();
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const bytes = batchModuleBytes(type, [{ name: "h", type: { params: [T.I32], results: [T.I32] } }], [[1, T.I64]], [f0, f1], 1);
  assert.ok(WebAssembly.validate(bytes));
  const fns = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { mem, h: (x: number) => x } }).exports;
  const table = new WebAssembly.Table({ element: "anyfunc", initial: 4 });
  table.set(1, fns["0"] as () => number);
  table.set(2, fns["1"] as () => number);
  const tramp = trampolineBytes(type);
  assert.ok(WebAssembly.validate(tramp));
  const call = new WebAssembly.Instance(new WebAssembly.Module(tramp), { e: { tbl: table } }).exports.call as (...a: number[]) => number;
  assert.equal(call(1, 2, 3, 4), 9);
  assert.equal(call(2, 0, 0, 0), 7);
  assert.throws(() => call(3, 0, 0, 0), WebAssembly.RuntimeError); // an empty entry traps, never runs stale code
});
