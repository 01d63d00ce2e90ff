/**
 * Names and one-line explanations for trap accounting (exits.ts): CSR names by
 * number, exception and interrupt names by code, the SBI extensions and
 * functions of the RISC-V Supervisor Binary Interface specification (v2.0 and
 * the ratified extensions since), and a sentence per counter for learners (a
 * dashboard shows it next to the number). Names follow the specs, in the
 * snake_case the JSON uses.
 */
import { Csr } from "../cpu/riscv/zicsr.js";
import { Irq, PCsr } from "../cpu/riscv/priv/csr.js";
import { TCsr } from "../cpu/riscv/priv/trigger.js";
import { HCsr } from "../cpu/riscv/priv/hcsr.js";
import { Cause } from "../cpu/riscv/trap.js";

/** Names of the CSRs this machine implements, by number (the privileged spec's tables 2.2-2.5 and the debug spec's). */
const CSR_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [Csr.fflags, "fflags"], [Csr.frm, "frm"], [Csr.fcsr, "fcsr"],
  [Csr.cycle, "cycle"], [Csr.time, "time"], [Csr.instret, "instret"],
  [PCsr.sstatus, "sstatus"], [PCsr.sie, "sie"], [PCsr.stvec, "stvec"], [PCsr.scounteren, "scounteren"],
  [PCsr.senvcfg, "senvcfg"], [PCsr.sscratch, "sscratch"], [PCsr.sepc, "sepc"], [PCsr.scause, "scause"],
  [PCsr.stval, "stval"], [PCsr.sip, "sip"], [PCsr.satp, "satp"],
  [PCsr.mstatus, "mstatus"], [PCsr.misa, "misa"], [PCsr.medeleg, "medeleg"], [PCsr.mideleg, "mideleg"],
  [PCsr.mie, "mie"], [PCsr.mtvec, "mtvec"], [PCsr.mcounteren, "mcounteren"], [PCsr.menvcfg, "menvcfg"],
  [PCsr.mcountinhibit, "mcountinhibit"], [PCsr.mscratch, "mscratch"], [PCsr.mepc, "mepc"], [PCsr.mcause, "mcause"],
  [PCsr.mtval, "mtval"], [PCsr.mip, "mip"], [PCsr.mcycle, "mcycle"], [PCsr.minstret, "minstret"],
  [PCsr.mvendorid, "mvendorid"], [PCsr.marchid, "marchid"], [PCsr.mimpid, "mimpid"], [PCsr.mhartid, "mhartid"],
  [PCsr.mconfigptr, "mconfigptr"],
  [TCsr.tselect, "tselect"], [TCsr.tdata1, "tdata1"], [TCsr.tdata2, "tdata2"], [TCsr.tdata3, "tdata3"],
  [TCsr.tinfo, "tinfo"], [TCsr.tcontrol, "tcontrol"],
  [HCsr.vsstatus, "vsstatus"], [HCsr.vsie, "vsie"], [HCsr.vstvec, "vstvec"], [HCsr.vsscratch, "vsscratch"],
  [HCsr.vsepc, "vsepc"], [HCsr.vscause, "vscause"], [HCsr.vstval, "vstval"], [HCsr.vsip, "vsip"], [HCsr.vsatp, "vsatp"],
  [HCsr.hstatus, "hstatus"], [HCsr.hedeleg, "hedeleg"], [HCsr.hideleg, "hideleg"], [HCsr.hie, "hie"],
  [HCsr.htimedelta, "htimedelta"], [HCsr.hcounteren, "hcounteren"], [HCsr.hgeie, "hgeie"], [HCsr.henvcfg, "henvcfg"],
  [HCsr.htval, "htval"], [HCsr.hip, "hip"], [HCsr.hvip, "hvip"], [HCsr.htinst, "htinst"], [HCsr.hgatp, "hgatp"],
  [HCsr.hgeip, "hgeip"], [HCsr.mtinst, "mtinst"], [HCsr.mtval2, "mtval2"],
]);

/** The spec's name of CSR `csr` (0..4095), or its number in hex when it has none here. */
export function csrName(csr: number): string {
  const known = CSR_NAMES.get(csr);
  if (known !== undefined) return known;
  // Numbered families: pmpcfg0..15, pmpaddr0..63, mhpmcounter3..31, mhpmevent3..31, hpmcounter3..31.
  if (csr >= PCsr.pmpcfg0 && csr < PCsr.pmpcfg0 + 16) return `pmpcfg${csr - PCsr.pmpcfg0}`;
  if (csr >= PCsr.pmpaddr0 && csr < PCsr.pmpaddr0 + 64) return `pmpaddr${csr - PCsr.pmpaddr0}`;
  if (csr >= PCsr.mcycle + 3 && csr < PCsr.mcycle + 32) return `mhpmcounter${csr - PCsr.mcycle}`;
  if (csr >= 0x323 && csr < 0x340) return `mhpmevent${csr - 0x320}`;
  if (csr >= Csr.cycle + 3 && csr < Csr.cycle + 32) return `hpmcounter${csr - Csr.cycle}`;
  return `0x${csr.toString(16).padStart(3, "0")}`;
}

/** One kind of trap: its key in the JSON and a sentence for learners. */
export interface TrapKind {
  readonly key: string;
  readonly doc: string;
}

/** Exceptions by code (xcause with the interrupt bit clear), but the environment calls (ECALLS). */
export const EXCEPTIONS: ReadonlyMap<number, TrapKind> = new Map<number, TrapKind>([
  [Cause.InsnMisaligned, { key: "instruction_misaligned", doc: "A jump or branch went to an address that is not a multiple of the instruction size." }],
  [Cause.InsnAccessFault, { key: "instruction_access_fault", doc: "Code was fetched from a physical address with no memory there (or from a device)." }],
  [Cause.IllegalInsn, { key: "illegal_instruction", doc: "An instruction the hart does not know, or may not run at this privilege; the kernel may emulate it or kill the program." }],
  [Cause.Breakpoint, { key: "breakpoint", doc: "ebreak, or a debugger's hardware breakpoint or watchpoint (a trigger) fired." }],
  [Cause.LoadMisaligned, { key: "load_misaligned", doc: "A load from an address that is not a multiple of its size, which the hart does not do itself (here only LR: other loads are emulated)." }],
  [Cause.LoadAccessFault, { key: "load_access_fault", doc: "A load from a physical address where nothing answers." }],
  [Cause.StoreMisaligned, { key: "store_misaligned", doc: "A misaligned store or atomic that the hart does not do itself (here: atomics)." }],
  [Cause.StoreAccessFault, { key: "store_access_fault", doc: "A store to a physical address where nothing answers." }],
  [Cause.InsnPageFault, { key: "instruction_page_fault", doc: "Code was fetched from a virtual page that is not mapped executable: the kernel pages it in (or kills the program)." }],
  [Cause.LoadPageFault, { key: "load_page_fault", doc: "A load from a virtual page that is not mapped readable: demand paging, or a bad pointer." }],
  [Cause.StorePageFault, { key: "store_page_fault", doc: "A store to a virtual page not mapped writable: demand paging, copy-on-write, or a bad pointer." }],
  [Cause.InsnGuestPageFault, { key: "instruction_guest_page_fault", doc: "A guest fetched code from a guest-physical page its hypervisor has not mapped (the G-stage): the hypervisor maps it in." }],
  [Cause.LoadGuestPageFault, { key: "load_guest_page_fault", doc: "A guest loaded from a guest-physical address its hypervisor has not mapped: demand paging of guest memory, or an emulated device register." }],
  [Cause.VirtualInsn, { key: "virtual_instruction", doc: "A guest ran an instruction its hypervisor must do for it (a hypervisor CSR, or sret/wfi/sfence.vma when trapped): the hypervisor emulates it." }],
  [Cause.StoreGuestPageFault, { key: "store_guest_page_fault", doc: "A guest stored to a guest-physical address its hypervisor has not mapped: an emulated device register (MMIO), or memory not yet given." }],
]);

/** Environment-call exceptions by code, keyed by the privilege they come from. */
export const ECALLS: ReadonlyMap<number, TrapKind> = new Map<number, TrapKind>([
  [Cause.EcallU, { key: "u", doc: "A user program's ecall: a system call into the kernel." }],
  [Cause.EcallS, { key: "s", doc: "The kernel's ecall: a call into the SBI firmware (OpenSBI) in M-mode." }],
  [Cause.EcallVS, { key: "vs", doc: "A guest kernel's ecall under a hypervisor (VS-mode): an SBI call its hypervisor answers." }],
  [Cause.EcallM, { key: "m", doc: "An ecall made in M-mode (the firmware itself, or a bare-metal program)." }],
]);

/** Interrupts by number (bit in mip/mie). */
export const INTERRUPTS: ReadonlyMap<number, TrapKind> = new Map<number, TrapKind>([
  [Irq.SSI, { key: "ssi", doc: "Supervisor software interrupt: an inter-processor interrupt to the kernel (forwarded by the firmware)." }],
  [Irq.MSI, { key: "msi", doc: "Machine software interrupt: the CLINT's msip, an inter-processor interrupt to the firmware." }],
  [Irq.STI, { key: "sti", doc: "Supervisor timer interrupt: the kernel's clock tick, set up through SBI set_timer." }],
  [Irq.MTI, { key: "mti", doc: "Machine timer interrupt: mtime reached mtimecmp (the firmware passes it on as STI)." }],
  [Irq.SEI, { key: "sei", doc: "Supervisor external interrupt: a device, through the PLIC, wants the kernel's attention." }],
  [Irq.MEI, { key: "mei", doc: "Machine external interrupt: a device, through the PLIC's M-mode context." }],
  [2, { key: "vssi", doc: "Virtual supervisor software interrupt: a hypervisor set hvip.VSSIP to interrupt its guest's kernel." }],
  [6, { key: "vsti", doc: "Virtual supervisor timer interrupt: a hypervisor set hvip.VSTIP, the guest kernel's clock tick." }],
  [10, { key: "vsei", doc: "Virtual supervisor external interrupt: a hypervisor set hvip.VSEIP for an emulated device of its guest." }],
  [12, { key: "sgei", doc: "Supervisor guest external interrupt: a guest's interrupt file wants its hypervisor (not implemented: never raised)." }],
]);

/** An SBI extension: its id (a7), name, and function names by function id (a6). */
export interface SbiExtension {
  readonly id: number;
  readonly name: string;
  readonly functions: readonly string[];
}

/**
 * The SBI extensions, by id. The legacy extensions (0x00-0x08, SBI v0.1) are
 * one function each and ignore a6.
 */
export const SBI_EXTENSIONS: readonly SbiExtension[] = [
  ...["set_timer", "console_putchar", "console_getchar", "clear_ipi", "send_ipi", "remote_fence_i",
    "remote_sfence_vma", "remote_sfence_vma_asid", "shutdown"].map((f, id) => ({ id, name: "legacy", functions: [f] })),
  { id: 0x10, name: "BASE", functions: ["get_spec_version", "get_impl_id", "get_impl_version", "probe_extension", "get_mvendorid", "get_marchid", "get_mimpid"] },
  { id: 0x54494d45, name: "TIME", functions: ["set_timer"] },
  { id: 0x735049, name: "IPI", functions: ["send_ipi"] },
  { id: 0x52464e43, name: "RFENCE", functions: ["remote_fence_i", "remote_sfence_vma", "remote_sfence_vma_asid", "remote_hfence_gvma_vmid", "remote_hfence_gvma", "remote_hfence_vvma_asid", "remote_hfence_vvma"] },
  { id: 0x48534d, name: "HSM", functions: ["hart_start", "hart_stop", "hart_get_status", "hart_suspend"] },
  { id: 0x53525354, name: "SRST", functions: ["system_reset"] },
  { id: 0x504d55, name: "PMU", functions: ["num_counters", "counter_get_info", "counter_config_matching", "counter_start", "counter_stop", "counter_fw_read", "counter_fw_read_hi", "snapshot_set_shmem", "event_get_info"] },
  { id: 0x4442434e, name: "DBCN", functions: ["console_write", "console_read", "console_write_byte"] },
  { id: 0x53555350, name: "SUSP", functions: ["system_suspend"] },
  { id: 0x43505043, name: "CPPC", functions: ["probe", "read", "read_hi", "write"] },
  { id: 0x4e41434c, name: "NACL", functions: ["probe_feature", "set_shmem", "sync_csr", "sync_hfence", "sync_sret"] },
  { id: 0x535441, name: "STA", functions: ["set_shmem"] },
  { id: 0x535345, name: "SSE", functions: ["read_attrs", "write_attrs", "register", "unregister", "enable", "disable", "complete", "inject", "hart_unmask", "hart_mask"] },
  { id: 0x46574654, name: "FWFT", functions: ["set", "get"] },
  { id: 0x4d505859, name: "MPXY", functions: ["get_shmem_size", "set_shmem", "get_channel_ids", "read_attrs", "write_attrs", "send_message_with_response", "send_message_without_response", "get_notification_events"] },
];

/** Counted function ids per extension (exits.ts): ids from SBI_FUNCTIONS - 1 up share the last slot. */
export const SBI_FUNCTIONS = 16;

/** "EXT.function" for SBI extension slot `ext` (an index into SBI_EXTENSIONS) and function slot `fn`. */
export function sbiCallName(ext: number, fn: number): string {
  const e = SBI_EXTENSIONS[ext];
  if (e.name === "legacy") return `legacy.${e.functions[0]}`;
  const f = fn === SBI_FUNCTIONS - 1 ? `${fn}+` : e.functions[fn] ?? String(fn);
  return `${e.name}.${f}`;
}

/**
 * One sentence per counter of the metrics JSON, keyed by its path ("exits.sbi",
 * "exits.interrupts.sti"...); exception and interrupt entries come from
 * EXCEPTIONS and INTERRUPTS. For learners: a dashboard shows them as captions.
 */
export const EXIT_DOCS: Readonly<Record<string, string>> = {
  instructions: "Guest instructions retired by all harts; most of them never leave the interpreter's fast loop.",
  "exits.run_exits": "Times the interpreter's loop returned to the system VM (VM exits): the rest of this page says why.",
  "exits.run_exits.budget": "The slice of instructions ran out: the VM looks at timers and interrupts, and lets the next hart run.",
  "exits.run_exits.ecall": "An ecall left the loop to become an environment-call exception.",
  "exits.run_exits.trap": "An exception left the loop: a fault to deliver, or a privileged instruction for the VM to emulate.",
  "exits.run_exits.wfi": "wfi: the hart waits for an interrupt, and the host sleeps if every hart does.",
  "exits.run_exits.yield": "A store sent an inter-processor interrupt: the sender gives up its slice so the target runs sooner.",
  "exits.ecall": "Environment calls by the privilege they came from: u = system calls, s = SBI calls, m = firmware's own.",
  "exits.sbi": "SBI calls (ecall from S-mode) by extension (a7) and function (a6): how the kernel asks the firmware for timers, IPIs and the console.",
  "exits.csr": "CSR instructions by CSR: the hypervisor emulates every one, most inside the fast loop (a privileged CSR file in software).",
  "exits.csr_exits": "CSR instructions that had to leave the loop (they change translation, or enable a pending interrupt): costlier ones.",
  "exits.xret": "Returns from trap handlers: mret (firmware back to the kernel) and sret (kernel back to a program).",
  "exits.sfence_vma": "sfence.vma: the kernel changed page tables and tells the hart to forget cached translations.",
  "exits.wfi": "wfi executed: the hart had nothing to do until the next interrupt.",
  "exits.exceptions": "Exceptions delivered to the guest's trap handlers, by cause (environment calls are under ecall).",
  "exits.page_walks": "Page-table walks: a TLB miss under Sv39/Sv48 made the walker read the guest's page tables.",
  "exits.tlb_flushes": "Times the software TLB was emptied: sfence.vma, satp writes, and mstatus changes that alter translation.",
  "exits.interrupts": "Interrupts taken, by kind: timers, inter-processor interrupts, and devices.",
  "exits.external": "Device interrupts claimed from the PLIC, by device: who woke the kernel.",
  "exits.mmio": "Loads and stores to device registers, by device (an 8-byte access counts twice); each one runs device code.",
  "exits.console.bytes_out": "Bytes the guest wrote to its console (UART THR, or HTIF).",
  "exits.console.bytes_in": "Bytes the guest read from its console (UART RBR).",
  "exits.disk": "virtio-blk requests and bytes: reads, writes and flushes the guest asked of its disks.",
  "exits.guest_hypervisor": "With the hypervisor extension, a hypervisor inside the guest runs guests of its own: the traps at that second level.",
  "exits.guest_hypervisor.vm_entries": "Entries into a nested guest (sret or mret with V=1): the second half of each world switch.",
  "exits.guest_hypervisor.instructions_outside_guest": "Instructions run in the guest's hypervisor between leaving a nested guest and re-entering it: the cost of the world switches.",
  "exits.guest_hypervisor.exits": "Traps that left a nested guest for its hypervisor (HS-mode) or the firmware: what a KVM-like hypervisor must handle.",
  "exits.guest_hypervisor.in_guest": "Traps a nested guest's own kernel handled (delegated to VS-mode): they never reach its hypervisor.",
  "exits.guest_hypervisor.hfence": "HFENCE.VVMA/GVMA: the guest's hypervisor changed a nested guest's page tables.",
  "exits.guest_hypervisor.hlv_hsv": "HLV/HLVX/HSV: the guest's hypervisor read or wrote memory as its nested guest sees it (an instruction to emulate, an SBI argument).",
  ...Object.fromEntries([...ECALLS.values()].map((k) => [`exits.ecall.${k.key}`, k.doc])),
  ...Object.fromEntries([...EXCEPTIONS.values()].map((k) => [`exits.exceptions.${k.key}`, k.doc])),
  ...Object.fromEntries([...INTERRUPTS.values()].map((k) => [`exits.interrupts.${k.key}`, k.doc])),
};
