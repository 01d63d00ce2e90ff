import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { checksum } from "./envelope.js";

test("the envelope's CRC-32 is zlib's, on the standard check string and on random data of many lengths", () => {
  assert.equal(checksum(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(checksum(new Uint8Array(0)), 0);
  for (const n of [1, 3, 255, 4096, 100_003]) {
    const b = randomBytes(n);
    assert.equal(checksum(b), crc32(b) >>> 0, `${n} bytes`);
  }
});
