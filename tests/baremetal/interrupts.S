/* Interrupts: a CLINT timer interrupt taken in M-mode (mcause = interrupt 7), wfi woken by the
   timer with interrupts globally disabled (no trap taken), a software interrupt through the
   CLINT's msip, and a timer interrupt passed to S-mode through mip.STIP (delegated by mideleg,
   scause = interrupt 5), which S-mode clears with an ecall as an SBI would. */
#include "common.h"

/* mtimecmp = mtime + ticks (10 MHz) */
#define ARM(ticks) li t0, MTIME; ld t1, 0(t0); li t2, ticks; add t1, t1, t2; li t0, MTIMECMP; sd t1, 0(t0)
#define SPIN_UNTIL_NONZERO(addr, n) la t0, addr; li t2, 200000000; 95: ld t1, 0(t0); bnez t1, 96f; addi t2, t2, -1; bnez t2, 95b; FAIL(n); 96:

  .globl main
main:
  addi sp, sp, -16
  sd ra, 0(sp)
  la s0, m_trap_rec

  /* 1. machine timer interrupt, 1 ms ahead */
  li t0, 1 << 7
  csrs mie, t0
  ARM(10000)
  csrsi mstatus, 8
  SPIN_UNTIL_NONZERO(m_irq_count, 1)
  csrci mstatus, 8
  ld t0, 0(s0)
  li t1, (1 << 63) | 7
  bne t0, t1, f_cause

  /* 2. wfi wakes on a pending timer interrupt even with mstatus.MIE clear; no trap is taken */
  li t0, MTIME
  ld s2, 0(t0)
  ARM(20000)
  wfi
  li t0, MTIME
  ld t1, 0(t0)
  sub t1, t1, s2
  li t2, 20000
  bltu t1, t2, f_early
  csrr t0, mip
  andi t0, t0, 1 << 7
  beqz t0, f_mip
  la t0, m_irq_count
  ld t0, 0(t0)
  EXPECT(t0, 1, 2)
  /* now enable: the pending interrupt is taken at once */
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  la t0, m_irq_count
  ld t0, 0(t0)
  EXPECT(t0, 2, 3)
  li t0, 1 << 7
  csrc mie, t0

  /* 3. software interrupt through msip (taken soon after the write, not necessarily at once) */
  la t0, m_irq_count
  sd zero, 0(t0)
  li t0, 1 << 3
  csrs mie, t0
  csrsi mstatus, 8
  li t0, CLINT
  li t1, 1
  sw t1, 0(t0)
  SPIN_UNTIL_NONZERO(m_irq_count, 4)
  csrci mstatus, 8
  ld t0, 0(s0)
  li t1, (1 << 63) | 3
  bne t0, t1, f_cause
  li t0, 1 << 3
  csrc mie, t0

  /* 4. a timer interrupt for S-mode: M takes MTI and sets mip.STIP, delegated to S */
  la t0, s_trap
  csrw stvec, t0
  li t0, 1 << 5
  csrw mideleg, t0
  la t0, fwd_sti
  li t1, 1
  sd t1, 0(t0)
  li t0, (1 << 7)
  csrs mie, t0
  li t0, (1 << 5)
  csrs mie, t0
  ARM(10000)
  la a0, s_wait
  li a1, 1
  call enter_mode
  la t0, s_irq_count
  ld t0, 0(t0)
  EXPECT(t0, 1, 5)
  la t0, s_trap_rec
  ld t0, 0(t0)
  li t1, (1 << 63) | 5
  bne t0, t1, f_cause
  /* S-mode's ecall had M clear STIP */
  csrr t0, mip
  andi t0, t0, 1 << 5
  EXPECT(t0, 0, 6)
  csrw mie, zero
  csrw mideleg, zero

  la a0, msg_ok
  call puts
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
f_cause:
  FAIL(30)
f_early:
  FAIL(31)
f_mip:
  FAIL(32)

/* S-mode: enable SIE and wait (with wfi) for the forwarded timer interrupt */
s_wait:
  csrsi sstatus, 2
  la t0, s_irq_count
1:
  ld t1, 0(t0)
  bnez t1, 2f
  wfi
  j 1b
2:
  csrci sstatus, 2
  li a7, 93
  ebreak

  .section .rodata
msg_ok: .asciz "interrupts: M timer, wfi wake-up, msip, timer forwarded to S-mode\n"
