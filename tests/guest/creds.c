/* Credentials: getresuid/getresgid, setresuid/setreuid/setuid/setfsuid and the
   gid calls, getgroups/setgroups, capget/capset (version probe, dropping a
   capability, raising one back refused). Each change happens in a forked child,
   so the parent's ids are untouched afterwards. Privileged (root) and
   unprivileged callers take different paths; only facts relative to the
   starting ids are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int capget_(cap_user_header_t h, cap_user_data_t d) { return syscall(SYS_capget, h, d); }
static int capset_(cap_user_header_t h, cap_user_data_t d) { return syscall(SYS_capset, h, d); }

static unsigned long long caps(int which) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (capget_(&h, d) != 0) return ~0ull;
  unsigned long long v = 0;
  for (int i = 0; i < 2; i++) {
    unsigned x = which == 0 ? d[i].effective : which == 1 ? d[i].permitted : d[i].inheritable;
    v |= (unsigned long long)x << (32 * i);
  }
  return v;
}

static void resuid(const char *what) {
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  printf("%s: resuid %u %u %u, caps eff %s prm %s\n", what, r, e, s, caps(0) ? "some" : "none", caps(1) ? "some" : "none");
}

/* The credential lines of /proc/self/status, with the ids the program set. */
static void status(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7) || !strncmp(line, "CapEff:", 7)) printf("status %s", line);
  if (f) fclose(f);
}

static void wait_child(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  printf("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void privileged(void) {
  pid_t pid = fork();
  if (pid == 0) {
    printf("setresuid(1000,1000,0) = %d\n", setresuid(1000, 1000, 0));
    resuid("after");
    status();
    printf("geteuid %u getuid %u\n", geteuid(), getuid());
    printf("setresuid(-1,0,-1) = %d\n", setresuid(-1, 0, -1));
    resuid("regained");
    printf("setfsuid(1234) old is euid: %d\n", setfsuid(1234) == 0);
    printf("setfsuid(-1) reports 1234: %d\n", setfsuid(-1) == 1234);
    printf("setreuid(2000,2001) = %d\n", setreuid(2000, 2001));
    resuid("setreuid");
    printf("setuid(0) = %d errno %s\n", setuid(0), strerror(errno));
    printf("setuid(2000) = %d\n", setuid(2000));
    resuid("setuid");
    errno = 0;
    printf("setresuid(3000,-1,-1) = %d errno %s\n", setresuid(3000, -1, -1), strerror(errno));
    printf("setreuid(-1,2001) = %d errno %s\n", setreuid(-1, 2001), strerror(errno));
    errno = 0;
    printf("kill(parent, 0) as uid 2000 = %d errno %s\n", kill(getppid(), 0), strerror(errno));
    printf("kill(self, 0) = %d\n", kill(getpid(), 0));
    errno = 0;
    printf("kill(parent, SIGCONT) = %d\n", kill(getppid(), SIGCONT));
    gid_t g[2] = {5, 6};
    printf("setgroups unprivileged = %d errno %s\n", setgroups(2, g), strerror(errno));
    _exit(0);
  }
  wait_child(pid);

  pid = fork();
  if (pid == 0) {
    gid_t g[3] = {7, 5, 6}, out[8];
    printf("setgroups = %d\n", setgroups(3, g));
    int n = getgroups(8, out);
    printf("getgroups = %d:", n);
    for (int i = 0; i < n; i++) printf(" %u", out[i]);
    printf("\n");
    printf("getgroups(0) = %d\n", getgroups(0, NULL));
    errno = 0;
    printf("getgroups(1) = %d errno %s\n", getgroups(1, out), strerror(errno));
    printf("setresgid(100,101,102) = %d\n", setresgid(100, 101, 102));
    gid_t r, e, s;
    getresgid(&r, &e, &s);
    printf("resgid %u %u %u getgid %u getegid %u\n", r, e, s, getgid(), getegid());
    printf("setregid(102,100) = %d\n", setregid(102, 100));
    getresgid(&r, &e, &s);
    printf("resgid %u %u %u\n", r, e, s);
    printf("setfsgid(77) old %d\n", setfsgid(77));
    printf("setgid(55) = %d\n", setgid(55));
    getresgid(&r, &e, &s);
    printf("resgid %u %u %u\n", r, e, s);
    status();
    setgroups(0, NULL);
    status();
    _exit(0);
  }
  wait_child(pid);

  pid = fork();
  if (pid == 0) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    capget_(&h, d);
    d[0].effective &= ~(1u << CAP_NET_RAW);
    d[0].permitted &= ~(1u << CAP_NET_RAW);
    printf("capset drop NET_RAW = %d\n", capset_(&h, d));
    printf("NET_RAW eff %llu prm %llu\n", (caps(0) >> CAP_NET_RAW) & 1, (caps(1) >> CAP_NET_RAW) & 1);
    d[0].effective |= 1u << CAP_NET_RAW;
    errno = 0;
    printf("capset raise eff = %d errno %s\n", capset_(&h, d), strerror(errno));
    d[0].permitted |= 1u << CAP_NET_RAW;
    printf("capset raise prm = %d errno %s\n", capset_(&h, d), strerror(errno));
    d[0].effective &= ~(1u << CAP_SETUID);
    d[0].permitted &= ~(1u << CAP_NET_RAW);
    d[0].effective &= ~(1u << CAP_NET_RAW);
    printf("capset drop SETUID eff = %d\n", capset_(&h, d));
    errno = 0;
    printf("setuid(1000) without CAP_SETUID = %d errno %s\n", setuid(1000), strerror(errno));
    _exit(0);
  }
  wait_child(pid);

  pid = fork();
  if (pid == 0) {
    printf("PR_CAPBSET_READ NET_RAW = %d\n", prctl(PR_CAPBSET_READ, CAP_NET_RAW));
    printf("PR_CAPBSET_DROP NET_RAW = %d\n", prctl(PR_CAPBSET_DROP, CAP_NET_RAW));
    printf("PR_CAPBSET_READ NET_RAW = %d\n", prctl(PR_CAPBSET_READ, CAP_NET_RAW));
    errno = 0;
    printf("PR_CAPBSET_READ 999 = %d errno %s\n", prctl(PR_CAPBSET_READ, 999), strerror(errno));
    printf("PR_GET_KEEPCAPS = %d\n", prctl(PR_GET_KEEPCAPS));
    printf("PR_SET_KEEPCAPS 2 = %d\n", prctl(PR_SET_KEEPCAPS, 2));
    printf("PR_SET_KEEPCAPS 1 = %d\n", prctl(PR_SET_KEEPCAPS, 1));
    printf("PR_GET_KEEPCAPS = %d\n", prctl(PR_GET_KEEPCAPS));
    printf("setresuid(1000,1000,1000) = %d\n", setresuid(1000, 1000, 1000));
    resuid("keepcaps");
    errno = 0;
    printf("PR_CAPBSET_DROP without CAP_SETPCAP = %d errno %s\n", prctl(PR_CAPBSET_DROP, CAP_CHOWN), strerror(errno));
    _exit(0);
  }
  wait_child(pid);
}

static void unprivileged(void) {
  uid_t u = getuid();
  printf("setresuid to own = %d\n", setresuid(u, u, u));
  errno = 0;
  printf("setresuid(0,-1,-1) = %d errno %s\n", setresuid(u == 0 ? 1 : 0, -1, -1), strerror(errno));
  errno = 0;
  printf("setuid other = %d errno %s\n", setuid(u + 1), strerror(errno));
  gid_t g[1] = {0};
  errno = 0;
  printf("setgroups = %d errno %s\n", setgroups(1, g), strerror(errno));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct __user_cap_header_struct h = {0, 0};
  errno = 0;
  int r = capget_(&h, NULL);
  printf("capget probe = %d errno %s version %#x\n", r, strerror(errno), h.version);
  h.version = 0x12345678;
  struct __user_cap_data_struct d[2];
  errno = 0;
  r = capget_(&h, d);
  printf("capget bad version = %d errno %s version %#x\n", r, strerror(errno), h.version);
  h.version = 0x12345678;
  errno = 0;
  r = capset_(&h, d);
  printf("capset bad version = %d errno %s version %#x\n", r, strerror(errno), h.version);
  h.version = _LINUX_CAPABILITY_VERSION_1;
  h.pid = -1;
  errno = 0;
  printf("capget pid -1 = %d errno %s\n", capget_(&h, d), strerror(errno));
  h.pid = 0;
  printf("capget v1 = %d, eff fits permitted %d\n", capget_(&h, d), (d[0].effective & ~d[0].permitted) == 0);
  uid_t ru, eu, su;
  getresuid(&ru, &eu, &su);
  printf("resuid all equal getuid %d\n", ru == getuid() && eu == geteuid() && su == ru);
  int ng = getgroups(0, NULL);
  printf("getgroups count nonnegative %d\n", ng >= 0);
  if (geteuid() == 0 && (caps(0) >> CAP_SETUID) & 1) privileged();
  else unprivileged();
  getresuid(&ru, &eu, &su);
  printf("parent unchanged %d\n", ru == getuid() && eu == geteuid() && getgroups(0, NULL) == ng);
  return 0;
}
