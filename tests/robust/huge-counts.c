/* Size arguments far larger than the buffers behind them (found by the random
   system-call test): the host must not try to allocate them. Each call may fail
   or fill what fits; typevisor must go on. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  static char buf[4096];
  int dir = open(".", O_RDONLY | O_DIRECTORY);
  long n = syscall(SYS_getdents64, dir, buf, 0x3fffffe3f4L);
  printf("getdents64: %s\n", n >= 0 ? "ok" : "error");
  int fd = open("sparse.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
  pwrite(fd, "x", 1, 0x3fffffe3f4L);
  void *m = mmap(0, 0x3fffffe3f5L, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("mmap of a huge sparse file: %s\n", m == MAP_FAILED ? "refused" : "mapped");
  unlink("sparse.bin");
  return 0;
}
