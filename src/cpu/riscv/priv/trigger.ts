/**
 * Sdtrig triggers ("RISC-V Debug Specification" 1.0, chapter 5): the
 * hardware breakpoints and watchpoints a debugger (or a kernel's ptrace) uses.
 * Each hart has TRIGGERS address-match triggers, chosen with tselect and
 * programmed through tdata1 (type 2 `mcontrol` or type 6 `mcontrol6`) and
 * tdata2 (the address); tinfo lists the supported types; tcontrol.mte enables
 * M-mode triggers and is saved in mpte on a trap into M-mode.
 *
 * Supported: address match on execute, load and store (match 0 equal,
 * 2 greater or equal, 3 less than), any access size or one exact size, action 0
 * (a breakpoint exception), timing "before" (the instruction does not
 * execute). Data-value matching (select), chaining, mask matching and
 * debug-mode actions are not: their fields read back as 0 (WARL).
 *
 * Checking costs the fast path nothing: while any trigger is armed the system
 * VM runs that hart one instruction at a time and asks check() first.
 */
import { Priv } from "../hart.js";

/** CSR numbers of the trigger registers. */
export const enum TCsr {
  tselect = 0x7a0,
  tdata1 = 0x7a1,
  tdata2 = 0x7a2,
  tdata3 = 0x7a3,
  tinfo = 0x7a4,
  tcontrol = 0x7a5,
}

/** Triggers per hart. */
export const TRIGGERS = 4;

/** tdata1.type values (bits 63:60, bits 31:28 of the high word). */
export const enum TriggerType {
  /** Address/data match, debug spec 0.13 (mcontrol) */
  Mcontrol = 2,
  /** Address/data match, Sdtrig 1.0 (mcontrol6) */
  Mcontrol6 = 6,
  /** The trigger exists but is disabled */
  Disabled = 15,
}

/** mcontrol / mcontrol6 low-word fields shared by both types. */
export const enum Mcontrol {
  /** Fire on loads from the address */
  LOAD = 1 << 0,
  /** Fire on stores to the address */
  STORE = 1 << 1,
  /** Fire on executing the instruction at the address */
  EXECUTE = 1 << 2,
  /** Enabled in U-mode */
  U = 1 << 3,
  /** Enabled in S-mode */
  S = 1 << 4,
  /** Enabled in M-mode */
  M = 1 << 6,
  /** Match kind (bits 10:7) */
  MATCH_SHIFT = 7,
  /** mcontrol: hit (bit 20); mcontrol6: hit0 (bit 22) */
  HIT = 1 << 20,
  HIT0 = 1 << 22,
}

/** tcontrol fields. */
export const enum Tcontrol {
  /** M-mode triggers enabled */
  MTE = 1 << 3,
  /** MTE before the last trap into M-mode */
  MPTE = 1 << 7,
}

/** What an access does, for check(). */
export const enum Access {
  Execute = Mcontrol.EXECUTE,
  Load = Mcontrol.LOAD,
  Store = Mcontrol.STORE,
}

const KINDS = Mcontrol.EXECUTE | Mcontrol.LOAD | Mcontrol.STORE;
/** Bits kept on a write (both types): the access kinds, modes, and the match field. */
const COMMON = KINDS | Mcontrol.U | Mcontrol.S | Mcontrol.M | (15 << Mcontrol.MATCH_SHIFT);
/** Access sizes in bytes by mcontrol6 size (and mcontrol sizehi:sizelo) code; 0 = any. */
const SIZE_BYTES = [0, 1, 2, 4, 8, 0, 0, 0];
const MODE_BIT: Record<Priv, number> = { [Priv.User]: Mcontrol.U, [Priv.Supervisor]: Mcontrol.S, [Priv.Machine]: Mcontrol.M };

/** A trigger module's registers as a snapshot keeps them (tdata2 as decimal strings: they are 64-bit). */
export interface TriggersState {
  tselect: number;
  tcontrol: number;
  /** tdata1 per trigger, as 64-bit halves (low first). */
  tdata1: number[];
  tdata2: string[];
}

/** One hart's trigger module. */
export class Triggers {
  tselect = 0;
  tcontrol = 0;
  /** tdata1 per trigger, as 64-bit halves. */
  readonly tdata1 = new Int32Array(TRIGGERS * 2);
  /** tdata2 per trigger (the address), as an unsigned 64-bit value. */
  readonly tdata2: bigint[] = new Array<bigint>(TRIGGERS).fill(0n);
  /** True while some trigger may fire; the system VM then checks every instruction. */
  armed = false;

  constructor() {
    for (let i = 0; i < TRIGGERS; i++) this.tdata1[i * 2 + 1] = TriggerType.Mcontrol << 28;
  }

  /** Reads trigger CSR `csr` into out; false when `csr` is not one. */
  read(csr: number, out: { lo: number; hi: number }): boolean {
    const i = this.tselect;
    let lo = 0, hi = 0;
    switch (csr) {
      case TCsr.tselect: lo = i; break;
      case TCsr.tdata1: lo = this.tdata1[i * 2]; hi = this.tdata1[i * 2 + 1]; break;
      case TCsr.tdata2: lo = Number(BigInt.asIntN(32, this.tdata2[i])); hi = Number(BigInt.asIntN(32, this.tdata2[i] >> 32n)); break;
      case TCsr.tdata3: break;
      case TCsr.tinfo: lo = (1 << 24) | (1 << TriggerType.Mcontrol) | (1 << TriggerType.Mcontrol6) | (1 << TriggerType.Disabled); break;
      case TCsr.tcontrol: lo = this.tcontrol; break;
      default: return false;
    }
    out.lo = lo; out.hi = hi;
    return true;
  }

  /** Writes trigger CSR `csr` (WARL: unsupported field values become legal ones); false when `csr` is not one. */
  write(csr: number, lo: number, hi: number): boolean {
    const i = this.tselect;
    switch (csr) {
      case TCsr.tselect: if ((hi | 0) === 0 && lo >= 0 && lo < TRIGGERS) this.tselect = lo; break;
      case TCsr.tdata1: {
        const type = hi >>> 28;
        if (type === TriggerType.Mcontrol || type === TriggerType.Mcontrol6) {
          const match = (lo >>> Mcontrol.MATCH_SHIFT) & 15;
          let v = lo & COMMON;
          if (match !== 0 && match !== 2 && match !== 3) v &= ~(15 << Mcontrol.MATCH_SHIFT);
          if (type === TriggerType.Mcontrol) v |= lo & (Mcontrol.HIT | (3 << 16) | (3 << 21)); // hit, sizelo, sizehi
          else v |= lo & (Mcontrol.HIT0 | (7 << 16)); // hit0, size
          this.tdata1[i * 2] = v;
          this.tdata1[i * 2 + 1] = type << 28;
        } else {
          this.tdata1[i * 2] = 0;
          this.tdata1[i * 2 + 1] = TriggerType.Disabled << 28;
        }
        break;
      }
      case TCsr.tdata2: this.tdata2[i] = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0); break;
      case TCsr.tdata3: break;
      case TCsr.tinfo: break; // read-only; writes are ignored (Sdtrig: tinfo may be written with no effect)
      case TCsr.tcontrol: this.tcontrol = lo & (Tcontrol.MTE | Tcontrol.MPTE); break;
      default: return false;
    }
    this.rearm();
    return true;
  }

  /** A trap into M-mode: tcontrol.MPTE = MTE, MTE = 0 (so a handler is not re-triggered). */
  trapToMachine(): void {
    this.tcontrol = (this.tcontrol & Tcontrol.MTE) !== 0 ? Tcontrol.MPTE : 0;
  }

  /** mret: tcontrol.MTE = MPTE. */
  mret(): void {
    if ((this.tcontrol & Tcontrol.MPTE) !== 0) this.tcontrol |= Tcontrol.MTE;
    else this.tcontrol &= ~Tcontrol.MTE;
  }

  /**
   * The first trigger that fires for an `access` of `size` bytes at `addr` by a
   * hart at `priv`, with its hit bit set; -1 when none does.
   */
  check(priv: Priv, access: Access, addr: bigint, size: number): number {
    if (priv === Priv.Machine && (this.tcontrol & Tcontrol.MTE) === 0) return -1;
    const mode = MODE_BIT[priv];
    for (let i = 0; i < TRIGGERS; i++) {
      const lo = this.tdata1[i * 2], type = this.tdata1[i * 2 + 1] >>> 28;
      if ((type !== TriggerType.Mcontrol && type !== TriggerType.Mcontrol6) || (lo & access) === 0 || (lo & mode) === 0) continue;
      const code = type === TriggerType.Mcontrol ? ((lo >>> 16) & 3) | (((lo >>> 21) & 3) << 2) : (lo >>> 16) & 7;
      const want = SIZE_BYTES[code & 7];
      if (access !== Access.Execute && want !== 0 && want !== size) continue;
      const t = this.tdata2[i];
      let hit: boolean;
      switch ((lo >>> Mcontrol.MATCH_SHIFT) & 15) {
        case 2: hit = addr >= t; break;
        case 3: hit = addr < t; break;
        default: hit = access === Access.Execute ? addr === t : t >= addr && t < addr + BigInt(size);
      }
      if (!hit) continue;
      this.tdata1[i * 2] = lo | (type === TriggerType.Mcontrol ? Mcontrol.HIT : Mcontrol.HIT0);
      return i;
    }
    return -1;
  }

  /** The registers, for a snapshot. */
  save(): TriggersState {
    return { tselect: this.tselect, tcontrol: this.tcontrol, tdata1: Array.from(this.tdata1), tdata2: this.tdata2.map(String) };
  }

  /** Takes the registers of save() and re-arms. */
  restore(s: TriggersState): void {
    if (s.tdata1.length !== TRIGGERS * 2 || s.tdata2.length !== TRIGGERS) {
      throw new RangeError(`trigger state has ${s.tdata2.length} triggers, not ${TRIGGERS}`);
    }
    this.tselect = s.tselect;
    this.tcontrol = s.tcontrol;
    this.tdata1.set(s.tdata1);
    s.tdata2.forEach((v, i) => { this.tdata2[i] = BigInt.asUintN(64, BigInt(v)); });
    this.rearm();
  }

  /** Recomputes `armed`: some trigger has an access kind and a mode enabled. */
  private rearm(): void {
    let armed = false;
    for (let i = 0; i < TRIGGERS; i++) {
      const type = this.tdata1[i * 2 + 1] >>> 28;
      if ((type === TriggerType.Mcontrol || type === TriggerType.Mcontrol6) && (this.tdata1[i * 2] & KINDS) !== 0) armed = true;
    }
    this.armed = armed;
  }
}
