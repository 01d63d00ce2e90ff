/* select, pselect, poll and ppoll on pipes: immediate answers with a zero
 * timeout, waits that time out (and how much of select's timeout is left),
 * waits ended by another thread, the three fd_sets, POLLNVAL, negative
 * descriptors, POLLHUP and POLLERR, and EBADF from select. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int late_fd;

static void *late_write(void *arg)
{
    (void)arg;
    usleep(30000);
    write(late_fd, "!", 1);
    return NULL;
}

int main(void)
{
    int p[2], q[2];
    pipe(p);
    pipe(q);
    fd_set rd, wr;
    struct timeval tv;

    /* Zero timeout: an immediate answer. */
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    FD_SET(q[0], &rd);
    tv = (struct timeval){0, 0};
    printf("select, nothing to read: %d\n", select(q[0] + 1, &rd, NULL, NULL, &tv));
    write(q[1], "q", 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    FD_SET(q[0], &rd);
    FD_ZERO(&wr);
    FD_SET(p[1], &wr);
    FD_SET(q[1], &wr);
    tv = (struct timeval){0, 0};
    int n = select(q[1] + 1, &rd, &wr, NULL, &tv);
    printf("select, q readable, both writable: %d (p=%d q=%d pw=%d qw=%d)\n", n, FD_ISSET(p[0], &rd), FD_ISSET(q[0], &rd),
           FD_ISSET(p[1], &wr), FD_ISSET(q[1], &wr));

    /* A timeout that expires: select leaves the time not spent (none) in the timeval. */
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv = (struct timeval){0, 50000};
    double t0 = now_ms();
    n = select(p[0] + 1, &rd, NULL, NULL, &tv);
    printf("select with a 50 ms timeout: %d after at least 45 ms: %d, set cleared: %d, timeval left: %ld.%06ld\n", n,
           now_ms() - t0 >= 45, !FD_ISSET(p[0], &rd), (long)tv.tv_sec, (long)tv.tv_usec);

    /* A wait ended by another thread: most of a long timeout is left. */
    late_fd = p[1];
    pthread_t t;
    pthread_create(&t, NULL, late_write, NULL);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv = (struct timeval){5, 0};
    n = select(p[0] + 1, &rd, NULL, NULL, &tv);
    pthread_join(t, NULL);
    printf("select woken by a write: %d isset=%d, more than 4 s left: %d\n", n, FD_ISSET(p[0], &rd), tv.tv_sec >= 4);
    char c;
    read(p[0], &c, 1);

    /* pselect: a timespec that is not modified, and a signal mask. */
    sigset_t mask;
    sigemptyset(&mask);
    struct timespec ts = {0, 20 * 1000 * 1000};
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    t0 = now_ms();
    n = pselect(p[0] + 1, &rd, NULL, NULL, &ts, &mask);
    printf("pselect with a 20 ms timeout: %d after at least 15 ms: %d, timespec kept: %ld\n", n, now_ms() - t0 >= 15, ts.tv_nsec);
    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    n = pselect(q[0] + 1, &rd, NULL, NULL, NULL, NULL);
    printf("pselect without a timeout on a readable pipe: %d\n", n);

    /* A closed descriptor in a set. */
    int closed = dup(p[0]);
    close(closed);
    FD_ZERO(&rd);
    FD_SET(closed, &rd);
    tv = (struct timeval){0, 0};
    errno = 0;
    n = select(closed + 1, &rd, NULL, NULL, &tv);
    printf("select on a closed descriptor: %d EBADF=%d\n", n, errno == EBADF);
    tv = (struct timeval){0, 10000};
    printf("select with no descriptors sleeps: %d\n", select(0, NULL, NULL, NULL, &tv));

    /* poll: several descriptors, POLLNVAL, negative descriptors ignored. */
    struct pollfd fds[4] = {
        {.fd = p[0], .events = POLLIN},
        {.fd = q[0], .events = POLLIN | POLLPRI},
        {.fd = -1, .events = POLLIN},
        {.fd = closed, .events = POLLIN},
    };
    n = poll(fds, 4, 0);
    printf("poll: %d revents %#x %#x %#x %#x\n", n, fds[0].revents, fds[1].revents, fds[2].revents, fds[3].revents);
    t0 = now_ms();
    n = poll(fds, 1, 40);
    printf("poll with a 40 ms timeout: %d after at least 35 ms: %d\n", n, now_ms() - t0 >= 35);
    pthread_create(&t, NULL, late_write, NULL);
    n = poll(fds, 1, -1);
    pthread_join(t, NULL);
    printf("poll without a timeout woken by a write: %d revents %#x\n", n, fds[0].revents);
    read(p[0], &c, 1);

    /* ppoll with a timespec. */
    ts = (struct timespec){0, 20 * 1000 * 1000};
    t0 = now_ms();
    n = ppoll(fds, 1, &ts, NULL);
    printf("ppoll with a 20 ms timeout: %d after at least 15 ms: %d\n", n, now_ms() - t0 >= 15);

    /* Hang-up and error. */
    close(q[1]);
    struct pollfd h = {.fd = q[0], .events = POLLIN};
    n = poll(&h, 1, 0);
    printf("write end closed, data left: %d revents %#x\n", n, h.revents);
    read(q[0], &c, 1);
    n = poll(&h, 1, 0);
    printf("write end closed, drained: %d revents %#x\n", n, h.revents);
    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    tv = (struct timeval){0, 0};
    printf("select counts the hang-up as readable: %d\n", select(q[0] + 1, &rd, NULL, NULL, &tv));
    close(p[0]);
    struct pollfd e = {.fd = p[1], .events = POLLOUT};
    n = poll(&e, 1, 0);
    printf("read end closed: %d revents %#x\n", n, e.revents);
    e.events = 0;
    n = poll(&e, 1, 0);
    printf("read end closed, no events asked: %d revents %#x\n", n, e.revents);
    return 0;
}
