/* The host's memory devices as a guest sees them: lseek succeeds on /dev/null, /dev/zero,
   /dev/full and /dev/urandom and leaves the offset at 0 (Python's io.open(..., "r+") asks
   whether a file is seekable this way), reads and writes give what Linux's drivers give,
   and a pipe still answers ESPIPE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  const char *devices[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom" };
  char line[80], buf[16];
  for (int i = 0; i < 4; i++) {
    int fd = open(devices[i], O_RDWR);
    struct stat st;
    fstat(fd, &st);
    printf("%s: character device %s\n", devices[i], S_ISCHR(st.st_mode) ? "yes" : "no");
    snprintf(line, sizeof line, "%s lseek(100, SEEK_SET)", devices[i]);
    show(line, lseek(fd, 100, SEEK_SET));
    snprintf(line, sizeof line, "%s lseek(5, SEEK_CUR)", devices[i]);
    show(line, lseek(fd, 5, SEEK_CUR));
    snprintf(line, sizeof line, "%s lseek(0, SEEK_END)", devices[i]);
    show(line, lseek(fd, 0, SEEK_END));
    snprintf(line, sizeof line, "%s write 4", devices[i]);
    show(line, write(fd, "abcd", 4));
    memset(buf, 0x55, sizeof buf);
    snprintf(line, sizeof line, "%s read 16", devices[i]);
    show(line, read(fd, buf, sizeof buf));
    close(fd);
  }
  int z = open("/dev/zero", O_RDONLY);
  memset(buf, 0x55, sizeof buf);
  read(z, buf, sizeof buf);
  printf("/dev/zero gives zeros: %s\n", buf[0] == 0 && buf[15] == 0 ? "yes" : "no");
  close(z);
  int p[2];
  pipe(p);
  show("lseek on a pipe", lseek(p[0], 0, SEEK_CUR));
  return 0;
}
