/**
 * The DNS server at 10.0.2.3: it answers the guest's queries (RFC 1035) from
 * the host's own resolver (getaddrinfo: /etc/hosts, then the host's DNS), as
 * a program on the host would resolve the name. A and AAAA queries are
 * answered; other types get NOTIMP. A name the host cannot resolve gets
 * NXDOMAIN, unless it has addresses of the other family (then an empty
 * NOERROR answer); a resolver failure SERVFAIL.
 */
import { lookup } from "node:dns/promises";
import { u16 } from "./wire.js";

/** DNS response codes. */
const enum Rcode {
  NoError = 0,
  ServFail = 2,
  NxDomain = 3,
  NotImp = 4,
}

/** Query types answered. */
const enum QType {
  A = 1,
  AAAA = 28,
}

/** Seconds a guest may cache an answer. */
const TTL_SECONDS = 60;

interface Question {
  name: string;
  type: number;
  /** Offset just past the question (type and class included). */
  end: number;
}

/** The first question of a query, or undefined when the message is not one we can answer. */
function parseQuestion(q: Uint8Array): Question | undefined {
  if (q.length < 12 || (q[2] & 0x80) !== 0 || u16(q, 4) < 1) return undefined; // a response, or no question
  const labels: string[] = [];
  let i = 12;
  for (;;) {
    if (i >= q.length) return undefined;
    const len = q[i];
    if (len === 0) { i++; break; }
    if (len > 63 || i + 1 + len > q.length) return undefined; // compression does not occur in a lone question
    labels.push(new TextDecoder().decode(q.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  if (i + 4 > q.length) return undefined;
  return { name: labels.join("."), type: u16(q, i), end: i + 4 };
}

/**
 * The answer to a DNS query from the guest (the UDP payload), or undefined
 * for a message to ignore. Resolves through the host.
 */
export async function dnsAnswer(q: Uint8Array, resolve: (name: string, family: 4 | 6) => Promise<string[]> = hostLookup): Promise<Uint8Array | undefined> {
  const question = parseQuestion(q);
  if (question === undefined) return undefined;
  let rcode = Rcode.NoError, addrs: string[] = [];
  if (question.type !== QType.A && question.type !== QType.AAAA) rcode = Rcode.NotImp;
  else {
    try {
      addrs = await resolve(question.name, question.type === QType.A ? 4 : 6);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND") rcode = await nameExists(question.name, question.type === QType.A ? 6 : 4, resolve) ? Rcode.NoError : Rcode.NxDomain;
      else if (code !== "ENODATA") rcode = Rcode.ServFail;
    }
  }
  const records = addrs.map((a) => addressBytes(a, question.type)).filter((b): b is number[] => b !== undefined);
  const answers = records.flatMap((rdata) => [
    0xc0, 12, // the name: a pointer to the question's
    question.type >> 8, question.type & 255, 0, 1, // type, class IN
    0, 0, TTL_SECONDS >> 8, TTL_SECONDS & 255,
    rdata.length >> 8, rdata.length & 255, ...rdata,
  ]);
  const r = new Uint8Array(question.end + answers.length);
  r.set(q.subarray(0, question.end));
  r[2] = 0x80 | (q[2] & 0x79); // QR, the query's opcode and RD; AA and TC clear
  r[3] = 0x80 | rcode; // RA
  r[4] = 0; r[5] = 1; // one question (only the first is answered)
  r[6] = records.length >> 8; r[7] = records.length & 255;
  r.fill(0, 8, 12); // no authority or additional records
  r.set(answers, question.end);
  return r;
}

/**
 * Whether a name the resolver did not find in one family has addresses of the
 * other: then the answer is "no data" (NOERROR, no records), not NXDOMAIN,
 * which would tell the guest's resolver that the name does not exist at all.
 */
async function nameExists(name: string, other: 4 | 6, resolve: (name: string, family: 4 | 6) => Promise<string[]>): Promise<boolean> {
  try {
    return (await resolve(name, other)).length > 0;
  } catch {
    return false;
  }
}

/** The host resolver (getaddrinfo), every address of one family. */
async function hostLookup(name: string, family: 4 | 6): Promise<string[]> {
  const all = await lookup(name, { family, all: true });
  return [...new Set(all.map((a) => a.address))];
}

/** The record data of an address of the query's type, or undefined when it is the other family. */
function addressBytes(addr: string, type: number): number[] | undefined {
  if (type === QType.A) {
    const p = addr.split(".");
    return p.length === 4 ? p.map(Number) : undefined;
  }
  if (!addr.includes(":")) return undefined;
  const [head, tail = ""] = addr.split("::");
  const h = head === "" ? [] : head.split(":"), t = tail === "" ? [] : tail.split(":");
  const groups = addr.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  if (groups.length !== 8) return undefined;
  return groups.flatMap((g) => { const v = parseInt(g, 16); return [v >> 8, v & 255]; });
}
