/** Scatter I/O: spreading bytes read into a guest's iovec array (readv, preadv, vmsplice). */
import type { Process } from "../process.js";

/** Writes the first `n` bytes of `buf` across the guest buffers `iov` ([address, length] pairs), in order; returns n. */
export function scatter(p: Process, iov: readonly (readonly [number, number])[], buf: Uint8Array, n: number): number {
  let at = 0;
  for (const [base, len] of iov) {
    if (at >= n) break;
    const k = Math.min(len, n - at);
    p.space.write(base, buf.subarray(at, at + k));
    at += k;
  }
  return n;
}
