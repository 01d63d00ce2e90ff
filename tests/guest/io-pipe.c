/* Pipes inside one process: data in order, end of file once every write end
 * is closed, O_NONBLOCK and EAGAIN, the exact capacity (pages merged as
 * Linux merges them), PIPE_BUF atomicity, F_GETPIPE_SZ/F_SETPIPE_SZ,
 * FIONREAD, poll bits of both ends, and fcntl flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *err(void)
{
    switch (errno) {
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    default: return strerror(errno);
    }
}

static int revents(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, 0);
    return n < 0 ? -1 : p.revents;
}

/* Writes `chunk`-byte pieces until EAGAIN; returns the bytes that went in. */
static long fill(int fd, size_t chunk)
{
    static char buf[70000];
    memset(buf, 'f', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, buf, chunk);
        if (n < 0)
            break;
        total += n;
    }
    return total;
}

static void drain(int fd)
{
    char buf[8192];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

int main(void)
{
    int p[2];
    if (pipe(p) != 0) {
        perror("pipe");
        return 1;
    }
    printf("pipe: fds %d and %d; read end mode RDONLY=%d, write end WRONLY=%d\n", p[0] > 2, p[1] > p[0],
           (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY, (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);

    struct stat rst, wst;
    fstat(p[0], &rst);
    fstat(p[1], &wst);
    printf("fstat: FIFO %d %d, one inode for both ends %d, size %lld, mode %o\n", S_ISFIFO(rst.st_mode), S_ISFIFO(wst.st_mode),
           rst.st_ino == wst.st_ino, (long long)rst.st_size, rst.st_mode & 0777);

    /* In order, partial reads, and reads that span several writes. */
    write(p[1], "first ", 6);
    write(p[1], "second ", 7);
    write(p[1], "third", 5);
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD after three writes: %d\n", avail);
    char buf[64];
    ssize_t n = read(p[0], buf, 4);
    printf("read 4: %zd \"%.*s\"\n", n, (int)n, buf);
    n = read(p[0], buf, sizeof buf);
    printf("read rest: %zd \"%.*s\"\n", n, (int)n, buf);
    printf("zero-length read: %zd, zero-length write: %zd\n", read(p[0], buf, 0), write(p[1], buf, 0));

    /* Wrong directions. */
    errno = 0;
    n = write(p[0], "x", 1);
    printf("write to the read end: %zd %s\n", n, err());
    errno = 0;
    n = read(p[1], buf, 1);
    printf("read from the write end: %zd %s\n", n, err());

    /* Poll bits: empty, then readable. */
    printf("empty: read end revents=%#x, write end revents=%#x\n", revents(p[0], POLLIN | POLLOUT), revents(p[1], POLLIN | POLLOUT));
    write(p[1], "z", 1);
    printf("one byte: read end revents=%#x (POLLRDNORM asked: %#x)\n", revents(p[0], POLLIN), revents(p[0], POLLRDNORM));
    read(p[0], buf, 1);

    /* Non-blocking mode through fcntl. */
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
    errno = 0;
    n = read(p[0], buf, sizeof buf);
    printf("non-blocking empty read: %zd %s\n", n, err());

    /* Capacity: 16 pages. Page-sized writes fill them exactly; smaller ones share pages. */
    printf("F_GETPIPE_SZ: %d\n", fcntl(p[1], F_GETPIPE_SZ));
    printf("capacity with 4096-byte writes: %ld\n", fill(p[1], 4096));
    printf("full: write end revents=%#x, read end revents=%#x\n", revents(p[1], POLLOUT), revents(p[0], POLLIN));
    ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD when full: %d\n", avail);
    errno = 0;
    n = write(p[1], "x", 1);
    printf("one more byte: %zd %s\n", n, err());
    drain(p[0]);
    printf("capacity with 1000-byte writes: %ld\n", fill(p[1], 1000));
    drain(p[0]);
    printf("capacity with 100-byte writes: %ld\n", fill(p[1], 100));
    drain(p[0]);
    printf("capacity with 5000-byte writes: %ld\n", fill(p[1], 5000));
    drain(p[0]);
    /* Larger than PIPE_BUF: a non-blocking write takes what fits. */
    static char big[100000];
    n = write(p[1], big, sizeof big);
    printf("non-blocking 100000-byte write: %zd\n", n);
    drain(p[0]);
    /* Up to PIPE_BUF: all or nothing. A partly read page still holds its slot. */
    fill(p[1], 4096);
    read(p[0], big, 4000);
    errno = 0;
    n = write(p[1], big, 4096);
    printf("4096-byte write after reading 4000 bytes of a full pipe: %zd %s\n", n, err());
    n = write(p[1], big, 100);
    printf("100-byte write then: %zd %s\n", n, err());
    read(p[0], big, 96);
    n = write(p[1], big, 4096);
    printf("4096-byte write once the first page is empty: %zd\n", n);
    drain(p[0]);

    /* Resizing. */
    printf("F_SETPIPE_SZ 1: %d\n", fcntl(p[1], F_SETPIPE_SZ, 1));
    printf("F_SETPIPE_SZ 100000: %d\n", fcntl(p[1], F_SETPIPE_SZ, 100000));
    printf("capacity after resize: %ld\n", fill(p[1], 4096));
    errno = 0;
    int r = fcntl(p[1], F_SETPIPE_SZ, 4096);
    printf("shrinking below the data held: %d %s\n", r, err());
    drain(p[0]);
    printf("F_SETPIPE_SZ 4096 when empty: %d\n", fcntl(p[1], F_SETPIPE_SZ, 4096));
    printf("capacity of one page with 1-byte writes: %ld\n", fill(p[1], 1));
    drain(p[0]);
    errno = 0;
    printf("F_GETPIPE_SZ on a non-pipe: %d %s\n", fcntl(1, F_GETPIPE_SZ), err());

    /* End of file once every write end is closed (dup keeps it open). */
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) & ~O_NONBLOCK);
    int copy = dup(p[1]);
    write(copy, "tail", 4);
    close(p[1]);
    printf("after closing one of two write ends: read end revents=%#x\n", revents(p[0], POLLIN));
    n = read(p[0], buf, sizeof buf);
    printf("read: %zd \"%.*s\"\n", n, (int)n, buf);
    close(copy);
    printf("after closing the last: read end revents=%#x\n", revents(p[0], POLLIN));
    printf("read at end of file: %zd, again: %zd\n", read(p[0], buf, sizeof buf), read(p[0], buf, sizeof buf));
    close(p[0]);

    /* The write end once the reader is gone. */
    pipe2(p, O_NONBLOCK | O_CLOEXEC);
    printf("pipe2 flags: NONBLOCK=%d CLOEXEC=%d (write end %d %d)\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0, (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(p[1], F_GETFD) & FD_CLOEXEC) != 0);
    close(p[0]);
    printf("no reader: write end revents=%#x\n", revents(p[1], POLLOUT));
    close(p[1]);

    /* Closed descriptors. */
    errno = 0;
    printf("poll on a closed descriptor: revents=%#x\n", revents(p[0], POLLIN));

    /* Packet mode: each write is a packet, each read takes one, and what does not fit is dropped. */
    if (pipe2(p, O_DIRECT) == 0) {
        write(p[1], "one", 3);
        write(p[1], "two!", 4);
        write(p[1], "three", 5);
        n = read(p[0], buf, sizeof buf);
        printf("packet 1: %zd \"%.*s\"\n", n, (int)n, buf);
        n = read(p[0], buf, 2);
        printf("packet 2 into 2 bytes: %zd \"%.*s\"\n", n, (int)n, buf);
        n = read(p[0], buf, sizeof buf);
        printf("packet 3: %zd \"%.*s\"\n", n, (int)n, buf);
        fcntl(p[0], F_SETFL, O_NONBLOCK | O_DIRECT);
        fcntl(p[1], F_SETFL, O_NONBLOCK | O_DIRECT);
        printf("capacity in packet mode with 1-byte writes: %ld\n", fill(p[1], 1));
        drain(p[0]);
        fcntl(p[1], F_SETFL, O_NONBLOCK); /* F_SETFL clears O_DIRECT too */
        printf("capacity once O_DIRECT is cleared: %ld\n", fill(p[1], 1));
        close(p[0]);
        close(p[1]);
    }
    fflush(stdout);
    return 0;
}
