/* No HTIF: output over the UART only, and the end through the SiFive test device with a
   failure code (42), as `poweroff -f` of a failing guest would report it. */
#define NO_HTIF
#include "common.h"

  .globl main
main:
  la a0, msg
  call puts
  /* the UART's scratch register keeps what is written */
  li t0, UART0
  li t1, 0x5a
  sb t1, 7(t0)
  lbu t2, 7(t0)
  bne t1, t2, 1f
  /* line status: transmitter empty */
  lbu t2, 5(t0)
  andi t2, t2, 0x60
  li t1, 0x60
  bne t1, t2, 1f
  li a0, 42
  j exit
1:
  FAIL(1)

  .section .rodata
msg: .asciz "finisher: hello over the 16550 UART, exit code 42 through the test device\n"
