/* The ucontext a handler receives and what rt_sigreturn does with it: the
 * saved integer and FP registers and fcsr are the ones at the fault; a
 * handler that advances the saved pc skips an illegal instruction; edits to a
 * saved integer register, FP register, fcsr and uc_sigmask take effect on
 * return; and FP state the handler clobbers itself is put back. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile int mode;
static volatile uint64_t seen_t3, seen_sp, seen_pc, seen_fa0, seen_addr;
static volatile unsigned seen_fcsr, handler_frm;

static void on_ill(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    mcontext_t *mc = &uc->uc_mcontext;
    seen_addr = (uintptr_t)info->si_addr;
    seen_pc = mc->__gregs[REG_PC];
    seen_sp = mc->__gregs[REG_SP];
    seen_t3 = mc->__gregs[28];
    memcpy((void *)&seen_fa0, &mc->__fpregs.__d.__f[10], 8);
    seen_fcsr = mc->__fpregs.__d.__fcsr;
    unsigned frm;
    __asm__ volatile("frrm %0" : "=r"(frm));
    handler_frm = frm;
    /* Clobber FP state; rt_sigreturn must restore it. */
    __asm__ volatile("fsrmi 2\n fcvt.d.w fa0, zero\n fcvt.d.w fa1, zero\n csrwi fflags, 0x1f" ::: "fa0", "fa1");
    mc->__gregs[REG_PC] += 4;
    if (mode == 1) {
        mc->__gregs[REG_A0] = 4242;
        double v = 2.25;
        memcpy(&mc->__fpregs.__d.__f[11], &v, 8);
        mc->__fpregs.__d.__fcsr = (3 << 5) | 0x10; /* frm = RUP, fflags = NV */
        sigaddset(&uc->uc_sigmask, SIGUSR2);
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGILL, &sa, NULL);

    /* Round 0: check what was saved and that the handler's own FP changes are undone. */
    uint64_t sp_before, t3 = 0x1234567890abcdefULL, pc_of_fault;
    double fa0_in = 1.5, fa0_out, fa1_out;
    unsigned fcsr_out;
    __asm__ volatile(".option push\n.option norvc\n"
                     "fsflags zero\n"
                     "fsrmi 1\n"              /* frm = RTZ */
                     "fld fa0, 0(%[in])\n"
                     "fmv.d fa1, fa0\n"
                     "csrsi fflags, 1\n"      /* NX */
                     "mv t3, %[t3]\n"
                     "mv %[sp], sp\n"
                     "lla %[pc], 1f\n"
                     "1: .4byte 0\n"
                     "frcsr %[fcsr]\n"
                     "fmv.d %[out], fa0\n"
                     "fmv.d %[out1], fa1\n"
                     "fsrmi 0\n"
                     "fsflags zero\n"
                     ".option pop\n"
                     : [sp] "=&r"(sp_before), [pc] "=&r"(pc_of_fault), [fcsr] "=&r"(fcsr_out), [out] "=&f"(fa0_out),
                       [out1] "=&f"(fa1_out)
                     : [in] "r"(&fa0_in), [t3] "r"(t3)
                     : "t3", "fa0", "fa1", "memory");
    uint64_t fa0_bits;
    memcpy(&fa0_bits, &fa0_in, 8);
    printf("saved pc is the faulting instruction: %d (si_addr too: %d)\n", seen_pc == pc_of_fault, seen_addr == pc_of_fault);
    printf("saved sp matches: %d, saved t3 matches: %d\n", seen_sp == sp_before, seen_t3 == t3);
    printf("saved fa0 matches: %d, saved fcsr=%#x, frm inside the handler=%u\n", seen_fa0 == fa0_bits, seen_fcsr, handler_frm);
    printf("after return: fa0=%g fa1=%g fcsr=%#x\n", fa0_out, fa1_out, fcsr_out);

    /* Round 1: the handler edits a0, fa1, fcsr and the mask it returns to. */
    mode = 1;
    long a0_out;
    __asm__ volatile(".option push\n.option norvc\n"
                     "fld fa1, 0(%[in])\n"
                     "li a0, 7\n"
                     ".4byte 0\n"
                     "mv %[a0], a0\n"
                     "frcsr %[fcsr]\n"
                     "fmv.d %[out1], fa1\n"
                     "fsrmi 0\n"
                     "fsflags zero\n"
                     ".option pop\n"
                     : [a0] "=&r"(a0_out), [fcsr] "=&r"(fcsr_out), [out1] "=&f"(fa1_out)
                     : [in] "r"(&fa0_in)
                     : "a0", "fa1", "memory");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("edited context: a0=%ld fa1=%g fcsr=%#x USR2 now blocked=%d ILL blocked=%d\n", a0_out, fa1_out, fcsr_out,
           sigismember(&now, SIGUSR2), sigismember(&now, SIGILL));
    return 0;
}
