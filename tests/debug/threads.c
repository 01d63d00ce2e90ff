/* Threads for the debugger tests (tests/gdb.test.ts): three workers wait at a
 * barrier with the main thread, then the main thread calls all_started()
 * (where the test stops and lists the threads). Built with -g -O0. */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t started, finish;

void all_started(void) {
  puts("all started");
}

static void *worker(void *arg) {
  pthread_barrier_wait(&started);
  pthread_barrier_wait(&finish);
  return arg;
}

int main(void) {
  pthread_t t[3];
  pthread_barrier_init(&started, NULL, 4);
  pthread_barrier_init(&finish, NULL, 4);
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, NULL);
  pthread_barrier_wait(&started);
  all_started();
  pthread_barrier_wait(&finish);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  return 0;
}
