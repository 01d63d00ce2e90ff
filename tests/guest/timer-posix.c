/* POSIX timers: timer_create on CLOCK_MONOTONIC/REALTIME/BOOTTIME with
 * SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID and glibc's SIGEV_THREAD;
 * timer_settime relative and TIMER_ABSTIME, periodic, with the old value;
 * timer_gettime, timer_getoverrun (and si_overrun while the signal waits
 * blocked), timer_delete, and the errors for bad arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signo, got_code, got_value;

static void on_sig(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  got_signo = sig;
  got_code = si->si_code;
  got_value = si->si_value.sival_int;
}

static double now(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *yes(int c) { return c ? "yes" : "no"; }

static sem_t thread_fired;
static volatile int thread_value;

static void thread_cb(union sigval v) {
  thread_value = v.sival_int;
  sem_post(&thread_fired);
}

static pid_t waiter_tid;
static volatile int waiter_ready;
static volatile int waiter_value, waiter_code, waiter_same;

static void *waiter(void *arg) {
  (void)arg;
  waiter_tid = (pid_t)syscall(SYS_gettid);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  __atomic_store_n(&waiter_ready, 1, __ATOMIC_SEQ_CST);
  siginfo_t si;
  int s = sigwaitinfo(&set, &si);
  waiter_value = si.si_value.sival_int;
  waiter_code = si.si_code;
  waiter_same = s == SIGUSR2;
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);

  /* SIGEV_SIGNAL, one-shot, relative. */
  timer_t t1;
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGUSR1;
  sev.sigev_value.sival_int = 42;
  printf("timer_create monotonic: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t1));
  struct itimerspec its = {{0, 0}, {0, 20000000}}, cur;
  timer_gettime(t1, &cur);
  printf("disarmed gettime is zero: %s\n", yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0));
  double t0 = now(CLOCK_MONOTONIC);
  printf("timer_settime: %d\n", timer_settime(t1, 0, &its, NULL));
  while (!got_signo) pause();
  printf("signal %d, SI_TIMER: %s, value %d, after at least 15 ms: %s\n", (int)got_signo, yes(got_code == SI_TIMER),
         (int)got_value, yes(now(CLOCK_MONOTONIC) - t0 >= 0.015));
  timer_gettime(t1, &cur);
  printf("after expiry gettime is zero: %s\n", yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0));

  /* gettime and the old value. */
  struct itimerspec ten = {{2, 500000000}, {10, 0}}, old;
  timer_settime(t1, 0, &ten, NULL);
  timer_gettime(t1, &cur);
  printf("gettime value in (9, 10] s: %s, interval 2.5 s: %s\n",
         yes(cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0)),
         yes(cur.it_interval.tv_sec == 2 && cur.it_interval.tv_nsec == 500000000));
  struct itimerspec zero = {{0, 0}, {0, 0}};
  timer_settime(t1, 0, &zero, &old);
  printf("old value in (9, 10] s: %s, old interval 2.5 s: %s\n",
         yes(old.it_value.tv_sec == 9 || (old.it_value.tv_sec == 10 && old.it_value.tv_nsec == 0)),
         yes(old.it_interval.tv_sec == 2 && old.it_interval.tv_nsec == 500000000));
  printf("timer_delete: %d\n", timer_delete(t1));

  /* Periodic with the signal blocked: expirations while it waits become si_overrun. */
  sigset_t rt, oldmask;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &rt, &oldmask);
  timer_t t2;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGRTMIN;
  sev.sigev_value.sival_int = 7;
  timer_create(CLOCK_BOOTTIME, &sev, &t2);
  struct itimerspec fast = {{0, 2000000}, {0, 2000000}};
  timer_settime(t2, 0, &fast, NULL);
  usleep(100000);
  siginfo_t si;
  int s = sigwaitinfo(&rt, &si);
  printf("sigwaitinfo SIGRTMIN: %s, SI_TIMER: %s, value %d, si_overrun at least 10: %s\n", yes(s == SIGRTMIN),
         yes(si.si_code == SI_TIMER), si.si_value.sival_int, yes(si.si_overrun >= 10));
  int ov = timer_getoverrun(t2);
  printf("timer_getoverrun matches si_overrun: %s\n", yes(ov == si.si_overrun));
  timer_delete(t2);
  sigprocmask(SIG_SETMASK, &oldmask, NULL);

  /* TIMER_ABSTIME on CLOCK_REALTIME, default sigevent (SIGALRM). */
  timer_t t3;
  got_signo = 0;
  printf("timer_create realtime, no sigevent: %d\n", timer_create(CLOCK_REALTIME, NULL, &t3));
  struct timespec rn;
  clock_gettime(CLOCK_REALTIME, &rn);
  t0 = now(CLOCK_MONOTONIC);
  rn.tv_nsec += 30000000;
  if (rn.tv_nsec >= 1000000000) { rn.tv_sec++; rn.tv_nsec -= 1000000000; }
  struct itimerspec abs = {{0, 0}, rn};
  printf("timer_settime TIMER_ABSTIME: %d\n", timer_settime(t3, TIMER_ABSTIME, &abs, NULL));
  while (!got_signo) pause();
  printf("signal %d, SI_TIMER: %s, after at least 25 ms: %s\n", (int)got_signo, yes(got_code == SI_TIMER),
         yes(now(CLOCK_MONOTONIC) - t0 >= 0.025));
  /* An absolute time in the past expires at once. */
  got_signo = 0;
  struct itimerspec past = {{0, 0}, {1, 0}};
  timer_settime(t3, TIMER_ABSTIME, &past, NULL);
  while (!got_signo) pause();
  printf("past absolute time fires: %s\n", yes(got_signo == SIGALRM));
  timer_delete(t3);

  /* SIGEV_NONE: nothing is sent, gettime counts down. */
  timer_t t4;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_NONE;
  printf("timer_create SIGEV_NONE: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t4));
  struct itimerspec shortone = {{0, 0}, {0, 20000000}};
  got_signo = 0;
  timer_settime(t4, 0, &shortone, NULL);
  timer_gettime(t4, &cur);
  printf("SIGEV_NONE armed: %s\n", yes(cur.it_value.tv_nsec > 0));
  usleep(50000);
  timer_gettime(t4, &cur);
  printf("SIGEV_NONE expired, no signal: %s\n", yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 && !got_signo));
  timer_delete(t4);

  /* SIGEV_THREAD_ID: the signal goes to one thread, which takes it with sigwaitinfo. */
  sigset_t u2;
  sigemptyset(&u2);
  sigaddset(&u2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &u2, NULL);
  pthread_t th;
  pthread_create(&th, NULL, waiter, NULL);
  while (!__atomic_load_n(&waiter_ready, __ATOMIC_SEQ_CST)) usleep(1000);
  timer_t t5;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGUSR2;
  sev.sigev_value.sival_int = 99;
  sev._sigev_un._tid = waiter_tid;
  printf("timer_create SIGEV_THREAD_ID: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t5));
  timer_settime(t5, 0, &shortone, NULL);
  pthread_join(th, NULL);
  printf("thread got SIGUSR2: %s, SI_TIMER: %s, value %d\n", yes(waiter_same), yes(waiter_code == SI_TIMER),
         waiter_value);
  timer_delete(t5);

  /* glibc's SIGEV_THREAD (built on SIGEV_THREAD_ID and a helper thread). */
  sem_init(&thread_fired, 0, 0);
  timer_t t6;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD;
  sev.sigev_notify_function = thread_cb;
  sev.sigev_value.sival_int = 1234;
  printf("timer_create SIGEV_THREAD: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t6));
  struct itimerspec tick = {{0, 10000000}, {0, 10000000}};
  timer_settime(t6, 0, &tick, NULL);
  for (int i = 0; i < 3; i++) sem_wait(&thread_fired);
  printf("SIGEV_THREAD callback ran 3 times with value %d\n", thread_value);
  printf("timer_delete SIGEV_THREAD: %d\n", timer_delete(t6));

  /* Errors. */
  timer_t bad;
  errno = 0;
  printf("timer_create CLOCK_MONOTONIC_RAW: %d %s\n", timer_create(CLOCK_MONOTONIC_RAW, NULL, &bad),
         errno == EOPNOTSUPP ? "EOPNOTSUPP" : "?");
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = 0;
  errno = 0;
  printf("timer_create signal 0: %d %s\n", timer_create(CLOCK_MONOTONIC, &sev, &bad), errno == EINVAL ? "EINVAL" : "?");
  sev.sigev_notify = 77;
  sev.sigev_signo = SIGUSR1;
  errno = 0;
  printf("timer_create notify 77: %d %s\n", timer_create(CLOCK_MONOTONIC, &sev, &bad), errno == EINVAL ? "EINVAL" : "?");
  timer_t t7;
  timer_create(CLOCK_MONOTONIC, NULL, &t7);
  struct itimerspec badns = {{0, 0}, {0, 1000000000}};
  errno = 0;
  printf("timer_settime tv_nsec 1e9: %d %s\n", timer_settime(t7, 0, &badns, NULL), errno == EINVAL ? "EINVAL" : "?");
  timer_delete(t7);
  errno = 0;
  printf("timer_delete twice: %d %s\n", timer_delete(t7), errno == EINVAL ? "EINVAL" : "?");
  return 0;
}
