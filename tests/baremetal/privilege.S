/* Privilege: mret to S and U, ecall causes 8/9, mstatus.MPP/SPP on traps, delegation of
   U-mode ecalls to S-mode, sret back to U, and the illegal-instruction rules for CSRs and
   privileged instructions (with the instruction's bits in mtval). */
#include "common.h"

#define RUN(fn, mode) la a0, fn; li a1, mode; call enter_mode
/* cause and mtval of the last M-mode trap */
#define EXPECT_M_TRAP(cause, bits, n) ld t0, 0(s0); EXPECT(t0, cause, n); ld t0, 16(s0); li t1, bits; bne t0, t1, f_tval

  .globl main
main:
  addi sp, sp, -16
  sd ra, 0(sp)
  la s0, m_trap_rec
  la s1, s_trap_rec

  /* ecall from U: cause 8, MPP = U; from S: cause 9, MPP = S */
  RUN(u_ecall, 0)
  la t0, seen
  ld t1, 0(t0)
  EXPECT(t1, 8, 1)
  ld t1, 8(t0)
  srli t1, t1, 11
  andi t1, t1, 3
  EXPECT(t1, 0, 2)
  RUN(s_ecall, 1)
  la t0, seen
  ld t1, 0(t0)
  EXPECT(t1, 9, 3)
  ld t1, 8(t0)
  srli t1, t1, 11
  andi t1, t1, 3
  EXPECT(t1, 1, 4)

  /* U-mode: privileged CSRs and instructions are illegal */
  RUN(u_mstatus, 0)
  EXPECT_M_TRAP(2, 0x300022f3, 5)
  RUN(u_sstatus, 0)
  EXPECT_M_TRAP(2, 0x100022f3, 6)
  RUN(u_sret, 0)
  EXPECT_M_TRAP(2, 0x10200073, 7)
  RUN(u_wfi, 0)
  EXPECT_M_TRAP(2, 0x10500073, 8)
  /* counters: illegal without mcounteren/scounteren, readable with them */
  RUN(u_rdcycle, 0)
  EXPECT_M_TRAP(2, 0xc00022f3, 9)
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, t0
  sd zero, 0(s0)
  RUN(u_rdcycle, 0)
  ld t0, 0(s0)
  EXPECT(t0, 0, 10)
  csrw scounteren, zero
  RUN(u_rdtime, 0)
  EXPECT_M_TRAP(2, 0xc01022f3, 11)
  csrw mcounteren, zero

  /* S-mode: M CSRs, mret, and the mstatus traps TSR, TW, TVM */
  RUN(s_mstatus, 1)
  EXPECT_M_TRAP(2, 0x300022f3, 12)
  RUN(s_mret, 1)
  EXPECT_M_TRAP(2, 0x30200073, 13)
  RUN(s_rdtime, 1)
  EXPECT_M_TRAP(2, 0xc01022f3, 14)
  li t0, 1 << 22
  csrs mstatus, t0
  RUN(s_sret, 1)
  EXPECT_M_TRAP(2, 0x10200073, 15)
  li t0, (1 << 22) | (1 << 21)
  csrc mstatus, t0
  li t0, 1 << 21
  csrs mstatus, t0
  RUN(s_wfi, 1)
  EXPECT_M_TRAP(2, 0x10500073, 16)
  li t0, (1 << 21) | (1 << 20)
  csrc mstatus, t0
  li t0, 1 << 20
  csrs mstatus, t0
  RUN(s_satp, 1)
  EXPECT_M_TRAP(2, 0x180022f3, 17)
  RUN(s_sfence, 1)
  EXPECT_M_TRAP(2, 0x12000073, 18)
  li t0, 1 << 20
  csrc mstatus, t0
  /* S may read sstatus, sscratch and satp */
  sd zero, 0(s0)
  RUN(s_allowed, 1)
  ld t0, 0(s0)
  EXPECT(t0, 0, 19)

  /* delegation: U-mode ecalls go to S-mode (stvec), which sret's back to U */
  la t0, s_trap
  csrw stvec, t0
  li t0, 1 << 8
  csrw medeleg, t0
  RUN(s_to_u, 1)
  ld t0, 0(s1)
  EXPECT(t0, 8, 20)
  ld t0, 8(s1)
  la t1, u_deleg_ecall
  bne t0, t1, f_epc
  ld t0, 24(s1)
  andi t0, t0, 1 << 8
  EXPECT(t0, 0, 21)
  csrw medeleg, zero

  la a0, msg_ok
  call puts
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
f_tval:
  FAIL(30)
f_epc:
  FAIL(31)

/* Lower-privilege pieces; each ends with a7 = 93 and ebreak, back to M. */
u_ecall:
s_ecall:
  ecall
  la t0, seen
  ld t1, 0(s0)
  sd t1, 0(t0)
  ld t1, 24(s0)
  sd t1, 8(t0)
  li a7, 93
  ebreak
u_mstatus:
s_mstatus:
  csrr t0, mstatus
  li a7, 93
  ebreak
u_sstatus:
  csrr t0, sstatus
  li a7, 93
  ebreak
u_sret:
s_sret:
  sret
  li a7, 93
  ebreak
u_wfi:
s_wfi:
  wfi
  li a7, 93
  ebreak
u_rdcycle:
  csrr t0, cycle
  li a7, 93
  ebreak
u_rdtime:
s_rdtime:
  csrr t0, time
  li a7, 93
  ebreak
s_mret:
  mret
  li a7, 93
  ebreak
s_satp:
  csrr t0, satp
  li a7, 93
  ebreak
s_sfence:
  sfence.vma
  li a7, 93
  ebreak
s_allowed:
  csrr t0, sstatus
  csrw sscratch, t0
  csrr t0, satp
  li a7, 93
  ebreak
s_to_u:
  la t0, u_deleg
  csrw sepc, t0
  li t0, 1 << 8
  csrc sstatus, t0
  sret
u_deleg:
  nop
u_deleg_ecall:
  ecall
  li a7, 93
  ebreak

  .section .rodata
msg_ok: .asciz "privilege: mret/sret, ecall causes, delegation, illegal CSR and instruction rules\n"
  .data
  .align 3
seen: .dword 0, 0
