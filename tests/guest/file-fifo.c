/* FIFOs: mkfifo/mknod (the node, its mode, EEXIST/ENOENT/ENOTDIR, other node
 * types), non-blocking opens (ENXIO for a writer without a reader), data
 * through a FIFO, blocking opens that wait for the other end in another
 * thread, a forked writer, a write larger than the FIFO holds while another
 * thread reads, and EAGAIN when a non-blocking writer fills it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char fifo[64];

static void report(const char *what, int r)
{
    printf("%s: %s\n", what, r >= 0 ? "ok" : strerrorname_np(errno));
}

static void *writer_thread(void *arg)
{
    (void)arg;
    int fd = open(fifo, O_WRONLY); /* waits for the reader */
    if (fd < 0)
        return NULL;
    for (int i = 0; i < 3; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "line %d from thread\n", i);
        write(fd, line, n);
    }
    close(fd);
    return NULL;
}

#define BIG 300000

static void *slow_reader(void *arg)
{
    (void)arg;
    int fd = open(fifo, O_RDONLY);
    static unsigned char buf[7000];
    unsigned long sum = 0, total = 0;
    ssize_t n;
    usleep(20000); /* let the writer fill the FIFO first */
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            sum = sum * 31 + buf[i];
        total += n;
    }
    printf("reader thread: %lu bytes, checksum %lu\n", total, sum);
    close(fd);
    return NULL;
}

static void read_all(int fd, const char *who)
{
    char buf[256];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += n;
    buf[got] = 0;
    printf("%s read %zu bytes, then %s:\n%s", who, got, n == 0 ? "end of file" : strerrorname_np(errno), buf);
}

int main(void)
{
    umask(022);
    char dir[] = "/tmp/tv-fifo-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    char path[80];

    report("mkfifo", mkfifo(fifo, 0666));
    struct stat st;
    lstat(fifo, &st);
    printf("is fifo %d, mode %o, size %ld\n", S_ISFIFO(st.st_mode), (unsigned)(st.st_mode & 07777), (long)st.st_size);
    report("mkfifo again", mkfifo(fifo, 0666));
    snprintf(path, sizeof path, "%s/no/such", dir);
    report("mkfifo in missing dir", mkfifo(path, 0666));
    snprintf(path, sizeof path, "%s/fifo/under", dir);
    report("mkfifo under a fifo", mkfifo(path, 0666));
    snprintf(path, sizeof path, "%s/f2", dir);
    report("mknod S_IFIFO 0600", mknod(path, S_IFIFO | 0600, 0));
    lstat(path, &st);
    printf("is fifo %d, mode %o\n", S_ISFIFO(st.st_mode), (unsigned)(st.st_mode & 07777));
    unlink(path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    report("mkfifoat relative", mkfifoat(dfd, "f3", 0640));
    snprintf(path, sizeof path, "%s/f3", dir);
    lstat(path, &st);
    printf("is fifo %d, mode %o\n", S_ISFIFO(st.st_mode), (unsigned)(st.st_mode & 07777));
    unlink(path);
    report("mknodat regular", mknodat(dfd, "reg", S_IFREG | 0644, 0));
    snprintf(path, sizeof path, "%s/reg", dir);
    lstat(path, &st);
    printf("is regular %d, mode %o, size %ld\n", S_ISREG(st.st_mode), (unsigned)(st.st_mode & 07777), (long)st.st_size);
    unlink(path);
    report("mknodat type 0", mknodat(dfd, "zero", 0644, 0));
    snprintf(path, sizeof path, "%s/zero", dir);
    lstat(path, &st);
    printf("is regular %d\n", S_ISREG(st.st_mode));
    unlink(path);
    report("mknodat directory", mknodat(dfd, "d", S_IFDIR | 0755, 0));
    report("mknodat bad type", mknodat(dfd, "x", 0170000 | 0644, 0));
    report("mknodat bad dirfd", mknodat(99, "x", S_IFIFO | 0644, 0));
    close(dfd);

    /* Non-blocking opens. */
    report("open O_WRONLY|O_NONBLOCK, no reader", open(fifo, O_WRONLY | O_NONBLOCK));
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    report("open O_RDONLY|O_NONBLOCK", r);
    char c;
    ssize_t n = read(r, &c, 1);
    printf("read with no writer: %zd\n", n);
    int w = open(fifo, O_WRONLY | O_NONBLOCK);
    report("open O_WRONLY|O_NONBLOCK with a reader", w);
    fstat(w, &st);
    printf("fstat: is fifo %d\n", S_ISFIFO(st.st_mode));
    printf("write: %zd\n", write(w, "through the fifo\n", 17));
    char buf[64] = {0};
    usleep(20000);
    n = read(r, buf, sizeof buf - 1);
    printf("read %zd: %s", n, buf);
    n = read(r, buf, sizeof buf);
    printf("read again: %zd %s\n", n, n < 0 ? strerrorname_np(errno) : "");
    close(w);
    usleep(20000);
    n = read(r, buf, sizeof buf);
    printf("read after writer closed: %zd\n", n);
    close(r);

    /* A blocking open waits for the other end, opened by another thread. */
    pthread_t th;
    pthread_create(&th, NULL, writer_thread, NULL);
    r = open(fifo, O_RDONLY);
    report("blocking open for reading", r);
    read_all(r, "main");
    close(r);
    pthread_join(th, NULL);

    /* The same across fork: the parent opens for writing, the child reads. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(fifo, O_RDONLY);
        read_all(fd, "child");
        fflush(stdout);
        _exit(fd < 0);
    }
    w = open(fifo, O_WRONLY);
    report("blocking open for writing", w);
    fflush(stdout);
    write(w, "from the parent\n", 16);
    close(w);
    int status;
    waitpid(pid, &status, 0);
    printf("child exited %d\n", WEXITSTATUS(status));

    /* One write larger than the FIFO holds, drained by another thread. */
    pthread_create(&th, NULL, slow_reader, NULL);
    w = open(fifo, O_WRONLY);
    static unsigned char big[BIG];
    for (int i = 0; i < BIG; i++)
        big[i] = (unsigned char)(i * 7 + i / 1000);
    printf("big write: %zd\n", write(w, big, BIG));
    close(w);
    pthread_join(th, NULL);
    unsigned long sum = 0;
    for (int i = 0; i < BIG; i++)
        sum = sum * 31 + big[i];
    printf("expected checksum %lu\n", sum);

    /* A non-blocking writer fills the FIFO, then gets EAGAIN. */
    r = open(fifo, O_RDONLY | O_NONBLOCK);
    w = open(fifo, O_WRONLY | O_NONBLOCK);
    long total = 0;
    ssize_t k;
    while ((k = write(w, big, 1000)) > 0)
        total += k;
    printf("non-blocking writer filled %ld bytes, then %s\n", total, strerrorname_np(errno));
    close(w);
    close(r);

    unlink(fifo);
    rmdir(dir);
    return 0;
}
