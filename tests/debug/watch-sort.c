/* A program for the debugger tests (tests/gdb.test.ts): a comparator called
 * from libc's qsort (a backtrace through libc), a global updated on known
 * lines (a watchpoint), and a signal handler run in the middle of a line
 * (stepping over it with `next`). Built with -g -O0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int counter;
volatile sig_atomic_t handled;

static int compare(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void on_usr1(int sig) {
  handled = sig;
}

int main(void) {
  int values[] = {42, 7, 19, 3, 25};
  qsort(values, 5, sizeof values[0], compare);
  for (int i = 0; i < 5; i++) {
    counter += values[i];
  }
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  printf("sorted %d %d %d, counter %d, handled %d\n", values[0], values[2], values[4], counter, (int)handled);
  return 0;
}
