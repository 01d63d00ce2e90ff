/*
 * M-mode: the reset entry and a minimal SBI-like firmware for the hypervisor.
 *
 * At reset (QEMU -bios none jumps here, hart 0 only) it checks misa.H, opens all
 * memory to S-mode through PMP entry 0, delegates the guests' exceptions and the
 * supervisor timer interrupt to HS-mode (medeleg/mideleg, see riscv.h) and enters
 * HS-mode (mstatus.MPP = S, MPV = 0) at hs_start with mret.
 *
 * After that M-mode only does two things, both in m_trap:
 *   - SBI set_timer (ecall from HS, a7 = TIME, a6 = 0, a0 = absolute mtime):
 *     writes mtimecmp, clears mip.STIP and enables the machine timer (mie.MTIE);
 *   - the machine timer interrupt: masks mie.MTIE and raises mip.STIP, which is
 *     delegated to HS-mode. A guest running in VS-mode is thus interrupted twice:
 *     MTI into M-mode, mret back into the guest, and at once STI into HS-mode.
 * Anything else is reported by m_fatal (hyp.c), which powers off with a failure.
 * m_trap uses t0-t2 only, saved on its own stack (mscratch holds its top).
 */
#include "riscv.h"

#define CLINT_MTIMECMP 0x2004000

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, m_stack_top
  csrw mscratch, sp
  la t0, m_trap
  csrw mtvec, t0

  csrr t0, misa
  andi t0, t0, 1 << 7               /* misa bit 7: 'H' */
  beqz t0, no_h_extension           /* hyp.c: prints why and fails */

  /* PMP entry 0: NAPOT over the whole address space, RWX, so HS and VS may access memory */
  li t0, -1
  srli t0, t0, 10
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0

  li t0, MEDELEG_HS
  csrw medeleg, t0
  li t0, MIDELEG_HS
  csrw mideleg, t0
  csrw mie, zero
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)

  /* mret into HS-mode: MPP = S, MPV = 0 */
  li t0, MSTATUS_MPP_MASK
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  li t0, MSTATUS_MPV
  csrc mstatus, t0
  la t0, hs_start
  csrw mepc, t0
  mret

park:
  wfi
  j park

  .text
  .align 2
m_trap:
  csrrw sp, mscratch, sp
  sd t0, -8(sp)
  sd t1, -16(sp)
  sd t2, -24(sp)
  csrr t0, mcause
  bltz t0, m_interrupt

  /* ecall from HS-mode: only SBI TIME set_timer */
  li t1, CAUSE_ECALL_HS
  bne t0, t1, m_unexpected
  li t1, SBI_EXT_TIME
  bne a7, t1, m_unexpected
  bnez a6, m_unexpected
  li t0, CLINT_MTIMECMP
  sd a0, 0(t0)
  li t0, MIP_STIP
  csrc mip, t0
  li t0, MIP_MTIP
  csrs mie, t0
  li a0, 0                          /* SBI_SUCCESS */
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  j m_return

m_interrupt:
  li t1, CAUSE_INTERRUPT | IRQ_M_TIMER
  bne t0, t1, m_unexpected
  /* the machine timer fired: pass it on to HS-mode as its supervisor timer */
  li t0, MIP_MTIP
  csrc mie, t0
  li t0, MIP_STIP
  csrs mip, t0

m_return:
  ld t0, -8(sp)
  ld t1, -16(sp)
  ld t2, -24(sp)
  csrrw sp, mscratch, sp
  mret

m_unexpected:
  addi sp, sp, -32
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  csrr a3, mtval2
  csrr a4, mstatus
  call m_fatal                      /* hyp.c: never returns */

  .bss
  .align 4
  .space 4096
m_stack_top:
