/**
 * Access to FP registers in the two formats. Doubles are f[n]'s 64 bits;
 * singles live in the low word and are NaN-boxed: the upper word of a valid
 * single is all ones, and any other upper word makes the single read as the
 * canonical NaN (F extension, "NaN Boxing of Narrower Values").
 */
import type { Hart } from "../hart.js";

/** Bits of the canonical single NaN. */
export const CANONICAL_S = 0x7fc00000;
/** Upper word of the canonical double NaN (the lower word is 0). */
export const CANONICAL_D_HI = 0x7ff80000;

/** f[n] read as a single (as a double); NaN when not properly NaN-boxed. */
export function getS(h: Hart, n: number): number {
  return h.fi[2 * n + 1] === -1 ? h.fs[2 * n] : NaN;
}

/** Bits of f[n] read as a single; the canonical NaN when not properly NaN-boxed. */
export function bitsS(h: Hart, n: number): number {
  return h.fi[2 * n + 1] === -1 ? h.fi[2 * n] : CANONICAL_S;
}

/** Writes single-valued, non-NaN v to f[n], NaN-boxed. */
export function putS(h: Hart, n: number, v: number): void {
  h.fs[2 * n] = v;
  h.fi[2 * n + 1] = -1;
}

/** Writes single bits w to f[n], NaN-boxed. */
export function putBitsS(h: Hart, n: number, w: number): void {
  h.fi[2 * n] = w;
  h.fi[2 * n + 1] = -1;
}

/** Writes the canonical double NaN to f[n]. */
export function putNaND(h: Hart, n: number): void {
  h.fi[2 * n] = 0;
  h.fi[2 * n + 1] = CANONICAL_D_HI;
}
