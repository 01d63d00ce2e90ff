/* Faults turned into signals with the siginfo Linux gives: SIGSEGV on a
 * PROT_NONE page, an unmapped page, a read-only page, a null pointer, a jump
 * into non-executable memory and a null function pointer (si_addr checked
 * against known pointers, si_code MAPERR/ACCERR, the saved pc); SIGILL and
 * SIGTRAP with si_addr at the instruction; each handler leaves with
 * siglongjmp; and a runaway recursion caught on an alternate stack. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;
static volatile uintptr_t got_pc, got_ra;
static char *volatile alt_lo, *volatile alt_hi;
static volatile int on_alt;

static void handler(int sig, siginfo_t *info, void *ctx)
{
    ucontext_t *uc = ctx;
    char here;
    got_sig = sig;
    got_code = info->si_code;
    got_addr = info->si_addr;
    got_pc = uc->uc_mcontext.__gregs[REG_PC];
    got_ra = uc->uc_mcontext.__gregs[REG_RA];
    on_alt = &here >= alt_lo && &here < alt_hi;
    siglongjmp(env, 1);
}

static const char *sig_name(int sig)
{
    return sig == SIGSEGV ? "SIGSEGV" : sig == SIGILL ? "SIGILL" : sig == SIGTRAP ? "SIGTRAP" : sig == SIGBUS ? "SIGBUS" : "?";
}

static const char *code_name(int sig, int code)
{
    if (sig == SIGSEGV)
        return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGILL)
        return code == ILL_ILLOPC ? "ILL_ILLOPC" : "?";
    if (sig == SIGTRAP)
        return code == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    return "?";
}

#define TRY(what, stmt, base)                                                                                      \
    do {                                                                                                           \
        got_sig = 0;                                                                                               \
        if (sigsetjmp(env, 1) == 0) {                                                                              \
            stmt;                                                                                                  \
            printf("%-28s no signal\n", what);                                                                     \
        } else {                                                                                                   \
            printf("%-28s %s %s si_addr=base%+ld\n", what, sig_name(got_sig), code_name(got_sig, got_code),        \
                   (long)((char *)got_addr - (char *)(base)));                                                     \
        }                                                                                                          \
    } while (0)

static int depth(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    return n == -1 ? pad[0] : depth(n + 1) + pad[0];
}

extern char illegal_insn[], break_insn[];

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    char *buf = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(buf, 1, 3 * page);
    mprotect(buf + page, page, PROT_NONE);
    munmap(buf + 2 * page, page);

    TRY("read of a PROT_NONE page:", (void)((volatile char *)buf)[page + 123], buf);
    TRY("write to an unmapped page:", ((volatile char *)buf)[2 * page + 8] = 1, buf);
    mprotect(buf, page, PROT_READ);
    TRY("write to a read-only page:", ((volatile char *)buf)[77] = 1, buf);
    volatile long *volatile near_null = (volatile long *)(uintptr_t)16;
    TRY("read through NULL+16:", (void)*near_null, NULL);
    printf("  still readable after: %d\n", buf[77]);

    void (*fn)(void) = (void (*)(void))(void *)buf;
    TRY("call into a data page:", fn(), buf);
    printf("  saved pc is the target: %d\n", got_pc == (uintptr_t)buf);
    void (*volatile null_fn)(void) = NULL;
    TRY("call through NULL:", null_fn(), NULL);
    printf("  saved pc=%#lx, ra set: %d\n", (unsigned long)got_pc, got_ra != 0);

    TRY("illegal instruction:", __asm__ volatile(".globl illegal_insn\nillegal_insn: .4byte 0\n"), illegal_insn);
    printf("  saved pc is the instruction: %d\n", got_pc == (uintptr_t)illegal_insn);
    TRY("ebreak:", __asm__ volatile(".globl break_insn\nbreak_insn: ebreak\n"), break_insn);
    printf("  saved pc is the instruction: %d\n", got_pc == (uintptr_t)break_insn);

    size_t alt_size = 256 * 1024;
    char *alt = malloc(alt_size);
    alt_lo = alt;
    alt_hi = alt + alt_size;
    stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0) {
        depth(0);
        printf("stack overflow: no signal\n");
    } else {
        printf("stack overflow: %s on the alternate stack=%d\n", sig_name(got_sig), on_alt);
    }

    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&now, SIGSEGV));
    return 0;
}
