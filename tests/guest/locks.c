/* File locks between a parent and forked children: flock (shared across fork
   and dup, released on the last close, blocking until the holder unlocks),
   POSIX record locks (byte ranges, read/write, F_GETLK naming the holder,
   EAGAIN, F_SETLKW waiting, splitting on unlock, release when the owner closes
   any descriptor of the file or exits, EDEADLK) and OFD locks. The processes
   take turns through pipes, so the output order is fixed; no pids are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[64];
static int to_child[2], to_parent[2];

static void say(int fd) { char c = 'x'; write(fd, &c, 1); }
static void hear(int fd) { char c; read(fd, &c, 1); }

static int setlk(int fd, int cmd, int type, off_t start, off_t len) {
  struct flock fl = {0};
  fl.l_type = type; fl.l_whence = SEEK_SET; fl.l_start = start; fl.l_len = len;
  return fcntl(fd, cmd, &fl);
}

static const char *tname(int t) { return t == F_RDLCK ? "RD" : t == F_WRLCK ? "WR" : t == F_UNLCK ? "UN" : "?"; }

static void getlk(const char *who, int fd, int cmd, int type, off_t start, off_t len, pid_t holder) {
  struct flock fl = {0};
  fl.l_type = type; fl.l_whence = SEEK_SET; fl.l_start = start; fl.l_len = len;
  int r = fcntl(fd, cmd, &fl);
  if (r != 0) { printf("%s: getlk [%ld,+%ld) failed: %s\n", who, (long)start, (long)len, strerror(errno)); return; }
  if (fl.l_type == F_UNLCK) printf("%s: getlk %s [%ld,+%ld): free\n", who, tname(type), (long)start, (long)len);
  else printf("%s: getlk %s [%ld,+%ld): held %s at %ld len %ld by %s\n", who, tname(type), (long)start, (long)len, tname(fl.l_type),
              (long)fl.l_start, (long)fl.l_len, fl.l_pid == holder ? "expected" : fl.l_pid == -1 ? "-1" : "other");
}

static void result(const char *what, int r) {
  if (r == 0) printf("%s: ok\n", what);
  else printf("%s: %s\n", what, errno == EAGAIN ? "EAGAIN" : errno == EACCES ? "EACCES" : strerror(errno));
}

static void reap(void) {
  int st;
  wait(&st);
  printf("child exit %d\n", WEXITSTATUS(st));
}

static void flocks(void) {
  int fd1 = open(path, O_RDWR);
  result("parent flock EX", flock(fd1, LOCK_EX));
  if (fork() == 0) {
    result("child flock EX|NB on inherited fd", flock(fd1, LOCK_EX | LOCK_NB));
    int fd2 = open(path, O_RDONLY);
    result("child flock SH|NB on own open", flock(fd2, LOCK_SH | LOCK_NB));
    _exit(0);
  }
  reap();
  int fd3 = dup(fd1);
  close(fd1);
  int fd4 = open(path, O_RDONLY);
  result("flock SH|NB while a dup holds EX", flock(fd4, LOCK_SH | LOCK_NB));
  close(fd3);
  result("flock EX|NB after the last close", flock(fd4, LOCK_EX | LOCK_NB));
  result("flock EX again (no change)", flock(fd4, LOCK_EX));
  errno = 0;
  result("flock bad op", flock(fd4, 0));
  if (fork() == 0) {
    int fd5 = open(path, O_RDONLY);
    say(to_parent[1]);
    result("child flock SH (waited)", flock(fd5, LOCK_SH));
    _exit(0);
  }
  hear(to_parent[0]);
  usleep(100000);
  printf("parent converts EX to SH\n");
  flock(fd4, LOCK_SH);
  reap();
  result("flock UN", flock(fd4, LOCK_UN));
  result("flock UN unlocked", flock(fd4, LOCK_UN));
  close(fd4);
}

static void posix(void) {
  int fd = open(path, O_RDWR);
  pid_t me = getpid();
  result("parent WR [0,10)", setlk(fd, F_SETLK, F_WRLCK, 0, 10));
  getlk("parent", fd, F_GETLK, F_WRLCK, 0, 100, me);
  pid_t kid = fork();
  if (kid == 0) {
    int cfd = open(path, O_RDWR);
    getlk("child", cfd, F_GETLK, F_RDLCK, 5, 10, me);
    getlk("child", cfd, F_GETLK, F_WRLCK, 10, 10, me);
    result("child RD [10,20)", setlk(cfd, F_SETLK, F_RDLCK, 10, 10));
    result("child WR [9,10)", setlk(cfd, F_SETLK, F_WRLCK, 9, 1));
    say(to_parent[1]);
    result("child WR [0,10) waited", setlk(cfd, F_SETLKW, F_WRLCK, 0, 10));
    say(to_parent[1]);
    hear(to_child[0]);
    /* Closing another descriptor of the file drops every lock this process has on it. */
    int other = open(path, O_RDONLY);
    close(other);
    say(to_parent[1]);
    hear(to_child[0]);
    result("child WR [50,60)", setlk(cfd, F_SETLK, F_WRLCK, 50, 10));
    say(to_parent[1]);
    hear(to_child[0]);
    _exit(0);
  }
  hear(to_parent[0]);
  getlk("parent", fd, F_GETLK, F_WRLCK, 15, 1, kid);
  getlk("parent", fd, F_GETLK, F_RDLCK, 15, 1, kid);
  usleep(100000);
  printf("parent unlocks [0,10)\n");
  setlk(fd, F_SETLK, F_UNLCK, 0, 10);
  hear(to_parent[0]);
  getlk("parent", fd, F_GETLK, F_RDLCK, 0, 0, kid);
  say(to_child[1]);
  hear(to_parent[0]);
  getlk("parent after child closed another fd", fd, F_GETLK, F_WRLCK, 0, 0, kid);
  say(to_child[1]);
  hear(to_parent[0]);
  result("parent WR [55,56) while child holds [50,60)", setlk(fd, F_SETLK, F_WRLCK, 55, 1));
  say(to_child[1]);
  reap();
  result("parent WR [55,56) after child exit", setlk(fd, F_SETLK, F_WRLCK, 55, 1));
  /* Splitting: lock [0,100), unlock the middle. */
  result("parent WR [0,100)", setlk(fd, F_SETLK, F_WRLCK, 0, 100));
  result("parent UN [40,60)", setlk(fd, F_SETLK, F_UNLCK, 40, 20));
  result("parent RD [100,110) (negative len)", setlk(fd, F_SETLK, F_RDLCK, 110, -10));
  if (fork() == 0) {
    int cfd = open(path, O_RDWR);
    getlk("child", cfd, F_GETLK, F_WRLCK, 45, 5, me);
    getlk("child", cfd, F_GETLK, F_WRLCK, 30, 20, me);
    getlk("child", cfd, F_GETLK, F_WRLCK, 50, 20, me);
    getlk("child", cfd, F_GETLK, F_RDLCK, 100, 5, me);
    getlk("child", cfd, F_GETLK, F_WRLCK, 105, 0, me);
    _exit(0);
  }
  reap();
  setlk(fd, F_SETLK, F_UNLCK, 0, 0);
  int wr = open(path, O_WRONLY);
  result("RD lock on a write-only fd", setlk(wr, F_SETLK, F_RDLCK, 0, 1));
  close(wr);
  errno = 0;
  result("bad lock type", setlk(fd, F_SETLK, 7, 0, 1));
  close(fd);
}

static void deadlock(void) {
  int fd = open(path, O_RDWR);
  setlk(fd, F_SETLK, F_WRLCK, 0, 1);
  if (fork() == 0) {
    int cfd = open(path, O_RDWR);
    setlk(cfd, F_SETLK, F_WRLCK, 1, 1);
    say(to_parent[1]);
    result("child WR [0,1) waited", setlk(cfd, F_SETLKW, F_WRLCK, 0, 1));
    _exit(0);
  }
  hear(to_parent[0]);
  usleep(200000);
  errno = 0;
  int r = setlk(fd, F_SETLKW, F_WRLCK, 1, 1);
  printf("parent SETLKW on the child's lock: %s\n", r == 0 ? "ok" : errno == EDEADLK ? "EDEADLK" : strerror(errno));
  setlk(fd, F_SETLK, F_UNLCK, 0, 1);
  reap();
  close(fd);
}

/* A waiter killed while blocked never gets the lock. */
static void killed_waiter(void) {
  int fd = open(path, O_RDWR);
  setlk(fd, F_SETLK, F_WRLCK, 0, 1);
  flock(fd, LOCK_EX);
  pid_t kids[2];
  for (int i = 0; i < 2; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      int cfd = open(path, O_RDWR);
      say(to_parent[1]);
      if (i == 0) setlk(cfd, F_SETLKW, F_WRLCK, 0, 1);
      else flock(cfd, LOCK_EX);
      printf("killed waiter got the lock\n");
      _exit(1);
    }
    hear(to_parent[0]);
  }
  usleep(100000);
  for (int i = 0; i < 2; i++) {
    kill(kids[i], SIGKILL);
    int st;
    waitpid(kids[i], &st, 0);
    printf("waiter %d killed: %d\n", i, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  }
  setlk(fd, F_SETLK, F_UNLCK, 0, 1);
  flock(fd, LOCK_UN);
  if (fork() == 0) {
    int cfd = open(path, O_RDWR);
    result("child WR [0,1) after the killed waiter", setlk(cfd, F_SETLK, F_WRLCK, 0, 1));
    result("child flock EX|NB after the killed waiter", flock(cfd, LOCK_EX | LOCK_NB));
    _exit(0);
  }
  reap();
  close(fd);
}

static void ofd(void) {
  int a = open(path, O_RDWR), b = open(path, O_RDWR);
  result("OFD WR [0,10) on a", setlk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
  result("OFD WR [5,6) on b", setlk(b, F_OFD_SETLK, F_WRLCK, 5, 1));
  getlk("b", b, F_OFD_GETLK, F_RDLCK, 0, 0, -1);
  result("POSIX RD [0,1) on b", setlk(b, F_SETLK, F_RDLCK, 0, 1));
  result("POSIX RD [20,21) on b", setlk(b, F_SETLK, F_RDLCK, 20, 1));
  result("OFD WR [20,21) on a", setlk(a, F_OFD_SETLK, F_WRLCK, 20, 1));
  struct flock fl = {0};
  fl.l_type = F_RDLCK; fl.l_pid = 1;
  result("OFD with l_pid set", fcntl(a, F_OFD_SETLK, &fl));
  int a2 = dup(a);
  close(a);
  result("OFD WR [5,6) on b while a dup holds it", setlk(b, F_OFD_SETLK, F_WRLCK, 5, 1));
  close(a2);
  result("OFD WR [5,6) on b after the last close", setlk(b, F_OFD_SETLK, F_WRLCK, 5, 1));
  close(b);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/locksXXXXXX";
  if (!mkdtemp(dir)) return 1;
  snprintf(path, sizeof path, "%s/f", dir);
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  char buf[100] = {0};
  write(fd, buf, sizeof buf);
  close(fd);
  pipe(to_child);
  pipe(to_parent);
  flocks();
  posix();
  deadlock();
  killed_waiter();
  ofd();
  unlink(path);
  rmdir(dir);
  return 0;
}
