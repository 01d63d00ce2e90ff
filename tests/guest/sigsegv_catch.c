/* Synchronous faults caught and survived: SIGSEGV on an unmapped address and
 * on a read-only page (si_code and si_addr checked), handled on an alternate
 * signal stack and left with siglongjmp; SIGILL and SIGTRAP likewise; and a
 * fault "skipped" by advancing the PC in the ucontext, which tests that
 * sigreturn restores the interrupted registers. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf escape;
static char *alt_base;
static size_t alt_size;
static volatile int on_alt_stack, reported_onstack, last_code, last_signal;
static void *volatile last_addr;
static volatile int skip_mode;

static void handler(int sig, siginfo_t *info, void *context)
{
    char local;
    on_alt_stack = &local >= alt_base && &local < alt_base + alt_size;
    stack_t now;
    sigaltstack(NULL, &now);
    reported_onstack = (now.ss_flags & SS_ONSTACK) != 0;
    last_signal = sig;
    last_code = info->si_code;
    last_addr = info->si_addr;
    if (skip_mode) {
        ucontext_t *uc = context;
        uc->uc_mcontext.__gregs[REG_PC] += 4; /* the faulting instruction is a 4-byte lw */
        return;
    }
    siglongjmp(escape, sig);
}

static const char *name(int sig)
{
    return sig == SIGSEGV ? "SIGSEGV" : sig == SIGILL ? "SIGILL" : sig == SIGTRAP ? "SIGTRAP" : "other";
}

static void report(const char *what, int sig, void *expected_addr)
{
    printf("%s: caught %s code=%d addr-matches=%d on-alt-stack=%d SS_ONSTACK=%d\n", what, name(sig), last_code,
           expected_addr == NULL ? -1 : last_addr == expected_addr, on_alt_stack, reported_onstack);
}

int main(void)
{
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    volatile int *unmapped = (volatile int *)(uintptr_t)0x10;
    for (int round = 0; round < 3; round++) {
        int sig = sigsetjmp(escape, 1);
        if (sig == 0) {
            (void)*unmapped;
            printf("no fault?\n");
        } else {
            report("read of 0x10", sig, (void *)unmapped);
        }
    }

    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[100] = 'x';
    mprotect(page, 4096, PROT_READ);
    int sig = sigsetjmp(escape, 1);
    if (sig == 0) {
        ((volatile char *)page)[200] = 'y';
        printf("no fault?\n");
    } else {
        report("write to read-only page", sig, page + 200);
        printf("page still readable: %c\n", page[100]);
    }
    munmap(page, 4096);

    sig = sigsetjmp(escape, 1);
    if (sig == 0) {
        __asm__ volatile(".4byte 0"); /* all-zero is defined to be illegal */
        printf("no fault?\n");
    } else {
        report("illegal instruction", sig, NULL);
    }

    sig = sigsetjmp(escape, 1);
    if (sig == 0) {
        __asm__ volatile("ebreak");
        printf("no trap?\n");
    } else {
        report("ebreak", sig, NULL);
    }

    skip_mode = 1;
    long value = 0;
    __asm__ volatile(".option push\n.option norvc\n"
                     "li %0, 123\n"
                     "lw %0, 0(%1)\n"
                     ".option pop\n"
                     : "=&r"(value)
                     : "r"(unmapped)
                     : "memory");
    printf("resumed after skipping the load: value=%ld code=%d\n", value, last_code);

    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("SIGSEGV blocked after all this: %d\n", sigismember(&mask, SIGSEGV));
    return 0;
}
