/* The host survives a guest that forks without end: fork fails with EAGAIN once
   the run holds its maximum of processes, as RLIMIT_NPROC makes it fail on
   Linux; the program then kills its children and reaps them all. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX 100000
static pid_t kids[MAX];

int main(void) {
  int n = 0, err = 0;
  for (;;) {
    pid_t c = fork();
    if (c < 0) { err = errno; break; }
    if (c == 0) { pause(); _exit(0); }
    kids[n++] = c;
    if (n == MAX) break;
  }
  printf("fork failed with EAGAIN: %d, after more than 100 children: %d\n", err == EAGAIN, n > 100);
  for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
  int reaped = 0, st;
  while (wait(&st) > 0) reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
  printf("every child killed and reaped: %d\n", reaped == n);
  return 0;
}
