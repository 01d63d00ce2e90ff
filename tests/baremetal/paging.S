/* Sv39 and Sv48 in S- and U-mode: an identity gigapage for RAM, 4 KiB pages at 0x40000000 with
   various permissions, page faults delegated to S-mode with the faulting address in stval,
   A and D set by the hardware, SUM, MXR, U-bit rules, a misaligned superpage, non-canonical
   addresses, sfence.vma after a PTE change, an Sv48 root over the same tables, and an
   instruction fetched across a page boundary (from two non-adjacent physical pages, and
   with the second page unmapped: the fault's stval is the second page). */
#include "common.h"

#define V 1
#define R 2
#define W 4
#define X 8
#define U 16
#define A 64
#define D 128
/* t0 = PTE for the page at symbol `sym` with flags */
#define LEAF(sym, flags) la t0, sym; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, flags
#define VA(i) (0x40000000 + (i) * 4096)
/* in S-mode: the last S trap must be cause c with stval v, else stop with code n */
#define S_EXPECT_FAULT(c, v, n) ld t0, 0(s1); li t1, c; bne t0, t1, 98f; ld t0, 16(s1); li t1, v; beq t0, t1, 97f; 98: li a0, n; j s_fail; 97: sd zero, 0(s1)

  .globl main
main:
  addi sp, sp, -16
  sd ra, 0(sp)
  la s1, s_trap_rec

  /* root[2]: identity gigapage over RAM at 0x80000000 */
  la s2, root
  li t0, (0x80000 << 10) | V | R | W | X | A | D
  sd t0, 16(s2)
  /* root[1] -> l1; l1[0] -> l0; l1[1]: a 2 MiB leaf whose PPN is not 2 MiB aligned */
  la t0, l1
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, V
  sd t0, 8(s2)
  la s3, l1
  la t0, l0
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, V
  sd t0, 0(s3)
  li t0, (0x80001 << 10) | V | R | A
  sd t0, 8(s3)
  la s4, l0
  LEAF(pg_data, V | R | W)
  sd t0, 0(s4)
  LEAF(pg_ro, V | R | A)
  sd t0, 8(s4)
  LEAF(pg_user, V | R | W | U | A | D)
  sd t0, 16(s4)
  LEAF(pg_xonly, V | X | A)
  sd t0, 24(s4)
  sd zero, 32(s4)
  LEAF(u_code, V | R | X | U | A)
  sd t0, 40(s4)
  /* VA(6), VA(7): code that straddles two pages, physically in the opposite order;
     VA(8): the same first page, VA(9) unmapped */
  LEAF(pg_code1, V | R | X | A)
  sd t0, 48(s4)
  sd t0, 64(s4)
  LEAF(pg_code2, V | R | X | A)
  sd t0, 56(s4)
  sd zero, 72(s4)
  /* pg_code1 ends with c.nop and the first half of `addi a0, a0, 7`; pg_code2 starts with
     the second half, then `li a7, 93; ebreak` */
  la t0, pg_code1
  li t2, 0xffc
  add t0, t0, t2
  li t1, 0x0001
  sh t1, 0(t0)
  li t1, 0x0513
  sh t1, 2(t0)
  la t0, pg_code2
  li t1, 0x0075
  sh t1, 0(t0)
  li t1, 0x05d00893
  sw t1, 2(t0)
  li t1, 0x00100073
  sw t1, 6(t0)
  fence.i
  /* contents to recognise */
  la t0, pg_data
  li t1, 0x1111
  sd t1, 0(t0)
  la t0, pg_user
  li t1, 0x2222
  sd t1, 0(t0)
  la t0, pg_xonly
  li t1, 0x3333
  sd t1, 0(t0)
  la t0, pg_alt
  li t1, 0x4444
  sd t1, 0(t0)

  /* page faults go to S-mode */
  la t0, s_trap
  csrw stvec, t0
  li t0, (1 << 12) | (1 << 13) | (1 << 15)
  csrw medeleg, t0
  /* Sv39 */
  la t0, root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  la a0, s_sv39
  li a1, 1
  call enter_mode
  la t0, s_result
  ld a0, 0(t0)
  bnez a0, fail

  /* A and D: l0[0] was read and written (A, D now set); l0[1] only had A */
  ld t0, 0(s4)
  andi t0, t0, A | D
  EXPECT(t0, A | D, 40)
  ld t0, 8(s4)
  andi t0, t0, A | D
  EXPECT(t0, A, 41)
  /* the store went to pg_data */
  la t0, pg_data
  ld t0, 0(t0)
  EXPECT(t0, 0x5555, 42)
  /* U-mode's accesses: the non-U page faulted in S-mode, the U page was read */
  la t0, pg_user
  ld t0, 8(t0)
  EXPECT(t0, 0x2222, 43)

  /* an instruction fetched across a page boundary, from two non-adjacent physical pages */
  li a0, VA(6) + 0xffc
  call enter_mode_a0
  EXPECT(a0, 7, 45)
  /* the same with the second page unmapped: an instruction page fault for VA(9), epc at the instruction */
  la a0, s_cross_fault
  li a1, 1
  call enter_mode
  la t0, s_result
  ld a0, 0(t0)
  bnez a0, fail

  /* sfence.vma: point VA(0) at pg_alt */
  LEAF(pg_alt, V | R | W | A | D)
  sd t0, 0(s4)
  la a0, s_after_remap
  li a1, 1
  call enter_mode
  la t0, s_result
  ld a0, 0(t0)
  bnez a0, fail

  /* Sv48: a new root whose entry 0 is the Sv39 root, used as the level-2 table */
  la t0, root
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, V
  la t1, root48
  sd t0, 0(t1)
  srli t0, t1, 12
  li t1, 9 << 60
  or t0, t0, t1
  csrw satp, t0
  csrr t1, satp
  bne t0, t1, f_satp
  la a0, s_sv48
  li a1, 1
  call enter_mode
  la t0, s_result
  ld a0, 0(t0)
  bnez a0, fail

  csrw satp, zero
  csrw medeleg, zero
  la a0, msg_ok
  call puts
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
f_satp:
  FAIL(44)

/* S-mode under Sv39 */
s_sv39:
  li s5, VA(0)
  ld t0, 0(s5)
  li t1, 0x1111
  bne t0, t1, s_bad_value
  li t1, 0x5555
  sd t1, 0(s5)
  /* store to a read-only page */
  li s5, VA(1)
  sd t1, 0(s5)
  S_EXPECT_FAULT(15, VA(1), 2)
  ld t0, 0(s5)
  ld t0, 0(s1)
  bnez t0, s_unexpected
  /* an invalid PTE */
  li s5, VA(4)
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, VA(4), 3)
  /* a U page: faults without SUM, readable with it; never executable from S */
  li s5, VA(2)
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, VA(2), 4)
  li t2, 1 << 18
  csrs sstatus, t2
  ld t0, 0(s5)
  li t1, 0x2222
  bne t0, t1, s_bad_value
  csrc sstatus, t2
  jalr ra, 0(s5)
  S_EXPECT_FAULT(12, VA(2), 5)
  /* an execute-only page: readable only with MXR */
  li s5, VA(3)
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, VA(3), 6)
  li t2, 1 << 19
  csrs sstatus, t2
  ld t0, 0(s5)
  li t1, 0x3333
  bne t0, t1, s_bad_value
  csrc sstatus, t2
  /* a 2 MiB leaf with a misaligned PPN */
  li s5, 0x40200000
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, 0x40200000, 7)
  /* a non-canonical address (bit 38 set, bits 63..39 clear) */
  li s5, 0x4000000000
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, 0x4000000000, 8)
  /* into U-mode at VA(5), where u_code is mapped */
  li t0, VA(5)
  csrw sepc, t0
  li t0, 1 << 8
  csrc sstatus, t0
  sret

/* U-mode at VA(5): a non-U page faults (to S), a U page reads */
  .balign 4096
u_code:
  li t0, VA(0)
  ld t1, 0(t0)
  li t0, VA(2)
  ld t1, 0(t0)
  sd t1, 8(t0)
  li a7, 93
  ebreak
  .balign 4096

/* like enter_mode into S-mode at a0, with a0 = 0 on arrival */
enter_mode_a0:
  la t0, resume
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd s0, 16(t0)
  sd s1, 24(t0)
  csrw mepc, a0
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  li a0, 0
  mret

s_cross_fault:
  li t0, VA(8) + 0xffe
  jalr ra, 0(t0)
  S_EXPECT_FAULT(12, VA(9), 11)
  ld t0, 8(s1)
  li t1, VA(8) + 0xffe
  beq t0, t1, 1f
  li a0, 12
  j s_fail
1:
  li a7, 93
  ebreak

s_after_remap:
  sfence.vma
  li s5, VA(0)
  ld t0, 0(s5)
  li t1, 0x4444
  bne t0, t1, s_bad_value
  li a7, 93
  ebreak

/* S-mode under Sv48 */
s_sv48:
  li s5, VA(2)
  li t2, 1 << 18
  csrs sstatus, t2
  ld t0, 0(s5)
  csrc sstatus, t2
  li t1, 0x2222
  bne t0, t1, s_bad_value
  /* canonical for Sv48 but unmapped */
  li s5, 0x4000000000
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, 0x4000000000, 9)
  /* non-canonical for Sv48 (bit 47 set, bits 63..48 clear) */
  li s5, 0x800000000000
  ld t0, 0(s5)
  S_EXPECT_FAULT(13, 0x800000000000, 10)
  li a7, 93
  ebreak

s_bad_value:
  li a0, 20
  j s_fail
s_unexpected:
  li a0, 21
s_fail:
  la t0, s_result
  sd a0, 0(t0)
  li a7, 93
  ebreak

  .section .rodata
msg_ok: .asciz "paging: Sv39, Sv48, page faults, A/D, SUM, MXR, U bit, superpage, canonical, sfence.vma\n"
  .data
  .align 3
s_result: .dword 0
  .bss
  .align 12
root: .space 4096
root48: .space 4096
l1: .space 4096
l0: .space 4096
pg_data: .space 4096
pg_ro: .space 4096
pg_user: .space 4096
pg_xonly: .space 4096
pg_alt: .space 4096
pg_code2: .space 4096
pg_code1: .space 4096
