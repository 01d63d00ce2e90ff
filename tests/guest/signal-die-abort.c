/* abort() with a SIGABRT handler that returns: the handler runs, then abort
 * restores the default action and the process still dies of SIGABRT (134);
 * atexit handlers do not run. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void on_abrt(int sig)
{
    static const char msg[] = "SIGABRT handler ran and returns\n";
    (void)sig;
    write(1, msg, sizeof msg - 1);
}

static void at_exit(void)
{
    printf("atexit handler ran\n");
}

int main(void)
{
    atexit(at_exit);
    signal(SIGABRT, on_abrt);
    printf("calling abort\n");
    fflush(stdout);
    abort();
}
