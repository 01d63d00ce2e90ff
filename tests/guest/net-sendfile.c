/* sendfile of a large file (10 MiB, more than a socket's buffers hold) to a TCP connection over
   loopback: in one call on a blocking socket, from an offset pointer, and in a poll loop on a
   non-blocking one. A child process reads the stream and prints its length and checksum. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (10 << 20)

/* Reads the connection to its end and prints what arrived. */
static void receive(int listener, const char *label) {
  int c = accept(listener, NULL, NULL);
  uint64_t sum = 0, len = 0;
  static unsigned char buf[65536];
  ssize_t n;
  while ((n = read(c, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) sum = sum * 31 + buf[i];
    len += (uint64_t)n;
  }
  printf("%s: received %llu bytes, checksum %016llx\n", label, (unsigned long long)len, (unsigned long long)sum);
  close(c);
}

/* A connection to the listener's port. */
static int connect_to(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
  return s;
}

int main(void) {
  char path[] = "/tmp/tv-sendfile-XXXXXX";
  int fd = mkstemp(path);
  unlink(path);
  unsigned char *data = malloc(SIZE);
  uint32_t x = 0x2545f491;
  for (int i = 0; i < SIZE; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; data[i] = (unsigned char)x; }
  if (write(fd, data, SIZE) != SIZE) { perror("write"); return 1; }

  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t al = sizeof a;
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 4);
  getsockname(l, (struct sockaddr *)&a, &al);
  int port = ntohs(a.sin_port);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    receive(l, "whole file, one call");
    receive(l, "from offset 1000");
    receive(l, "non-blocking");
    fflush(stdout);
    _exit(0);
  }

  /* One call on a blocking socket moves the whole file. */
  int s = connect_to(port);
  lseek(fd, 0, SEEK_SET);
  ssize_t n = sendfile(s, fd, NULL, SIZE);
  printf("blocking sendfile of %d bytes returned %zd; the file position is %ld\n", SIZE, n, (long)lseek(fd, 0, SEEK_CUR));
  close(s);

  /* From an offset pointer: the file position does not move, the offset does. */
  s = connect_to(port);
  off_t off = 1000;
  lseek(fd, 5, SEEK_SET);
  long total = 0;
  while (total < SIZE - 1000 && (n = sendfile(s, fd, &off, SIZE)) > 0) total += n;
  printf("from offset 1000: sent %ld, offset now %ld, file position %ld\n", total, (long)off, (long)lseek(fd, 0, SEEK_CUR));
  close(s);

  /* Non-blocking: partial sends and EAGAIN, waited out with poll. */
  s = connect_to(port);
  fcntl(s, F_SETFL, O_NONBLOCK);
  off = 0;
  total = 0;
  int eagain = 0;
  while (total < SIZE) {
    n = sendfile(s, fd, &off, SIZE - total);
    if (n < 0 && errno == EAGAIN) {
      eagain = 1;
      struct pollfd p = { .fd = s, .events = POLLOUT };
      poll(&p, 1, -1);
      continue;
    }
    if (n <= 0) { printf("non-blocking sendfile failed: %s\n", strerror(errno)); break; }
    total += n;
  }
  printf("non-blocking: sent %ld, saw EAGAIN: %s\n", total, eagain ? "yes" : "no");
  close(s);

  /* A source without splice_read (an eventfd, a pipe) is EINVAL, and nothing waits for it. */
  int efd = eventfd(0, 0), pp[2];
  pipe(pp);
  errno = 0;
  printf("sendfile from an eventfd: %zd %s\n", sendfile(1, efd, NULL, 100), strerror(errno));
  errno = 0;
  printf("sendfile from a pipe: %zd %s\n", sendfile(1, pp[0], NULL, 100), strerror(errno));

  int status;
  waitpid(pid, &status, 0);
  uint64_t sum = 0;
  for (int i = 0; i < SIZE; i++) sum = sum * 31 + data[i];
  printf("the file's checksum %016llx\n", (unsigned long long)sum);
  return 0;
}
