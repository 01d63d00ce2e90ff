/* utimensat and futimens: times kept to the nanosecond (read back through
 * stat's st_atim/st_mtim), UTIME_OMIT and UTIME_NOW, AT_SYMLINK_NOFOLLOW on
 * a symlink, and the errors (bad nanoseconds, bad flags, missing files). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, int r)
{
    printf("%s: %s\n", what, r == 0 ? "0" : strerrorname_np(errno));
}

static void show(const char *what, const char *path, int flags)
{
    struct stat st;
    if (fstatat(AT_FDCWD, path, &st, flags) != 0) {
        printf("%s: stat %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", what, (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(void)
{
    char dir[] = "/tmp/tv-utimens-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char f[64], link[64], missing[64];
    snprintf(f, sizeof f, "%s/file", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(missing, sizeof missing, "%s/none", dir);
    close(open(f, O_WRONLY | O_CREAT, 0644));
    symlink("file", link);

    struct timespec t[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
    report("utimensat exact", utimensat(AT_FDCWD, f, t, 0));
    show("exact", f, 0);
    t[0] = (struct timespec){1500000000, 1};
    t[1] = (struct timespec){0, UTIME_OMIT};
    report("utimensat atime only", utimensat(AT_FDCWD, f, t, 0));
    show("omit mtime", f, 0);
    t[0] = (struct timespec){0, UTIME_OMIT};
    t[1] = (struct timespec){1600000000, 999999999};
    report("utimensat mtime only", utimensat(AT_FDCWD, f, t, 0));
    show("omit atime", f, 0);
    t[0] = (struct timespec){2000000000, 500000000};
    t[1] = (struct timespec){2000000001, 250000000};
    report("utimensat round values", utimensat(AT_FDCWD, f, t, 0));
    show("round", f, 0);
    t[0] = (struct timespec){1700000000, 111111111};
    t[1] = (struct timespec){1700000000, 222222222};
    int fd = open(f, O_RDONLY);
    report("futimens", futimens(fd, t));
    show("futimens", f, 0);
    close(fd);
    t[0] = (struct timespec){1300000000, 333333333};
    t[1] = (struct timespec){1300000000, 444444444};
    report("utimensat nofollow on link", utimensat(AT_FDCWD, link, t, AT_SYMLINK_NOFOLLOW));
    show("link itself", link, AT_SYMLINK_NOFOLLOW);
    show("target unchanged", f, 0);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    t[0] = (struct timespec){1100000000, 5};
    t[1] = (struct timespec){1100000000, 6};
    report("utimensat relative to dirfd", utimensat(dfd, "file", t, 0));
    show("relative", f, 0);
    t[1].tv_nsec = 7;
    fd = open(f, O_RDONLY);
    report("utimensat AT_EMPTY_PATH", utimensat(fd, "", t, AT_EMPTY_PATH));
    show("empty path", f, 0);
    close(fd);

    struct timespec before;
    clock_gettime(CLOCK_REALTIME, &before);
    report("utimensat NULL times", utimensat(AT_FDCWD, f, NULL, 0));
    struct stat st;
    stat(f, &st);
    printf("now: mtime recent %d\n", st.st_mtim.tv_sec >= before.tv_sec - 2 && st.st_mtim.tv_sec <= before.tv_sec + 5);
    t[0] = (struct timespec){0, UTIME_NOW};
    t[1] = (struct timespec){1, 0};
    report("UTIME_NOW + explicit", utimensat(AT_FDCWD, f, t, 0));
    stat(f, &st);
    printf("atime recent %d, mtime %lld.%09ld\n", st.st_atim.tv_sec >= before.tv_sec - 2, (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec);

    t[0] = (struct timespec){1, 1000000000};
    t[1] = (struct timespec){1, 0};
    report("nsec 1e9", utimensat(AT_FDCWD, f, t, 0));
    t[0].tv_nsec = -1;
    report("nsec -1", utimensat(AT_FDCWD, f, t, 0));
    t[0].tv_nsec = 0;
    report("bad flags", utimensat(AT_FDCWD, f, t, 0x4));
    report("missing file", utimensat(AT_FDCWD, missing, t, 0));
    report("bad dirfd", utimensat(99, "file", t, 0));
    report("empty path without flag", utimensat(AT_FDCWD, "", t, 0));
    t[0] = (struct timespec){0, UTIME_OMIT};
    t[1] = (struct timespec){0, UTIME_OMIT};
    report("both omitted, missing file", utimensat(AT_FDCWD, missing, t, 0));
    report("futimens bad fd", futimens(99, NULL));
    report("raw: NULL path with flags", (int)syscall(SYS_utimensat, dfd, NULL, NULL, AT_SYMLINK_NOFOLLOW));
    close(dfd);

    unlink(link);
    unlink(f);
    rmdir(dir);
    return 0;
}
