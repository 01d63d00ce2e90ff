/** Guest iovec arrays (readv/writev, preadv/pwritev and their v2, vmsplice, process_vm_*): reading them and scattering into them. */
import type { Process } from "../process.js";
import { Errno } from "./errno.js";

/** The most segments one vector may have (UIO_MAXIOV). */
export const UIO_MAXIOV = 1024;
/** Largest total length of a vector (SSIZE_MAX, beyond which import_iovec says EINVAL). */
const SSIZE_MAX = 2 ** 63;

/**
 * The `count` struct iovec at guest address `addr` as [address, length] pairs,
 * or -EINVAL as Linux's import_iovec answers: a negative count or one above
 * UIO_MAXIOV, a segment or total length at or above SSIZE_MAX. A bad address
 * throws GuestFault (EFAULT).
 */
export function readIovecs(p: Process, addr: number, count: number): [number, number][] | number {
  if (count < 0 || count > UIO_MAXIOV) return -Errno.EINVAL;
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = p.space.readU64(addr + i * 16), len = p.space.readU64(addr + i * 16 + 8);
    total += len;
    if (len >= SSIZE_MAX || total >= SSIZE_MAX) return -Errno.EINVAL;
    out.push([base, len]);
  }
  return out;
}

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
