/* execve and posix_spawn, checked against what Linux guarantees (the program
   checks itself: qemu-riscv64 cannot be the reference here, since without
   binfmt_misc it cannot execve a RISC-V program). Prints "ok <what>" per
   check and "FAIL <what>" when one does not hold; exits 0 when all hold. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static int failures;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
  if (!ok) failures++;
}

static void on_usr1(int s) { (void)s; }

/* The program after execve: argv = exec-child <pid before exec> <kept fd> <cloexec fd> <pipe fd> */
static int after_exec(char **argv) {
  int report = atoi(argv[4]);
  char msg[256];
  struct sigaction sa;
  sigaction(SIGUSR1, NULL, &sa);
  int usr1_default = sa.sa_handler == SIG_DFL;
  sigaction(SIGUSR2, NULL, &sa);
  int usr2_ignored = sa.sa_handler == SIG_IGN;
  const char *env = getenv("TV_EXEC");
  int n = snprintf(msg, sizeof msg, "%d%d%d%d%d%d",
                   atoi(argv[1]) == getpid(),                        /* same process */
                   fcntl(atoi(argv[2]), F_GETFD) >= 0,               /* plain fd kept */
                   fcntl(atoi(argv[3]), F_GETFD) < 0 && errno == EBADF, /* O_CLOEXEC fd closed */
                   usr1_default,                                     /* caught signal reset */
                   usr2_ignored,                                     /* ignored signal stays ignored */
                   env != NULL && strcmp(env, "yes") == 0);          /* the new environment */
  write(report, msg, n);
  return 42;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "spawned") == 0) return 5;
  if (argc == 5) return after_exec(argv);
  setvbuf(stdout, NULL, _IONBF, 0);

  int p[2];
  pipe(p);
  int kept = dup(p[1]);
  int closed = fcntl(p[1], F_DUPFD_CLOEXEC, 10);
  pid_t c = fork();
  if (c == 0) {
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    char a1[16], a2[16], a3[16], a4[16];
    snprintf(a1, sizeof a1, "%d", getpid());
    snprintf(a2, sizeof a2, "%d", kept);
    snprintf(a3, sizeof a3, "%d", closed);
    snprintf(a4, sizeof a4, "%d", p[1]);
    char *args[] = { "exec-child", a1, a2, a3, a4, NULL };
    char *env[] = { "TV_EXEC=yes", NULL };
    execve("/proc/self/exe", args, env);
    _exit(99);
  }
  close(p[1]); close(kept); close(closed);
  char got[16] = {0};
  int n = read(p[0], got, sizeof got - 1);
  int st;
  waitpid(c, &st, 0);
  check(WIFEXITED(st) && WEXITSTATUS(st) == 42, "execve: the new program's exit status reaches waitpid");
  check(n == 6 && got[0] == '1', "execve: same pid after exec");
  check(n == 6 && got[1] == '1', "execve: a plain descriptor stays open");
  check(n == 6 && got[2] == '1', "execve: an O_CLOEXEC descriptor is closed");
  check(n == 6 && got[3] == '1', "execve: a caught signal reverts to SIG_DFL");
  check(n == 6 && got[4] == '1', "execve: an ignored signal stays ignored");
  check(n == 6 && got[5] == '1', "execve: the program gets the new environment");

  errno = 0;
  char *none[] = { "x", NULL };
  check(execve("/nonexistent/program", none, environ) == -1 && errno == ENOENT, "execve of a missing file fails with ENOENT");
  char tmpl[] = "/tmp/tv-exec-XXXXXX";
  int fd = mkstemp(tmpl);
  write(fd, "not a program\n", 14);
  close(fd);
  errno = 0;
  check(execve(tmpl, none, environ) == -1 && errno == EACCES, "execve of a file without x permission fails with EACCES");
  chmod(tmpl, 0755);
  errno = 0;
  check(execve(tmpl, none, environ) == -1 && errno == ENOEXEC, "execve of an executable that is no program fails with ENOEXEC");
  unlink(tmpl);

  pid_t sp;
  char *sargs[] = { "spawned-program", "spawned", NULL };
  int r = posix_spawn(&sp, "/proc/self/exe", NULL, NULL, sargs, environ);
  check(r == 0, "posix_spawn starts a program");
  waitpid(sp, &st, 0);
  check(WIFEXITED(st) && WEXITSTATUS(st) == 5, "posix_spawn: its exit status reaches waitpid");
  r = posix_spawn(&sp, "/nonexistent/program", NULL, NULL, sargs, environ);
  check(r == ENOENT, "posix_spawn of a missing file reports ENOENT to the caller");
  return failures == 0 ? 0 : 1;
}
