/* setitimer's CPU-time timers: ITIMER_VIRTUAL raises SIGVTALRM and ITIMER_PROF SIGPROF after the
   process has used that much CPU time, reloading from the interval; time spent asleep does not
   count. Each check prints only a yes/no with generous bounds, so the output is the same on any
   machine fast enough. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t vtalrm, prof;
static void on_signal(int sig) {
  if (sig == SIGVTALRM) vtalrm++;
  else prof++;
}

/* Spins until `*count` reaches `want` or `seconds` of wall time pass; returns the count. */
static int spin_until(volatile sig_atomic_t *count, int want, double seconds) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  volatile unsigned long x = 0;
  for (;;) {
    for (int i = 0; i < 100000; i++) x += (unsigned long)i * 7;
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (*count >= want || (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 > seconds) return *count;
  }
}

static void one(int which, const char *name, volatile sig_atomic_t *count) {
  struct itimerval it = { .it_interval = { 0, 50000 }, .it_value = { 0, 50000 } }, got, zero = { 0 };
  setitimer(which, &it, NULL);
  getitimer(which, &got);
  printf("%s armed: interval %ld us, value in (0, 60 ms]: %s\n", name, (long)got.it_interval.tv_usec,
         got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0 && got.it_value.tv_usec <= 60000 ? "yes" : "no");
  printf("%s: three signals while spinning: %s\n", name, spin_until(count, 3, 30) >= 3 ? "yes" : "no");
  setitimer(which, &zero, NULL);

  /* Asleep, a CPU-time timer does not run down. */
  struct itimerval once = { .it_value = { 0, 200000 } };
  int before = *count;
  setitimer(which, &once, NULL);
  usleep(400000);
  getitimer(which, &got);
  printf("%s: no signal during a 400 ms sleep: %s; still armed with more than 100 ms left: %s\n", name,
         *count == before ? "yes" : "no", got.it_value.tv_sec == 0 && got.it_value.tv_usec > 100000 ? "yes" : "no");
  printf("%s: then it expires once while spinning: %s\n", name, spin_until(count, before + 1, 30) == before + 1 ? "yes" : "no");
  getitimer(which, &got);
  printf("%s: a one-shot timer is disarmed after it fired: %s\n", name,
         got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0 ? "yes" : "no");
}

int main(void) {
  signal(SIGVTALRM, on_signal);
  signal(SIGPROF, on_signal);
  one(ITIMER_VIRTUAL, "ITIMER_VIRTUAL", &vtalrm);
  one(ITIMER_PROF, "ITIMER_PROF", &prof);
  return 0;
}
