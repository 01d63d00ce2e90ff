/* execve of a host program keeps what Linux's execve keeps: ignored signals stay ignored and the
   blocked mask stays blocked (CPython's restore_signals=False relies on it). The host's grep
   shows its own SigIgn and SigBlk; run twice: with nothing ignored, then with some. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_host_status(const char *label) {
  printf("%s:\n", label);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/grep", "grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status", (char *)0);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
}

int main(void) {
  show_host_status("defaults");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);
  signal(SIGUSR1, SIG_IGN);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  sigaddset(&s, SIGTERM);
  sigprocmask(SIG_BLOCK, &s, 0);
  show_host_status("SIGPIPE, SIGXFSZ and SIGUSR1 ignored, SIGUSR2 and SIGTERM blocked");
  return 0;
}
