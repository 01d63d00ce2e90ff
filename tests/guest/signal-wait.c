/* Waiting for signals: sigsuspend (the handler runs under the temporary mask,
 * the old mask comes back), pause, sigtimedwait and sigwaitinfo (pending,
 * queued with a value, timing out, woken by a timer, cut short by another
 * signal's handler), and the interval timers behind alarm and setitimer. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, alrm, usr2_blocked_inside, usr1_blocked_inside;

static void on_usr1(int sig)
{
    (void)sig;
    usr1++;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    usr2_blocked_inside = sigismember(&now, SIGUSR2);
    usr1_blocked_inside = sigismember(&now, SIGUSR1);
}

static void on_alrm(int sig)
{
    (void)sig;
    alrm++;
}

static void set_timer(long usec)
{
    struct itimerval it = {.it_value = {.tv_sec = usec / 1000000, .tv_usec = usec % 1000000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static const char *code_name(int code)
{
    return code == SI_USER ? "SI_USER" : code == SI_QUEUE ? "SI_QUEUE" : code == SI_TKILL ? "SI_TKILL"
        : code == SI_KERNEL ? "SI_KERNEL" : "other";
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, on_usr1);
    signal(SIGALRM, on_alrm);

    sigset_t usr1_set, susp, now, old;
    sigemptyset(&usr1_set);
    sigaddset(&usr1_set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1_set, &old);
    raise(SIGUSR1);
    printf("pending, blocked: handler ran %d times\n", usr1);
    sigemptyset(&susp);
    sigaddset(&susp, SIGUSR2);
    errno = 0;
    int r = sigsuspend(&susp);
    printf("sigsuspend = %d (%s), handler ran %d, inside: USR1 blocked=%d USR2 blocked=%d\n", r, strerror(errno), usr1,
           usr1_blocked_inside, usr2_blocked_inside);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask after sigsuspend: USR1 blocked=%d USR2 blocked=%d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGUSR2));

    /* sigsuspend woken by a timer */
    set_timer(30000);
    sigemptyset(&susp);
    errno = 0;
    r = sigsuspend(&susp);
    printf("sigsuspend until SIGALRM = %d (%s), alarm handler ran %d\n", r, strerror(errno), alrm);

    /* pause() is sigsuspend with the current mask on riscv */
    set_timer(20000);
    errno = 0;
    r = pause();
    printf("pause = %d (%s), alarm handler ran %d\n", r, strerror(errno), alrm);

    /* sigtimedwait */
    struct timespec ten_ms = {0, 10 * 1000 * 1000}, five_s = {5, 0};
    siginfo_t info;
    errno = 0;
    r = sigtimedwait(&usr1_set, &info, &ten_ms);
    printf("sigtimedwait with nothing pending = %d (%s)\n", r, strerror(errno));
    kill(getpid(), SIGUSR1);
    memset(&info, 0, sizeof info);
    r = sigtimedwait(&usr1_set, &info, &ten_ms);
    printf("sigtimedwait with USR1 pending = %d signo=%d code=%s pid ok=%d; handler count still %d\n", r, info.si_signo,
           code_name(info.si_code), info.si_pid == getpid(), usr1);
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 77});
    memset(&info, 0, sizeof info);
    r = sigwaitinfo(&usr1_set, &info);
    printf("sigwaitinfo after sigqueue = %d code=%s value=%d\n", r, code_name(info.si_code), info.si_value.sival_int);

    /* woken by the timer's SIGALRM, which is blocked and waited for */
    sigset_t alrm_set;
    sigemptyset(&alrm_set);
    sigaddset(&alrm_set, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm_set, NULL);
    set_timer(30000);
    memset(&info, 0, sizeof info);
    r = sigtimedwait(&alrm_set, &info, &five_s);
    printf("sigtimedwait for SIGALRM = %d code=%s; alarm handler count still %d\n", r, code_name(info.si_code), alrm);
    sigprocmask(SIG_UNBLOCK, &alrm_set, NULL);

    /* cut short by a handled signal it was not waiting for */
    set_timer(30000);
    errno = 0;
    r = sigtimedwait(&usr1_set, &info, &five_s);
    printf("sigtimedwait interrupted = %d (%s), alarm handler ran %d\n", r, strerror(errno), alrm);

    /* timers */
    struct itimerval it = {.it_interval = {0, 250000}, .it_value = {3, 0}}, got;
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &got);
    printf("getitimer: value in (2s, 3s]=%d interval=%ld.%06ld\n",
           got.it_value.tv_sec * 1000000 + got.it_value.tv_usec > 2000000 &&
               got.it_value.tv_sec * 1000000 + got.it_value.tv_usec <= 3000000,
           (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec);
    struct itimerval zero = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &zero, &got);
    printf("setitimer returned the old interval=%ld.%06ld\n", (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec);
    getitimer(ITIMER_REAL, &got);
    printf("disarmed: %ld.%06ld\n", (long)got.it_value.tv_sec, (long)got.it_value.tv_usec);
    alarm(5);
    printf("alarm(0) after alarm(5) returns %u\n", alarm(0));
    struct itimerval bad = {.it_value = {0, 1000000}};
    errno = 0;
    printf("setitimer with tv_usec=1000000: %d (%s)\n", setitimer(ITIMER_REAL, &bad, NULL), strerror(errno));
    errno = 0;
    printf("setitimer(99): %d (%s)\n", setitimer(99, &zero, NULL), strerror(errno));

    /* a periodic timer fires repeatedly */
    alrm = 0;
    struct itimerval periodic = {.it_interval = {0, 10000}, .it_value = {0, 10000}};
    setitimer(ITIMER_REAL, &periodic, NULL);
    while (alrm < 3)
        pause();
    setitimer(ITIMER_REAL, &zero, NULL);
    printf("periodic timer fired at least 3 times: %d\n", alrm >= 3);
    return 0;
}
