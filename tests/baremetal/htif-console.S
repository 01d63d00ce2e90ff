/* HTIF only (typevisor; QEMU's virt board has no HTIF): characters through device 1
   command 1, each acknowledged in fromhost, and the end through tohost with code 0. */
  .option norvc
  .option nopic
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la s0, msg
  la s1, tohost
  la s2, fromhost
  li s3, (1 << 56) | (1 << 48)
1:
  lbu t0, 0(s0)
  beqz t0, 3f
  or t0, t0, s3
  sd t0, 0(s1)
2:
  ld t1, 0(s2)
  beqz t1, 2b
  sd zero, 0(s2)
  addi s0, s0, 1
  j 1b
3:
  li t0, 1
  sd t0, 0(s1)
4:
  j 4b

  .section .rodata
msg: .asciz "htif-console: hello through HTIF\n"

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
