/* Timers far beyond 2^31 ms (Node's setTimeout limit): alarm(2147483647), a
 * setitimer of 3e9 s, a timerfd of 5e9 s, and sleeps/waits of about 68 years
 * (nanosleep, poll, select, sigtimedwait, futex via sem_timedwait) that a short
 * SIGALRM interrupts. None may fire early, and nothing may appear on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

/* Arms ITIMER_REAL for 30 ms so the next wait is interrupted. */
static void short_alarm(void) {
  struct itimerval it = {{0, 0}, {0, 30000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);

  printf("alarm(2147483647) returns %u\n", alarm(2147483647));
  usleep(20000);
  unsigned left = alarm(0);
  printf("alarm(0) left at least 2147483640 s: %s\n", left >= 2147483640u && left <= 2147483647u ? "yes" : "no");
  printf("alarms so far: %d\n", (int)alarms);

  struct itimerval it = {{0, 0}, {3000000000L, 0}}, got;
  printf("setitimer 3e9 s: %d\n", setitimer(ITIMER_REAL, &it, NULL));
  usleep(20000);
  getitimer(ITIMER_REAL, &got);
  printf("getitimer left at least 2999999990 s: %s\n",
         got.it_value.tv_sec >= 2999999990L && got.it_value.tv_sec < 3000000000L ? "yes" : "no");
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, &got);
  printf("old value still long: %s\n", got.it_value.tv_sec >= 2999999990L ? "yes" : "no");
  printf("alarms so far: %d\n", (int)alarms);

  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct itimerspec ts = {{0, 0}, {5000000000L, 0}}, tgot;
  timerfd_settime(tfd, 0, &ts, NULL);
  usleep(20000);
  unsigned long long n = 0;
  printf("timerfd read: %zd (%s)\n", read(tfd, &n, sizeof n), errno == EAGAIN ? "EAGAIN" : "?");
  timerfd_gettime(tfd, &tgot);
  printf("timerfd left at least 4999999990 s: %s\n", tgot.it_value.tv_sec >= 4999999990L ? "yes" : "no");
  close(tfd);

  double t0 = now();
  short_alarm();
  struct timespec huge = {2147483647L, 0}, rem = {0, 0};
  int r = nanosleep(&huge, &rem);
  printf("nanosleep: %d %s, rem at least 2147483640 s: %s\n", r, errno == EINTR ? "EINTR" : "?",
         rem.tv_sec >= 2147483640L ? "yes" : "no");

  short_alarm();
  errno = 0;
  r = poll(NULL, 0, INT_MAX);
  printf("poll(INT_MAX ms): %d %s\n", r, errno == EINTR ? "EINTR" : "?");

  short_alarm();
  struct timeval tv = {4000000000L, 0};
  errno = 0;
  r = select(0, NULL, NULL, NULL, &tv);
  printf("select(4e9 s): %d %s\n", r, errno == EINTR ? "EINTR" : "?");

  short_alarm();
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  struct timespec far = {5000000000L, 0};
  errno = 0;
  r = sigtimedwait(&usr1, NULL, &far);
  printf("sigtimedwait(5e9 s): %d %s\n", r, errno == EINTR ? "EINTR" : "?");

  short_alarm();
  sem_t sem;
  sem_init(&sem, 0, 0);
  struct timespec abs_far;
  clock_gettime(CLOCK_REALTIME, &abs_far);
  abs_far.tv_sec += 3000000000L;
  errno = 0;
  r = sem_timedwait(&sem, &abs_far);
  printf("sem_timedwait(+3e9 s): %d %s\n", r, errno == EINTR ? "EINTR" : errno == ETIMEDOUT ? "ETIMEDOUT" : "?");

  printf("alarms: %d\n", (int)alarms);
  double el = now() - t0;
  printf("all waits ended within 10 s: %s\n", el < 10 ? "yes" : "no");
  return 0;
}
