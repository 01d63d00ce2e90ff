/* A timer signal must interrupt a long loop that never makes a system call
 * (a translated loop has to come back to check for signals), more than once. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t fired;
static void on_alarm(int sig) { fired = sig; }

static unsigned long spin_until_fired(void)
{
    unsigned long n = 0, x = 1;
    while (!fired) { x = x * 6364136223846793005UL + 1442695040888963407UL; n++; }
    return n + (x & 0);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 50000;
    setitimer(ITIMER_REAL, &it, 0);
    unsigned long n = spin_until_fired();
    printf("real timer: signal %d, loop ran %s\n", (int)fired, n > 0 ? "yes" : "no");
    fired = 0;
    it.it_value.tv_usec = 20000;
    setitimer(ITIMER_REAL, &it, 0);
    n = spin_until_fired();
    printf("again: signal %d, loop ran %s\n", (int)fired, n > 0 ? "yes" : "no");
    return 0;
}
