/* A guest's entry at guest-physical 0x80000000, in VS-mode with vsatp = Bare:
   main's return value becomes the reason of an SBI system reset (shutdown),
   which the hypervisor takes as the guest's exit code. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la sp, __stack_top
  call main
  mv a1, a0                 /* reset reason: 0 none, 1 system failure */
  li a0, 0                  /* reset type: shutdown */
  li a6, 0                  /* system_reset */
  li a7, 0x53525354         /* SRST */
  ecall
1:
  j 1b
