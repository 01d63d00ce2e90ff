/**
 * The platform-level interrupt controller (PLIC), as the RISC-V PLIC
 * specification 1.0.0 describes it and as QEMU's virt board sizes it: 53
 * interrupt sources (ids 1..53; id 0 means "no interrupt"), two contexts per
 * hart (context 2h is hart h's M-mode external interrupt, 2h + 1 its S-mode
 * one), a 0x600000-byte register window.
 *
 * Every source is level-triggered: a device drives its input IrqLine and the
 * source's gateway turns a high level into a pending bit. A claim hands the
 * source to one context and clears its pending bit; until the context writes
 * the id back (completion) the gateway forwards nothing more from that source.
 * A level still high at completion is pending again at once. While a source
 * is neither pending-and-claimed nor in service, its pending bit follows its
 * level (a line that drops before anyone claims it withdraws the request).
 *
 * Each context's output line is high while some source is pending, enabled for
 * that context and of a priority above the context's threshold.
 */
import { IrqLine, type Device } from "../device.js";

/** Register offsets (per the PLIC specification's memory map). */
export const enum PlicReg {
  /** Priority of source n at 4n (source 0 reserved) */
  Priority = 0x000000,
  /** Pending bits, 32 sources per word */
  Pending = 0x001000,
  /** Enable bits of context c at Enable + 0x80 c, 32 sources per word */
  Enable = 0x002000,
  /** Distance between two contexts' enable blocks */
  EnableStride = 0x80,
  /** Priority threshold of context c at Context + 0x1000 c */
  Context = 0x200000,
  /** Claim (read) / complete (write), 4 bytes after the threshold */
  Claim = 0x4,
  /** Distance between two contexts' threshold/claim blocks */
  ContextStride = 0x1000,
}

/** Number of interrupt sources on QEMU's virt board (VIRT_IRQCHIP_NUM_SOURCES = 0x35 = 53; riscv,ndev). */
export const PLIC_SOURCES = 53;
/** Highest priority (3 priority bits, as QEMU's virt board; 0 = never interrupts). */
export const PLIC_MAX_PRIORITY = 7;
/** Size of the register window on the virt board: room for 1024 contexts. */
export const PLIC_SIZE = 0x600000;

/**
 * The PLIC's registers as a snapshot keeps them (arrays of 32-bit words as
 * numbers). Source levels are not kept: the restored devices drive their lines again.
 */
export interface PlicState {
  /** Priority by source id (index 0 unused). */
  priority: number[];
  /** Pending bits, 32 sources per word. */
  pending: number[];
  /** Claimed and not yet completed, 32 sources per word. */
  inService: number[];
  /** Enable words, context after context. */
  enable: number[];
  /** Threshold per context. */
  threshold: number[];
}

export class Plic implements Device {
  readonly name = "plic";
  readonly size = PLIC_SIZE;
  /** Inputs, by source id (index 0 is an unconnected placeholder). */
  readonly sources: IrqLine[];
  private readonly words: number;
  private readonly priority: Uint32Array;
  /** Pending bits, 32 sources per word. */
  private readonly pending: Uint32Array;
  /** Claimed and not yet completed, 32 sources per word. */
  private readonly inService: Uint32Array;
  /** Enable words of context c at [c * words, (c + 1) * words). */
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  /** Claims that handed out each source, by id: the interrupts taken from each device (trap accounting). */
  readonly claims: Float64Array;

  constructor(
    /** One output line per context: index 2h to hart h's MEIP, 2h + 1 to its SEIP. */
    private readonly outputs: IrqLine[],
    /** Number of sources (ids 1..n). */
    readonly sourceCount: number = PLIC_SOURCES,
  ) {
    if (sourceCount < 1 || sourceCount > 1023) throw new RangeError(`a PLIC has 1..1023 sources, not ${sourceCount}`);
    if (outputs.length > 1024) throw new RangeError(`a ${PLIC_SIZE / 0x100000} MiB PLIC window holds at most 1024 contexts`);
    this.words = (sourceCount + 32) >>> 5;
    this.priority = new Uint32Array(sourceCount + 1);
    this.pending = new Uint32Array(this.words);
    this.inService = new Uint32Array(this.words);
    this.enable = new Uint32Array(this.words * outputs.length);
    this.threshold = new Uint32Array(outputs.length);
    this.claims = new Float64Array(sourceCount + 1);
    this.sources = [new IrqLine()];
    for (let id = 1; id <= sourceCount; id++) this.sources.push(new IrqLine((level) => this.gateway(id, level)));
  }

  /** The input line of source `id` (1..sourceCount), for a device's constructor. */
  source(id: number): IrqLine {
    if (id < 1 || id > this.sourceCount) throw new RangeError(`PLIC source ${id} out of range 1..${this.sourceCount}`);
    return this.sources[id];
  }

  /** Number of contexts (two per hart on the virt board). */
  get contexts(): number {
    return this.outputs.length;
  }

  /** The registers, for a snapshot. */
  save(): PlicState {
    return {
      priority: Array.from(this.priority), pending: Array.from(this.pending), inService: Array.from(this.inService),
      enable: Array.from(this.enable), threshold: Array.from(this.threshold),
    };
  }

  /**
   * Takes the registers of save() and drives the context outputs to match.
   * Restore it before the devices, whose lines then reach the gateways.
   */
  restore(s: PlicState): void {
    const fit = (name: string, got: number[], want: Uint32Array) => {
      if (got.length !== want.length) throw new RangeError(`PLIC state: ${name} has ${got.length} entries, not ${want.length}`);
      want.set(got);
    };
    fit("priority", s.priority, this.priority);
    fit("pending", s.pending, this.pending);
    fit("inService", s.inService, this.inService);
    fit("enable", s.enable, this.enable);
    fit("threshold", s.threshold, this.threshold);
    this.update();
  }

  private gateway(id: number, level: boolean): void {
    const w = id >>> 5, bit = 1 << (id & 31);
    if ((this.inService[w] & bit) !== 0) return; // forwarded again at completion
    if (level) this.pending[w] |= bit;
    else this.pending[w] &= ~bit;
    this.update();
  }

  /** The best source context `ctx` could claim now: highest priority above its threshold, ties to the lowest id; 0 if none. */
  private best(ctx: number): number {
    const base = ctx * this.words;
    let bestId = 0, bestPrio = this.threshold[ctx];
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w] & this.enable[base + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const id = (w << 5) + b;
        if (this.priority[id] > bestPrio) { bestPrio = this.priority[id]; bestId = id; }
      }
    }
    return bestId;
  }

  /** Drives every context's output line from the current state. */
  private update(): void {
    for (let c = 0; c < this.outputs.length; c++) this.outputs[c].set(this.best(c) !== 0);
  }

  private claim(ctx: number): number {
    const id = this.best(ctx);
    if (id !== 0) {
      const w = id >>> 5, bit = 1 << (id & 31);
      this.pending[w] &= ~bit;
      this.inService[w] |= bit;
      this.claims[id]++;
      this.update();
    }
    return id;
  }

  private complete(ctx: number, id: number): void {
    if (id < 1 || id > this.sourceCount) return;
    const w = id >>> 5, bit = 1 << (id & 31);
    // The specification: a completion for a source not enabled for the context is ignored.
    if ((this.enable[ctx * this.words + w] & bit) === 0 || (this.inService[w] & bit) === 0) return;
    this.inService[w] &= ~bit;
    if (this.sources[id].high) this.pending[w] |= bit;
    this.update();
  }

  read(offset: number, width: number): number {
    if (width !== 4 || (offset & 3) !== 0) return 0;
    if (offset < PlicReg.Pending) {
      const id = offset >>> 2;
      return id <= this.sourceCount ? this.priority[id] : 0;
    }
    if (offset < PlicReg.Enable) {
      const w = (offset - PlicReg.Pending) >>> 2;
      return w < this.words ? this.pending[w] >>> 0 : 0;
    }
    if (offset < PlicReg.Context) {
      const rel = offset - PlicReg.Enable;
      const ctx = Math.floor(rel / PlicReg.EnableStride), w = (rel % PlicReg.EnableStride) >>> 2;
      return ctx < this.outputs.length && w < this.words ? this.enable[ctx * this.words + w] >>> 0 : 0;
    }
    const rel = offset - PlicReg.Context;
    const ctx = Math.floor(rel / PlicReg.ContextStride), reg = rel % PlicReg.ContextStride;
    if (ctx >= this.outputs.length) return 0;
    if (reg === 0) return this.threshold[ctx];
    if (reg === PlicReg.Claim) return this.claim(ctx);
    return 0;
  }

  write(offset: number, width: number, value: number): void {
    if (width !== 4 || (offset & 3) !== 0) return;
    if (offset < PlicReg.Pending) {
      const id = offset >>> 2;
      if (id >= 1 && id <= this.sourceCount) {
        this.priority[id] = Math.min(value >>> 0, PLIC_MAX_PRIORITY);
        this.update();
      }
      return;
    }
    if (offset < PlicReg.Enable) return; // pending bits are read-only
    if (offset < PlicReg.Context) {
      const rel = offset - PlicReg.Enable;
      const ctx = Math.floor(rel / PlicReg.EnableStride), w = (rel % PlicReg.EnableStride) >>> 2;
      if (ctx >= this.outputs.length || w >= this.words) return;
      let v = value >>> 0;
      if (w === 0) v &= ~1; // source 0 does not exist
      if (w === this.words - 1) {
        const top = (this.sourceCount & 31) + 1; // valid bits in the last word
        if (top < 32) v &= (1 << top) - 1;
      }
      this.enable[ctx * this.words + w] = v;
      this.update();
      return;
    }
    const rel = offset - PlicReg.Context;
    const ctx = Math.floor(rel / PlicReg.ContextStride), reg = rel % PlicReg.ContextStride;
    if (ctx >= this.outputs.length) return;
    if (reg === 0) {
      this.threshold[ctx] = Math.min(value >>> 0, PLIC_MAX_PRIORITY);
      this.update();
    } else if (reg === PlicReg.Claim) {
      this.complete(ctx, value >>> 0);
    }
  }
}
