/* eventfd: the counter (writes add, a read takes everything), semaphore
 * mode (a read takes one), EFD_NONBLOCK and EAGAIN, the limits of the
 * counter, short buffers, poll bits, and threads blocked in read and write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static const char *err(void)
{
    switch (errno) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case EINVAL: return "EINVAL";
    default: return strerror(errno);
    }
}

static int revents(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static ssize_t put(int fd, uint64_t v)
{
    errno = 0;
    return write(fd, &v, sizeof v);
}

static ssize_t take(int fd, uint64_t *v)
{
    errno = 0;
    *v = 0;
    return read(fd, v, sizeof *v);
}

static int sem;
static int taken_by[4];

static void *semaphore_taker(void *arg)
{
    long id = (long)arg;
    uint64_t v;
    for (int i = 0; i < 10; i++) {
        if (read(sem, &v, sizeof v) != 8 || v != 1)
            return NULL;
        taken_by[id]++;
    }
    return NULL;
}

static int counter;

static void *late_writer(void *arg)
{
    (void)arg;
    usleep(20000);
    uint64_t v = 7;
    write(counter, &v, sizeof v);
    return NULL;
}

static void *late_reader(void *arg)
{
    (void)arg;
    usleep(20000);
    uint64_t v;
    read(counter, &v, sizeof v);
    return NULL;
}

int main(void)
{
    uint64_t v;
    int fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
    printf("eventfd(3): O_NONBLOCK=%d FD_CLOEXEC=%d O_RDWR=%d revents=%#x\n", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, revents(fd));
    printf("write 4: %zd; ", put(fd, 4));
    printf("write 10: %zd\n", put(fd, 10));
    ssize_t n = take(fd, &v);
    printf("read: %zd value %llu\n", n, (unsigned long long)v);
    n = take(fd, &v);
    printf("read again: %zd %s, revents=%#x\n", n, err(), revents(fd));

    errno = 0;
    char small[4];
    printf("read into 4 bytes: %zd %s\n", read(fd, small, sizeof small), err());
    errno = 0;
    printf("write of 4 bytes: %zd %s\n", write(fd, small, sizeof small), err());
    printf("write of UINT64_MAX: %zd %s\n", put(fd, UINT64_MAX), err());
    printf("write of UINT64_MAX-1: %zd %s, revents=%#x\n", put(fd, UINT64_MAX - 1), err(), revents(fd));
    printf("write of 1 more: %zd %s\n", put(fd, 1), err());
    printf("write of 0: %zd %s\n", put(fd, 0), err());
    n = take(fd, &v);
    printf("read: %zd value %#llx\n", n, (unsigned long long)v);
    close(fd);

    /* Semaphore mode. */
    fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    for (int i = 0; i < 4; i++) {
        n = take(fd, &v);
        printf("semaphore read %d: %zd value %llu %s\n", i, n, (unsigned long long)v, err());
    }
    put(fd, 2);
    n = take(fd, &v);
    printf("after adding 2: value %llu, revents=%#x\n", (unsigned long long)v, revents(fd));
    close(fd);

    /* Four threads take ten units each from a blocking semaphore. */
    sem = eventfd(0, EFD_SEMAPHORE);
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, semaphore_taker, (void *)i);
    for (int i = 0; i < 40; i++)
        put(sem, 1);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("semaphore units taken: %d %d %d %d\n", taken_by[0], taken_by[1], taken_by[2], taken_by[3]);
    printf("left over: %zd %s\n", (fcntl(sem, F_SETFL, O_NONBLOCK), take(sem, &v)), err());
    close(sem);

    /* A blocking read waits for a writer; a blocking write waits for room. */
    counter = eventfd(0, 0);
    pthread_t w;
    pthread_create(&w, NULL, late_writer, NULL);
    n = read(counter, &v, sizeof v);
    pthread_join(w, NULL);
    printf("blocked read got: %zd value %llu\n", n, (unsigned long long)v);
    put(counter, UINT64_MAX - 1);
    pthread_create(&w, NULL, late_reader, NULL);
    n = put(counter, 5);
    pthread_join(w, NULL);
    take(counter, &v);
    printf("blocked write went in: %zd, counter then %llu\n", n, (unsigned long long)v);
    close(counter);

    errno = 0;
    printf("eventfd with a bad flag: %d %s\n", eventfd(0, 0x10), err());
    return 0;
}
