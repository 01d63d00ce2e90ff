/* signalfd: blocked signals read as struct signalfd_siginfo (kill, sigqueue,
 * tgkill, ITIMER_REAL, a POSIX timer), SFD_NONBLOCK and SFD_CLOEXEC, changing
 * the mask of an existing signalfd, several records in one read, poll, select
 * and epoll readiness, a blocking read woken by a timer, and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

static const char *err(void) {
  switch (errno) {
    case EAGAIN: return "EAGAIN";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    default: return "?";
  }
}

int main(void) {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  sigaddset(&block, SIGALRM);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &block, NULL);

  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  int sfd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
  printf("signalfd created: %s\n", yes(sfd >= 0));
  printf("cloexec: %s, nonblock: %s\n", yes(fcntl(sfd, F_GETFD) & FD_CLOEXEC), yes(fcntl(sfd, F_GETFL) & O_NONBLOCK));

  struct signalfd_siginfo si[4];
  errno = 0;
  printf("read with nothing pending: %zd %s\n", read(sfd, si, sizeof si), err());
  char small[64];
  errno = 0;
  printf("read into 64 bytes: %zd %s\n", read(sfd, small, sizeof small), err());

  struct pollfd pfd = {sfd, POLLIN, 0};
  printf("poll before: %d\n", poll(&pfd, 1, 0));
  kill(getpid(), SIGUSR1);
  printf("poll after kill: %d revents POLLIN: %s\n", poll(&pfd, 1, 0), yes(pfd.revents == POLLIN));
  ssize_t n = read(sfd, si, sizeof si);
  printf("read: %zd bytes, signo %u, SI_USER: %s, pid is mine: %s, uid is mine: %s\n", n, si[0].ssi_signo,
         yes(si[0].ssi_code == SI_USER), yes(si[0].ssi_pid == (unsigned)getpid()),
         yes(si[0].ssi_uid == (unsigned)getuid()));

  union sigval v = {.sival_int = 5};
  sigqueue(getpid(), SIGUSR1, v);
  n = read(sfd, si, sizeof si);
  printf("sigqueue: %zd bytes, SI_QUEUE: %s, ssi_int %d, ssi_ptr %llu\n", n, yes(si[0].ssi_code == SI_QUEUE),
         si[0].ssi_int, (unsigned long long)si[0].ssi_ptr);

  /* A blocked signal outside the mask stays pending and is not read. */
  kill(getpid(), SIGUSR2);
  errno = 0;
  printf("SIGUSR2 outside the mask: %zd %s\n", read(sfd, si, sizeof si), err());

  /* Change the mask of the existing descriptor. */
  sigaddset(&m, SIGUSR2);
  sigaddset(&m, SIGRTMIN);
  printf("update returns the same fd: %s\n", yes(signalfd(sfd, &m, 0) == sfd));
  v.sival_int = 1;
  sigqueue(getpid(), SIGRTMIN, v);
  v.sival_int = 2;
  sigqueue(getpid(), SIGRTMIN, v);
  n = read(sfd, si, sizeof si);
  printf("one read: %zd records\n", n / (ssize_t)sizeof si[0]);
  for (int i = 0; i < n / (ssize_t)sizeof si[0]; i++)
    printf("  signo %s, code %d, int %d\n", si[i].ssi_signo == SIGUSR2 ? "SIGUSR2" : si[i].ssi_signo == (unsigned)SIGRTMIN ? "SIGRTMIN" : "?",
           si[i].ssi_code, si[i].ssi_code == SI_QUEUE ? si[i].ssi_int : 0);

  /* tgkill gives SI_TKILL. */
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
  n = read(sfd, si, sizeof si);
  printf("tgkill: %zd bytes, SI_TKILL: %s\n", n, yes(si[0].ssi_code == SI_TKILL));

  /* epoll and select. */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 77}, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
  printf("epoll_wait idle: %d\n", epoll_wait(ep, &out, 1, 0));
  kill(getpid(), SIGUSR2);
  int k = epoll_wait(ep, &out, 1, 1000);
  printf("epoll_wait: %d, data %u, EPOLLIN: %s\n", k, out.data.u32, yes(out.events == EPOLLIN));
  fd_set rf;
  FD_ZERO(&rf);
  FD_SET(sfd, &rf);
  struct timeval tv = {0, 0};
  printf("select ready: %d\n", select(sfd + 1, &rf, NULL, NULL, &tv));
  read(sfd, si, sizeof si);
  FD_ZERO(&rf);
  FD_SET(sfd, &rf);
  printf("select after read: %d\n", select(sfd + 1, &rf, NULL, NULL, &tv));

  /* A blocking signalfd woken by ITIMER_REAL (SIGALRM, SI_KERNEL) while blocked in epoll_wait and read. */
  sigset_t am;
  sigemptyset(&am);
  sigaddset(&am, SIGALRM);
  sigaddset(&am, SIGRTMIN + 1);
  int bfd = signalfd(-1, &am, 0);
  struct epoll_event ev2 = {.events = EPOLLIN, .data.u32 = 88};
  epoll_ctl(ep, EPOLL_CTL_ADD, bfd, &ev2);
  struct itimerval it = {{0, 0}, {0, 30000}};
  setitimer(ITIMER_REAL, &it, NULL);
  k = epoll_wait(ep, &out, 1, 5000);
  printf("epoll_wait woken: %d, data %u\n", k, out.data.u32);
  n = read(bfd, si, sizeof si);
  printf("SIGALRM: %zd bytes, signo %u, SI_KERNEL: %s\n", n, si[0].ssi_signo, yes(si[0].ssi_code == SI_KERNEL));
  setitimer(ITIMER_REAL, &it, NULL);
  n = read(bfd, si, sizeof si);
  printf("blocking read: %zd bytes, signo %u\n", n, si[0].ssi_signo);

  /* A POSIX timer read through signalfd. */
  timer_t tm;
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGRTMIN + 1;
  sev.sigev_value.sival_int = 321;
  timer_create(CLOCK_MONOTONIC, &sev, &tm);
  struct itimerspec its = {{0, 0}, {0, 10000000}};
  timer_settime(tm, 0, &its, NULL);
  n = read(bfd, si, sizeof si);
  printf("timer: %zd bytes, SIGRTMIN+1: %s, SI_TIMER: %s, ssi_int %d, ssi_overrun %u\n", n,
         yes(si[0].ssi_signo == (unsigned)SIGRTMIN + 1), yes(si[0].ssi_code == SI_TIMER), si[0].ssi_int,
         si[0].ssi_overrun);
  timer_delete(tm);

  /* Errors. */
  int pfds[2];
  pipe(pfds);
  errno = 0;
  printf("signalfd on a pipe: %d %s\n", signalfd(pfds[0], &m, 0), err());
  errno = 0;
  printf("signalfd on a closed fd: %d %s\n", signalfd(999, &m, 0), err());
  errno = 0;
  printf("signalfd bad flags: %d %s\n", signalfd(-1, &m, 1), err());
  /* (Linux also refuses a sizemask other than 8 with EINVAL; qemu-riscv64 accepts it, so it is not printed.) */
  errno = 0;
  printf("write: %zd %s\n", write(sfd, si, sizeof si[0]), err());
  close(sfd);
  close(bfd);
  close(ep);
  return 0;
}
