/* A SIGSEGV handler (without SA_NODEFER) that faults again: the second
 * SIGSEGV is blocked inside the handler, so it is forced and kills the
 * process (139). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static void on_segv(int sig)
{
    static const char msg[] = "in the SIGSEGV handler, faulting again\n";
    (void)sig;
    write(1, msg, sizeof msg - 1);
    int *volatile bad = (int *)(uintptr_t)0x28;
    *bad = 2;
    static const char wrong[] = "survived the second fault (wrong)\n";
    write(1, wrong, sizeof wrong - 1);
    _exit(1);
}

int main(void)
{
    signal(SIGSEGV, on_segv);
    printf("first fault\n");
    fflush(stdout);
    int *volatile bad = (int *)(uintptr_t)0x18;
    *bad = 1;
    printf("unreachable\n");
    return 0;
}
