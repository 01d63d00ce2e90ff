/** `node:crypto` for the play page's worker bundle: random bytes from Web Crypto. */
import { Buffer } from "buffer";
import { fillRandom } from "../host.js";

/** crypto.randomFillSync */
export function randomFillSync<T extends Uint8Array>(buf: T): T {
  fillRandom(buf);
  return buf;
}

/** crypto.randomBytes */
export function randomBytes(n: number): Buffer {
  return randomFillSync(Buffer.alloc(n));
}
