/* CPU-time clocks are per thread: while one thread spins and the main thread waits for it,
   CLOCK_THREAD_CPUTIME_ID of the main thread barely moves and CLOCK_PROCESS_CPUTIME_ID counts
   the spinning thread; pthread_getcpuclockid and clock_getcpuclockid name the same clocks. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double seconds(clockid_t c) {
  struct timespec t;
  if (clock_gettime(c, &t) != 0) return -1;
  return t.tv_sec + t.tv_nsec / 1e9;
}

static volatile double spun;
static void *spin(void *arg) {
  (void)arg;
  double start = seconds(CLOCK_THREAD_CPUTIME_ID);
  volatile long x = 0;
  for (long i = 0; i < 50000000; i++) x += i;
  spun = seconds(CLOCK_THREAD_CPUTIME_ID) - start;
  return NULL;
}

static void *nothing(void *arg) { return arg; }

int main(void) {
  /* A first round warms the main thread's path up (under typevisor --jit=always, translating it
     costs the main thread host time the second round does not pay). */
  pthread_t th;
  pthread_create(&th, NULL, nothing, NULL);
  pthread_join(th, NULL);
  usleep(1000);
  double t0 = seconds(CLOCK_THREAD_CPUTIME_ID), p0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
  pthread_create(&th, NULL, spin, NULL);
  clockid_t other;
  int got = pthread_getcpuclockid(th, &other); /* the thread spins for a while yet */
  pthread_join(th, NULL);
  usleep(100000);
  double t1 = seconds(CLOCK_THREAD_CPUTIME_ID), p1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
  printf("pthread_getcpuclockid: %d\n", got);
  printf("the spinning thread's own clock advanced: %s\n", spun > 0.005 ? "yes" : "no");
  printf("the waiting main thread's clock barely moved: %s\n", t1 - t0 < spun / 2 ? "yes" : "no");
  printf("the process clock counts the spinning thread: %s\n", p1 - p0 >= spun * 0.9 ? "yes" : "no");
  clockid_t mine;
  clock_getcpuclockid(0, &mine);
  double viaPid = seconds(mine), now = seconds(CLOCK_PROCESS_CPUTIME_ID);
  printf("clock_getcpuclockid(0) is the process clock: %s\n", viaPid > 0 && viaPid <= now ? "yes" : "no");
  return 0;
}
