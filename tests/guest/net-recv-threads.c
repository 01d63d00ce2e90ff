/* A recv that blocks while another thread makes system calls: when the data arrives, the blocked
   call must finish with its own arguments (a NULL source address here), not with those of the
   calls made meanwhile. CPython's socket tests do this with a server and a client thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int sv[2];
static int word;

static void *sender(void *arg) {
  (void)arg;
  usleep(20000);
  /* Calls whose fifth and sixth arguments are not addresses (FUTEX_WAKE ignores them). */
  for (int i = 0; i < 100; i++) syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, 0, 0x1234, 0x5678);
  write(sv[1], "ping", 4);
  /* A sleep (blocking this thread) whose ignored last arguments are not addresses either. */
  struct timespec ts = { 0, 20000000 };
  syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL, 0x1234, 0x5678);
  for (int i = 0; i < 100; i++) syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, 0, 0x4321, 0x8765);
  close(sv[1]);
  return NULL;
}

int main(void) {
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) { perror("socketpair"); return 1; }
  pthread_t th;
  pthread_create(&th, NULL, sender, NULL);
  char buf[16] = { 0 };
  ssize_t n = recv(sv[0], buf, sizeof buf, 0);
  printf("recv: %zd %s\n", n, n < 0 ? strerror(errno) : buf);
  n = recvfrom(sv[0], buf, sizeof buf, 0, NULL, NULL);
  printf("recvfrom at the end of the stream: %zd %s\n", n, n < 0 ? strerror(errno) : "");
  pthread_join(th, NULL);
  return 0;
}
