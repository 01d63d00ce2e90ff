/* A guest that never yields: interrupts off, then a tight loop (the hypervisor must still be able to stop it). */
  .option norvc
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrci mstatus, 8
1:
  j 1b
