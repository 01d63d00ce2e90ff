/*
 * An S-mode payload for OpenSBI (fw_jump), started with a0 = hart id and
 * a1 = the device tree. It talks to the firmware only through SBI calls
 * (RISC-V SBI specification v1.0: a7 = extension id, a6 = function id,
 * results in a0 = error and a1 = value):
 *   - prints lines with the legacy console putchar (extension 0x01),
 *   - reads the spec version and implementation id, probes extensions (BASE 0x10),
 *   - checks the device tree's magic number,
 *   - sets a timer (TIME 0x54494d45) and waits for the supervisor timer interrupt,
 *   - powers off with system reset (SRST 0x53525354, shutdown).
 * Any failure prints "sbi: FAIL n" and asks SRST for a shutdown with reason
 * "system failure", then spins.
 */
#define EID_PUTCHAR 0x01
#define EID_BASE 0x10
#define EID_TIME 0x54494d45
#define EID_SRST 0x53525354
#define EID_DBCN 0x4442434e

#define SBI(eid, fid) li a7, eid; li a6, fid; ecall
#define PRINT(label) la a0, label; call puts
#define FAIL(n) li s0, n; j fail

  .option norvc
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la sp, stack_top
  mv s1, a0                 /* hart id */
  mv s2, a1                 /* device tree */
  PRINT(msg_hello)

  /* spec version: major in bits 30:24, minor in 23:0 */
  SBI(EID_BASE, 0)
  bnez a0, 1f
  mv s3, a1
  PRINT(msg_spec)
  srli a0, s3, 24
  andi a0, a0, 0x7f
  call putdec
  li a0, '.'
  call putc
  li t0, 0xffffff
  and a0, s3, t0
  call putdec
  call newline

  /* implementation id (1 = OpenSBI) */
  SBI(EID_BASE, 1)
  bnez a0, 1f
  mv s3, a1
  PRINT(msg_impl)
  mv a0, s3
  call putdec
  call newline

  /* probe: TIME and SRST must be there; an unknown extension gives 0 */
  li a0, EID_TIME
  SBI(EID_BASE, 3)
  bnez a0, 1f
  beqz a1, 2f
  li a0, EID_SRST
  SBI(EID_BASE, 3)
  bnez a0, 1f
  beqz a1, 3f
  li a0, 0x0abcdef0
  SBI(EID_BASE, 3)
  bnez a0, 1f
  bnez a1, 4f
  PRINT(msg_probe)

  /* the device tree starts with its magic number, 0xd00dfeed big-endian */
  lwu t0, 0(s2)
  li t1, 0xedfe0dd0
  bne t0, t1, 5f
  PRINT(msg_dtb)

  /* a timer 1 ms from now, then wait for the supervisor timer interrupt */
  la t0, s_trap
  csrw stvec, t0
  li t0, 1 << 5
  csrs sie, t0
  rdtime a0
  li t0, 10000
  add a0, a0, t0
  SBI(EID_TIME, 0)
  bnez a0, 1f
  /*
   * wfi with SIE clear wakes up when the interrupt is pending and enabled in sie, and
   * then SIE lets it in; with SIE set around the wfi, an interrupt taken just before
   * the wfi would leave it waiting for an interrupt that never comes.
   */
6:
  wfi
  csrsi sstatus, 2          /* SIE: take it */
  csrci sstatus, 2
  la t0, ticks
  ld t0, 0(t0)
  beqz t0, 6b
  PRINT(msg_timer)

  PRINT(msg_bye)
  li a0, 0                  /* shutdown */
  li a1, 0                  /* no reason */
  SBI(EID_SRST, 0)
  FAIL(6)                   /* SRST returned */

1: FAIL(1)
2: FAIL(2)
3: FAIL(3)
4: FAIL(4)
5: FAIL(5)

fail:
  PRINT(msg_fail)
  mv a0, s0
  call putdec
  call newline
  li a0, 0                  /* shutdown */
  li a1, 1                  /* system failure */
  SBI(EID_SRST, 0)
7:
  j 7b

/* The supervisor timer interrupt: count it and cancel the timer. */
  .align 2
s_trap:
  csrr t0, scause
  bgez t0, 8f
  la t0, ticks
  ld t1, 0(t0)
  addi t1, t1, 1
  sd t1, 0(t0)
  li a0, -1
  SBI(EID_TIME, 0)
  sret
8:
  /* an exception: give up */
  li a0, 0
  li a1, 1
  SBI(EID_SRST, 0)
  j 8b

/* putc(a0): one byte through the legacy console putchar. */
putc:
  li a7, EID_PUTCHAR
  li a6, 0
  ecall
  ret

/* puts(a0 = NUL-terminated string). */
puts:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s4, 8(sp)
  mv s4, a0
1:
  lbu a0, 0(s4)
  beqz a0, 2f
  call putc
  addi s4, s4, 1
  j 1b
2:
  ld ra, 0(sp)
  ld s4, 8(sp)
  addi sp, sp, 16
  ret

newline:
  li a0, '\n'
  j putc

/* putdec(a0): an unsigned number in decimal. */
putdec:
  addi sp, sp, -48
  sd ra, 0(sp)
  addi t2, sp, 47           /* digits are written backwards from the top */
  sb zero, 0(t2)
  li t1, 10
1:
  remu t0, a0, t1
  addi t0, t0, '0'
  addi t2, t2, -1
  sb t0, 0(t2)
  divu a0, a0, t1
  bnez a0, 1b
  mv a0, t2
  call puts
  ld ra, 0(sp)
  addi sp, sp, 48
  ret

  .section .rodata
msg_hello: .asciz "sbi: hello from S-mode\n"
msg_spec:  .asciz "sbi: spec version "
msg_impl:  .asciz "sbi: implementation id "
msg_probe: .asciz "sbi: probe TIME=yes SRST=yes unknown=no\n"
msg_dtb:   .asciz "sbi: device tree magic ok\n"
msg_timer: .asciz "sbi: timer interrupt\n"
msg_bye:   .asciz "sbi: shutting down\n"
msg_fail:  .asciz "sbi: FAIL "

  .data
  .align 3
ticks: .dword 0
