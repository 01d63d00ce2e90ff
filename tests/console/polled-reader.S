/* A polled console reader, as a bare-metal program or OpenSBI's getchar reads: IER = 0 and
   the FIFOs off (the 16450's one-byte RBR, as after reset), LSR until DR, then RBR.
   A first byte 'r' resets the machine through the SiFive test device (0x7777); otherwise
   the program reads up to a newline, prints "got: " and the line, and passes. */
#define NO_HTIF
#include "../baremetal/common.h"

  .globl main
main:
  addi sp, sp, -16
  sd ra, 0(sp)
  call getc
  li t0, 'r'
  bne a0, t0, 1f
  li t0, FINISHER
  li t1, 0x7777
  sw t1, 0(t0)
0:
  j 0b
1:
  la s1, line
  la s2, line_end
2:
  sb a0, 0(s1)
  addi s1, s1, 1
  li t0, '\n'
  beq a0, t0, 3f
  beq s1, s2, 3f
  call getc
  j 2b
3:
  sb zero, 0(s1)
  la a0, msg_got
  call puts
  la a0, line
  call puts
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

/* getc: a0 = the next byte from the UART, polling LSR.DR. */
getc:
  li t1, UART0
1:
  lbu t0, 5(t1)
  andi t0, t0, 1
  beqz t0, 1b
  lbu a0, 0(t1)
  ret

  .section .rodata
msg_got: .asciz "got: "

  .section .bss
line: .space 255
line_end: .space 1
