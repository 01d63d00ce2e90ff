/* Pipes within one process: pipe2 flags, non-blocking EAGAIN, poll readiness
 * and hang-up, select, filling a pipe to capacity, and a writer thread moving
 * a megabyte through a blocking pipe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static int poll_in(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, 0);
    return n == 1 ? p.revents : n;
}

static void *writer(void *arg)
{
    int fd = *(int *)arg;
    unsigned char block[1000];
    for (int i = 0; i < 1000; i++) {
        for (int j = 0; j < 1000; j++)
            block[j] = (unsigned char)(i * 7 + j);
        size_t off = 0;
        while (off < sizeof block) {
            ssize_t n = write(fd, block + off, sizeof block - off);
            if (n <= 0)
                return NULL;
            off += (size_t)n;
        }
    }
    close(fd);
    return NULL;
}

int main(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("pipe2");
        return 1;
    }
    printf("read end: O_NONBLOCK=%d FD_CLOEXEC=%d; write end O_WRONLY=%d\n", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) != 0, (fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY);

    char buf[128];
    errno = 0;
    ssize_t n = read(fds[0], buf, sizeof buf);
    int eagain = errno == EAGAIN;
    printf("empty read: %zd errno=EAGAIN:%d poll revents=%d\n", n, eagain, poll_in(fds[0]));
    printf("write: %zd\n", write(fds[1], "hello pipe", 10));
    printf("poll after write: POLLIN=%d\n", (poll_in(fds[0]) & POLLIN) != 0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    struct timeval zero = {0, 0};
    printf("select: %d ready, isset=%d\n", select(fds[0] + 1, &rd, NULL, NULL, &zero), FD_ISSET(fds[0], &rd) != 0);
    n = read(fds[0], buf, 5);
    printf("partial read: %zd \"%.5s\"\n", n, buf);
    n = read(fds[0], buf, sizeof buf);
    printf("rest: %zd \"%.*s\"\n", n, (int)n, buf);

    long capacity = 0;
    char chunk[4096];
    memset(chunk, 'p', sizeof chunk);
    for (;;) {
        n = write(fds[1], chunk, sizeof chunk);
        if (n < 0)
            break;
        capacity += n;
    }
    printf("filled the pipe until EAGAIN=%d; capacity at least 4096=%d\n", errno == EAGAIN, capacity >= 4096);
    struct pollfd wp = {.fd = fds[1], .events = POLLOUT};
    printf("full pipe POLLOUT=%d\n", poll(&wp, 1, 0) == 1 && (wp.revents & POLLOUT));
    long drained = 0;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
        drained += n;
    printf("drained everything written=%d\n", drained == capacity);

    close(fds[1]);
    int rev = poll_in(fds[0]);
    printf("after closing the write end: POLLHUP=%d read=%zd\n", (rev & POLLHUP) != 0, read(fds[0], buf, 1));
    close(fds[0]);

    if (pipe(fds) != 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, writer, &fds[1]);
    uint32_t sum = 0;
    long total = 0;
    unsigned char big[777];
    while ((n = read(fds[0], big, sizeof big)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            sum = sum * 31 + big[i];
        total += n;
    }
    pthread_join(t, NULL);
    close(fds[0]);
    printf("threaded transfer: %ld bytes, checksum %08x\n", total, sum);

    if (pipe(fds) != 0)
        return 1;
    int copy = dup2(fds[1], 50);
    write(copy, "via dup2", 8);
    close(copy);
    close(fds[1]);
    n = read(fds[0], buf, sizeof buf);
    printf("dup2 to fd 50: got \"%.*s\", then EOF=%d\n", (int)n, buf, read(fds[0], buf, 1) == 0);
    close(fds[0]);
    return 0;
}
