import { test } from "node:test";
import assert from "node:assert/strict";
import { dnsAnswer } from "./dns.js";

/** A query (RFC 1035 4.1) for `name` of `type`, id 0x1234, recursion desired. */
function query(name: string, type: number): Uint8Array {
  const labels = name.split(".").flatMap((l) => [l.length, ...new TextEncoder().encode(l)]);
  return new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, type >> 8, type & 255, 0, 1]);
}

/** A resolver that knows `table` (name → family → addresses) and fails like getaddrinfo otherwise. */
function resolver(table: Record<string, { 4?: string[]; 6?: string[] }>) {
  return async (name: string, family: 4 | 6): Promise<string[]> => {
    const a = table[name]?.[family];
    if (a === undefined) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return a;
  };
}

const hosts = resolver({ "v4only.test": { 4: ["192.0.2.7"] }, "both.test": { 4: ["192.0.2.8"], 6: ["2001:db8::1"] } });

test("an A query is answered with the address, id and question echoed", async () => {
  const r = (await dnsAnswer(query("v4only.test", 1), hosts))!;
  assert.deepEqual([r[0], r[1]], [0x12, 0x34]);
  assert.equal(r[3] & 15, 0, "NOERROR");
  assert.equal(r[7], 1, "one answer");
  assert.deepEqual([...r.subarray(r.length - 4)], [192, 0, 2, 7]);
});

test("an AAAA query is answered with the 16-byte address", async () => {
  const r = (await dnsAnswer(query("both.test", 28), hosts))!;
  assert.equal(r[7], 1);
  assert.deepEqual([...r.subarray(r.length - 16)], [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]);
});

test("a name with only IPv4 addresses gets an empty NOERROR to AAAA, not NXDOMAIN", async () => {
  const r = (await dnsAnswer(query("v4only.test", 28), hosts))!;
  assert.equal(r[3] & 15, 0);
  assert.equal(r[7], 0);
});

test("an unknown name gets NXDOMAIN, another type NOTIMP, a response is ignored", async () => {
  assert.equal((await dnsAnswer(query("nowhere.test", 1), hosts))![3] & 15, 3);
  assert.equal((await dnsAnswer(query("both.test", 15), hosts))![3] & 15, 4);
  const response = query("both.test", 1); response[2] |= 0x80;
  assert.equal(await dnsAnswer(response, hosts), undefined);
});
