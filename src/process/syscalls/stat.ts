/** Encoding host file metadata as the guest's struct stat and struct statx (RISC-V/asm-generic layouts). */
import type { BigIntStats } from "node:fs";

/** struct stat (asm-generic, 128 bytes) for a host stat result. */
export function encodeStat(st: BigIntStats): Uint8Array {
  const b = new DataView(new ArrayBuffer(128));
  b.setBigUint64(0, st.dev, true);
  b.setBigUint64(8, st.ino, true);
  b.setUint32(16, Number(st.mode), true);
  b.setUint32(20, Number(st.nlink), true);
  b.setUint32(24, Number(st.uid), true);
  b.setUint32(28, Number(st.gid), true);
  b.setBigUint64(32, st.rdev, true);
  b.setBigInt64(48, st.size, true);
  b.setInt32(56, Number(st.blksize), true);
  b.setBigInt64(64, st.blocks, true);
  const times = [st.atimeNs, st.mtimeNs, st.ctimeNs];
  times.forEach((ns, i) => {
    b.setBigInt64(72 + i * 16, ns / 1_000_000_000n, true);
    b.setBigUint64(80 + i * 16, ns % 1_000_000_000n, true);
  });
  return new Uint8Array(b.buffer);
}

/** Linux dev_t major/minor split (new encoding). */
function major(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}
function minor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}

/** STATX_BASIC_STATS | STATX_BTIME */
const STATX_MASK = 0x7ff | 0x800;

/** struct statx (256 bytes) for a host stat result. */
export function encodeStatx(st: BigIntStats): Uint8Array {
  const b = new DataView(new ArrayBuffer(256));
  b.setUint32(0, STATX_MASK, true);
  b.setUint32(4, Number(st.blksize), true);
  b.setUint32(16, Number(st.nlink), true);
  b.setUint32(20, Number(st.uid), true);
  b.setUint32(24, Number(st.gid), true);
  b.setUint16(28, Number(st.mode), true);
  b.setBigUint64(32, st.ino, true);
  b.setBigUint64(40, st.size, true);
  b.setBigUint64(48, st.blocks, true);
  const ts = (off: number, ns: bigint) => {
    b.setBigInt64(off, ns / 1_000_000_000n, true);
    b.setUint32(off + 8, Number(ns % 1_000_000_000n), true);
  };
  ts(64, st.atimeNs);
  ts(80, st.birthtimeNs);
  ts(96, st.ctimeNs);
  ts(112, st.mtimeNs);
  b.setUint32(128, major(st.rdev), true);
  b.setUint32(132, minor(st.rdev), true);
  b.setUint32(136, major(st.dev), true);
  b.setUint32(140, minor(st.dev), true);
  return new Uint8Array(b.buffer);
}
