/*
 * CSR access and the bits of the privileged architecture (v1.12) and the
 * hypervisor extension (H v1.0) that the hypervisor uses. Shared by hyp.c and
 * the assembly files (only the #defines are seen from assembly).
 */
#ifndef HYP_RISCV_H
#define HYP_RISCV_H

/* mstatus (M-mode) */
#define MSTATUS_MPP_MASK (3UL << 11)   /* previous privilege */
#define MSTATUS_MPP_S (1UL << 11)
#define MSTATUS_MPV (1UL << 39)        /* previous virtualization mode (RV64) */

/* mip / mie / sip / sie bits */
#define IRQ_S_TIMER 5                  /* STIP: supervisor timer, set by M-mode here */
#define IRQ_M_TIMER 7                  /* MTIP: the CLINT's mtimecmp */
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_MTIP (1UL << IRQ_M_TIMER)

/* sstatus (HS-mode view) */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)         /* sret goes to S (VS when hstatus.SPV = 1) */

/* hstatus */
#define HSTATUS_GVA (1UL << 6)         /* stval holds a guest virtual address */
#define HSTATUS_SPV (1UL << 7)         /* sret enters V = 1 */
#define HSTATUS_SPVP (1UL << 8)        /* privilege HLV/HSV/HLVX act at: 1 = VS */

/* hgatp: Sv39x4 G-stage translation, a 14-bit VMID field */
#define HGATP_MODE_SV39X4 (8UL << 60)
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK 0x3fffUL

/* satp / vsatp */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39 8UL

/* Page-table entry bits (the same for VS-stage and G-stage) */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)               /* G-stage leaves must have U: guest accesses count as U */
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10

/* scause / mcause */
#define CAUSE_INTERRUPT (1UL << 63)
#define CAUSE_ECALL_HS 9               /* ecall from HS-mode: goes to M-mode (SBI) */
#define CAUSE_ECALL_VS 10              /* ecall from VS-mode: delegated to HS */
#define CAUSE_FETCH_GUEST_PAGE_FAULT 20
#define CAUSE_LOAD_GUEST_PAGE_FAULT 21
#define CAUSE_VIRTUAL_INSTRUCTION 22
#define CAUSE_STORE_GUEST_PAGE_FAULT 23

/* What M-mode delegates to HS-mode (medeleg): the guests' exceptions (0-8: misaligned,
   access faults, illegal instruction, breakpoint; 10: ecall from VS = the guests' SBI
   calls; 12, 13, 15: VS-stage page faults; 20-23: guest-page faults and virtual
   instruction). Not 9: HS-mode's own ecalls are the SBI calls M-mode serves. */
#define MEDELEG_HS 0xf0b5ffUL
/* mideleg: the supervisor timer, which M-mode raises in mip.STIP */
#define MIDELEG_HS MIP_STIP

/* SBI extension and function ids (SBI v1.0) */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354
#define SBI_ERR_NOT_SUPPORTED (-2)

#ifndef __ASSEMBLER__
#define csr_read(csr) ({ unsigned long v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" : : "r"((unsigned long)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" : : "r"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" : : "r"((unsigned long)(val)) : "memory")
#endif

#endif
