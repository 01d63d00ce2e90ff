/* A fault while SIGSEGV is blocked cannot be deferred: the kernel unblocks
 * it, resets the handler and the process dies of SIGSEGV (139) without the
 * handler running. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static void on_segv(int sig)
{
    static const char msg[] = "handler ran (wrong)\n";
    (void)sig;
    write(1, msg, sizeof msg - 1);
    _exit(1);
}

int main(void)
{
    signal(SIGSEGV, on_segv);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGSEGV);
    sigprocmask(SIG_BLOCK, &block, NULL);
    printf("SIGSEGV handled but blocked; faulting\n");
    fflush(stdout);
    int *volatile bad = (int *)(uintptr_t)0x18;
    *bad = 1;
    printf("unreachable\n");
    return 0;
}
