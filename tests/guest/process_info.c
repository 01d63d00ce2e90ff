/* Process identity and limits, printed only as facts that hold on any host:
 * pids, uids, uname machine, sysconf, rlimits, getrandom, /proc/self/exe,
 * and the auxiliary vector. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc;
    printf("getpid > 0: %d, getppid > 0: %d, gettid == getpid: %d\n", getpid() > 0, getppid() > 0, gettid() == getpid());
    printf("uid == euid: %d, gid == egid: %d\n", getuid() == geteuid(), getgid() == getegid());

    struct utsname u;
    uname(&u);
    printf("uname: sysname=%s machine=%s\n", u.sysname, u.machine);

    printf("page size=%ld, online cpus >= 1: %d, open max >= 64: %d\n", sysconf(_SC_PAGESIZE),
           sysconf(_SC_NPROCESSORS_ONLN) >= 1, sysconf(_SC_OPEN_MAX) >= 64);
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    printf("stack limit is at least 1 MiB or unlimited: %d\n", rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (1 << 20));
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("nofile soft limit <= hard: %d\n", rl.rlim_cur <= rl.rlim_max);

    unsigned char random[32];
    ssize_t got = getrandom(random, sizeof random, 0);
    int all_zero = 1;
    for (int i = 0; i < 32; i++)
        all_zero &= random[i] == 0;
    printf("getrandom filled %zd bytes, not all zero: %d\n", got, !all_zero);

    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        const char *base = strrchr(exe, '/');
        const char *arg0 = strrchr(argv[0], '/');
        printf("/proc/self/exe names this program: %d\n",
               strcmp(base ? base + 1 : exe, arg0 ? arg0 + 1 : argv[0]) == 0);
    } else {
        printf("/proc/self/exe unreadable\n");
    }

    printf("AT_PAGESZ=%lu AT_SECURE=%lu AT_ENTRY set: %d AT_PHDR set: %d AT_RANDOM set: %d\n", getauxval(AT_PAGESZ),
           getauxval(AT_SECURE), getauxval(AT_ENTRY) != 0, getauxval(AT_PHDR) != 0, getauxval(AT_RANDOM) != 0);
    printf("AT_HWCAP has I, M, A, F, D, C: %d\n", (getauxval(AT_HWCAP) & 0x112d) == 0x112d);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN equals argv[0]: %d\n", execfn && strcmp(execfn, argv[0]) == 0);

    char host[256];
    printf("gethostname succeeds: %d\n", gethostname(host, sizeof host) == 0);
    char cwd[PATH_MAX];
    printf("getcwd succeeds: %d\n", getcwd(cwd, sizeof cwd) != NULL);
    printf("isatty(stdin)=%d isatty(stdout)=%d\n", isatty(0), isatty(1));
    return 0;
}
