/* Never ends: waits for an interrupt that never comes (for --timeout and the host-idle check). */
  .option norvc
  .option nopic
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  wfi
  j _start
