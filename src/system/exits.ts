/**
 * Trap accounting: every exit to the hypervisor, counted by reason, for the
 * metrics API and the dashboard (and `typevisor boot --stats`).
 *
 * Counters are typed arrays and number fields allocated once per hart
 * (HartExits); bumping one is an increment, never an allocation or a map
 * lookup. They are bumped where each event is decided:
 *
 * - the system VM's run loop (system-vm.ts): how run() returned, ecalls and
 *   SBI calls (a7/a6 at an ecall from S-mode), exceptions delivered,
 *   interrupts taken, mret/sret/sfence.vma/wfi, CSR instructions it performs;
 * - the hart's CSR instruction handlers, inside the interpreter loop
 *   (zicsr.ts counts into Hart.csrCounts, which is HartExits.csr);
 * - the devices and the MMU, which keep their own counts: PhysBus (MMIO by
 *   device), Plic (claims by source), VirtioBlk (requests and bytes),
 *   SvTranslator (page walks), Mmu (TLB flushes), the board (console bytes
 *   out) and the UART (console bytes in).
 *
 * exitMetrics() gathers them into the JSON the API serves; zero counts are
 * left out. The interpreter's inline arms (loads, stores, ALU, branches) count
 * nothing: instructions retired come from the harts' own counters.
 */
import { Exit } from "../cpu/riscv/run.js";
import { SvTranslator } from "../cpu/riscv/priv/sv.js";
import type { VirtioMmio } from "../devices/virtio/mmio.js";
import { VirtioBlk } from "../devices/virtio-blk/virtio-blk.js";
import type { VirtBoard } from "./board.js";
import { RTC_IRQ, UART0_IRQ, VIRTIO_IRQ } from "./memory-map.js";
import { csrName, ECALLS, EXCEPTIONS, INTERRUPTS, SBI_EXTENSIONS, SBI_FUNCTIONS, sbiCallName } from "./exit-names.js";

/** Number of CSR numbers (12 bits). */
export const CSR_COUNT = 4096;
/** Exception codes and interrupt numbers counted (xcause values below this: up to the H extension's 23). */
const CAUSES = 24;
/** SBI extension ids by slot, for a scan without allocation. */
const SBI_IDS = Float64Array.from(SBI_EXTENSIONS, (e) => e.id);

/** How run() returned, by Exit value, plus the yield of a store that sent an IPI. */
const RUN_EXITS: readonly [number, string][] = [[Exit.Budget, "budget"], [Exit.Ecall, "ecall"], [Exit.Trap, "trap"], [Exit.Wfi, "wfi"]];
/** runExits slot of a yield (a Trap exit with Cause.Yield, counted apart from other traps). */
export const RUN_YIELD = 4;

/** The exit counters of one hart. */
export class HartExits {
  /** How run() returned, by Exit value (RUN_YIELD for an IPI's yield). */
  readonly runExits = new Float64Array(RUN_YIELD + 1);
  /** CSR instructions completed, by CSR number: inside the loop (Hart.csrCounts is this array) or by the system VM. */
  readonly csr = new Float64Array(CSR_COUNT);
  /** CSR instructions the run loop refused and the system VM performed, by CSR number. */
  readonly csrExits = new Float64Array(CSR_COUNT);
  /** Exceptions delivered to the guest, by cause (environment calls included). */
  readonly exceptions = new Float64Array(CAUSES);
  /** Interrupts taken, by interrupt number. */
  readonly interrupts = new Float64Array(CAUSES);
  /** SBI calls, at extension slot (SBI_EXTENSIONS) * SBI_FUNCTIONS + function id (the last slot: that id or above). */
  readonly sbi = new Float64Array(SBI_EXTENSIONS.length * SBI_FUNCTIONS);
  /** SBI calls to extensions SBI_EXTENSIONS does not list, by extension id (-1: a7 above 32 bits); made on first use. */
  sbiOther: Map<number, number> | undefined = undefined;
  mret = 0;
  sret = 0;
  sfenceVma = 0;
  wfi = 0;
  /**
   * H extension, the guest hypervisor's level: traps taken while V=1, by
   * exception cause or interrupt number. Those that left the guest (to HS-
   * or M-mode: the guest's hypervisor, or typevisor's firmware, handles them)
   * and those the guest's own kernel handles (delegated to VS-mode).
   */
  readonly guestExits = new Float64Array(CAUSES);
  readonly guestExitInterrupts = new Float64Array(CAUSES);
  readonly guestInternal = new Float64Array(CAUSES);
  readonly guestInternalInterrupts = new Float64Array(CAUSES);
  /** Entries into a guest (an sret or mret that set V=1: the second half of a world switch). */
  vmEntries = 0;
  /**
   * Instructions the hart retired outside the guest (V=0) between a trap that
   * left it and the xRET that re-entered it: the world switch and what the
   * guest's hypervisor did for the exit. Divided by vmEntries, the cost of a
   * round trip VS -> HS -> VS in guest instructions.
   */
  outsideGuest = 0;
  /** Instructions retired when the hart last left the guest, or -1 while inside it (or never in one). */
  private leftGuestAt = -1;
  /** HFENCE.VVMA/GVMA and HLV/HLVX/HSV the system VM performed. */
  hfence = 0;
  hlv = 0;

  /**
   * Counts a trap taken with V=1: `stayed` when it went to VS-mode, else it
   * left the guest, at `retired` instructions.
   */
  guestTrap(interrupt: boolean, cause: number, stayed: boolean, retired: number): void {
    if (!stayed) this.leftGuestAt = retired;
    if (cause >= CAUSES) return;
    if (stayed) (interrupt ? this.guestInternalInterrupts : this.guestInternal)[cause]++;
    else (interrupt ? this.guestExitInterrupts : this.guestExits)[cause]++;
  }

  /** Counts an xRET that may have entered a guest (`virt`: V after it), at `retired` instructions. */
  countEntry(virt: boolean, retired: number): void {
    if (!virt) return;
    this.vmEntries++;
    if (this.leftGuestAt >= 0) this.outsideGuest += retired - this.leftGuestAt;
    this.leftGuestAt = -1;
  }

  /** Counts an SBI call: the ecall's a7 (extension id) and a6 (function id) as 32-bit halves. */
  sbiCall(a7lo: number, a7hi: number, a6lo: number, a6hi: number): void {
    const eid = a7hi === 0 ? a7lo >>> 0 : -1;
    let slot = eid >= 0 && eid <= 8 ? eid : -1; // legacy extensions are slots 0..8
    for (let i = 9; slot < 0 && i < SBI_IDS.length; i++) if (SBI_IDS[i] === eid) slot = i;
    if (slot < 0) {
      this.sbiOther ??= new Map();
      this.sbiOther.set(eid, (this.sbiOther.get(eid) ?? 0) + 1);
      return;
    }
    const fid = slot <= 8 ? 0 : a6hi === 0 && a6lo >>> 0 < SBI_FUNCTIONS - 1 ? a6lo : SBI_FUNCTIONS - 1;
    this.sbi[slot * SBI_FUNCTIONS + fid]++;
  }

  /** Adds `o`'s counts to these (for the machine's totals). */
  add(o: HartExits): void {
    for (const k of ["runExits", "csr", "csrExits", "exceptions", "interrupts", "sbi", "guestExits", "guestExitInterrupts",
      "guestInternal", "guestInternalInterrupts"] as const) {
      const a = this[k], b = o[k];
      for (let i = 0; i < a.length; i++) a[i] += b[i];
    }
    for (const [eid, n] of o.sbiOther ?? []) {
      this.sbiOther ??= new Map();
      this.sbiOther.set(eid, (this.sbiOther.get(eid) ?? 0) + n);
    }
    this.mret += o.mret; this.sret += o.sret; this.sfenceVma += o.sfenceVma; this.wfi += o.wfi;
    this.vmEntries += o.vmEntries; this.hfence += o.hfence; this.hlv += o.hlv; this.outsideGuest += o.outsideGuest;
  }
}

/** Named counts, zero entries left out. */
export type Counts = Record<string, number>;

/** The exits of a hart or of the whole machine, as JSON (zero counts and empty groups left out). */
export interface ExitCounts {
  run_exits?: Counts;
  ecall?: Counts;
  sbi?: Counts;
  csr?: Counts;
  csr_exits?: Counts;
  xret?: Counts;
  sfence_vma?: number;
  wfi?: number;
  exceptions?: Counts;
  page_walks?: number;
  tlb_flushes?: number;
  interrupts?: Counts;
  external?: Counts;
  mmio?: Counts;
  console?: Counts;
  disk?: Counts;
  /** H extension: what a hypervisor running in the guest (HS-mode) sees and does. */
  guest_hypervisor?: GuestHypervisorCounts;
}

/**
 * The two levels of trapping with the H extension: traps that left a guest
 * (V=1 to HS- or M-mode: the guest's hypervisor handles them, where
 * typevisor emulates everything of its own level) and traps the guest's kernel
 * handles itself (delegated to VS-mode), with world-switch entries and the
 * hypervisor instructions performed.
 */
export interface GuestHypervisorCounts {
  vm_entries?: number;
  /** Instructions run outside the guest between leaving it and re-entering it (HartExits.outsideGuest). */
  instructions_outside_guest?: number;
  exits?: Counts;
  in_guest?: Counts;
  hfence?: number;
  hlv_hsv?: number;
}

/** The metrics JSON of a machine (GET /vms/{id}/metrics): totals over all harts, then each hart's own. */
export interface ExitMetrics {
  instructions: number;
  exits: ExitCounts;
  harts: { instructions: number; exits: ExitCounts }[];
}

/** Sets out[key] = n unless n is 0. */
function put(out: Counts, key: string, n: number): void {
  if (n !== 0) out[key] = (out[key] ?? 0) + n;
}

/** `counts` without zeros, or undefined when all are zero. */
function group(counts: Counts): Counts | undefined {
  return Object.keys(counts).length === 0 ? undefined : counts;
}

/** The JSON of one HartExits with the page walks and TLB flushes that go with it. */
function hartCounts(e: HartExits, walks: number, flushes: number): ExitCounts {
  const run: Counts = {}, ecall: Counts = {}, sbi: Counts = {}, csr: Counts = {}, csrExits: Counts = {};
  const xret: Counts = {}, exceptions: Counts = {}, interrupts: Counts = {};
  for (const [exit, key] of RUN_EXITS) put(run, key, e.runExits[exit]);
  put(run, "yield", e.runExits[RUN_YIELD]);
  for (const [cause, k] of ECALLS) put(ecall, k.key, e.exceptions[cause]);
  for (let i = 0; i < e.sbi.length; i++) if (e.sbi[i] !== 0) put(sbi, sbiCallName(Math.floor(i / SBI_FUNCTIONS), i % SBI_FUNCTIONS), e.sbi[i]);
  for (const [eid, n] of e.sbiOther ?? []) put(sbi, eid < 0 ? "other" : `0x${eid.toString(16)}`, n);
  for (let c = 0; c < CSR_COUNT; c++) {
    if (e.csr[c] !== 0) put(csr, csrName(c), e.csr[c]);
    if (e.csrExits[c] !== 0) put(csrExits, csrName(c), e.csrExits[c]);
  }
  put(xret, "mret", e.mret);
  put(xret, "sret", e.sret);
  for (let c = 0; c < CAUSES; c++) {
    if (e.exceptions[c] !== 0 && !ECALLS.has(c)) put(exceptions, EXCEPTIONS.get(c)?.key ?? `exception_${c}`, e.exceptions[c]);
    if (e.interrupts[c] !== 0) put(interrupts, INTERRUPTS.get(c)?.key ?? `interrupt_${c}`, e.interrupts[c]);
  }
  const out: ExitCounts = {
    run_exits: group(run), ecall: group(ecall), sbi: group(sbi), csr: group(csr), csr_exits: group(csrExits),
    xret: group(xret), sfence_vma: e.sfenceVma || undefined, wfi: e.wfi || undefined, exceptions: group(exceptions),
    page_walks: walks || undefined, tlb_flushes: flushes || undefined, interrupts: group(interrupts),
  };
  const guest = guestCounts(e);
  if (guest !== undefined) out.guest_hypervisor = guest;
  for (const k of Object.keys(out) as (keyof ExitCounts)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** The H-extension counts of `e`, or undefined when no guest ran. */
function guestCounts(e: HartExits): GuestHypervisorCounts | undefined {
  const exits: Counts = {}, inGuest: Counts = {};
  const name = (c: number, interrupt: boolean) => interrupt ? INTERRUPTS.get(c)?.key ?? `interrupt_${c}`
    : EXCEPTIONS.get(c)?.key ?? (c === 10 ? "ecall_vs" : c === 8 ? "ecall_vu" : `exception_${c}`);
  for (let c = 0; c < CAUSES; c++) {
    put(exits, name(c, false), e.guestExits[c]);
    put(exits, name(c, true), e.guestExitInterrupts[c]);
    put(inGuest, name(c, false), e.guestInternal[c]);
    put(inGuest, name(c, true), e.guestInternalInterrupts[c]);
  }
  const g: GuestHypervisorCounts = {
    vm_entries: e.vmEntries || undefined, instructions_outside_guest: e.outsideGuest || undefined, exits: group(exits), in_guest: group(inGuest),
    hfence: e.hfence || undefined, hlv_hsv: e.hlv || undefined,
  };
  for (const k of Object.keys(g) as (keyof GuestHypervisorCounts)[]) if (g[k] === undefined) delete g[k];
  return Object.keys(g).length === 0 ? undefined : g;
}

/** The label of virtio-mmio slot `slot` in the metrics: "virtio0-blk", "virtio1-rng"... */
export function virtioLabel(slot: number, dev: VirtioMmio): string {
  return `virtio${slot}-${dev.model.name}`;
}

/** Every exit counter of `board` as the metrics JSON (see ExitMetrics and exit-names.ts's EXIT_DOCS). */
export function exitMetrics(board: VirtBoard): ExitMetrics {
  const total = new HartExits();
  let walks = 0, flushes = 0;
  const harts = board.harts.map(({ hart, exits }) => {
    const w = hart.mmu.translator instanceof SvTranslator ? hart.mmu.translator.walks : 0;
    total.add(exits);
    walks += w;
    flushes += hart.mmu.flushes;
    return { instructions: hart.retired, exits: hartCounts(exits, w, hart.mmu.flushes) };
  });
  const exits = hartCounts(total, walks, flushes);
  const label = (dev: unknown, name: string) => {
    const slot = board.virtio.indexOf(dev as VirtioMmio);
    return slot >= 0 ? virtioLabel(slot, board.virtio[slot]) : name;
  };
  const external: Counts = {}, mmio: Counts = {}, consoleBytes: Counts = {}, disk: Counts = {};
  const claims = board.plic.claims;
  put(external, board.uart.name, claims[UART0_IRQ]);
  put(external, board.rtc.name, claims[RTC_IRQ]);
  board.virtio.forEach((v, i) => put(external, virtioLabel(i, v), claims[VIRTIO_IRQ + i]));
  for (const { device, accesses } of board.bus.mappings()) put(mmio, label(device, device.name), accesses);
  put(consoleBytes, "bytes_out", board.consoleBytesOut);
  put(consoleBytes, "bytes_in", board.uart.bytesRead);
  for (const { model } of board.virtio) {
    if (!(model instanceof VirtioBlk)) continue;
    const s = model.stats;
    put(disk, "reads", s.reads); put(disk, "writes", s.writes); put(disk, "flushes", s.flushes);
    put(disk, "other", s.other); put(disk, "errors", s.errors);
    put(disk, "bytes_read", s.bytesRead); put(disk, "bytes_written", s.bytesWritten);
  }
  Object.assign(exits, Object.fromEntries(Object.entries({ external, mmio, console: consoleBytes, disk })
    .filter(([, c]) => Object.keys(c).length > 0)));
  return { instructions: board.retired, exits, harts };
}

/** The total of a count or group of counts. */
function sum(v: number | Counts | undefined): number {
  if (v === undefined) return 0;
  return typeof v === "number" ? v : Object.values(v).reduce((a, b) => a + b, 0);
}

/** "name=n name=n ..." for the `top` largest counts of `c`. */
function topOf(c: Counts | undefined, top: number): string {
  return Object.entries(c ?? {}).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, n]) => `${k}=${n}`).join(" ");
}

/**
 * A few lines for `typevisor boot --stats`: the VM exits by reason, then each
 * group that counted something with its `top` largest entries, e.g.
 * `typevisor: exits: 81234 (trap=70000 ecall=9000 wfi=1634 budget=600)`.
 * Groups of unlike things (the MMU's, the console's, the disks') list their
 * counts without a total.
 */
export function formatExitSummary(m: ExitMetrics, top = 4): string[] {
  const e = m.exits;
  const emulated: Counts = { ...e.xret };
  if (e.sfence_vma !== undefined) emulated.sfence_vma = e.sfence_vma;
  if (e.wfi !== undefined) emulated.wfi = e.wfi;
  const mmu: Counts = {};
  if (e.page_walks !== undefined) mmu.page_walks = e.page_walks;
  if (e.tlb_flushes !== undefined) mmu.tlb_flushes = e.tlb_flushes;
  const totals: [string, Counts | undefined][] = [
    ["ecalls", e.ecall], ["sbi calls", e.sbi], ["csr accesses", e.csr], ["csr exits", e.csr_exits],
    ["emulated", emulated], ["exceptions", e.exceptions], ["interrupts", e.interrupts],
    ["external interrupts", e.external], ["mmio", e.mmio],
    ["guest exits to its hypervisor", e.guest_hypervisor?.exits],
    ["guest traps handled in the guest", e.guest_hypervisor?.in_guest],
  ];
  const lists: [string, Counts | undefined][] = [["mmu", mmu], ["console", e.console], ["disk", e.disk]];
  const line = (what: string, c: Counts | undefined) => `typevisor: ${what}: ${sum(c)} (${topOf(c, what === "exits" ? 5 : top)})`;
  const g = e.guest_hypervisor;
  const perEntry = g?.vm_entries === undefined ? 0 : (g.instructions_outside_guest ?? 0) / g.vm_entries;
  const world = g?.vm_entries === undefined ? [] : [`typevisor: guest entries: ${g.vm_entries} ` +
    `(instructions outside the guest per entry: ${perEntry.toFixed(1)}, hfence=${g.hfence ?? 0} hlv/hsv=${g.hlv_hsv ?? 0})`];
  return [
    sum(e.run_exits) === 0 ? "typevisor: exits: 0" : line("exits", e.run_exits),
    ...totals.filter(([, c]) => sum(c) > 0).map(([what, c]) => line(what, c)),
    ...world,
    ...lists.filter(([, c]) => sum(c) > 0).map(([what, c]) => `typevisor: ${what}: ${topOf(c, 7)}`),
  ];
}
