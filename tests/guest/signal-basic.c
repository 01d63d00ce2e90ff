/* Handlers reached by raise, kill and tgkill; the siginfo each one carries
 * (si_signo, si_code, si_pid, si_uid); the mask inside a handler (the signal
 * itself, unless SA_NODEFER); blocking with sigprocmask, sigpending, and
 * delivery on unblock; SA_RESETHAND; SIG_IGN discarding a pending signal;
 * and the error cases of sigaction, sigprocmask, kill and tgkill. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t count, last_signo, last_code, self_blocked, pid_ok, uid_ok, args_ok;

static void on_info(int sig, siginfo_t *info, void *uc)
{
    count++;
    last_signo = info->si_signo;
    last_code = info->si_code;
    pid_ok = info->si_pid == getpid();
    uid_ok = info->si_uid == getuid();
    args_ok = sig == info->si_signo && uc != NULL;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    self_blocked = sigismember(&now, sig);
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    default: return "other";
    }
}

static void report(const char *how)
{
    printf("%-22s count=%d signo=%d code=%s pid-ok=%d uid-ok=%d args-ok=%d self-blocked=%d\n", how, count,
           last_signo, code_name(last_code), pid_ok, uid_ok, args_ok, self_blocked);
}

static void install(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        perror("sigaction");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    install(SIGUSR1, 0);
    raise(SIGUSR1);
    report("raise(SIGUSR1):");
    kill(getpid(), SIGUSR1);
    report("kill(getpid()):");
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    report("tgkill:");
    syscall(SYS_tkill, gettid(), SIGUSR1);
    report("tkill:");
    /* (Not kill(0, ...): under qemu that reaches the whole process group, test runner included.) */

    install(SIGUSR2, SA_NODEFER);
    raise(SIGUSR2);
    report("SA_NODEFER SIGUSR2:");

    /* Blocked: stays pending (once), delivered as soon as it is unblocked. */
    sigset_t block, old, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGTERM); /* default action is to terminate, but it is blocked */
    sigpending(&pending);
    printf("blocked: count=%d pending USR1=%d TERM=%d USR2=%d\n", count, sigismember(&pending, SIGUSR1),
           sigismember(&pending, SIGTERM), sigismember(&pending, SIGUSR2));
    signal(SIGTERM, SIG_IGN); /* discards the pending SIGTERM */
    sigpending(&pending);
    printf("after SIG_IGN: TERM pending=%d\n", sigismember(&pending, SIGTERM));
    sigprocmask(SIG_SETMASK, &old, NULL);
    report("after unblock:");
    signal(SIGTERM, SIG_DFL);

    /* SIGKILL and SIGSTOP cannot be blocked. */
    sigset_t all, now;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("fill mask: KILL blocked=%d STOP blocked=%d USR1 blocked=%d\n", sigismember(&now, SIGKILL),
           sigismember(&now, SIGSTOP), sigismember(&now, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SA_RESETHAND: the handler runs once, then the disposition is SIG_DFL. */
    install(SIGWINCH, SA_RESETHAND);
    raise(SIGWINCH);
    report("SA_RESETHAND WINCH:");
    struct sigaction q;
    sigaction(SIGWINCH, NULL, &q);
    printf("after SA_RESETHAND: handler is SIG_DFL=%d\n", q.sa_handler == SIG_DFL);
    raise(SIGWINCH); /* default action: ignore */
    printf("second SIGWINCH ignored: count=%d\n", count);

    /* Ignoring and restoring. */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("SIG_IGN: count=%d\n", count);

    /* Errors. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    errno = 0;
    printf("sigaction(SIGKILL) = %d errno=%s\n", sigaction(SIGKILL, &sa, NULL), strerror(errno));
    errno = 0;
    printf("sigaction(SIGSTOP) = %d errno=%s\n", sigaction(SIGSTOP, &sa, NULL), strerror(errno));
    errno = 0;
    printf("sigaction(SIGKILL, NULL, &q) = %d\n", sigaction(SIGKILL, NULL, &q));
    errno = 0;
    printf("sigaction(65) = %d errno=%s\n", sigaction(65, &sa, NULL), strerror(errno));
    errno = 0;
    printf("sigprocmask(99) = %d errno=%s\n", sigprocmask(99, &block, NULL), strerror(errno));
    errno = 0;
    printf("kill(getpid(), 99) = %d errno=%s\n", kill(getpid(), 99), strerror(errno));
    errno = 0;
    printf("kill(getpid(), 0) = %d\n", kill(getpid(), 0));
    errno = 0;
    printf("kill(0x7fffffff, 0) = %d errno=%s\n", kill(0x7fffffff, 0), strerror(errno));
    errno = 0;
    printf("tgkill(wrong tgid) = %ld errno=%s\n", syscall(SYS_tgkill, 0x7fffffff, gettid(), SIGUSR1), strerror(errno));
    errno = 0;
    printf("tgkill(wrong tid) = %ld errno=%s\n", syscall(SYS_tgkill, getpid(), 0x7fffffff, SIGUSR1), strerror(errno));
    errno = 0;
    printf("tkill(0) = %ld errno=%s\n", syscall(SYS_tkill, 0, SIGUSR1), strerror(errno));
    errno = 0;
    printf("rt_sigprocmask(size 4) = %ld errno=%s\n", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, 4),
           strerror(errno));
    printf("final count=%d\n", count);
    return 0;
}
