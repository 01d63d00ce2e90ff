/* SIG_IGN does not apply to a synchronous fault: an illegal instruction with
 * SIGILL ignored still kills the process with SIGILL (132), while a SIGILL
 * sent with raise() is ignored as asked. */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    signal(SIGILL, SIG_IGN);
    raise(SIGILL);
    printf("raised SIGILL was ignored\n");
    fflush(stdout);
    __asm__ volatile(".4byte 0");
    printf("unreachable\n");
    return 0;
}
