/*
 * nested-hello: a bare-metal program for tests/kvm/vmm's --bare mode. It runs
 * in VS-mode under KVM (which itself runs in HS-mode inside typevisor or QEMU),
 * loaded at guest-physical 0x80000000 with a0 = hart id, and prints:
 *   - lines through SBI legacy console putchar (EID 0x01), which KVM forwards to
 *     the VMM as KVM_EXIT_RISCV_SBI;
 *   - the SBI spec version, asked of the base extension (EID 0x10), which KVM
 *     answers itself;
 *   - the answer to a call to an experimental extension (EID 0x08000000), which
 *     KVM forwards to the VMM, which answers SBI_ERR_NOT_SUPPORTED (-2);
 *   - the scause of the trap taken when it reads hstatus, a hypervisor CSR that
 *     VS-mode may not touch (a virtual-instruction exception to KVM, which hands
 *     the guest an illegal-instruction exception, scause 2);
 *   - a line through a 16550 UART at 0x10000000, which is not RAM: every access
 *     is a guest-page fault to KVM, which the VMM emulates on KVM_EXIT_MMIO;
 * and ends with SBI SRST shutdown (EID "SRST"), KVM_EXIT_SYSTEM_EVENT to the VMM.
 * Everything is in registers: no stack, no data written.
 */
  .option norvc
  .text
  .globl _start
_start:
  mv s1, a0                       /* hart id */
  lla t0, trap
  csrw stvec, t0

  lla a0, msg_hello
  call sbi_puts
  mv a0, s1
  call sbi_putdec
  lla a0, msg_newline
  call sbi_puts

  /* SBI base extension (0x10), function 0: sbi_get_spec_version. */
  li a7, 0x10
  li a6, 0
  ecall
  mv s2, a1
  lla a0, msg_version
  call sbi_puts
  srli a0, s2, 24                 /* major: bits 30..24 */
  andi a0, a0, 0x7f
  call sbi_putdec
  li a0, '.'
  call sbi_putchar
  li t0, 0xffffff                 /* minor: bits 23..0 */
  and a0, s2, t0
  call sbi_putdec
  lla a0, msg_newline
  call sbi_puts

  /* An experimental extension: nobody implements it, so the answer is an error. */
  li a7, 0x08000000
  li a6, 0
  ecall
  neg s2, a0                      /* SBI errors are negative; print the magnitude */
  lla a0, msg_experimental
  call sbi_puts
  mv a0, s2
  call sbi_putdec
  lla a0, msg_newline
  call sbi_puts

  /* A hypervisor CSR from VS-mode: the trap handler below records scause in s3. */
  li s3, -1
  csrr t0, hstatus
  lla a0, msg_hstatus
  call sbi_puts
  mv a0, s3
  call sbi_putdec
  lla a0, msg_newline
  call sbi_puts

  lla a0, msg_uart
  call uart_puts

  lla a0, msg_bye
  call sbi_puts

  /* SBI SRST (0x53525354), function 0: system_reset(type 0 = shutdown, reason 0 = none). */
  li a7, 0x53525354
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
  /* Not reached under a working VMM; legacy shutdown, then spin. */
  li a7, 0x08
  ecall
1:
  wfi
  j 1b

/* The one trap expected: scause into s3, then past the 4-byte instruction that trapped. */
  .balign 4
trap:
  csrr s3, scause
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret

/* sbi_putchar(a0): SBI legacy console putchar (EID 0x01). Clobbers a0, a1, a6, a7. */
sbi_putchar:
  li a7, 0x01
  li a6, 0
  ecall
  ret

/* sbi_puts(a0 = NUL-terminated string). Clobbers a0, a1, a6, a7, t1. */
sbi_puts:
  mv t1, a0
1:
  lbu a0, 0(t1)
  beqz a0, 2f
  li a7, 0x01
  ecall
  addi t1, t1, 1
  j 1b
2:
  ret

/* sbi_putdec(a0 = unsigned value): decimal digits through putchar. Clobbers a0, a1, a6, a7, t1-t4. */
sbi_putdec:
  mv t1, a0
  li t2, 1                        /* t2 = the largest power of ten <= value (at least 1) */
  li t3, 10
1:
  divu t4, t1, t2
  bltu t4, t3, 2f
  mul t2, t2, t3
  j 1b
2:
  divu a0, t1, t2
  remu t1, t1, t2
  addi a0, a0, '0'
  li a7, 0x01
  ecall
  divu t2, t2, t3
  bnez t2, 2b
  ret

/* uart_puts(a0 = NUL-terminated string) through the 16550 at 0x10000000: wait for LSR.THRE (bit 5), store to THR. */
uart_puts:
  li t2, 0x10000000
1:
  lbu t1, 0(a0)
  beqz t1, 3f
2:
  lbu t3, 5(t2)
  andi t3, t3, 0x20
  beqz t3, 2b
  sb t1, 0(t2)
  addi a0, a0, 1
  j 1b
3:
  ret

  .section .rodata
msg_hello:        .asciz "nested-hello: a bare-metal guest in VS-mode under KVM, through SBI putchar; hart "
msg_version:      .asciz "nested-hello: KVM's SBI implements spec version "
msg_experimental: .asciz "nested-hello: an experimental SBI extension, forwarded to the VMM, answered error -"
msg_hstatus:      .asciz "nested-hello: reading hstatus in VS-mode trapped with scause "
msg_uart:         .asciz "nested-hello: this line went through the 16550 UART at 0x10000000, emulated by the VMM\n"
msg_bye:          .asciz "nested-hello: shutting down through SBI SRST\n"
msg_newline:      .asciz "\n"
