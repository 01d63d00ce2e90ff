/* openat2 against the host kernel (qemu-riscv64 7.2 answers ENOSYS for it, so
   tests/openat2.test.ts compares typevisor with this program built for the
   host): the struct open_how size checks, flag/mode/resolve validation and
   the RESOLVE_* restrictions, in a tree made in the current directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

struct how { unsigned long long flags, mode, resolve; };
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#define RESOLVE_CACHED 0x20

static long o2(int dirfd, const char *path, unsigned long long flags, unsigned long long mode, unsigned long long resolve) {
  struct how h = { flags, mode, resolve };
  return syscall(SYS_openat2, dirfd, path, &h, sizeof h);
}

/* Opens, then reads the first line of the file (or names the error). */
static void show(const char *what, long fd) {
  if (fd < 0) { printf("%s: %s\n", what, strerrorname_np(errno)); return; }
  char buf[64] = "";
  long n = read((int)fd, buf, sizeof buf - 1);
  if (n < 0) printf("%s: opened, read %s\n", what, strerrorname_np(errno));
  else { buf[n] = 0; buf[strcspn(buf, "\n")] = 0; printf("%s: opened, \"%s\"\n", what, buf); }
  close((int)fd);
}

/* Only whether it opened. */
static void ok(const char *what, long fd) {
  printf("%s: %s\n", what, fd < 0 ? strerrorname_np(errno) : "ok");
  if (fd >= 0) close((int)fd);
}

static void put(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(fd, text, strlen(text));
  close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  mkdir("root", 0755);
  mkdir("root/sub", 0755);
  put("root/file", "inside\n");
  put("root/sub/deep", "deep\n");
  put("outside", "outside\n");
  symlink("file", "root/rel");            /* relative, stays inside */
  symlink("../outside", "root/up");       /* relative, escapes */
  symlink("/file", "root/abs");           /* absolute: the root's file under IN_ROOT */
  symlink("sub", "root/subdir");          /* a symlinked directory */
  symlink("loop", "root/loop");
  int root = open("root", O_RDONLY | O_DIRECTORY);

  /* struct size */
  struct { struct how h; unsigned long long more; } big = { { O_RDONLY, 0, 0 }, 0 };
  printf("size 0: %s\n", syscall(SYS_openat2, root, "file", &big, 0) < 0 ? strerrorname_np(errno) : "ok");
  printf("size 16: %s\n", syscall(SYS_openat2, root, "file", &big, 16) < 0 ? strerrorname_np(errno) : "ok");
  long fd = syscall(SYS_openat2, root, "file", &big, sizeof big);
  printf("size 32, zero tail: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
  if (fd >= 0) close((int)fd);
  big.more = 1;
  printf("size 32, nonzero tail: %s\n", syscall(SYS_openat2, root, "file", &big, sizeof big) < 0 ? strerrorname_np(errno) : "ok");
  printf("size 8192: %s\n", syscall(SYS_openat2, root, "file", &big, 8192) < 0 ? strerrorname_np(errno) : "ok");
  printf("NULL how: %s\n", syscall(SYS_openat2, root, "file", NULL, 24) < 0 ? strerrorname_np(errno) : "ok");

  /* flags, mode and resolve checks */
  show("plain", o2(root, "file", O_RDONLY, 0, 0));
  show("unknown flag bit", o2(root, "file", 1ULL << 40, 0, 0));
  show("flag bit 31", o2(root, "file", 1ULL << 31, 0, 0));
  show("mode without O_CREAT", o2(root, "file", O_RDONLY, 0644, 0));
  show("mode with type bits", o2(root, "new", O_WRONLY | O_CREAT, 0100644, 0));
  show("O_DIRECTORY|O_CREAT", o2(root, "new", O_RDONLY | O_DIRECTORY | O_CREAT, 0644, 0));
  show("O_PATH|O_RDWR", o2(root, "file", O_PATH | O_RDWR, 0, 0));
  show("unknown resolve bit", o2(root, "file", O_RDONLY, 0, 0x40));
  show("BENEATH|IN_ROOT", o2(root, "file", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
  show("CACHED with O_CREAT", o2(root, "file", O_RDONLY | O_CREAT, 0644, RESOLVE_CACHED));
  show("empty path", o2(root, "", O_RDONLY, 0, 0));
  show("bad dirfd", o2(99, "file", O_RDONLY, 0, 0));
  show("file as dirfd", o2(open("outside", O_RDONLY), "x", O_RDONLY, 0, 0));
  fd = o2(root, "created", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640, 0);
  struct stat st;
  fstatat(root, "created", &st, 0);
  printf("created: %s, cloexec %d, mode %o\n", fd >= 0 ? "ok" : strerrorname_np(errno), (fcntl((int)fd, F_GETFD) & FD_CLOEXEC) != 0, st.st_mode & 0777 & ~0022);
  close((int)fd);

  /* RESOLVE_NO_SYMLINKS */
  show("rel link", o2(root, "rel", O_RDONLY, 0, 0));
  show("rel link, NO_SYMLINKS", o2(root, "rel", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  show("via symlinked dir, NO_SYMLINKS", o2(root, "subdir/deep", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  ok("O_PATH|O_NOFOLLOW link, NO_SYMLINKS", o2(root, "rel", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS));
  show("loop", o2(root, "loop", O_RDONLY, 0, 0));
  show("plain file, NO_SYMLINKS", o2(root, "sub/deep", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));

  /* RESOLVE_BENEATH */
  show("BENEATH file", o2(root, "sub/../file", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH ..", o2(root, "../outside", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH sub/../..", o2(root, "sub/../../outside", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH absolute", o2(root, "/etc/hostname", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH rel link", o2(root, "rel", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH escaping link", o2(root, "up", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH absolute link", o2(root, "abs", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH symlinked dir", o2(root, "subdir/deep", O_RDONLY, 0, RESOLVE_BENEATH));
  show("BENEATH missing", o2(root, "sub/none", O_RDONLY, 0, RESOLVE_BENEATH));
  ok("BENEATH create", o2(root, "sub/made", O_WRONLY | O_CREAT, 0600, RESOLVE_BENEATH));

  /* RESOLVE_IN_ROOT */
  show("IN_ROOT ..", o2(root, "../file", O_RDONLY, 0, RESOLVE_IN_ROOT));
  show("IN_ROOT absolute", o2(root, "/sub/deep", O_RDONLY, 0, RESOLVE_IN_ROOT));
  show("IN_ROOT absolute link", o2(root, "abs", O_RDONLY, 0, RESOLVE_IN_ROOT));
  show("IN_ROOT escaping link", o2(root, "up", O_RDONLY, 0, RESOLVE_IN_ROOT));
  show("IN_ROOT /../../file", o2(root, "/../../file", O_RDONLY, 0, RESOLVE_IN_ROOT));

  /* magic links and mounts */
  int self = open("root/file", O_RDONLY);
  char magic[64];
  snprintf(magic, sizeof magic, "/proc/self/fd/%d", self);
  show("magic link", o2(AT_FDCWD, magic, O_RDONLY, 0, 0));
  show("magic link, NO_MAGICLINKS", o2(AT_FDCWD, magic, O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));
  show("magic link, NO_SYMLINKS", o2(AT_FDCWD, magic, O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  show("NO_XDEV within the tree", o2(root, "sub/deep", O_RDONLY, 0, RESOLVE_NO_XDEV));
  ok("NO_XDEV into /proc", o2(AT_FDCWD, "/proc/self/comm", O_RDONLY, 0, RESOLVE_NO_XDEV));
  return 0;
}
