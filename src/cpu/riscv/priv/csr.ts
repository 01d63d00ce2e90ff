/**
 * The machine- and supervisor-mode CSRs of one hart ("The RISC-V Instruction
 * Set Manual, Volume II: Privileged Architecture", version 1.12, chapters 3
 * and 4). Plugged into the hart as Hart.csrFile, so CSR instructions reach it
 * from the run loop.
 *
 * Writes that can change how the hart runs next are refused inside the run
 * loop when they must be seen at once (write() returns false, which raises an
 * illegal-instruction Trap with tval 0); the system VM then performs the
 * instruction itself with writeFull(), outside run(), and takes the interrupt
 * it may have enabled before going on. satp, mideleg and the pending bits are
 * always refused; mstatus, sstatus, mie and sie only when the write makes an
 * interrupt ready to be taken, which is rare: the kernel's local_irq_save and
 * restore (csrrc/csrs sstatus.SIE, hundreds of thousands per boot) stay in the
 * loop. Everything else is done in place.
 */
import type { CsrFile, CsrValue } from "../zicsr.js";
import { FsState, Hart, Priv } from "../hart.js";
import { Cause, Trap } from "../trap.js";
import { TCsr, Triggers, type TriggersState } from "./trigger.js";
import {
  HCsr, Hstatus, HypervisorCsrs, isHypervisorCsr, MstatusH, SGEI_IRQ, VS_IRQS, vsSubstitute, VSSTATUS_SUM,
  type HypervisorCsrsState,
} from "./hcsr.js";
import { readHypervisorCsr, writeHypervisorCsr } from "./hcsr-access.js";
import { GUEST_GROUPS, GuestTlbGroups, SETS_PER_GROUP } from "./guest-tlb.js";

/** CSR numbers of the privileged CSRs held here. */
export const enum PCsr {
  sstatus = 0x100, sie = 0x104, stvec = 0x105, scounteren = 0x106, senvcfg = 0x10a,
  sscratch = 0x140, sepc = 0x141, scause = 0x142, stval = 0x143, sip = 0x144, satp = 0x180,
  mstatus = 0x300, misa = 0x301, medeleg = 0x302, mideleg = 0x303, mie = 0x304, mtvec = 0x305,
  mcounteren = 0x306, menvcfg = 0x30a, mcountinhibit = 0x320,
  mscratch = 0x340, mepc = 0x341, mcause = 0x342, mtval = 0x343, mip = 0x344,
  pmpcfg0 = 0x3a0, pmpaddr0 = 0x3b0,
  mcycle = 0xb00, minstret = 0xb02,
  cycle = 0xc00, time = 0xc01, instret = 0xc02,
  mvendorid = 0xf11, marchid = 0xf12, mimpid = 0xf13, mhartid = 0xf14, mconfigptr = 0xf15,
}

/** mstatus fields (low word; UXL and SXL live in the high word and read as 2 = 64-bit). */
export const enum Mstatus {
  /** Supervisor interrupt enable */
  SIE = 1 << 1,
  /** Machine interrupt enable */
  MIE = 1 << 3,
  /** SIE before the last trap into S-mode */
  SPIE = 1 << 5,
  /** MIE before the last trap into M-mode */
  MPIE = 1 << 7,
  /** Privilege before the last trap into S-mode (0 = U, 1 = S) */
  SPP = 1 << 8,
  /** Privilege before the last trap into M-mode (two bits) */
  MPP = 3 << 11,
  MPP_SHIFT = 11,
  /** Floating-point unit state (two bits: Off, Initial, Clean, Dirty) */
  FS = 3 << 13,
  /** Loads and stores use the translation and protection of MPP */
  MPRV = 1 << 17,
  /** Supervisor may access user pages */
  SUM = 1 << 18,
  /** Make executable pages readable */
  MXR = 1 << 19,
  /** Trap virtual memory: satp and sfence.vma are illegal in S-mode */
  TVM = 1 << 20,
  /** Timeout wait: wfi is illegal below M-mode */
  TW = 1 << 21,
  /** Trap sret in S-mode */
  TSR = 1 << 22,
}

/** mstatus bits visible through sstatus (low word). */
const SSTATUS_MASK = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.FS | Mstatus.SUM | Mstatus.MXR;
/** Writable mstatus bits. */
const MSTATUS_WRITABLE = SSTATUS_MASK | Mstatus.MIE | Mstatus.MPIE | Mstatus.MPP | Mstatus.MPRV |
  Mstatus.TVM | Mstatus.TW | Mstatus.TSR;
/** mstatus high word: UXL = 2 (bits 33:32), SXL = 2 (bits 35:34). */
const MSTATUS_HI = 2 | (2 << 2);

/** Interrupt numbers (bit positions in mip/mie, and xcause codes with the interrupt bit set). */
export const enum Irq {
  /** Supervisor software interrupt */
  SSI = 1,
  /** Machine software interrupt */
  MSI = 3,
  /** Supervisor timer interrupt */
  STI = 5,
  /** Machine timer interrupt */
  MTI = 7,
  /** Supervisor external interrupt */
  SEI = 9,
  /** Machine external interrupt */
  MEI = 11,
}

/** Interrupts that can be delegated to S-mode, and the S-level bits of mip/mie. */
export const S_IRQS = (1 << Irq.SSI) | (1 << Irq.STI) | (1 << Irq.SEI);
/** All implemented interrupt bits without the H extension. */
const ALL_IRQS = S_IRQS | (1 << Irq.MSI) | (1 << Irq.MTI) | (1 << Irq.MEI);
/** mip bits M-mode software may write (the M-level ones come from devices). */
const MIP_WRITABLE = S_IRQS;
/** Exceptions that may be delegated (all but ecall from M-mode and the reserved codes). */
const MEDELEG_WRITABLE = 0xb3ff;
/** What the H extension adds to medeleg: ecall from VS-mode, the guest-page faults and virtual instructions. */
const MEDELEG_H = (1 << 10) | (0xf << 20);

/** satp MODE values (bits 63:60). */
export const enum SatpMode {
  Bare = 0,
  Sv39 = 8,
  Sv48 = 9,
}

/** misa: MXL = 2 (RV64) and the extensions I, M, A, F, D, C, S, U (and H: MISA_H). */
const MISA_LO = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
const MISA_H = 1 << 7;
const MISA_HI = 2 << 30;

/** mstatus bits that change how data addresses translate. */
const XLATE_BITS = Mstatus.SUM | Mstatus.MXR | Mstatus.MPRV | Mstatus.MPP;

/** The first of the sets that hold guest (V=1) translations: groups of VU, VS, VS with vsstatus.SUM (guest-tlb.ts). */
export const GUEST_TLB_SETS = 4;
/** Number of TLB sets a system-VM hart's MMU keeps (tlbSet): the host's four, then the guests' groups. */
export const TLB_SETS = GUEST_TLB_SETS + GUEST_GROUPS * SETS_PER_GROUP;

/**
 * The TLB set (Mmu.select) for a hart at `priv` with `mstatus`: 0 for U-mode,
 * 1 for S-mode, 2 for S-mode with SUM (user pages readable), 3 for M-mode;
 * with V=1 (`virt`), in guest group `group` (GuestTlbGroups), its first set
 * for VU-mode, its second for VS-mode, its third for VS-mode with
 * vsstatus.SUM. Translations cached in one set stay right for it across traps
 * and xRETs, so a world switch (VS -> HS -> VS) flushes nothing; satp and
 * HS-mode's sfence.vma flush the host's sets, MXR, MPRV (and MPP, MPV while
 * MPRV is set) all of them; hfence.vvma, VS-mode's sfence.vma and vsstatus.MXR
 * the current guest group, hfence.gvma every guest group.
 */
export function tlbSet(priv: Priv, mstatus: number, virt = false, vsstatus = 0, group = 0): number {
  if (priv === Priv.Machine) return 3;
  const base = virt ? GUEST_TLB_SETS + group * SETS_PER_GROUP : 0;
  if (priv === Priv.User) return base;
  return base + ((virt ? vsstatus & VSSTATUS_SUM : mstatus & Mstatus.SUM) !== 0 ? 2 : 1);
}

/**
 * CSRs whose writes always leave the run loop (see the module comment); the
 * trigger CSRs too, since arming a trigger changes how the system VM runs the hart.
 */
const CONTEXT_CSRS = new Set<number>([PCsr.satp, PCsr.mip, PCsr.sip, PCsr.mideleg,
  TCsr.tselect, TCsr.tdata1, TCsr.tdata2, TCsr.tcontrol]);
/** CSRs whose writes leave the run loop when they make an interrupt ready. */
const ENABLE_CSRS = new Set<number>([PCsr.mstatus, PCsr.sstatus, PCsr.mie, PCsr.sie]);

const illegal = (): Trap => new Trap(Cause.IllegalInsn, 0, 0);
/** A virtual-instruction exception (the system VM puts the instruction's bits in tval). */
const virtualInsn = (): Trap => new Trap(Cause.VirtualInsn, 0, 0);

/** The plain-number registers of PrivCsrs, saved and restored by name. */
const SCALAR_CSRS = [
  "mstatus", "medeleg", "mideleg", "mie", "mipSw",
  "mtvecLo", "mtvecHi", "stvecLo", "stvecHi", "mscratchLo", "mscratchHi", "sscratchLo", "sscratchHi",
  "mepcLo", "mepcHi", "sepcLo", "sepcHi", "mcauseLo", "mcauseHi", "scauseLo", "scauseHi",
  "mtvalLo", "mtvalHi", "stvalLo", "stvalHi", "satpLo", "satpHi",
  "mcounteren", "scounteren", "menvcfg", "senvcfg",
] as const;

/**
 * The privileged CSRs of one hart as a snapshot keeps them. mip's
 * device-driven bits (mipHw) are not kept: the restored devices drive them
 * again through their interrupt lines.
 */
export type PrivCsrsState = Record<(typeof SCALAR_CSRS)[number], number> & {
  pmpcfg: number[];
  pmpaddr: number[];
  /** What mcycle and minstret add to the instructions retired. */
  cycleBias: number;
  instretBias: number;
  triggers: TriggersState;
  /** mstatus's high-word GVA and MPV bits, and the H extension's registers (absent in snapshots older than it). */
  mstatusH?: number;
  hyp?: HypervisorCsrsState;
};

/** The privileged CSR state of one hart. Fields are the registers, as 32-bit halves where they are 64-bit. */
export class PrivCsrs implements CsrFile {
  /** mstatus low word (the high word is constant), without FS: the hart holds that (Hart.fs). */
  mstatus = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** mip bits written by software (SSIP, STIP, SEIP). */
  mipSw = 0;
  /** mip bits driven by devices (MSIP, MTIP, MEIP, SEIP). */
  mipHw = 0;
  mtvecLo = 0; mtvecHi = 0;
  stvecLo = 0; stvecHi = 0;
  mscratchLo = 0; mscratchHi = 0;
  sscratchLo = 0; sscratchHi = 0;
  mepcLo = 0; mepcHi = 0;
  sepcLo = 0; sepcHi = 0;
  mcauseLo = 0; mcauseHi = 0;
  scauseLo = 0; scauseHi = 0;
  mtvalLo = 0; mtvalHi = 0;
  stvalLo = 0; stvalHi = 0;
  satpLo = 0; satpHi = 0;
  mcounteren = 0;
  scounteren = 0;
  /** menvcfg / senvcfg: only FIOM (bit 0) is implemented. */
  menvcfg = 0;
  senvcfg = 0;
  /** pmpcfg0, 2, ... 14 (RV64 has only the even ones), as 64-bit halves. */
  readonly pmpcfg = new Int32Array(16);
  /** pmpaddr0..63 as 64-bit halves (bits 53:0). */
  readonly pmpaddr = new Int32Array(128);
  /** The Sdtrig trigger module (tselect, tdata1-3, tinfo, tcontrol). */
  readonly triggers = new Triggers();
  /** mstatus high-word fields of the H extension (MstatusH: GVA, MPV). */
  mstatusH = 0;
  /** The H extension's registers (used only when hExtension). */
  readonly hyp = new HypervisorCsrs();
  /** Added to instructions retired to give mcycle / minstret (they are written as a whole). */
  private cycleBias = 0;
  private instretBias = 0;
  /** Called after a change that invalidates cached translations (satp, MXR, MPRV, MPP under MPRV). */
  onTranslationChange: () => void = () => {};
  /** Called after the translation context changed (privilege, V, SUM, the guest's address space): the MMU selects tlbSet(). */
  onContextChange: () => void = () => {};
  /** Flushes TLB sets [first, end) (the board: Mmu.flush); flushHost and flushGuest call it. */
  onFlushSets: (first: number, end: number) => void = () => {};
  /** Which group of TLB sets holds the current guest's translations (GuestTlbGroups: keyed by hgatp, VMID included, and vsatp). */
  readonly guestTlb = new GuestTlbGroups();
  /** hgatp or vsatp changed since the guest group was chosen. */
  private guestSpaceChanged = false;

  constructor(
    /** This hart's number (mhartid). */
    readonly hartId: number,
    /** The machine's real-time counter (mtime), in ticks. */
    readonly mtime: () => number,
    /** Whether the hart implements the hypervisor extension (misa.H). */
    readonly hExtension = false,
  ) {}

  /** mip as software reads it. */
  get mip(): number {
    return this.mipSw | this.mipHw;
  }

  /** mideleg as the hart uses it: with the H extension the VS-level and guest external interrupts always go to HS-mode (read-only ones). */
  get midelegEffective(): number {
    return this.hExtension ? this.mideleg | VS_IRQS | SGEI_IRQ : this.mideleg;
  }

  /** With V=1: records in mstatus.FS and vsstatus.FS an FP write the hart made (Hart.mstatusFs became Dirty). */
  syncFs(h: Hart): void {
    if (h.virt && h.mstatusFs === FsState.Dirty) {
      this.hyp.fsHs = FsState.Dirty;
      this.hyp.vsstatus |= Mstatus.FS;
    }
  }

  /**
   * With V=1: sets Hart.mstatusFs to the state FP instructions obey, both
   * mstatus.FS and vsstatus.FS: Off when either is Off, Dirty when both are
   * (so the run loop looks no further), else Initial (the next FP write makes
   * both Dirty: syncFs).
   */
  refreshFs(h: Hart): void {
    if (!h.virt) return;
    const hs = this.hyp.fsHs, vs = (this.hyp.vsstatus >>> 13) & 3;
    h.mstatusFs = hs === FsState.Off || vs === FsState.Off ? FsState.Off
      : hs === FsState.Dirty && vs === FsState.Dirty ? FsState.Dirty : FsState.Initial;
  }

  /**
   * The TLB set hart h uses now (tlbSet with this file's state). With V=1
   * after hgatp or vsatp changed, first the guest group tagged with the new
   * pair is chosen (flushed if it is new): a hypervisor that writes both
   * while switching guests picks a group once, at the entry.
   */
  tlbSetOf(h: Hart): number {
    if (h.virt && this.guestSpaceChanged) {
      this.guestSpaceChanged = false;
      const y = this.hyp;
      const g = this.guestTlb.choose(y.hgatpLo, y.hgatpHi, y.vsatpLo, y.vsatpHi);
      if (g < 0) {
        const first = GUEST_TLB_SETS + (-1 - g) * SETS_PER_GROUP;
        this.onFlushSets(first, first + SETS_PER_GROUP);
      }
    }
    return tlbSet(h.priv, this.mstatus, h.virt, this.hyp.vsstatus, this.guestTlb.current);
  }

  /** Forgets the host's translations (V=0, and M-mode's): after a satp write or HS-mode's sfence.vma. */
  flushHost(): void {
    this.onFlushSets(0, GUEST_TLB_SETS);
  }

  /**
   * Forgets the current guest's translations (`all`: every guest's, as
   * hfence.gvma), and M-mode's while MPRV may have made some through the
   * guest's tables.
   */
  flushGuest(all: boolean): void {
    this.flushMprv();
    const first = GUEST_TLB_SETS + (all ? 0 : this.guestTlb.current * SETS_PER_GROUP);
    this.onFlushSets(first, all ? TLB_SETS : first + SETS_PER_GROUP);
  }

  /**
   * After hgatp or vsatp changed on hart h: the guest's translations go to
   * the group tagged with the new pair, chosen when h next runs with V=1
   * (tlbSetOf).
   */
  guestAddressSpaceChanged(h: Hart): void {
    this.guestSpaceChanged = true;
    this.flushMprv();
    if (h.virt) this.onContextChange();
  }

  /** Flushes M-mode's set while mstatus.MPRV is set: its loads and stores may then go through a guest's tables (MPV). */
  private flushMprv(): void {
    if ((this.mstatus & Mstatus.MPRV) !== 0) this.onFlushSets(3, 4);
  }

  /** Sets V=1 on hart h (a trap into VS-mode keeps it; sret and mret set it). */
  enterVirt(h: Hart): void {
    if (h.virt) return;
    this.hyp.fsHs = h.mstatusFs;
    h.virt = true;
    this.refreshFs(h);
  }

  /** Sets V=0 on hart h (a trap into HS- or M-mode). */
  leaveVirt(h: Hart): void {
    if (!h.virt) return;
    this.syncFs(h);
    h.mstatusFs = this.hyp.fsHs;
    h.virt = false;
  }

  /** Raises or lowers a device-driven interrupt-pending bit. */
  setPending(irq: Irq, level: boolean): void {
    if (level) this.mipHw |= 1 << irq;
    else this.mipHw &= ~(1 << irq);
  }

  /**
   * Throws an illegal-instruction Trap unless hart `h` may access `csr` at
   * its privilege (the hypervisor CSRs, 0x2xx/0x6xx/0xaxx/0xexx, need HS-mode).
   */
  private checkPriv(h: Hart, csr: number): void {
    const level = (csr >>> 8) & 3;
    if ((level === 2 ? Priv.Supervisor : level) > h.priv) throw illegal();
    if ((csr === PCsr.satp || csr === HCsr.hgatp) && h.priv === Priv.Supervisor && !h.virt && (this.mstatus & Mstatus.TVM) !== 0) {
      throw illegal();
    }
  }

  /**
   * Throws unless the counter `csr` (0xc00..0xc1f) may be read at `h`'s
   * privilege: mcounteren below M-mode, then with V=1 hcounteren (a virtual
   * instruction), then in (V)U-mode scounteren.
   */
  private checkCounter(h: Hart, csr: number): void {
    const bit = 1 << (csr & 31);
    if (h.priv < Priv.Machine && (this.mcounteren & bit) === 0) throw illegal();
    if (h.virt && (this.hyp.hcounteren & bit) === 0) throw virtualInsn();
    if (h.priv === Priv.User && (this.scounteren & bit) === 0) throw h.virt ? virtualInsn() : illegal();
  }

  /**
   * The CSR a V=1 hart reaches with number `csr` (VS-mode's s* CSRs are the
   * vs* ones), or throws: the hypervisor and VS CSRs are virtual instructions
   * (HS-mode could access them), M-level ones illegal; VU-mode's supervisor
   * CSRs, and VS-mode's satp under hstatus.VTVM, are virtual instructions.
   */
  private virtualCsr(h: Hart, csr: number): number {
    const level = (csr >>> 8) & 3;
    if (level === 3) throw illegal();
    if (level === 2) throw isHypervisorCsr(csr) ? virtualInsn() : illegal();
    if (level === 1) {
      const vs = vsSubstitute(csr);
      const implemented = vs !== csr || csr === PCsr.scounteren || csr === PCsr.senvcfg;
      if (!implemented) return csr;
      if (h.priv === Priv.User) throw virtualInsn();
      if (csr === PCsr.satp && (this.hyp.hstatus & Hstatus.VTVM) !== 0) throw virtualInsn();
      return vs;
    }
    return csr;
  }

  read(h: Hart, csr: number, out: CsrValue): boolean {
    if (csr >= 0xc00 && csr < 0xc20) {
      this.checkCounter(h, csr);
      let v: number;
      if (csr === PCsr.time) {
        v = this.mtime();
        if (h.virt) {
          // time + htimedelta, modulo 2^64 (the delta is often negative).
          const lo = (v % 4294967296) + (this.hyp.htimedeltaLo >>> 0);
          out.lo = lo | 0;
          out.hi = (Math.floor(v / 4294967296) + this.hyp.htimedeltaHi + (lo >= 4294967296 ? 1 : 0)) | 0;
          return true;
        }
      } else if (csr === PCsr.cycle) v = h.retired + this.cycleBias;
      else if (csr === PCsr.instret) v = h.retired + this.instretBias;
      else v = 0;
      setU64(out, v);
      return true;
    }
    if (csr < 0x100) return false; // fflags, frm, fcsr and unknown user CSRs: zicsr.ts
    if (this.hExtension) {
      if (h.virt) csr = this.virtualCsr(h, csr);
      if (isHypervisorCsr(csr)) {
        this.checkPriv(h, csr);
        return readHypervisorCsr(this, h, csr, out);
      }
    }
    let lo: number, hi = 0;
    switch (csr) {
      case PCsr.sstatus: lo = (this.mstatus & SSTATUS_MASK) | (h.mstatusFs << 13); hi = (MSTATUS_HI & 3) | sdBit(h); break;
      case PCsr.sie: lo = this.mie & this.mideleg & S_IRQS; break;
      case PCsr.stvec: lo = this.stvecLo; hi = this.stvecHi; break;
      case PCsr.scounteren: lo = this.scounteren; break;
      case PCsr.senvcfg: lo = this.senvcfg; break;
      case PCsr.sscratch: lo = this.sscratchLo; hi = this.sscratchHi; break;
      case PCsr.sepc: lo = this.sepcLo; hi = this.sepcHi; break;
      case PCsr.scause: lo = this.scauseLo; hi = this.scauseHi; break;
      case PCsr.stval: lo = this.stvalLo; hi = this.stvalHi; break;
      case PCsr.sip: lo = this.mip & this.mideleg & S_IRQS; break;
      case PCsr.satp: lo = this.satpLo; hi = this.satpHi; break;
      case PCsr.mstatus: lo = this.mstatus | (h.mstatusFs << 13); hi = MSTATUS_HI | this.mstatusH | sdBit(h); break;
      case PCsr.misa: lo = MISA_LO | (this.hExtension ? MISA_H : 0); hi = MISA_HI; break;
      case PCsr.medeleg: lo = this.medeleg; break;
      case PCsr.mideleg: lo = this.midelegEffective; break;
      case PCsr.mie: lo = this.mie; break;
      case PCsr.mtvec: lo = this.mtvecLo; hi = this.mtvecHi; break;
      case PCsr.mcounteren: lo = this.mcounteren; break;
      case PCsr.menvcfg: lo = this.menvcfg; break;
      case PCsr.mcountinhibit: lo = 0; break;
      case PCsr.mscratch: lo = this.mscratchLo; hi = this.mscratchHi; break;
      case PCsr.mepc: lo = this.mepcLo; hi = this.mepcHi; break;
      case PCsr.mcause: lo = this.mcauseLo; hi = this.mcauseHi; break;
      case PCsr.mtval: lo = this.mtvalLo; hi = this.mtvalHi; break;
      case PCsr.mip: lo = this.mip; break;
      case PCsr.mcycle: case PCsr.minstret:
        this.checkPriv(h, csr);
        setU64(out, h.retired + (csr === PCsr.mcycle ? this.cycleBias : this.instretBias));
        return true;
      case PCsr.mvendorid: case PCsr.marchid: case PCsr.mimpid: case PCsr.mconfigptr: lo = 0; break;
      case PCsr.mhartid: lo = this.hartId; break;
      default:
        if (csr >= PCsr.pmpcfg0 && csr < PCsr.pmpcfg0 + 16) {
          if ((csr & 1) !== 0) return false; // RV64: only the even pmpcfg registers exist
          lo = this.pmpcfg[(csr & 15)]; hi = this.pmpcfg[(csr & 15) + 1];
        } else if (csr >= PCsr.pmpaddr0 && csr < PCsr.pmpaddr0 + 64) {
          const i = (csr - PCsr.pmpaddr0) * 2;
          lo = this.pmpaddr[i]; hi = this.pmpaddr[i + 1];
        } else if ((csr > 0xb02 && csr < 0xb20) || (csr > 0x322 && csr < 0x340)) {
          lo = 0; // mhpmcounter3..31, mhpmevent3..31: hardwired to zero
        } else if (csr >= TCsr.tselect && csr <= TCsr.tcontrol) {
          this.checkPriv(h, csr);
          return this.triggers.read(csr, out);
        } else return false;
    }
    this.checkPriv(h, csr);
    out.lo = lo; out.hi = hi;
    return true;
  }

  write(h: Hart, csr: number, lo: number, hi: number): boolean {
    if (CONTEXT_CSRS.has(csr)) return false;
    // With V=1 every privileged CSR is substituted or trapped, and the H extension's
    // registers change translation and interrupts: all of these leave the loop.
    if (h.virt || ((csr >>> 8) & 3) === 2) return false;
    if (!ENABLE_CSRS.has(csr)) return this.writeFull(h, csr, lo, hi);
    // A change of translation context (SUM, MXR, MPRV, MPP) switches or flushes the TLB
    // set, which the run loop holds in locals: it must happen outside the loop.
    const writable = csr === PCsr.sstatus ? SSTATUS_MASK : csr === PCsr.mstatus ? MSTATUS_WRITABLE : 0;
    if (((lo ^ this.mstatus) & writable & XLATE_BITS) !== 0) return false;
    const mstatus = this.mstatus, mie = this.mie, fs = h.mstatusFs;
    this.writeFull(h, csr, lo, hi);
    if (this.readyInterrupts(h) === 0) return true;
    // An interrupt is ready: undo, so that the system VM performs the write and takes it.
    this.mstatus = mstatus; this.mie = mie; h.mstatusFs = fs;
    return false;
  }

  /**
   * The interrupts hart `h` would take now, as a mip mask. One not delegated
   * (mideleg) goes to M-mode: enabled below M, or in M with mstatus.MIE. A
   * delegated one goes to (H)S-mode: enabled with V=1 or in U, or in S with
   * mstatus.SIE, and never taken while in M-mode. One delegated further by
   * hideleg goes to VS-mode: enabled only with V=1, in VU or in VS with
   * vsstatus.SIE.
   */
  readyInterrupts(h: Hart): number {
    const pending = this.mip & this.mie;
    if (pending === 0) return 0;
    const st = this.mstatus, priv = h.priv, deleg = this.midelegEffective;
    let ready = 0;
    if (priv < Priv.Machine || (st & Mstatus.MIE) !== 0) ready |= pending & ~deleg;
    const toVs = this.hExtension ? deleg & this.hyp.hideleg : 0;
    if (h.virt || priv < Priv.Supervisor || (priv === Priv.Supervisor && (st & Mstatus.SIE) !== 0)) ready |= pending & deleg & ~toVs;
    if (h.virt && (priv === Priv.User || (this.hyp.vsstatus & Mstatus.SIE) !== 0)) ready |= pending & toVs;
    return ready;
  }

  /**
   * Writes `csr` with all its effects; returns false when this file does not
   * hold it (fflags, frm, fcsr, unknown). Throws an illegal-instruction Trap
   * when `h` may not write it. The caller checks for newly enabled interrupts.
   */
  writeFull(h: Hart, csr: number, lo: number, hi: number): boolean {
    if (csr < 0x100) return false;
    if ((csr >>> 10) === 3) throw illegal();
    if (this.hExtension) {
      if (h.virt) csr = this.virtualCsr(h, csr);
      if (isHypervisorCsr(csr)) {
        this.checkPriv(h, csr);
        return writeHypervisorCsr(this, h, csr, lo, hi);
      }
    }
    this.checkPriv(h, csr);
    switch (csr) {
      case PCsr.sstatus: this.setMstatus((this.mstatus & ~SSTATUS_MASK) | (lo & SSTATUS_MASK)); h.mstatusFs = (lo >>> 13) & 3; return true;
      case PCsr.sie: this.mie = (this.mie & ~this.mideleg) | (lo & this.mideleg); return true;
      case PCsr.stvec: this.stvecLo = tvec(lo, this.stvecLo); this.stvecHi = hi; return true;
      case PCsr.scounteren: this.scounteren = lo; return true;
      case PCsr.senvcfg: this.senvcfg = lo & 1; return true;
      case PCsr.sscratch: this.sscratchLo = lo; this.sscratchHi = hi; return true;
      case PCsr.sepc: this.sepcLo = lo & ~1; this.sepcHi = hi; return true;
      case PCsr.scause: this.scauseLo = lo; this.scauseHi = hi; return true;
      case PCsr.stval: this.stvalLo = lo; this.stvalHi = hi; return true;
      case PCsr.sip: {
        const m = this.mideleg & (1 << Irq.SSI); // only SSIP is writable through sip
        this.mipSw = (this.mipSw & ~m) | (lo & m);
        return true;
      }
      case PCsr.satp: {
        const mode = hi >>> 28;
        if (mode !== SatpMode.Bare && mode !== SatpMode.Sv39 && mode !== SatpMode.Sv48) return true; // WARL: unchanged
        this.satpLo = lo; this.satpHi = hi;
        this.flushHost();
        return true;
      }
      case PCsr.mstatus:
        if (this.hExtension) this.setMstatusH(hi & (MstatusH.GVA | MstatusH.MPV));
        this.setMstatus((this.mstatus & ~MSTATUS_WRITABLE) | (lo & MSTATUS_WRITABLE)); h.mstatusFs = (lo >>> 13) & 3;
        return true;
      case PCsr.misa: return true; // WARL: the extensions cannot be switched off
      case PCsr.medeleg: this.medeleg = lo & (MEDELEG_WRITABLE | (this.hExtension ? MEDELEG_H : 0)); return true;
      case PCsr.mideleg: this.mideleg = lo & S_IRQS; return true;
      case PCsr.mie: this.mie = lo & (ALL_IRQS | (this.hExtension ? VS_IRQS | SGEI_IRQ : 0)); return true;
      case PCsr.mtvec: this.mtvecLo = tvec(lo, this.mtvecLo); this.mtvecHi = hi; return true;
      case PCsr.mcounteren: this.mcounteren = lo; return true;
      case PCsr.menvcfg: this.menvcfg = lo & 1; return true;
      case PCsr.mcountinhibit: return true;
      case PCsr.mscratch: this.mscratchLo = lo; this.mscratchHi = hi; return true;
      case PCsr.mepc: this.mepcLo = lo & ~1; this.mepcHi = hi; return true;
      case PCsr.mcause: this.mcauseLo = lo; this.mcauseHi = hi; return true;
      case PCsr.mtval: this.mtvalLo = lo; this.mtvalHi = hi; return true;
      case PCsr.mip: {
        const m = MIP_WRITABLE | (this.hExtension ? 1 << 2 : 0); // and VSSIP, an alias of hvip.VSSIP
        this.mipSw = (this.mipSw & ~m) | (lo & m);
        return true;
      }
      // The written value is what the next instruction reads: the write's own retirement does not count.
      case PCsr.mcycle: this.cycleBias = u64(lo, hi) - h.retired - 1; return true;
      case PCsr.minstret: this.instretBias = u64(lo, hi) - h.retired - 1; return true;
    }
    if (csr >= PCsr.pmpcfg0 && csr < PCsr.pmpcfg0 + 16) {
      if ((csr & 1) !== 0) return false;
      this.pmpcfg[csr & 15] = lo; this.pmpcfg[(csr & 15) + 1] = hi;
      return true;
    }
    if (csr >= PCsr.pmpaddr0 && csr < PCsr.pmpaddr0 + 64) {
      const i = (csr - PCsr.pmpaddr0) * 2;
      this.pmpaddr[i] = lo; this.pmpaddr[i + 1] = hi & 0x3fffff;
      return true;
    }
    if ((csr > 0xb02 && csr < 0xb20) || (csr > 0x322 && csr < 0x340)) return true;
    return this.triggers.write(csr, lo, hi);
  }

  /** The registers, for a snapshot. */
  save(): PrivCsrsState {
    const s = {} as Record<(typeof SCALAR_CSRS)[number], number>;
    for (const k of SCALAR_CSRS) s[k] = this[k];
    return {
      ...s, pmpcfg: Array.from(this.pmpcfg), pmpaddr: Array.from(this.pmpaddr),
      cycleBias: this.cycleBias, instretBias: this.instretBias, triggers: this.triggers.save(),
      mstatusH: this.mstatusH, hyp: this.hyp.save(),
    };
  }

  /**
   * Takes the registers of save() (restore the hart first: the TLB set chosen
   * depends on its privilege), then flushes and re-selects the translations.
   */
  restore(s: PrivCsrsState): void {
    if (s.pmpcfg.length !== this.pmpcfg.length || s.pmpaddr.length !== this.pmpaddr.length) {
      throw new RangeError(`PMP state has ${s.pmpcfg.length}/${s.pmpaddr.length} words, not ${this.pmpcfg.length}/${this.pmpaddr.length}`);
    }
    for (const k of SCALAR_CSRS) this[k] = s[k];
    this.pmpcfg.set(s.pmpcfg);
    this.pmpaddr.set(s.pmpaddr);
    this.cycleBias = s.cycleBias;
    this.instretBias = s.instretBias;
    this.triggers.restore(s.triggers);
    this.mstatusH = s.mstatusH ?? 0;
    if (s.hyp !== undefined) this.hyp.restore(s.hyp);
    this.onTranslationChange();
    this.guestSpaceChanged = true; // every set is empty now: whichever group the restored guest gets is right
    this.onContextChange();
  }

  /** Sets mstatus's high-word H fields (GVA, MPV); a change of MPV under MPRV changes how M-mode's loads and stores translate. */
  setMstatusH(v: number): void {
    const changed = v ^ this.mstatusH;
    this.mstatusH = v;
    if ((changed & MstatusH.MPV) !== 0 && (this.mstatus & Mstatus.MPRV) !== 0) this.onTranslationChange();
  }

  /**
   * Sets mstatus but its FS field (which lives in Hart.fs), keeping the WARL
   * fields legal: MPP = 2 (no H-mode) keeps its old value.
   */
  setMstatus(v: number): void {
    if ((v & Mstatus.MPP) === 2 << Mstatus.MPP_SHIFT) v = (v & ~Mstatus.MPP) | (this.mstatus & Mstatus.MPP);
    v &= ~Mstatus.FS;
    const changed = v ^ this.mstatus;
    this.mstatus = v;
    if ((changed & (Mstatus.MXR | Mstatus.MPRV)) !== 0 || ((changed & Mstatus.MPP) !== 0 && (v & Mstatus.MPRV) !== 0)) {
      this.onTranslationChange();
    }
    if ((changed & Mstatus.SUM) !== 0) this.onContextChange();
  }
}

/** mstatus.SD (bit 63, bit 31 of the high word): set when FS is Dirty. */
function sdBit(h: Hart): number {
  return h.mstatusFs === FsState.Dirty ? 1 << 31 : 0;
}

/** Legal xtvec low word: MODE 0 (direct) or 1 (vectored); a reserved mode keeps the old one. */
export function tvec(lo: number, old: number): number {
  const mode = lo & 3;
  return mode <= 1 ? lo : (lo & ~3) | (old & 3);
}

/** A 64-bit value given as halves, as a number (exact below 2^53). */
function u64(lo: number, hi: number): number {
  return (hi >>> 0) * 4294967296 + (lo >>> 0);
}

/** Stores the non-negative number v (below 2^53) as 64-bit halves. */
function setU64(out: CsrValue, v: number): void {
  out.lo = v | 0;
  out.hi = Math.floor(v / 4294967296) | 0;
}
