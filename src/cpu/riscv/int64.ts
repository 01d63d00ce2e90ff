/**
 * 64-bit integer arithmetic on (low, high) 32-bit halves, for the M extension.
 * Products are built from 16-bit limbs so every partial product is exact in a
 * double; division takes a double fast path when both operands fit in 53 bits
 * and falls back to BigInt otherwise.
 */

const TWO32 = 4294967296;

/** Scratch results of the helpers below (low and high words). */
export const r64 = { lo: 0, hi: 0 };

/** Full 64-bit product of two unsigned 32-bit numbers into r64. */
export function umul32(a: number, b: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  r64.lo = ((mid << 16) | (p00 & 0xffff)) | 0;
  r64.hi = (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** MUL: x[rd] = low 64 bits of x[rs1] * x[rs2]. */
export function mul64(xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rs2: number): void {
  const al = xl[rs1], bl = xl[rs2];
  umul32(al, bl);
  const hi = (r64.hi + Math.imul(al, xh[rs2]) + Math.imul(xh[rs1], bl)) | 0;
  xl[rd] = r64.lo; xh[rd] = hi;
}

/** MULW: x[rd] = sext(low 32 bits of x[rs1] * x[rs2]). */
export function mulw(xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rs2: number): void {
  const v = Math.imul(xl[rs1], xl[rs2]);
  xl[rd] = v; xh[rd] = v >> 31;
}

/** High 64 bits of the unsigned 128-bit product (al,ah)*(bl,bh), into r64. */
export function mulhu64(al: number, ah: number, bl: number, bh: number): void {
  umul32(al, bl); const p0h = r64.hi >>> 0;
  umul32(al, bh); const p1l = r64.lo >>> 0, p1h = r64.hi >>> 0;
  umul32(ah, bl); const p2l = r64.lo >>> 0, p2h = r64.hi >>> 0;
  umul32(ah, bh); const p3l = r64.lo >>> 0, p3h = r64.hi;
  const mid = p0h + p1l + p2l;
  const carry = Math.floor(mid / TWO32);
  const low = p3l + p1h + p2h + carry;
  r64.lo = low | 0;
  r64.hi = (p3h + Math.floor(low / TWO32)) | 0;
}

/** Subtracts (bl, bh) from r64. */
function sub64(bl: number, bh: number): void {
  const lo = (r64.lo - bl) | 0;
  r64.hi = (r64.hi - bh - ((r64.lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
  r64.lo = lo;
}

/** MULH (signed x signed), MULHSU (signed x unsigned) and MULHU: high 64 bits into r64. */
export function mulh64(al: number, ah: number, bl: number, bh: number, aSigned: boolean, bSigned: boolean): void {
  mulhu64(al, ah, bl, bh);
  if (aSigned && ah < 0) sub64(bl, bh);
  if (bSigned && bh < 0) sub64(al, ah);
}

function toBig(lo: number, hi: number, signed: boolean): bigint {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return signed ? BigInt.asIntN(64, v) : v;
}

function fromNumber(q: number): void {
  r64.lo = q | 0;
  r64.hi = Math.floor(q / TWO32) | 0;
}

/** Fits in a double exactly, as a signed (or unsigned) 64-bit value. */
function small(lo: number, hi: number, signed: boolean): boolean {
  return signed ? hi >= -0x200000 && hi < 0x200000 : hi >= 0 && hi < 0x200000;
}

/**
 * DIV/DIVU/REM/REMU on 64-bit operands into r64, with the spec's results for
 * division by zero (quotient all ones, remainder the dividend) and signed
 * overflow (quotient the dividend, remainder zero).
 */
export function divrem64(al: number, ah: number, bl: number, bh: number, signed: boolean, rem: boolean): void {
  if (bl === 0 && bh === 0) {
    if (rem) { r64.lo = al; r64.hi = ah; } else { r64.lo = -1; r64.hi = -1; }
    return;
  }
  if (small(al, ah, signed) && small(bl, bh, signed)) {
    const a = ah * TWO32 + (al >>> 0), b = bh * TWO32 + (bl >>> 0);
    fromNumber(rem ? a % b : Math.trunc(a / b));
    return;
  }
  if (signed && ah === -0x80000000 && al === 0 && bl === -1 && bh === -1) {
    if (rem) { r64.lo = 0; r64.hi = 0; } else { r64.lo = al; r64.hi = ah; }
    return;
  }
  const a = toBig(al, ah, signed), b = toBig(bl, bh, signed);
  const r = rem ? a % b : a / b;
  r64.lo = Number(BigInt.asIntN(32, r));
  r64.hi = Number(BigInt.asIntN(32, r >> 32n));
}

/** DIVW/DIVUW/REMW/REMUW: 32-bit division, result sign-extended to 64 bits (returned as int32). */
export function divrem32(a: number, b: number, signed: boolean, rem: boolean): number {
  if (b === 0) return rem ? a | 0 : -1;
  if (signed) {
    if (a === -0x80000000 && b === -1) return rem ? 0 : a;
    return (rem ? a % b : Math.trunc(a / b)) | 0;
  }
  const ua = a >>> 0, ub = b >>> 0;
  return (rem ? ua % ub : Math.trunc(ua / ub)) | 0;
}
