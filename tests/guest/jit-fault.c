/* A fault in the middle of hot code: a loop runs long enough to be translated,
 * then the straight-line code after it updates registers and loads from an
 * unmapped address. The SIGSEGV handler prints what the kernel saved: the
 * faulting pc (as an offset from the code's start), the fault address and the
 * registers the code had set, which must be exactly those after the
 * instruction before the fault. The handler then skips the load. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

extern char hot_start[], hot_fault[];

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    unsigned long *g = uc->uc_mcontext.__gregs;
    printf("signal %d at start+%ld (fault insn %s), addr %#lx\n", sig, (long)(g[REG_PC] - (unsigned long)hot_start),
           g[REG_PC] == (unsigned long)hot_fault ? "yes" : "no", (unsigned long)si->si_addr);
    printf("t0=%ld t1=%ld t2=%ld a4=%ld a5=%ld\n", (long)g[5], (long)g[6], (long)g[7], (long)g[14], (long)g[15]);
    g[REG_PC] += 4; /* past the faulting ld */
}

__attribute__((noinline, noclone)) static long run(long rounds, long bad, int show)
{
    long t0, t1, t2, a4, a5;
    __asm__ volatile(
        ".globl hot_start\n"
        "hot_start:\n"
        "  li t0, 0\n"
        "  li t1, 0\n"
        "  mv t2, %[rounds]\n"
        "1: addi t0, t0, 3\n"
        "  xor t1, t1, t0\n"
        "  addi t2, t2, -1\n"
        "  bnez t2, 1b\n"
        "  addi t0, t0, 7\n"
        "  slli a4, t1, 3\n"
        "  li a5, 99\n"
        ".globl hot_fault\n"
        "hot_fault:\n"
        "  ld a5, 0(%[bad])\n"
        "  addi a4, a4, 1\n"
        "  mv %[t0], t0\n  mv %[t1], t1\n  mv %[t2], t2\n  mv %[a4], a4\n  mv %[a5], a5\n"
        : [t0] "=r"(t0), [t1] "=r"(t1), [t2] "=r"(t2), [a4] "=r"(a4), [a5] "=r"(a5)
        : [rounds] "r"(rounds), [bad] "r"(bad)
        : "t0", "t1", "t2", "a4", "a5", "memory");
    if (show) printf("after: t0=%ld t1=%ld t2=%ld a4=%ld a5=%ld\n", t0, t1, t2, a4, a5);
    return t0 + t1;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    long sum = 0;
    /* Warm up the same code without faulting (a mapped address), then fault in it. */
    static long ok = 5;
    for (int i = 0; i < 200; i++) sum += run(1000 + i, (long)&ok, 0);
    printf("warm: %ld\n", sum);
    run(100000, 8, 1);
    run(3, 0x10, 1);
    return 0;
}
