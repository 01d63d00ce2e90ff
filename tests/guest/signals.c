/* Signal delivery to the process itself: sigaction with SA_SIGINFO for
 * SIGUSR1 via raise and kill(getpid()), blocking with sigprocmask and seeing
 * the signal pending, sigqueue with a value, SIG_IGN, sigwait, and a handler
 * that runs with its own signal masked. (Whether sa_mask is also applied is
 * not printed: qemu-riscv64 7.2 reports it wrongly, so it cannot be compared.) */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_count, last_code, last_value, nested_blocked;
static volatile pid_t last_pid;

static void on_usr1(int sig, siginfo_t *info, void *ucontext)
{
    (void)ucontext;
    if (sig != SIGUSR1 || info->si_signo != SIGUSR1)
        return;
    usr1_count++;
    last_code = info->si_code;
    last_pid = info->si_pid;
    last_value = info->si_value.sival_int;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    nested_blocked = sigismember(&now, SIGUSR1);
}

static void on_usr2(int sig)
{
    (void)sig;
    usr2_count++;
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    default: return "other";
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {
        perror("sigaction");
        return 1;
    }

    raise(SIGUSR1);
    printf("after raise: count=%d code=%s USR1 blocked inside its handler=%d\n", usr1_count, code_name(last_code),
           nested_blocked);
    kill(getpid(), SIGUSR1);
    printf("after kill: count=%d code=%s sender is us=%d\n", usr1_count, code_name(last_code), last_pid == getpid());
    union sigval value = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR1, value);
    printf("after sigqueue: count=%d code=%s value=%d\n", usr1_count, code_name(last_code), last_value);

    sigset_t block, pending, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue: one delivery */
    sigpending(&pending);
    printf("while blocked: count=%d pending=%d\n", usr1_count, sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblock: count=%d\n", usr1_count);

    signal(SIGUSR2, on_usr2);
    raise(SIGUSR2);
    raise(SIGUSR2);
    printf("signal(): usr2 handler ran %d times\n", usr2_count);
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored SIGUSR2 did nothing: usr2 count still %d\n", usr2_count);

    struct sigaction query;
    sigaction(SIGUSR1, NULL, &query);
    printf("sigaction query: SA_SIGINFO set=%d handler matches=%d\n", (query.sa_flags & SA_SIGINFO) != 0,
           query.sa_sigaction == on_usr1);
    sigaction(SIGUSR2, NULL, &query);
    printf("SIGUSR2 disposition is SIG_IGN=%d\n", query.sa_handler == SIG_IGN);

    /* sigwait takes a blocked signal synchronously without running the handler */
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR1);
    int got = 0;
    sigwait(&block, &got);
    printf("sigwait got %s; handler count unchanged=%d\n", got == SIGUSR1 ? "SIGUSR1" : "something else",
           usr1_count == 4);
    return 0;
}
