/*
 * HS-mode entry, and the world switch between the hypervisor and a guest.
 *
 * run_vcpu(struct vcpu *v) saves the hypervisor's callee-saved registers on its
 * stack, puts v in sscratch, loads the guest's x1-x31 and pc and enters it with
 * sret (the caller has set hstatus.SPV = 1 and sstatus.SPP = 1, so sret goes to
 * VS-mode). The guest runs until something traps to HS-mode: hs_trap_entry swaps
 * v out of sscratch, stores the guest's registers and pc back into v, and returns
 * from run_vcpu to the C code, which reads scause and the rest.
 *
 * While the hypervisor itself runs, sscratch is 0: a trap taken with sscratch = 0
 * came from HS-mode, a bug in the hypervisor, and goes to hs_fatal (hyp.c).
 *
 * struct vcpu starts with x[32] (x[0] unused) and then pc and host_sp; hyp.c
 * checks these offsets with _Static_assert.
 */
#define VCPU_X(n) ((n) * 8)
#define VCPU_PC 256
#define VCPU_HOST_SP 264

  .text
  .globl hs_start
hs_start:
  la sp, hs_stack_top
  la t0, hs_trap_entry
  csrw stvec, t0
  csrw sscratch, zero
  call hyp_main                     /* never returns */
  j hs_fatal

  .globl run_vcpu
run_vcpu:
  addi sp, sp, -112
  sd ra, 0(sp)
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  sd s\n, (8 + \n * 8)(sp)
  .endr
  sd sp, VCPU_HOST_SP(a0)
  csrw sscratch, a0
  ld t0, VCPU_PC(a0)
  csrw sepc, t0
  .irp n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  ld x\n, VCPU_X(\n)(a0)
  .endr
  ld a0, VCPU_X(10)(a0)
  sret

  .align 2
hs_trap_entry:
  csrrw a0, sscratch, a0            /* a0 = the running vcpu, sscratch = the guest's a0 */
  beqz a0, hs_self_trap
  .irp n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  sd x\n, VCPU_X(\n)(a0)
  .endr
  csrrw t0, sscratch, zero
  sd t0, VCPU_X(10)(a0)
  csrr t0, sepc
  sd t0, VCPU_PC(a0)
  ld sp, VCPU_HOST_SP(a0)
  ld ra, 0(sp)
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  ld s\n, (8 + \n * 8)(sp)
  .endr
  addi sp, sp, 112
  ret

hs_self_trap:
  csrrw a0, sscratch, a0            /* a0 back, sscratch = 0 again */
  j hs_fatal

  .bss
  .align 4
  .space 8192
hs_stack_top:
