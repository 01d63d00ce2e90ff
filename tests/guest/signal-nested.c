/* Nesting and ordering: a handler that raises another signal runs the inner
 * handler before it continues; signals unblocked together are taken lowest
 * number first, so (each frame nesting on the last) the highest-numbered
 * handler runs first; SA_NODEFER lets a handler interrupt itself; real-time signals queue every
 * instance with its value, in order. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char trail[512];
static int depth;

static void note(const char *s)
{
    strncat(trail, s, sizeof trail - strlen(trail) - 1);
}

static void on_usr1(int sig)
{
    (void)sig;
    note("[usr1");
    raise(SIGUSR2); /* not blocked here: runs at once, nested */
    note(" usr1]");
}

static void on_usr2(int sig)
{
    (void)sig;
    note("[usr2]");
}

static void on_term(int sig)
{
    (void)sig;
    note("[term]");
}

static void on_hup(int sig)
{
    (void)sig;
    note("[hup");
    raise(SIGUSR2);
    note(" hup]");
}

static void on_alrm_nodefer(int sig)
{
    depth++;
    note(depth == 1 ? "[alrm1" : "[alrm2");
    if (depth < 2)
        raise(sig);
    note(depth == 2 ? " alrm2]" : " alrm1]");
    depth--;
}

static int rt_values[8], rt_count;

static void on_rt(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    if (rt_count < 8)
        rt_values[rt_count++] = (sig - SIGRTMIN) * 100 + info->si_value.sival_int;
}

static void set(int sig, void (*h)(int), int flags, int masked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (masked)
        sigaddset(&sa.sa_mask, masked);
    sigaction(sig, &sa, NULL);
}

static void show(const char *what)
{
    printf("%s: %s\n", what, trail);
    trail[0] = 0;
}

int main(void)
{
    set(SIGUSR1, on_usr1, 0, 0);
    set(SIGUSR2, on_usr2, 0, 0);
    set(SIGTERM, on_term, 0, 0);
    /* (A handler's sa_mask is not exercised here: qemu-riscv64 7.2 reads it from the
     * wrong offset of struct sigaction, so it cannot be the reference; the unit tests
     * in src/process/signal-frame.test.ts cover it.) */
    set(SIGHUP, on_hup, 0, 0);
    set(SIGALRM, on_alrm_nodefer, SA_NODEFER, 0);

    raise(SIGUSR1);
    show("raise inside a handler");

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGTERM);
    raise(SIGHUP);
    raise(SIGUSR2);
    note("(unblocking)");
    sigprocmask(SIG_SETMASK, &old, NULL);
    show("three unblocked at once");

    raise(SIGALRM);
    show("SA_NODEFER recursion");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    sigaddset(&rt, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &rt, &old);
    for (int i = 1; i <= 3; i++) {
        sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = i});
        sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("real-time signals, in handler order:");
    for (int i = 0; i < rt_count; i++)
        printf(" %d", rt_values[i]);
    printf("\n");
    return 0;
}
