/** The signature shared by every instruction handler outside the run loop's inline set. */
import type { Hart } from "./hart.js";

/**
 * Executes one instruction on hart `h`. Register numbers are as decoded (an
 * integer rd of 0 arrives as 32, the write sink); `imm` is the immediate or the
 * packed extras described by the instruction's Format. May throw a Trap.
 */
export type Handler = (h: Hart, rd: number, rs1: number, rs2: number, imm: number) => void;

/** A table of handlers indexed by Op. */
export type HandlerTable = Handler[];
