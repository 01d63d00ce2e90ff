/* memfd_create (read/write/lseek/ftruncate/fstat/mmap of an anonymous file,
 * MFD_CLOEXEC, bad flags and names) and fallocate (mode 0 extends,
 * KEEP_SIZE keeps the size, PUNCH_HOLE and ZERO_RANGE zero bytes, and the
 * errors for bad arguments, read-only files and pipes). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, r);
}

static long size_of(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    return (long)st.st_size;
}

static void memfd(void)
{
    int fd = memfd_create("scratch", 0);
    printf("memfd_create: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
    struct stat st;
    fstat(fd, &st);
    printf("regular file: %d, mode %o, size %ld, links %ld\n", S_ISREG(st.st_mode), (unsigned)(st.st_mode & 07777),
           (long)st.st_size, (long)st.st_nlink);
    printf("fd flags: cloexec %d, access rdwr %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC,
           (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    report("write", write(fd, "hello, memfd", 12));
    report("lseek SET 7", lseek(fd, 7, SEEK_SET));
    char buf[32] = {0};
    report("read", read(fd, buf, sizeof buf - 1));
    printf("read back: \"%s\"\n", buf);
    report("lseek END", lseek(fd, 0, SEEK_END));
    report("pread at 0", pread(fd, buf, 5, 0));
    printf("pread: \"%.5s\"\n", buf);
    report("ftruncate 8192", ftruncate(fd, 8192));
    printf("size %ld\n", size_of(fd));
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("mmap: %s\n", m == MAP_FAILED ? strerrorname_np(errno) : "ok");
    printf("mapped: \"%.12s\", zero tail %d\n", m, m[4096] == 0 && m[8191] == 0);
    memcpy(m + 4096, "through map", 11);
    msync(m, 8192, MS_SYNC);
    memset(buf, 0, sizeof buf);
    report("pread at 4096", pread(fd, buf, 11, 4096));
    printf("seen by read: \"%s\"\n", buf);
    report("pwrite at 0", pwrite(fd, "HELLO", 5, 0));
    printf("seen by map: \"%.12s\"\n", m);
    munmap(m, 8192);
    report("ftruncate 3", ftruncate(fd, 3));
    report("lseek END", lseek(fd, 0, SEEK_END));
    close(fd);

    int c = memfd_create("closing", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    printf("MFD_CLOEXEC: cloexec %d\n", fcntl(c, F_GETFD) & FD_CLOEXEC);
    close(c);
    report("memfd_create bad flags", memfd_create("x", 0x1000));
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    report("memfd_create name of 299", memfd_create(longname, 0));
    longname[249] = 0;
    int ok = memfd_create(longname, 0);
    printf("memfd_create name of 249: %s\n", ok >= 0 ? "ok" : strerrorname_np(errno));
    close(ok);
    report("memfd_create bad pointer", memfd_create((const char *)8, 0));
}

static void fallocation(void)
{
    char dir[] = "/tmp/tv-falloc-XXXXXX";
    if (!mkdtemp(dir))
        return;
    char path[64];
    snprintf(path, sizeof path, "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    report("write 10", write(fd, "0123456789", 10));
    report("fallocate 0..100", fallocate(fd, 0, 0, 100));
    printf("size %ld\n", size_of(fd));
    report("fallocate inside", fallocate(fd, 0, 10, 20));
    printf("size %ld\n", size_of(fd));
    report("fallocate KEEP_SIZE 0..4096", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4096));
    printf("size %ld\n", size_of(fd));
    report("fallocate PUNCH_HOLE 2..4", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 2));
    char buf[16] = {0};
    pread(fd, buf, 10, 0);
    for (int i = 0; i < 10; i++)
        putchar(buf[i] ? buf[i] : '.');
    putchar('\n');
    printf("size %ld\n", size_of(fd));
    report("PUNCH_HOLE without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1));
    report("fallocate len 0", fallocate(fd, 0, 0, 0));
    report("fallocate offset -1", fallocate(fd, 0, -1, 10));
    report("fallocate unknown mode", fallocate(fd, 0x1000, 0, 10));
    report("fallocate too far", fallocate(fd, 0, LONG_MAX - 10, 100));
    report("fallocate bad fd", fallocate(99, 0, 0, 10));
    close(fd);
    int ro = open(path, O_RDONLY);
    report("fallocate read-only", fallocate(ro, 0, 0, 10));
    close(ro);
    int ap = open(path, O_WRONLY | O_APPEND);
    report("fallocate append", fallocate(ap, 0, 0, 200));
    printf("size %ld\n", size_of(ap));
    report("PUNCH_HOLE append", fallocate(ap, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1));
    close(ap);
    int p[2];
    pipe(p);
    report("fallocate pipe", fallocate(p[1], 0, 0, 10));
    close(p[0]);
    close(p[1]);
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    report("fallocate directory", fallocate(d, 0, 0, 10));
    close(d);
    int m = memfd_create("falloc", 0);
    report("fallocate memfd", fallocate(m, 0, 0, 5000));
    printf("memfd size %ld\n", size_of(m));
    close(m);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    memfd();
    fallocation();
    return 0;
}
