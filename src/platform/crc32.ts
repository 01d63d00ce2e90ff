/** CRC-32 (IEEE 802.3, the reflected polynomial 0xEDB88320), computed as zlib does, a byte at a time. */

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** The CRC-32 of `crc`'s data followed by `bytes` (zlib's crc32(crc, buf, len)); start from 0. Unsigned. */
export function crc32Update(crc: number, bytes: ArrayLike<number>): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return ~c >>> 0;
}
