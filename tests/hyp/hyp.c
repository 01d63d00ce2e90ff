/*
 * A bare-metal hypervisor in HS-mode running two guests in VS-mode with the
 * RISC-V hypervisor extension (H v1.0): a "native" system VM, the guests'
 * instructions executing directly on the hart, the hypervisor stepping in only
 * when they trap.
 *
 * m-mode.S enters hyp_main in HS-mode. For each guest it builds a G-stage page
 * table (hgatp Sv39x4) that maps guest-physical 0x80000000..+128 KiB onto the
 * guest's own host-physical region and leaves the guest's UART at 0x10000000
 * unmapped. It then runs the guests in turn on a 50 µs timer:
 *
 *   timer interrupt (scause = interrupt 5)  save the guest's VS CSRs, load the other
 *                                           guest's (hgatp with its VMID, vsatp, ...)
 *   load/store guest-page fault (21/23)     decode the access (htinst when the hart
 *     at the UART's guest-physical page     gives one, else the instruction at sepc read
 *                                           with HLVX.HU; both must agree), emulate the
 *                                           16550 register, step sepc past it
 *   ecall from VS-mode (10)                 SBI: legacy putchar and shutdown, base
 *                                           (spec version, probe), SRST system reset
 *   virtual instruction (22)                a csrr of a hypervisor CSR reads 0
 *
 * What the guests print, and a note for each kind of trap, go to a buffer per
 * guest; when both have exited the buffers are printed in guest order with
 * counters that do not depend on timing, so the whole output is the same on
 * every run and on every correct implementation. Any other trap prints the
 * cause and registers and powers off with a failure status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "riscv.h"

/* ---- The board: QEMU's virt layout ---- */
#define UART0 0x10000000UL             /* NS16550A, byte-wide registers */
#define UART_THR 0                     /* transmit holding (write) / receive buffer (read) */
#define UART_LSR 5                     /* line status */
#define LSR_THRE 0x20                  /* transmit holding register empty */
#define LSR_TEMT 0x40                  /* transmitter empty */
#define FINISHER 0x100000UL            /* SiFive test device: 0x5555 pass, code << 16 | 0x3333 fail */
#define CLINT_MTIME 0x200bff8UL        /* 10 MHz */

/* ---- The guests' machine ---- */
#define GUEST_RAM_GPA 0x80000000UL
#define GUEST_RAM_SIZE 0x20000UL       /* 128 KiB, 32 pages (guest.ld agrees) */
#define GUEST_UART_GPA 0x10000000UL    /* left out of the G-stage: every access traps */
#define GUEST_UART_SIZE 0x1000UL
#define GUEST_HOST_BASE 0x80200000UL   /* guest i's RAM is at GUEST_HOST_BASE + i * GUEST_HOST_STRIDE */
#define GUEST_HOST_STRIDE 0x100000UL
#define QUANTUM 500                    /* mtime ticks a guest runs before it is preempted: 50 µs */
#define OUT_SIZE 16384                 /* bytes of buffered output per guest */
#define PAGE_SIZE 4096UL

/* Exit statuses (the finisher's code) */
enum { FAIL_GUEST = 1, FAIL_NO_H = 2, FAIL_TRAP = 3, FAIL_NOT_PREEMPTED = 4, FAIL_INTERNAL = 5 };

/* Notes written once per guest: the first trap of each kind */
enum {
  NOTE_LOAD_BARE = 1 << 0,
  NOTE_STORE_BARE = 1 << 1,
  NOTE_LOAD_SV39 = 1 << 2,
  NOTE_STORE_SV39 = 1 << 3,
  NOTE_PUTCHAR = 1 << 4,
};

struct vcpu {
  uint64_t x[32];                      /* x[0] stays 0; vcpu.S: x at 0, pc at 256, host_sp at 264 */
  uint64_t pc;
  uint64_t host_sp;
  /* the VS-level CSRs while the guest is not loaded on the hart */
  uint64_t vsstatus, vsepc, vscause, vstval, vstvec, vsscratch, vsatp, vsie, hvip;
  uint64_t hgatp;
  const char *name;
  uint64_t host_base;                  /* host-physical address of guest-physical 0x80000000 */
  uint64_t vmid;
  int done;
  uint64_t exit_code;
  /* counters that do not depend on timing */
  uint64_t uart_loads, uart_stores, sbi_calls, virtual_instructions;
  /* the one that does: how often the timer took the hart from this guest */
  uint64_t timer_interrupts;
  unsigned notes;
  /* what the guest printed, with the hypervisor's notes, printed once all guests exited */
  size_t out_len;
  int mid_line;
  char out[OUT_SIZE];
};

_Static_assert(offsetof(struct vcpu, pc) == 256, "vcpu.S: VCPU_PC");
_Static_assert(offsetof(struct vcpu, host_sp) == 264, "vcpu.S: VCPU_HOST_SP");

#define NGUESTS 2
static struct vcpu vcpus[NGUESTS];
static int vmids_distinct;              /* the hart keeps both VMIDs: no fence needed on a switch */

/* The G-stage tables: Sv39x4 root of 2048 entries (16 KiB, 16 KiB-aligned), then one
   level-1 and one level-0 table per guest for the 32 pages of its RAM. */
static uint64_t gstage_root[NGUESTS][2048] __attribute__((aligned(16384)));
static uint64_t gstage_l1[NGUESTS][512] __attribute__((aligned(4096)));
static uint64_t gstage_l0[NGUESTS][512] __attribute__((aligned(4096)));

extern const char guest_a_image[], guest_a_image_end[], guest_b_image[], guest_b_image_end[];
void run_vcpu(struct vcpu *v);
void hyp_main(void) __attribute__((noreturn));
void hs_fatal(void) __attribute__((noreturn));
void m_fatal(uint64_t mcause, uint64_t mepc, uint64_t mtval, uint64_t mtval2, uint64_t mstatus) __attribute__((noreturn));
void no_h_extension(void) __attribute__((noreturn));

/* gcc may call these for struct copies and clearing loops */
void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}
void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

/* ---- Output: the real UART, or a guest's buffer ---- */

static void uart_putc(char c) {
  volatile uint8_t *uart = (volatile uint8_t *)UART0;
  while ((uart[UART_LSR] & LSR_THRE) == 0) {
  }
  uart[UART_THR] = (uint8_t)c;
}

static void __attribute__((noreturn)) power_off(unsigned code) {
  volatile uint32_t *finisher = (volatile uint32_t *)FINISHER;
  *finisher = code == 0 ? 0x5555 : (code << 16) | 0x3333;
  for (;;) __asm__ volatile("wfi");
}

static void __attribute__((noreturn)) fail(unsigned code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* to == NULL: the UART; otherwise the end of that guest's buffer */
static void put(struct vcpu *to, char c) {
  if (to == NULL) {
    uart_putc(c);
    return;
  }
  if (to->out_len == OUT_SIZE) fail(FAIL_INTERNAL, "guest %s printed more than %d bytes", to->name, OUT_SIZE);
  to->out[to->out_len++] = c;
  to->mid_line = c != '\n';
}

/* A small printf: %s, %c, %d, %u, %x (hex, no 0x), each number optionally with l. */
static void vprint(struct vcpu *to, const char *fmt, va_list ap) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put(to, *p);
      continue;
    }
    int is_long = p[1] == 'l';
    p += 1 + is_long;
    if (*p == 's') {
      for (const char *s = va_arg(ap, const char *); *s; s++) put(to, *s);
      continue;
    }
    if (*p == 'c') {
      put(to, (char)va_arg(ap, int));
      continue;
    }
    uint64_t n;
    if (*p == 'd') {
      int64_t signed_n = is_long ? va_arg(ap, long) : va_arg(ap, int);
      if (signed_n < 0) put(to, '-');
      n = signed_n < 0 ? -(uint64_t)signed_n : (uint64_t)signed_n;
    } else {
      n = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
    }
    unsigned base = *p == 'x' ? 16 : 10;
    char digits[24];
    int i = 0;
    do {
      digits[i++] = "0123456789abcdef"[n % base];
      n /= base;
    } while (n != 0);
    while (i > 0) put(to, digits[--i]);
  }
}

static void print(struct vcpu *to, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void print(struct vcpu *to, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprint(to, fmt, ap);
  va_end(ap);
}

/* A byte the guest printed (through its UART or SBI putchar): "[guest A] " starts each line. */
static void guest_output(struct vcpu *v, char c) {
  if (!v->mid_line) print(v, "[guest %s] ", v->name);
  put(v, c);
}

/* A note from the hypervisor about a trap of guest v, on a line of its own in v's buffer. */
static void note(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct vcpu *v, const char *fmt, ...) {
  if (v->mid_line) put(v, '\n');
  print(v, "[hyp: guest %s] ", v->name);
  va_list ap;
  va_start(ap, fmt);
  vprint(v, fmt, ap);
  va_end(ap);
  put(v, '\n');
}

/* Prints a guest's buffer on the UART and empties it. */
static void flush_guest_output(struct vcpu *v) {
  for (size_t j = 0; j < v->out_len; j++) uart_putc(v->out[j]);
  if (v->mid_line) uart_putc('\n');
  v->out_len = 0;
  v->mid_line = 0;
}

/* Prints what the guests printed so far, then the reason, and powers off with `code`. */
static void fail(unsigned code, const char *fmt, ...) {
  for (int i = 0; i < NGUESTS; i++) flush_guest_output(&vcpus[i]);
  print(NULL, "hyp: FAIL: ");
  va_list ap;
  va_start(ap, fmt);
  vprint(NULL, fmt, ap);
  va_end(ap);
  print(NULL, "\n");
  power_off(code);
}

void no_h_extension(void) {
  fail(FAIL_NO_H, "the hart has no hypervisor extension (misa.H = 0); under QEMU use -cpu rv64,h=true");
}

void m_fatal(uint64_t mcause, uint64_t mepc, uint64_t mtval, uint64_t mtval2, uint64_t mstatus) {
  fail(FAIL_TRAP, "unexpected trap in M-mode: mcause 0x%lx, mepc 0x%lx, mtval 0x%lx, mtval2 0x%lx, mstatus 0x%lx",
       mcause, mepc, mtval, mtval2, mstatus);
}

void hs_fatal(void) {
  fail(FAIL_TRAP, "unexpected trap in HS-mode: scause 0x%lx, sepc 0x%lx, stval 0x%lx, htval 0x%lx, htinst 0x%lx",
       csr_read(scause), csr_read(sepc), csr_read(stval), csr_read(htval), csr_read(htinst));
}

static void __attribute__((noreturn)) unexpected_guest_trap(struct vcpu *v, const char *why) {
  fail(FAIL_TRAP, "guest %s: %s: scause 0x%lx, sepc 0x%lx, stval 0x%lx, htval 0x%lx, htinst 0x%lx, hstatus 0x%lx",
       v->name, why, csr_read(scause), v->pc, csr_read(stval), csr_read(htval), csr_read(htinst), csr_read(hstatus));
}

/* ---- SBI calls to M-mode (m-mode.S) ---- */

static void sbi_set_timer(uint64_t when) {
  register uint64_t a0 __asm__("a0") = when;
  register uint64_t a6 __asm__("a6") = 0;
  register uint64_t a7 __asm__("a7") = SBI_EXT_TIME;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a6), "r"(a7) : "memory");
}

static uint64_t mtime(void) { return *(volatile uint64_t *)CLINT_MTIME; }

/* A full quantum for the guest about to run. */
static void arm_timer(void) { sbi_set_timer(mtime() + QUANTUM); }

/* ---- Guest memory and the G-stage ---- */

static void build_gstage(int i) {
  struct vcpu *v = &vcpus[i];
  uint64_t gpa = GUEST_RAM_GPA;
  gstage_root[i][(gpa >> 30) & 0x7ff] = ((uint64_t)gstage_l1[i] >> 12) << PTE_PPN_SHIFT | PTE_V;
  gstage_l1[i][(gpa >> 21) & 0x1ff] = ((uint64_t)gstage_l0[i] >> 12) << PTE_PPN_SHIFT | PTE_V;
  for (uint64_t off = 0; off < GUEST_RAM_SIZE; off += PAGE_SIZE) {
    uint64_t hpa = v->host_base + off;
    gstage_l0[i][((gpa + off) >> 12) & 0x1ff] =
        (hpa >> 12) << PTE_PPN_SHIFT | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  }
  v->hgatp = HGATP_MODE_SV39X4 | v->vmid << HGATP_VMID_SHIFT | (uint64_t)gstage_root[i] >> 12;
}

/* Loads a guest's ELF image into its RAM as its boot loader would: each PT_LOAD
   segment at its physical (guest-physical) address, the rest of RAM zero. */
struct elf64_ehdr {
  unsigned char e_ident[16];
  uint16_t e_type, e_machine;
  uint32_t e_version;
  uint64_t e_entry, e_phoff, e_shoff;
  uint32_t e_flags;
  uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf64_phdr {
  uint32_t p_type, p_flags;
  uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};
#define PT_LOAD 1
#define EM_RISCV 243

static void load_image(struct vcpu *v, const char *image, const char *end) {
  const struct elf64_ehdr *eh = (const struct elf64_ehdr *)image;
  if ((size_t)(end - image) < sizeof *eh || eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
      eh->e_ident[3] != 'F' || eh->e_ident[4] != 2 || eh->e_machine != EM_RISCV || eh->e_phentsize != sizeof(struct elf64_phdr))
    fail(FAIL_INTERNAL, "guest %s: the image is no RISC-V ELF64 file", v->name);
  memset((void *)v->host_base, 0, GUEST_RAM_SIZE);
  for (unsigned i = 0; i < eh->e_phnum; i++) {
    const struct elf64_phdr *ph = (const struct elf64_phdr *)(image + eh->e_phoff + i * sizeof(struct elf64_phdr));
    if (ph->p_type != PT_LOAD) continue;
    if (ph->p_paddr < GUEST_RAM_GPA || ph->p_paddr + ph->p_memsz > GUEST_RAM_GPA + GUEST_RAM_SIZE ||
        ph->p_filesz > ph->p_memsz || ph->p_offset + ph->p_filesz > (uint64_t)(end - image))
      fail(FAIL_INTERNAL, "guest %s: segment %u does not fit the guest's RAM", v->name, i);
    memcpy((void *)(v->host_base + (ph->p_paddr - GUEST_RAM_GPA)), image + ph->p_offset, ph->p_filesz);
  }
  v->pc = eh->e_entry;
}

/* ---- Switching guests: the VS-level state and hgatp ---- */

static void save_vs_state(struct vcpu *v) {
  v->vsstatus = csr_read(vsstatus);
  v->vsepc = csr_read(vsepc);
  v->vscause = csr_read(vscause);
  v->vstval = csr_read(vstval);
  v->vstvec = csr_read(vstvec);
  v->vsscratch = csr_read(vsscratch);
  v->vsatp = csr_read(vsatp);
  v->vsie = csr_read(vsie);
  v->hvip = csr_read(hvip);
}

static void load_vs_state(struct vcpu *v) {
  csr_write(hgatp, v->hgatp);
  /* With a VMID of its own each guest's translations stay apart in the TLB; on a hart
     that does not keep VMIDs, forget the other guest's translations. */
  if (!vmids_distinct) __asm__ volatile("hfence.gvma zero, zero" ::: "memory");
  csr_write(vsstatus, v->vsstatus);
  csr_write(vsepc, v->vsepc);
  csr_write(vscause, v->vscause);
  csr_write(vstval, v->vstval);
  csr_write(vstvec, v->vstvec);
  csr_write(vsscratch, v->vsscratch);
  csr_write(vsatp, v->vsatp);
  csr_write(vsie, v->vsie);
  csr_write(hvip, v->hvip);
}

/* ---- Decoding the guest's load or store ---- */

struct access {
  int store;
  unsigned size;                       /* bytes */
  int sign;                            /* a load that sign-extends */
  unsigned reg;                        /* rd of a load, rs2 of a store */
  unsigned length;                     /* of the instruction: 2 or 4 */
};

static const char *const REG_NAMES[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

static const char *mnemonic(const struct access *a) {
  static const char *const LOADS[2][4] = {{"lbu", "lhu", "lwu", "ld"}, {"lb", "lh", "lw", "ld"}};
  static const char *const STORES[4] = {"sb", "sh", "sw", "sd"};
  static const char *const C_LOADS[4] = {"", "", "c.lw", "c.ld"};
  static const char *const C_STORES[4] = {"", "", "c.sw", "c.sd"};
  unsigned log2 = a->size == 1 ? 0 : a->size == 2 ? 1 : a->size == 4 ? 2 : 3;
  if (a->length == 2) return a->store ? C_STORES[log2] : C_LOADS[log2];
  return a->store ? STORES[log2] : LOADS[a->sign][log2];
}

/* A 32-bit LOAD (lb lh lw ld lbu lhu lwu) or STORE (sb sh sw sd). */
static int decode32(uint32_t insn, struct access *a) {
  unsigned funct3 = (insn >> 12) & 7;
  if ((insn & 0x7f) == 0x03 && funct3 != 7) {
    *a = (struct access){.store = 0, .size = 1u << (funct3 & 3), .sign = funct3 < 4, .reg = (insn >> 7) & 31, .length = 4};
    return 1;
  }
  if ((insn & 0x7f) == 0x23 && funct3 <= 3) {
    *a = (struct access){.store = 1, .size = 1u << funct3, .sign = 0, .reg = (insn >> 20) & 31, .length = 4};
    return 1;
  }
  return 0;
}

/* c.lw, c.ld, c.sw, c.sd (quadrant 0, funct3 2, 3, 6, 7): register x8-x15 in bits 4:2. */
static int decode16(uint32_t insn, struct access *a) {
  unsigned funct3 = (insn >> 13) & 7;
  if ((insn & 3) != 0 || (funct3 & 2) == 0) return 0;
  int store = (funct3 & 4) != 0;
  *a = (struct access){.store = store, .size = (funct3 & 1) ? 8 : 4, .sign = !store, .reg = 8 + ((insn >> 2) & 7), .length = 2};
  return 1;
}

/* A transformed instruction in htinst (H spec, "Transformed Instruction or Pseudoinstruction
   for mtinst or htinst"): the 32-bit form of the load or store, with bit 1 cleared if the
   original was compressed, rs1 replaced by the address offset and the immediate by 0. */
static int decode_htinst(uint64_t htinst, struct access *a) {
  if ((htinst & 1) == 0 || !decode32((uint32_t)htinst | 3, a)) return 0;
  a->length = (htinst & 2) ? 4 : 2;
  return 1;
}

static uint16_t hlvx_hu(uint64_t vaddr) {
  uint64_t v;
  __asm__ volatile("hlvx.hu %0, (%1)" : "=r"(v) : "r"(vaddr) : "memory");
  return (uint16_t)v;
}

/* The instruction at the guest's pc, read as the guest sees it (VS-stage and G-stage,
   with execute permission) a halfword at a time, as it may straddle a page. */
static uint32_t fetch_guest_instruction(uint64_t pc) {
  uint32_t low = hlvx_hu(pc);
  if ((low & 3) != 3) return low;
  return low | (uint32_t)hlvx_hu(pc + 2) << 16;
}

/* The guest's access: from htinst when the hart provides it, else from the instruction
   at sepc. Both are read, and must agree, so that a wrong htinst does not go unnoticed. */
static void decode_access(struct vcpu *v, struct access *a) {
  uint64_t htinst = csr_read(htinst);
  uint32_t insn = fetch_guest_instruction(v->pc);
  struct access from_memory;
  int ok = (insn & 3) == 3 ? decode32(insn, &from_memory) : decode16(insn, &from_memory);
  if (!ok) unexpected_guest_trap(v, "a guest-page fault at the UART from an instruction that is no plain load or store");
  if (htinst == 0) {
    *a = from_memory;
    return;
  }
  if (!decode_htinst(htinst, a) || a->store != from_memory.store || a->size != from_memory.size ||
      a->sign != from_memory.sign || a->reg != from_memory.reg || a->length != from_memory.length)
    fail(FAIL_TRAP, "guest %s: htinst 0x%lx does not describe the instruction 0x%x at 0x%lx", v->name, htinst, insn, v->pc);
}

/* ---- The emulated UART: a 16550 whose transmitter is always ready ---- */

static const char *const UART_READ_NAMES[8] = {"RBR", "IER", "IIR", "LCR", "MCR", "LSR", "MSR", "SCR"};
static const char *const UART_WRITE_NAMES[8] = {"THR", "IER", "FCR", "LCR", "MCR", "LSR", "MSR", "SCR"};

static uint64_t uart_read(unsigned reg) { return reg == UART_LSR ? LSR_THRE | LSR_TEMT : 0; }

static void uart_write(struct vcpu *v, unsigned reg, uint64_t value) {
  if (reg == UART_THR) guest_output(v, (char)value);
}

static void guest_page_fault(struct vcpu *v, uint64_t scause) {
  uint64_t stval = csr_read(stval), htval = csr_read(htval);
  uint64_t gpa = htval << 2 | (stval & 3);
  if (scause == CAUSE_FETCH_GUEST_PAGE_FAULT || gpa < GUEST_UART_GPA || gpa >= GUEST_UART_GPA + GUEST_UART_SIZE)
    unexpected_guest_trap(v, "a guest-page fault outside the emulated UART");
  struct access a;
  decode_access(v, &a);
  if (a.store != (scause == CAUSE_STORE_GUEST_PAGE_FAULT))
    unexpected_guest_trap(v, "a guest-page fault whose kind does not match the instruction");
  unsigned reg = (unsigned)(gpa - GUEST_UART_GPA);
  if (reg >= 8) unexpected_guest_trap(v, "an access past the UART's eight registers");
  int sv39 = csr_read(vsatp) >> SATP_MODE_SHIFT == SATP_MODE_SV39;
  const char *mode = sv39 ? "Sv39" : "Bare";
  uint64_t mask = a.size == 8 ? ~0UL : (1UL << (a.size * 8)) - 1;
  if (a.store) {
    uint64_t value = v->x[a.reg] & mask;
    unsigned kind = sv39 ? NOTE_STORE_SV39 : NOTE_STORE_BARE;
    if (!(v->notes & kind)) {
      v->notes |= kind;
      note(v, "store guest-page fault (scause 23) at pc 0x%lx: %s %s to 0x%lx (vsatp %s) = guest-physical 0x%lx: "
              "UART %s <- 0x%lx",
           v->pc, mnemonic(&a), REG_NAMES[a.reg], stval, mode, gpa, UART_WRITE_NAMES[reg], value);
    }
    uart_write(v, reg, value);
    v->uart_stores++;
  } else {
    uint64_t value = uart_read(reg) & mask;
    if (a.sign && a.size < 8 && (value >> (a.size * 8 - 1)) & 1) value |= ~mask;
    unsigned kind = sv39 ? NOTE_LOAD_SV39 : NOTE_LOAD_BARE;
    if (!(v->notes & kind)) {
      v->notes |= kind;
      note(v, "load guest-page fault (scause 21) at pc 0x%lx: %s %s from 0x%lx (vsatp %s) = guest-physical 0x%lx: "
              "UART %s -> 0x%lx",
           v->pc, mnemonic(&a), REG_NAMES[a.reg], stval, mode, gpa, UART_READ_NAMES[reg], value);
    }
    if (a.reg != 0) v->x[a.reg] = value;
    v->uart_loads++;
  }
  v->pc += a.length;
}

/* ---- SBI calls from the guests (ecall from VS-mode) ---- */

static void guest_exits(struct vcpu *v, uint64_t code) {
  v->done = 1;
  v->exit_code = code;
}

static void sbi_call(struct vcpu *v) {
  uint64_t eid = v->x[17], fid = v->x[16], arg0 = v->x[10], arg1 = v->x[11], pc = v->pc;
  int64_t error = 0;
  uint64_t value = 0;
  v->sbi_calls++;
  v->pc += 4;                          /* past the ecall */
  if (eid == SBI_EXT_LEGACY_PUTCHAR) {
    if (!(v->notes & NOTE_PUTCHAR)) {
      v->notes |= NOTE_PUTCHAR;
      note(v, "ecall from VS-mode (scause 10) at pc 0x%lx: SBI legacy console putchar 0x%lx", pc, arg0 & 0xff);
    }
    guest_output(v, (char)arg0);
    v->x[10] = 0;
    return;
  }
  if (eid == SBI_EXT_LEGACY_SHUTDOWN) {
    note(v, "ecall from VS-mode (scause 10) at pc 0x%lx: SBI legacy shutdown: the guest exits with code 0", pc);
    guest_exits(v, 0);
    return;
  }
  if (eid == SBI_EXT_SRST && fid == 0) {
    note(v, "ecall from VS-mode (scause 10) at pc 0x%lx: SBI system_reset(type %lu, reason %lu): the guest exits with code %lu",
         pc, arg0, arg1, arg1);
    guest_exits(v, arg1);
    return;
  }
  if (eid == SBI_EXT_BASE && fid == SBI_BASE_GET_SPEC_VERSION) {
    value = 1UL << 24;                 /* v1.0 */
    note(v, "ecall from VS-mode (scause 10) at pc 0x%lx: SBI base get_spec_version -> 0x%lx", pc, value);
  } else if (eid == SBI_EXT_BASE && fid == SBI_BASE_PROBE_EXTENSION) {
    value = arg0 == SBI_EXT_LEGACY_PUTCHAR || arg0 == SBI_EXT_LEGACY_SHUTDOWN || arg0 == SBI_EXT_BASE ||
            arg0 == SBI_EXT_SRST;
    note(v, "ecall from VS-mode (scause 10) at pc 0x%lx: SBI base probe_extension(0x%lx) -> %lu", pc, arg0, value);
  } else {
    error = SBI_ERR_NOT_SUPPORTED;
    note(v, "ecall from VS-mode (scause 10) at pc 0x%lx: SBI extension 0x%lx function %lu: not supported (error %ld)",
         pc, eid, fid, error);
  }
  v->x[10] = (uint64_t)error;
  v->x[11] = value;
}

/* ---- Virtual-instruction exceptions: a guest reading a hypervisor CSR ---- */

static const char *hypervisor_csr_name(unsigned csr) {
  static const struct {
    unsigned number;
    const char *name;
  } NAMES[] = {{0x600, "hstatus"}, {0x602, "hedeleg"}, {0x603, "hideleg"}, {0x604, "hie"}, {0x606, "hcounteren"},
               {0x607, "hgeie"}, {0x643, "htval"}, {0x644, "hip"}, {0x645, "hvip"}, {0x64a, "htinst"},
               {0x680, "hgatp"}, {0xe12, "hgeip"}};
  for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
    if (NAMES[i].number == csr) return NAMES[i].name;
  return "a hypervisor CSR";
}

static void virtual_instruction(struct vcpu *v) {
  uint32_t insn = fetch_guest_instruction(v->pc);
  unsigned rd = (insn >> 7) & 31, funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31, csr = insn >> 20;
  int hypervisor_csr = (csr >= 0x600 && csr <= 0x6ff) || (csr >= 0xe00 && csr <= 0xeff);
  if ((insn & 0x7f) != 0x73 || funct3 != 2 || rs1 != 0 || !hypervisor_csr)
    unexpected_guest_trap(v, "a virtual-instruction exception that is not a read of a hypervisor CSR");
  note(v, "virtual-instruction exception (scause 22) at pc 0x%lx: csrr %s, 0x%x (%s) from VS-mode: emulated, reads 0",
       v->pc, REG_NAMES[rd], csr, hypervisor_csr_name(csr));
  if (rd != 0) v->x[rd] = 0;
  v->virtual_instructions++;
  v->pc += 4;
}

/* ---- The scheduler ---- */

static struct vcpu *next_runnable(struct vcpu *after) {
  int start = (int)(after - vcpus);
  for (int k = 1; k <= NGUESTS; k++) {
    struct vcpu *v = &vcpus[(start + k) % NGUESTS];
    if (!v->done) return v;
  }
  return NULL;
}

static void setup_guests(void) {
  static const char *const NAMES[NGUESTS] = {"A", "B"};
  const char *images[NGUESTS][2] = {{guest_a_image, guest_a_image_end}, {guest_b_image, guest_b_image_end}};
  uint64_t reset_vsstatus = csr_read(vsstatus) & ~(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP);
  for (int i = 0; i < NGUESTS; i++) {
    struct vcpu *v = &vcpus[i];
    v->name = NAMES[i];
    v->vmid = (uint64_t)i + 1;
    v->host_base = GUEST_HOST_BASE + (uint64_t)i * GUEST_HOST_STRIDE;
    v->x[10] = 0;                      /* a0: hart id */
    v->vsstatus = reset_vsstatus;
    load_image(v, images[i][0], images[i][1]);
    build_gstage(i);
    print(NULL, "hyp: guest %s: ELF entry 0x%lx, guest-physical 0x%lx..0x%lx -> host-physical 0x%lx by a G-stage "
                "Sv39x4 table at 0x%lx, VMID %lu\n",
          v->name, v->pc, GUEST_RAM_GPA, GUEST_RAM_GPA + GUEST_RAM_SIZE,
          v->host_base, (uint64_t)gstage_root[i], v->vmid);
  }
  /* The hart must support Sv39x4; whether it keeps VMIDs decides the fences on a switch. */
  int distinct = 1;
  for (int i = 0; i < NGUESTS; i++) {
    csr_write(hgatp, vcpus[i].hgatp);
    uint64_t back = csr_read(hgatp);
    if ((back & ~(HGATP_VMID_MASK << HGATP_VMID_SHIFT)) != (vcpus[i].hgatp & ~(HGATP_VMID_MASK << HGATP_VMID_SHIFT)))
      fail(FAIL_INTERNAL, "hgatp does not take Sv39x4: wrote 0x%lx, read 0x%lx", vcpus[i].hgatp, back);
    if ((back >> HGATP_VMID_SHIFT & HGATP_VMID_MASK) != vcpus[i].vmid) distinct = 0;
  }
  vmids_distinct = distinct;
  csr_write(hgatp, 0);
  __asm__ volatile("hfence.gvma zero, zero" ::: "memory");
  print(NULL, "hyp: guest-physical 0x%lx (the guests' UART) is mapped in neither G-stage: each access traps\n",
        GUEST_UART_GPA);
}

static void report(struct vcpu *v) {
  flush_guest_output(v);
  print(NULL, "hyp: guest %s exited with code %lu; UART loads %lu, UART stores %lu, SBI calls %lu, "
              "virtual-instruction exceptions %lu; preempted by the timer: %s\n",
        v->name, v->exit_code, v->uart_loads, v->uart_stores, v->sbi_calls, v->virtual_instructions,
        v->timer_interrupts > 0 ? "yes" : "no");
}

void hyp_main(void) {
  print(NULL, "hyp: in HS-mode; M-mode delegates exceptions 0x%lx and interrupts 0x%lx\n", MEDELEG_HS, MIDELEG_HS);
  setup_guests();
  csr_write(hedeleg, 0);               /* every guest exception comes to the hypervisor */
  csr_write(hideleg, 0);               /* the guests get no interrupts */
  csr_write(hcounteren, 0);
  csr_set(sie, MIP_STIP);              /* the timer preempts guests (sstatus.SIE stays 0 in HS-mode) */
  print(NULL, "hyp: running guests A and B in VS-mode, switching every %d mtime ticks\n", QUANTUM);

  struct vcpu *v = &vcpus[0];
  load_vs_state(v);
  arm_timer();
  for (;;) {
    /* sret to VS-mode (V = 1, S); HS-mode keeps its interrupts off (SPIE = 0), yet takes
       the timer while the guest runs, as HS interrupts are always enabled when V = 1 */
    csr_set(hstatus, HSTATUS_SPV | HSTATUS_SPVP);
    csr_set(sstatus, SSTATUS_SPP);
    csr_clear(sstatus, SSTATUS_SPIE);
    run_vcpu(v);

    uint64_t scause = csr_read(scause);
    if (scause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
      v->timer_interrupts++;
    } else if (scause == CAUSE_LOAD_GUEST_PAGE_FAULT || scause == CAUSE_STORE_GUEST_PAGE_FAULT ||
               scause == CAUSE_FETCH_GUEST_PAGE_FAULT) {
      guest_page_fault(v, scause);
      continue;
    } else if (scause == CAUSE_ECALL_VS) {
      sbi_call(v);
      if (!v->done) continue;
    } else if (scause == CAUSE_VIRTUAL_INSTRUCTION) {
      virtual_instruction(v);
      continue;
    } else {
      unexpected_guest_trap(v, "an unexpected trap");
    }
    /* the timer expired or the guest exited: on to the next guest, with a full quantum */
    struct vcpu *next = next_runnable(v);
    if (next == NULL) break;
    if (next != v) {
      save_vs_state(v);
      load_vs_state(next);
      v = next;
    }
    arm_timer();
  }
  sbi_set_timer(~0UL);
  csr_write(hgatp, 0);

  print(NULL, "hyp: both guests have exited; what each printed, with the traps the hypervisor handled:\n");
  int failed = 0, not_preempted = 0;
  for (int i = 0; i < NGUESTS; i++) {
    report(&vcpus[i]);
    failed |= vcpus[i].exit_code != 0;
    not_preempted |= vcpus[i].timer_interrupts == 0;
  }
  if (failed) fail(FAIL_GUEST, "a guest exited with a non-zero code");
  if (not_preempted) fail(FAIL_NOT_PREEMPTED, "a guest finished before the timer ever preempted it: lengthen its work");
  print(NULL, "PASS\n");
  power_off(0);
}
