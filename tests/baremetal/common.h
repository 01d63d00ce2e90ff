/*
 * Shared start-up and helpers for the bare-metal tests (tests/baremetal/*.S).
 * A test defines `main` (called in M-mode; returning means pass) and may call:
 *   FAIL(n)            end with exit code n (prints "FAIL")
 *   EXPECT(reg, v, n)  FAIL(n) unless reg == v (clobbers t6)
 *   enter_mode         a0 = pc, a1 = privilege (0 U, 1 S): runs a0 there; the code comes
 *                      back to the caller in M-mode with `li a7, 93; ebreak` (or any
 *                      exception that reaches M-mode with a7 = 93; it is not recorded)
 * Every M-mode trap is recorded in m_trap_rec (cause, epc, tval, mstatus) and the
 * trapping instruction is skipped; a fetch fault returns to ra instead. Interrupts
 * are counted in m_irq_count and their source silenced (mtimecmp = -1, msip = 0);
 * with fwd_sti set, a timer interrupt also sets mip.STIP for S-mode.
 * S-mode traps (when delegated, stvec = s_trap) are recorded in s_trap_rec the same way.
 * The program ends through HTIF (tohost) and the SiFive test device, so it runs
 * unchanged on typevisor and on qemu-system-riscv64 -M virt -bios none.
 * Registers s9-s11 belong to the trap handlers.
 * Only hart 0 runs main: with SMP defined, other harts jump to `secondary`
 * (a0 = their hart id, no stack); without it they wait in wfi for ever.
 */
#define UART0 0x10000000
#define FINISHER 0x100000
#define CLINT 0x2000000
#define MTIMECMP (CLINT + 0x4000)
#define MTIME (CLINT + 0xbff8)

#define FAIL(n) li a0, n; j fail
#define EXPECT(reg, v, n) li t6, v; beq reg, t6, 99f; FAIL(n); 99:

  .option norvc
  .option nopic
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  beqz t0, 1f
#ifdef SMP
  j secondary
#else
0:
  wfi
  j 0b
#endif
1:
  la sp, stack_top
  la t0, m_trap
  csrw mtvec, t0
  /* PMP: one entry covering everything, so S and U may access memory on boards that enforce PMP. */
  li t0, -1
  srli t0, t0, 10
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  call main
  la a0, msg_pass
  call puts
  li a0, 0
  j exit

fail:
  mv s0, a0
  la a0, msg_fail
  call puts
  mv a0, s0
  /* fall through */
exit:
#ifndef NO_HTIF
  slli t0, a0, 1
  ori t0, t0, 1
  la t1, tohost
  sd t0, 0(t1)
#endif
  li t1, FINISHER
  bnez a0, 1f
  li t0, 0x5555
  sw t0, 0(t1)
  j 2f
1:
  slli t0, a0, 16
  li t2, 0x3333
  or t0, t0, t2
  sw t0, 0(t1)
2:
  wfi
  j 2b

/* puts(a0 = NUL-terminated string) over the UART; clobbers t0-t2, a0. */
  .globl puts
puts:
  li t1, UART0
1:
  lbu t0, 0(a0)
  beqz t0, 3f
2:
  lbu t2, 5(t1)
  andi t2, t2, 0x20
  beqz t2, 2b
  sb t0, 0(t1)
  addi a0, a0, 1
  j 1b
3:
  ret

/* enter_mode(a0 = pc, a1 = privilege): mret there; comes back here through the `a7 = 93` trap. */
enter_mode:
  la t0, resume
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd s0, 16(t0)
  sd s1, 24(t0)
  csrr t0, mstatus
  li t1, ~(3 << 11)
  and t0, t0, t1
  slli t1, a1, 11
  or t0, t0, t1
  csrw mstatus, t0
  csrw mepc, a0
  mret

  .align 2
m_trap:
  csrr s9, mcause
  bltz s9, 1f
  li s11, 93
  beq a7, s11, m_resume
1:
  la s10, m_trap_rec
  sd s9, 0(s10)
  csrr s11, mepc
  sd s11, 8(s10)
  csrr s11, mtval
  sd s11, 16(s10)
  csrr s11, mstatus
  sd s11, 24(s10)
  bltz s9, m_irq
  li s11, 94
  bne a7, s11, 1f
  /* a7 = 94 with ecall: clear mip.STIP (what an SBI set_timer does) */
  li s11, 1 << 5
  csrc mip, s11
1:
  li s11, 1
  beq s9, s11, m_fetch_fault
  li s11, 12
  beq s9, s11, m_fetch_fault
  csrr s11, mepc
  addi s11, s11, 4
  csrw mepc, s11
  mret
m_fetch_fault:
  csrw mepc, ra
  mret
m_resume:
  /* back to the caller of enter_mode, in M-mode */
  li a7, 0
  la s10, resume
  ld ra, 0(s10)
  ld sp, 8(s10)
  ld s0, 16(s10)
  ld s1, 24(s10)
  li s11, 3 << 11
  csrs mstatus, s11
  ret
m_irq:
  la s10, m_irq_count
  ld s11, 0(s10)
  addi s11, s11, 1
  sd s11, 0(s10)
  slli s9, s9, 1
  srli s9, s9, 1
  li s11, 7
  bne s9, s11, 1f
  /* timer: silence it, and pass it on to S-mode if asked */
  li s10, MTIMECMP
  li s11, -1
  sd s11, 0(s10)
  la s10, fwd_sti
  ld s11, 0(s10)
  beqz s11, 2f
  li s11, 1 << 5
  csrs mip, s11
  j 2f
1:
  li s11, 3
  bne s9, s11, 2f
  li s10, CLINT
  sw zero, 0(s10)
2:
  mret

  .align 2
s_trap:
  csrr s9, scause
  la s10, s_trap_rec
  sd s9, 0(s10)
  csrr s11, sepc
  sd s11, 8(s10)
  csrr s11, stval
  sd s11, 16(s10)
  csrr s11, sstatus
  sd s11, 24(s10)
  bltz s9, s_irq
  li s11, 12
  beq s9, s11, s_fetch_fault
  csrr s11, sepc
  addi s11, s11, 4
  csrw sepc, s11
  sret
s_fetch_fault:
  csrw sepc, ra
  sret
s_irq:
  la s10, s_irq_count
  ld s11, 0(s10)
  addi s11, s11, 1
  sd s11, 0(s10)
  /* a timer interrupt forwarded by M-mode: ask M-mode to clear STIP */
  csrw sscratch, a7
  li a7, 94
  ecall
  csrr a7, sscratch
  sret

  .section .rodata
msg_pass: .asciz "PASS\n"
msg_fail: .asciz "FAIL\n"

  .data
  .align 3
resume: .dword 0, 0, 0, 0
m_trap_rec: .dword 0, 0, 0, 0
s_trap_rec: .dword 0, 0, 0, 0
m_irq_count: .dword 0
s_irq_count: .dword 0
fwd_sti: .dword 0

#ifndef NO_HTIF
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
#endif

  .text
