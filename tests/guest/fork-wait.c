/* Processes: fork with copied memory and shared open files, a pipe that reaches
   end-of-file only when every writer (in any process) has closed it, wait4/waitpid
   and waitid statuses (exit codes, deaths by signal, WNOHANG, ECHILD), getppid,
   MAP_SHARED memory, process groups with kill(-pgid), SIGCHLD (and no zombies when it is ignored),
   and vfork. No pids are printed: they
   differ from run to run. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_count;
static void on_chld(int s) { (void)s; chld_count++; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  pid_t me = getpid();

  /* Three writers on one pipe; the reader sees EOF after the last closes. */
  int fds[2];
  pipe(fds);
  pid_t kids[3];
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      close(fds[0]);
      char line[64];
      int n = snprintf(line, sizeof line, "child %d: parent is caller %d\n", i, getppid() == me);
      write(fds[1], line, n);
      _exit(10 + i);
    }
  }
  close(fds[1]);
  char buf[512];
  int total = 0, n;
  while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
  int lines = 0;
  for (int i = 0; i < total; i++) lines += buf[i] == '\n';
  printf("pipe: %d lines, then end-of-file\n", lines);
  close(fds[0]);
  int sum = 0;
  for (int i = 2; i >= 0; i--) {
    int st;
    pid_t w = waitpid(kids[i], &st, 0);
    sum += (w == kids[i] && WIFEXITED(st)) ? WEXITSTATUS(st) : 1000;
  }
  printf("exit codes add up to %d\n", sum);

  int st;
  errno = 0;
  printf("waitpid without children: %d errno ECHILD %d\n", (int)waitpid(-1, &st, 0), errno == ECHILD);

  /* Memory is copied: the child's writes stay in the child. */
  static int value = 1;
  pid_t c = fork();
  if (c == 0) { value = 42; _exit(value); }
  waitpid(c, &st, 0);
  printf("child wrote %d, parent still has %d\n", WEXITSTATUS(st), value);

  /* MAP_SHARED anonymous memory stays shared with the child (also a page neither had
     touched before the fork); MAP_PRIVATE memory is the child's own copy. */
  int *shm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  shm[0] = 1;
  priv[0] = 1;
  c = fork();
  if (c == 0) { shm[0] = 2; shm[1024] = 3; priv[0] = 2; _exit(0); }
  waitpid(c, &st, 0);
  printf("after the child's writes: shared %d and %d, private %d\n", shm[0], shm[1024], priv[0]);
  munmap(shm, 8192);

  /* A MAP_SHARED file mapping written by the child: the file has the data once it exits. */
  FILE *backing = tmpfile();
  ftruncate(fileno(backing), 4096);
  char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fileno(backing), 0);
  c = fork();
  if (c == 0) { memcpy(map + 100, "from child", 10); _exit(0); }
  waitpid(c, &st, 0);
  char seen[11] = {0};
  pread(fileno(backing), seen, 10, 100);
  printf("file behind a shared mapping: %s\n", seen);
  munmap(map, 4096);

  /* Deaths by signal, reported by wait4 and by waitid. */
  c = fork();
  if (c == 0) { raise(SIGTERM); _exit(0); }
  waitpid(c, &st, 0);
  printf("raise(SIGTERM): signaled %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
  c = fork();
  if (c == 0) { pause(); _exit(0); }
  printf("WNOHANG while it runs: %d\n", (int)waitpid(c, &st, WNOHANG));
  kill(c, SIGKILL);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WEXITED);
  printf("waitid after SIGKILL: signo %d code CLD_KILLED %d status %d pid matches %d\n",
         si.si_signo, si.si_code == CLD_KILLED, si.si_status, si.si_pid == c);
  c = fork();
  if (c == 0) _exit(7);
  memset(&si, 0, sizeof si);
  waitid(P_ALL, 0, &si, WEXITED);
  printf("waitid after exit: code CLD_EXITED %d status %d\n", si.si_code == CLD_EXITED, si.si_status);

  /* A process group: kill(-pgid) reaches both members. */
  pid_t a = fork();
  if (a == 0) { setpgid(0, 0); pause(); _exit(0); }
  setpgid(a, a);
  pid_t b = fork();
  if (b == 0) { setpgid(0, a); pause(); _exit(0); }
  setpgid(b, a);
  printf("child group: %d and %d\n", getpgid(a) == a, getpgid(b) == a);
  kill(-a, SIGUSR1);
  int sa_st, sb_st;
  waitpid(a, &sa_st, 0);
  waitpid(b, &sb_st, 0);
  printf("kill(-pgid, SIGUSR1): %d %d\n", WTERMSIG(sa_st), WTERMSIG(sb_st));

  /* vfork: the parent resumes once the child has exited. */
  c = vfork();
  if (c == 0) _exit(3);
  waitpid(c, &st, 0);
  printf("vfork child exit %d\n", WEXITSTATUS(st));

  /* Files are shared: a child's write moves the parent's offset. */
  FILE *tmp = tmpfile();
  int fd = fileno(tmp);
  c = fork();
  if (c == 0) { write(fd, "abc", 3); _exit(0); }
  waitpid(c, &st, 0);
  printf("offset after the child's write: %ld\n", (long)lseek(fd, 0, SEEK_CUR));

  printf("SIGCHLD handled: %d\n", chld_count > 0);

  /* With SIGCHLD ignored, children leave no zombies: wait reports ECHILD once they are gone. */
  signal(SIGCHLD, SIG_IGN);
  for (int i = 0; i < 3; i++) if (fork() == 0) _exit(0);
  errno = 0;
  pid_t w = wait(&st);
  printf("SIG_IGN for SIGCHLD: wait %d, ECHILD %d\n", (int)w, errno == ECHILD);
  return 0;
}
