/**
 * The GDB remote serial protocol's framing (GDB manual, "Remote Protocol",
 * "Overview"): a packet is `$data#cc` with `cc` the two-hex-digit sum of the
 * data bytes modulo 256; the receiver acknowledges each with `+` (or asks for
 * it again with `-`) until no-ack mode is agreed; a lone 0x03 byte is an
 * interrupt request. In data, `}` escapes the next byte (xor 0x20) and `*`
 * starts a run-length repeat, which this side never sends and expands when
 * it receives.
 */

/** What the byte stream from the debugger carried. */
export type Incoming =
  | { kind: "packet"; data: string }
  | { kind: "interrupt" }
  /** A packet whose checksum did not match: it is asked for again. */
  | { kind: "bad" };

/** Splits the debugger's byte stream into packets, interrupts and acknowledgements. */
export class PacketReader {
  private buf = "";

  /** Adds bytes (latin1: one char per byte) and returns what they completed. */
  push(bytes: string): Incoming[] {
    this.buf += bytes;
    const out: Incoming[] = [];
    for (;;) {
      const b = this.buf;
      if (b.length === 0) break;
      const c = b[0];
      if (c === "\x03") { out.push({ kind: "interrupt" }); this.buf = b.slice(1); continue; }
      if (c !== "$") { this.buf = b.slice(1); continue; } // '+', '-' and noise between packets
      const end = b.indexOf("#");
      if (end < 0 || b.length < end + 3) break; // incomplete
      const body = b.slice(1, end);
      this.buf = b.slice(end + 3);
      out.push(checksum(body) === parseInt(b.slice(end + 1, end + 3), 16) ? { kind: "packet", data: unescape(body) } : { kind: "bad" });
    }
    return out;
  }
}

/** The modulo-256 sum of a packet's (escaped) data bytes. */
export function checksum(body: string): number {
  let s = 0;
  for (let i = 0; i < body.length; i++) s = (s + body.charCodeAt(i)) & 0xff;
  return s;
}

/** Expands escapes and run-length repeats in received packet data. */
function unescape(body: string): string {
  if (body.indexOf("}") < 0 && body.indexOf("*") < 0) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "}") out += String.fromCharCode(body.charCodeAt(++i) ^ 0x20);
    else if (c === "*" && out.length > 0) out += out[out.length - 1].repeat(body.charCodeAt(++i) - 29);
    else out += c;
  }
  return out;
}

/** Frames reply data as a packet, escaping the bytes the protocol reserves. */
export function framePacket(data: string): string {
  const body = data.replace(/[$#}*]/g, (c) => "}" + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
  return `$${body}#${checksum(body).toString(16).padStart(2, "0")}`;
}

/** Bytes as lowercase hex, two digits each. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Hex digits as bytes (undefined when the text is not an even number of hex digits). */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A 64-bit value as 8 little-endian bytes in hex (how register values travel). */
export function le64Hex(v: bigint): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += Number((v >> BigInt(i * 8)) & 0xffn).toString(16).padStart(2, "0");
  return s;
}

/** Little-endian hex bytes as an unsigned value. */
export function hexLe(hex: string): bigint {
  let v = 0n;
  for (let i = hex.length - 2; i >= 0; i -= 2) v = (v << 8n) | BigInt(parseInt(hex.slice(i, i + 2), 16));
  return v;
}
