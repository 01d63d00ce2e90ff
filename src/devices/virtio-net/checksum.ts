/**
 * The Internet checksum (RFC 1071) as a NIC with checksum offload completes
 * it: VIRTIO_NET_F_CSUM lets the guest leave a frame's TCP or UDP checksum
 * for the device, with the pseudo-header's sum already in the checksum field
 * (Linux's CHECKSUM_PARTIAL). The device sums from csum_start to the end of
 * the frame, that field included, and stores the complement there, as Linux's
 * skb_checksum_help does.
 */

/** The one's-complement sum of `bytes[start, end)` as 16-bit big-endian words (an odd last byte padded with zero), not folded. */
export function onesSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial, i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** A sum of onesSum folded to 16 bits (end-around carry). */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return sum;
}

/**
 * Completes the checksum of `frame` that starts at `start` and is stored at
 * `start + offset` (virtio_net_hdr's csum_start and csum_offset), summing the
 * partial sum the guest left in that field. A result of 0 is stored as 0xffff
 * (the same number in one's complement; 0 would mean "no checksum" to UDP).
 * Returns false, changing nothing, when the field is not inside the frame.
 */
export function completeChecksum(frame: Uint8Array, start: number, offset: number): boolean {
  const at = start + offset;
  if (at + 2 > frame.length) return false;
  const sum = (~fold(onesSum(frame, start, frame.length)) & 0xffff) || 0xffff;
  frame[at] = sum >>> 8;
  frame[at + 1] = sum & 0xff;
  return true;
}
