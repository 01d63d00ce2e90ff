/* The UTS names: sethostname, setdomainname, uname and unshare(CLONE_NEWUTS). The names are
   changed only after unshare succeeded, so under qemu-riscv64 (which passes the calls to the
   host kernel) the host's own names are never touched; without CAP_SYS_ADMIN the program
   prints the EPERMs and stops there, under both. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s: %s\n", what, r == 0 ? "ok" : strerror(errno));
}

static void names(const char *who) {
  struct utsname u;
  char host[80], domain[80];
  uname(&u);
  gethostname(host, sizeof host);
  getdomainname(domain, sizeof domain);
  printf("%s: uname nodename=%s domainname=%s, gethostname=%s, getdomainname=%s\n", who, u.nodename, u.domainname, host,
         domain);
  fflush(stdout);
}

int main(void) {
  struct utsname before;
  uname(&before);
  char long_name[80];
  memset(long_name, 'x', sizeof long_name);

  /* Bad arguments: each is refused before anything changes. */
  show("sethostname of 65 bytes", syscall(SYS_sethostname, long_name, 65));
  show("sethostname of -1 bytes", syscall(SYS_sethostname, long_name, -1));
  show("sethostname from a bad address", syscall(SYS_sethostname, (char *)16, 4));
  show("setdomainname of 65 bytes", syscall(SYS_setdomainname, long_name, 65));
  show("unshare of an unknown flag", syscall(SYS_unshare, 1));

  long r = unshare(CLONE_NEWUTS);
  show("unshare(CLONE_NEWUTS)", r);
  if (r != 0) return 0;
  struct utsname same;
  uname(&same);
  printf("the new namespace starts with the old names: %s\n",
         strcmp(same.nodename, before.nodename) == 0 && strcmp(same.domainname, before.domainname) == 0 ? "yes" : "no");

  show("sethostname tv-uts-a", sethostname("tv-uts-a", 8));
  show("setdomainname tv.example", setdomainname("tv.example", 10));
  names("after setting");
  show("sethostname of 64 bytes", sethostname(long_name, 64));
  struct utsname u;
  uname(&u);
  printf("a 64-byte name comes back whole: %s\n", strlen(u.nodename) == 64 ? "yes" : "no");
  show("sethostname of 0 bytes", sethostname("", 0));
  names("an empty name");
  sethostname("tv-uts-a", 8);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    names("the child sees its parent's");
    sethostname("tv-uts-shared", 13);
    show("the child's unshare", unshare(CLONE_NEWUTS));
    sethostname("tv-uts-child", 12);
    names("the child after its unshare");
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  names("the parent after the child");
  return 0;
}
