import { test } from "node:test";
import assert from "node:assert/strict";
import { checksum, framePacket, fromHex, hexLe, le64Hex, PacketReader } from "./rsp.js";

test("packets are framed with the modulo-256 checksum and reserved bytes escaped", () => {
  // The GDB manual's example: "$OK#9a"; '#' (0x23) escapes to "}\x03".
  assert.equal(framePacket("OK"), "$OK#9a");
  assert.equal(framePacket("a#b"), `$a}\x03b#${checksum("a}\x03b").toString(16).padStart(2, "0")}`);
});

test("the reader splits packets, acks and interrupts, expands escapes and repeats, and rejects bad checksums", () => {
  const r = new PacketReader();
  assert.deepEqual(r.push("+$g#67\x03$m10"), [{ kind: "packet", data: "g" }, { kind: "interrupt" }]);
  assert.deepEqual(r.push(",4#2e$X1,1:}\x03#"), [{ kind: "packet", data: "m10,4" }]);
  assert.deepEqual(r.push(`${checksum("X1,1:}\x03").toString(16)}`), [{ kind: "packet", data: "X1,1:#" }]);
  // "0* " is '0' repeated 3 more times (' ' is 32 = 29 + 3).
  assert.deepEqual(r.push(`$0* #${checksum("0* ").toString(16)}`), [{ kind: "packet", data: "0000" }]);
  assert.deepEqual(r.push("$g#00"), [{ kind: "bad" }]);
});

test("register values travel as little-endian hex", () => {
  assert.equal(le64Hex(0x1122334455667788n), "8877665544332211");
  assert.equal(hexLe("8877665544332211"), 0x1122334455667788n);
  assert.deepEqual(fromHex("00ff10"), Uint8Array.from([0, 255, 16]));
  assert.equal(fromHex("0g"), undefined);
});
