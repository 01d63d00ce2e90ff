/* Process descriptors: pidfd_open (flags, ESRCH/EINVAL), poll and epoll report a
   pidfd readable once its process has ended (and hung up once reaped),
   waitid(P_PIDFD) with and without PIDFD_NONBLOCK, pidfd_send_signal (with and
   without a siginfo, a zombie, a reaped process, bad descriptors and flags) and
   pidfd_getfd taking a child's descriptor. No pids are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags) {
  return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}
static int pidfd_getfd(int fd, int target, unsigned flags) { return (int)syscall(SYS_pidfd_getfd, fd, target, flags); }

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static int readable(int fd) {
  struct pollfd pf = { .fd = fd, .events = POLLIN };
  int n = poll(&pf, 1, 0);
  return n < 0 ? -1 : (pf.revents & POLLIN) != 0;
}

/* A child that waits for a byte on `in`, then exits with `code`. */
static pid_t waiter(int in, int code) {
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(in, &c, 1);
    _exit(code);
  }
  return pid;
}

static volatile sig_atomic_t usr2_seen;
static void on_usr2(int sig) { (void)sig; usr2_seen++; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int go[2];
  pipe(go);

  show("bad flags", pidfd_open(getpid(), 1));
  show("pid 0", pidfd_open(0, 0));
  show("pid -1", pidfd_open(-1, 0));
  show("no such pid", pidfd_open(4000000, 0));
  int self = pidfd_open(getpid(), 0);
  printf("self: %s, cloexec %d\n", self >= 0 ? "ok" : strerrorname_np(errno), (fcntl(self, F_GETFD) & FD_CLOEXEC) != 0);
  char b[8];
  show("read a pidfd", read(self, b, sizeof b));
  show("self readable", readable(self));
  show("signal 0 to self", pidfd_send_signal(self, 0, NULL, 0));
  show("bad signal", pidfd_send_signal(self, 99, NULL, 0));
  show("bad send flags", pidfd_send_signal(self, 0, NULL, 8));
  show("two scopes", pidfd_send_signal(self, 0, NULL, 3));
  show("not a pidfd", pidfd_send_signal(go[0], 0, NULL, 0));
  show("closed fd", pidfd_send_signal(99, 0, NULL, 0));
  /* A /proc/PID directory descriptor is a process descriptor to pidfd_send_signal too. */
  char procdir[32];
  snprintf(procdir, sizeof procdir, "/proc/%d", getpid());
  int dirfd = open(procdir, O_RDONLY | O_DIRECTORY);
  signal(SIGUSR2, on_usr2);
  show("SIGUSR2 through /proc/self's directory", pidfd_send_signal(dirfd, SIGUSR2, NULL, 0));
  printf("SIGUSR2 arrived: %d\n", usr2_seen);
  show("signal 0 through /proc/self's directory", pidfd_send_signal(dirfd, 0, NULL, 0));
  show("/proc itself is not a process", pidfd_send_signal(open("/proc", O_RDONLY | O_DIRECTORY), 0, NULL, 0));
  close(dirfd);
  show("waitid on own pidfd", waitid(P_PIDFD, self, NULL, WEXITED));
  show("waitid on a pipe", waitid(P_PIDFD, go[0], NULL, WEXITED));

  /* A child that exits when told: poll, epoll and waitid see it end. */
  pid_t a = waiter(go[0], 7);
  int fa = pidfd_open(a, 0);
  int fan = pidfd_open(a, PIDFD_NONBLOCK);
  show("nonblock flag kept", (fcntl(fan, F_GETFL) & O_NONBLOCK) != 0);
  show("running child readable", readable(fa));
  siginfo_t si;
  memset(&si, 0, sizeof si);
  show("nonblocking waitid while running", waitid(P_PIDFD, fan, &si, WEXITED));
  show("WNOHANG waitid while running", waitid(P_PIDFD, fa, &si, WEXITED | WNOHANG));
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 42 };
  show("epoll add", epoll_ctl(ep, EPOLL_CTL_ADD, fa, &ev));
  write(go[1], "x", 1);
  struct epoll_event got;
  int n = epoll_wait(ep, &got, 1, 5000);
  printf("epoll: %d events, data %u, in %d\n", n, got.data.u32, (got.events & EPOLLIN) != 0);
  show("ended child readable", readable(fa));
  show("signal 0 to a zombie", pidfd_send_signal(fa, 0, NULL, 0));
  show("SIGTERM to a zombie", pidfd_send_signal(fa, SIGTERM, NULL, 0));
  memset(&si, 0, sizeof si);
  show("waitid P_PIDFD", waitid(P_PIDFD, fa, &si, WEXITED));
  printf("  code %s status %d pid matches %d\n", si.si_code == CLD_EXITED ? "CLD_EXITED" : "?", si.si_status, si.si_pid == a);
  show("reaped child readable", readable(fa));
  show("signal to a reaped child", pidfd_send_signal(fa, SIGTERM, NULL, 0));
  show("waitid again", waitid(P_PIDFD, fa, &si, WEXITED));
  show("getfd of a reaped child", pidfd_getfd(fa, 0, 0));
  close(fa);
  close(fan);

  /* Signals through a pidfd: the default SI_USER, and a siginfo. */
  pid_t c = fork();
  if (c == 0) {
    for (;;) pause();
  }
  int fc = pidfd_open(c, 0);
  siginfo_t mine;
  memset(&mine, 0, sizeof mine);
  mine.si_signo = SIGUSR1;
  mine.si_code = SI_QUEUE;
  show("siginfo with another signo", pidfd_send_signal(fc, SIGUSR2, &mine, 0));
  mine.si_code = SI_USER;
  show("SI_USER siginfo to a child", pidfd_send_signal(fc, SIGUSR1, &mine, 0));
  show("getfd bad flags", pidfd_getfd(fc, 0, 1));
  show("getfd of a closed fd", pidfd_getfd(fc, 77, 0));
  int dup = pidfd_getfd(fc, go[1], 0);
  printf("getfd of the child's pipe: %s, cloexec %d\n", dup >= 0 ? "ok" : strerrorname_np(errno), (fcntl(dup, F_GETFD) & FD_CLOEXEC) != 0);
  if (dup >= 0) {
    write(dup, "y", 1);
    char y = 0;
    read(go[0], &y, 1);
    printf("through it: %c\n", y);
    close(dup);
  }
  show("getfd not a pidfd", pidfd_getfd(go[0], 0, 0));
  show("SIGKILL to the child", pidfd_send_signal(fc, SIGKILL, NULL, 0));
  struct pollfd pf = { .fd = fc, .events = POLLIN };
  show("poll until it ends", poll(&pf, 1, 5000));
  printf("  revents in %d\n", (pf.revents & POLLIN) != 0);
  int st = 0;
  show("waitpid", waitpid(c, &st, 0) == c);
  printf("  killed by %s\n", WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "?");
  close(fc);

  /* A signal the child catches, sent with PIDFD_SIGNAL_THREAD_GROUP. */
  int back[2];
  pipe(back);
  pid_t d = fork();
  if (d == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    write(back[1], "r", 1);
    siginfo_t in;
    sigwaitinfo(&set, &in);
    _exit(in.si_code == SI_USER ? 3 : 4);
  }
  char r;
  read(back[0], &r, 1);
  int fd2 = pidfd_open(d, 0);
  show("SIGUSR2 (thread group)", pidfd_send_signal(fd2, SIGUSR2, NULL, 2));
  memset(&si, 0, sizeof si);
  show("waitid", waitid(P_PIDFD, fd2, &si, WEXITED));
  printf("  child saw SI_USER: %d\n", si.si_status == 3);
  return 0;
}
