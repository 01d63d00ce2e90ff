/* Extended attributes: the answers that do not depend on whether the file
   system supports them (typevisor answers as a file system without xattr
   support, EOPNOTSUPP, where the host's may store them): argument checks in
   Linux's order (flags EINVAL, names ERANGE, values E2BIG and EFAULT, before
   the lookup), lookup errors (ENOENT, ENOTDIR, EBADF), and user.* on a
   symlink, a FIFO and a pipe (EPERM to write, ENODATA to read). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = open("plain", O_RDWR | O_CREAT, 0644);
  write(fd, "x", 1);
  symlink("plain", "link");
  mkfifo("fifo", 0644);
  int p[2];
  pipe(p);
  char longname[300];
  memset(longname, 'a', sizeof longname);
  memcpy(longname, "user.", 5);
  longname[256] = 0;
  char name255[256];
  memset(name255, 'b', 255);
  memcpy(name255, "user.", 5);
  name255[255] = 0;
  char v[4] = "val";
  char buf[64];

  /* Argument checks come before the lookup. */
  show("setxattr bad flags", syscall(SYS_setxattr, "missing", "user.a", v, 3, 4));
  show("setxattr empty name", syscall(SYS_setxattr, "missing", "", v, 3, 0));
  show("setxattr 256-byte name", syscall(SYS_setxattr, "missing", longname, v, 3, 0));
  show("setxattr 255-byte name, missing file", syscall(SYS_setxattr, "missing", name255, v, 3, 0));
  static char big[65537];
  show("setxattr too large", syscall(SYS_setxattr, "missing", "user.a", big, sizeof big, 0));
  show("setxattr bad value", syscall(SYS_setxattr, "missing", "user.a", NULL, 3, 0));
  show("setxattr bad name pointer", syscall(SYS_setxattr, "plain", NULL, v, 3, 0));
  show("getxattr empty name", syscall(SYS_getxattr, "missing", "", buf, sizeof buf));
  show("getxattr 256-byte name", syscall(SYS_getxattr, "missing", longname, buf, sizeof buf));
  show("removexattr empty name", syscall(SYS_removexattr, "missing", ""));
  show("fsetxattr bad flags, bad fd", syscall(SYS_fsetxattr, 99, "user.a", v, 3, 8));
  show("fgetxattr empty name, bad fd", syscall(SYS_fgetxattr, 99, "", buf, sizeof buf));

  /* Lookup errors. */
  show("getxattr missing", syscall(SYS_getxattr, "missing", "user.a", buf, sizeof buf));
  show("lgetxattr missing", syscall(SYS_lgetxattr, "missing", "user.a", buf, sizeof buf));
  show("listxattr missing", syscall(SYS_listxattr, "missing", buf, sizeof buf));
  show("llistxattr through a file", syscall(SYS_llistxattr, "plain/x", buf, sizeof buf));
  show("removexattr through a file", syscall(SYS_removexattr, "plain/x", "user.a"));
  show("lremovexattr missing", syscall(SYS_lremovexattr, "missing", "user.a"));
  show("lsetxattr missing", syscall(SYS_lsetxattr, "missing", "user.a", v, 3, 0));
  show("getxattr empty path", syscall(SYS_getxattr, "", "user.a", buf, sizeof buf));
  show("fgetxattr bad fd", syscall(SYS_fgetxattr, 99, "user.a", buf, sizeof buf));
  show("flistxattr bad fd", syscall(SYS_flistxattr, 99, buf, sizeof buf));
  show("fremovexattr bad fd", syscall(SYS_fremovexattr, -1, "user.a"));
  show("fsetxattr bad fd", syscall(SYS_fsetxattr, 99, "user.a", v, 3, 0));

  /* user.* exists only on regular files and directories. */
  show("lsetxattr user.* on a symlink", syscall(SYS_lsetxattr, "link", "user.a", v, 3, 0));
  show("lgetxattr user.* on a symlink", syscall(SYS_lgetxattr, "link", "user.a", buf, sizeof buf));
  show("lremovexattr user.* on a symlink", syscall(SYS_lremovexattr, "link", "user.a"));
  show("setxattr user.* on a FIFO", syscall(SYS_setxattr, "fifo", "user.a", v, 3, 0));
  show("getxattr user.* on a FIFO", syscall(SYS_getxattr, "fifo", "user.a", buf, sizeof buf));
  show("fsetxattr user.* on a pipe", syscall(SYS_fsetxattr, p[1], "user.a", v, 3, 1));
  show("fgetxattr user.* on a pipe", syscall(SYS_fgetxattr, p[0], "user.a", buf, sizeof buf));
  show("fremovexattr user.* on a pipe", syscall(SYS_fremovexattr, p[0], "user.a"));
  close(fd);
  return 0;
}
