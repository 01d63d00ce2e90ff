/* The nice value (setpriority/getpriority), the scheduler of the parent
 * (outside the guest), CPU affinity and its errors, lseek
 * SEEK_DATA/SEEK_HOLE, fcntl F_NOTIFY, clock_settime of a clock that cannot
 * be set, and the CPU-time clocks of a process and of a thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else printf("%s: %ld\n", what, r);
}

int main(void)
{
    report("setpriority(PRIO_PROCESS, 0, 5)", setpriority(PRIO_PROCESS, 0, 5));
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    printf("getpriority(PRIO_PROCESS, 0): %d %s\n", prio, errno ? strerrorname_np(errno) : "");
    report("setpriority(PRIO_PROCESS, 0, 99): clamped to 19", setpriority(PRIO_PROCESS, 0, 99));
    printf("getpriority(PRIO_PROCESS, getpid()): %d\n", getpriority(PRIO_PROCESS, getpid()));
    report("setpriority with a bad which", setpriority(7, 0, 1));
    report("getpriority of a negative pid", getpriority(PRIO_PROCESS, -5));

    report("sched_getscheduler of the parent", sched_getscheduler(getppid()));
    struct sched_param sp;
    report("sched_getparam of the parent", sched_getparam(getppid(), &sp));

    cpu_set_t set;
    CPU_ZERO(&set);
    report("sched_getaffinity(0)", sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_ISSET(0, &set) : -1);
    report("sched_getaffinity(-1)", syscall(SYS_sched_getaffinity, -1, sizeof set, &set));
    report("sched_setaffinity with no CPU", syscall(SYS_sched_setaffinity, 0, 0, &set));
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    report("sched_setaffinity to CPU 0", sched_setaffinity(0, sizeof set, &set));

    char path[] = "/tmp/tv-seek-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    write(fd, "0123456789", 10);
    report("lseek SEEK_DATA 3", lseek(fd, 3, SEEK_DATA));
    report("lseek SEEK_HOLE 3", lseek(fd, 3, SEEK_HOLE));
    report("lseek SEEK_DATA at the end", lseek(fd, 10, SEEK_DATA));
    report("lseek SEEK_HOLE past the end", lseek(fd, 20, SEEK_HOLE));
    report("F_NOTIFY on a file", fcntl(fd, F_NOTIFY, DN_MODIFY));
    close(fd);
    unlink(path);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    report("F_NOTIFY on a directory", fcntl(dir, F_NOTIFY, DN_MODIFY | DN_MULTISHOT));
    close(dir);

    struct timespec ts = {1, 0};
    report("clock_settime(CLOCK_MONOTONIC)", clock_settime(CLOCK_MONOTONIC, &ts));
    clockid_t pc, tc;
    report("clock_getcpuclockid(self)", clock_getcpuclockid(getpid(), &pc));
    report("clock_gettime of the process CPU clock", clock_gettime(pc, &ts));
    report("pthread_getcpuclockid(self)", pthread_getcpuclockid(pthread_self(), &tc));
    report("clock_gettime of the thread CPU clock", clock_gettime(tc, &ts));
    report("clock_getres of the thread CPU clock", clock_getres(tc, &ts));
    clockid_t bogus = (clockid_t)((~(clockid_t)999999 << 3) | 2);
    report("clock_gettime of a missing process's CPU clock", clock_gettime(bogus, &ts));
    return 0;
}
