/* An uncaught SIGUSR1 ends the process: exit status 128+10 = 138, and
 * nothing after the raise runs (stdio buffers are not flushed either). */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    printf("before raise\n");
    fflush(stdout);
    printf("buffered, never flushed\n");
    raise(SIGUSR1);
    printf("unreachable\n");
    return 0;
}
