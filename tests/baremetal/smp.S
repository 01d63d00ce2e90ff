/* Four harts (run with --smp 4 / -smp 4): every hart starts at _start with a0 = its mhartid;
   harts 1-3 check in with an AMO and sleep in wfi until hart 0 wakes each with an IPI through
   its CLINT msip, clear their msip, then all four harts increment one counter with LR/SC and
   another with amoadd ITER times each. No update may be lost, and every msip must read 0. */
#define SMP 1
#include "common.h"

#define NHARTS 4
#define ITER 3000
/* wait (bounded) until the doubleword at addr equals v, else FAIL(n) */
#define WAIT_EQ(addr, v, n) la t0, addr; li t1, v; li t2, 400000000; 95: ld t3, 0(t0); beq t3, t1, 96f; addi t2, t2, -1; bnez t2, 95b; FAIL(n); 96:

secondary:
  csrr t0, mhartid
  bne a0, t0, 9f
  /* hart_seen[id] = id + 1, then check in */
  la t1, hart_seen
  slli t2, t0, 3
  add t1, t1, t2
  addi t2, t0, 1
  sd t2, 0(t1)
  fence rw, rw
  la t1, arrived
  li t2, 1
  amoadd.d zero, t2, (t1)
  /* sleep until the IPI: wfi wakes on a pending enabled interrupt even with mstatus.MIE clear */
  li t1, 1 << 3
  csrs mie, t1
1:
  wfi
  csrr t1, mip
  andi t1, t1, 1 << 3
  beqz t1, 1b
  li t1, CLINT
  slli t2, t0, 2
  add t1, t1, t2
  sw zero, 0(t1)
  call work
  la t1, done
  li t2, 1
  amoadd.d zero, t2, (t1)
9:
  wfi
  j 9b

/* ITER times: lrsc_total += 1 with an LR/SC loop, amo_total += 1 with amoadd. Clobbers t1-t4. */
work:
  li t3, ITER
1:
  la t1, lrsc_total
2:
  lr.d t2, (t1)
  addi t2, t2, 1
  sc.d t4, t2, (t1)
  bnez t4, 2b
  la t1, amo_total
  li t2, 1
  amoadd.d zero, t2, (t1)
  addi t3, t3, -1
  bnez t3, 1b
  ret

  .globl main
main:
  addi sp, sp, -16
  sd ra, 0(sp)
  WAIT_EQ(arrived, NHARTS - 1, 1)
  /* each secondary hart got its own id in a0 */
  la s0, hart_seen
  ld t0, 8(s0)
  EXPECT(t0, 2, 2)
  ld t0, 16(s0)
  EXPECT(t0, 3, 2)
  ld t0, 24(s0)
  EXPECT(t0, 4, 2)
  /* nothing has run work yet */
  la t0, lrsc_total
  ld t0, 0(t0)
  EXPECT(t0, 0, 3)
  /* wake harts 1..3 */
  li s1, CLINT
  li t0, 1
  sw t0, 4(s1)
  sw t0, 8(s1)
  sw t0, 12(s1)
  call work
  WAIT_EQ(done, NHARTS - 1, 4)
  la t0, lrsc_total
  ld t0, 0(t0)
  EXPECT(t0, NHARTS * ITER, 5)
  la t0, amo_total
  ld t0, 0(t0)
  EXPECT(t0, NHARTS * ITER, 6)
  /* every msip was cleared by its hart; hart 0's was never set */
  lw t0, 0(s1)
  lw t1, 4(s1)
  or t0, t0, t1
  lw t1, 8(s1)
  or t0, t0, t1
  lw t1, 12(s1)
  or t0, t0, t1
  EXPECT(t0, 0, 7)
  la a0, msg_ok
  call puts
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .section .rodata
msg_ok: .asciz "4 harts: IPIs delivered, no lost LR/SC or AMO update\n"

  .data
  .align 3
arrived: .dword 0
done: .dword 0
lrsc_total: .dword 0
amo_total: .dword 0
hart_seen: .dword 0, 0, 0, 0
