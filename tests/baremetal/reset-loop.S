/* Resets the machine through the SiFive test device (0x7777) as its first act, so
   that it reboots for ever: only --timeout ends it. */
#define NO_HTIF
#include "common.h"

  .globl main
main:
  li t0, FINISHER
  li t1, 0x7777
  sw t1, 0(t0)
1:
  j 1b
