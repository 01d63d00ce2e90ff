/* epoll over several pipes and an eventfd: the struct layout, the order of
 * ready events (and how level-triggered items rotate when maxevents is
 * small), edge-triggered and one-shot items, 64-bit data and pointers
 * passed through, epoll_ctl errors, registrations that outlive a closed
 * duplicate, hang-ups, nested instances, timeouts and a wake-up from
 * another thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *err(void)
{
    switch (errno) {
    case 0: return "ok";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case ELOOP: return "ELOOP";
    default: return strerror(errno);
    }
}

static int ep;

/* Prints the tags (data.u64) of up to `max` events ready within `timeout` ms. */
static void show(const char *what, int max, int timeout)
{
    struct epoll_event ev[16];
    int n = epoll_wait(ep, ev, max, timeout);
    printf("%s: %d [", what, n);
    for (int i = 0; i < n; i++)
        printf("%s%llu:%#x", i ? " " : "", (unsigned long long)ev[i].data.u64, ev[i].events);
    printf("]\n");
}

static void add(int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
        printf("add %llu failed: %s\n", (unsigned long long)tag, err());
}

static void drain(int fd)
{
    char buf[256];
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    while (read(fd, buf, sizeof buf) > 0) {
    }
    fcntl(fd, F_SETFL, fl);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int wake_fd;

static void *waker(void *arg)
{
    (void)arg;
    usleep(30000);
    write(wake_fd, "w", 1);
    return NULL;
}

int main(void)
{
    printf("struct epoll_event: size %zu, data at %zu\n", sizeof(struct epoll_event), offsetof(struct epoll_event, data));
    ep = epoll_create1(EPOLL_CLOEXEC);
    printf("epoll_create1(EPOLL_CLOEXEC): FD_CLOEXEC=%d\n", (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);

    int a[2], b[2], c[2];
    pipe(a);
    pipe(b);
    pipe(c);
    int efd = eventfd(0, EFD_NONBLOCK);
    add(a[0], EPOLLIN, 1);
    add(b[0], EPOLLIN, 2);
    add(c[0], EPOLLIN, 3);
    add(efd, EPOLLIN, 4);
    show("nothing ready", 16, 0);

    /* Ready in the order the files became ready; level-triggered items stay and rotate. */
    write(c[1], "c", 1);
    write(a[1], "a", 1);
    uint64_t one = 1;
    write(efd, &one, 8);
    write(b[1], "b", 1);
    show("all four", 16, 0);
    show("again", 16, 0);
    show("two at a time", 2, 0);
    show("the next two", 2, 0);
    show("and round again", 2, 0);
    show("one", 1, 0);
    drain(a[0]);
    show("after draining pipe a", 16, 0);
    drain(b[0]);
    drain(c[0]);
    uint64_t v;
    read(efd, &v, 8);
    show("after draining everything", 16, 0);

    /* Edge-triggered: once per change, even while still readable. */
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 11};
    epoll_ctl(ep, EPOLL_CTL_MOD, a[0], &ev);
    write(a[1], "x", 1);
    show("edge-triggered after a write", 16, 0);
    show("edge-triggered, nothing new", 16, 0);
    write(a[1], "y", 1);
    show("edge-triggered after another write (unread data still there)", 16, 0);
    drain(a[0]);
    show("edge-triggered after draining", 16, 0);

    /* One-shot: reported once, then silent until re-armed with EPOLL_CTL_MOD. */
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 21;
    epoll_ctl(ep, EPOLL_CTL_MOD, b[0], &ev);
    write(b[1], "1", 1);
    show("one-shot", 16, 0);
    write(b[1], "2", 1);
    show("one-shot after firing", 16, 0);
    ev.data.u64 = 22;
    epoll_ctl(ep, EPOLL_CTL_MOD, b[0], &ev);
    show("one-shot re-armed", 16, 0);
    show("one-shot fired again", 16, 0);
    drain(b[0]);
    epoll_ctl(ep, EPOLL_CTL_DEL, b[0], NULL);

    /* Pointers pass through untouched. */
    static const char label[] = "the pointer came back";
    ev.events = EPOLLIN;
    ev.data.ptr = (void *)label;
    epoll_ctl(ep, EPOLL_CTL_MOD, c[0], &ev);
    write(c[1], "p", 1);
    struct epoll_event got;
    if (epoll_wait(ep, &got, 1, 0) == 1)
        printf("data.ptr: \"%s\"\n", (const char *)got.data.ptr);
    drain(c[0]);
    ev.data.u64 = 0xfedcba9876543210ull;
    epoll_ctl(ep, EPOLL_CTL_MOD, c[0], &ev);
    write(c[1], "q", 1);
    if (epoll_wait(ep, &got, 1, 0) == 1)
        printf("data.u64: %#llx\n", (unsigned long long)got.data.u64);
    drain(c[0]);

    /* epoll_ctl errors. */
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_ADD, c[0], &ev);
    printf("adding twice: %s\n", err());
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_MOD, b[0], &ev);
    printf("modifying one not added: %s\n", err());
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_DEL, b[0], NULL);
    printf("deleting one not added: %s\n", err());
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev);
    printf("adding a closed descriptor: %s\n", err());
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev);
    printf("adding the instance to itself: %s\n", err());
    errno = 0;
    epoll_ctl(a[0], EPOLL_CTL_ADD, c[0], &ev);
    printf("epoll_ctl on a pipe: %s\n", err());
    int file = open("io-epoll.tmp", O_CREAT | O_RDWR | O_TRUNC, 0600);
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev);
    printf("adding a regular file: %s\n", err());
    close(file);
    unlink("io-epoll.tmp");
    errno = 0;
    printf("epoll_wait with maxevents 0: %d %s\n", epoll_wait(ep, &got, 0, 0), err());

    /* A registration belongs to the open file: it survives closing one of two descriptors. */
    int efd2 = eventfd(0, EFD_NONBLOCK);
    add(efd2, EPOLLIN, 31);
    int dupd = dup(efd2);
    close(efd2);
    write(dupd, &one, 8);
    show("event of a file whose registered descriptor was closed", 16, 0);
    errno = 0;
    epoll_ctl(ep, EPOLL_CTL_DEL, efd2, NULL);
    printf("deleting through the closed descriptor: %s\n", err());
    close(dupd);
    show("after closing the last descriptor", 16, 0);

    /* Hang-ups. */
    int h[2];
    pipe(h);
    add(h[0], EPOLLIN, 41);
    add(h[1], EPOLLOUT, 42);
    show("fresh pipe (write end writable)", 16, 0);
    close(h[1]);
    show("write end closed", 16, 0);
    close(h[0]);
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    add(s[0], EPOLLIN | EPOLLRDHUP, 43);
    shutdown(s[1], SHUT_WR);
    show("peer shut down writing (EPOLLRDHUP)", 16, 0);
    close(s[1]);
    show("peer closed", 16, 0);
    epoll_ctl(ep, EPOLL_CTL_DEL, s[0], NULL);
    close(s[0]);

    /* Nested instances; a loop is refused. */
    int inner = epoll_create1(0);
    int n[2];
    pipe(n);
    struct epoll_event iev = {.events = EPOLLIN, .data.u64 = 51};
    epoll_ctl(inner, EPOLL_CTL_ADD, n[0], &iev);
    add(inner, EPOLLIN, 52);
    show("inner instance idle", 16, 0);
    write(n[1], "n", 1);
    show("inner instance has an event", 16, 0);
    iev.data.u64 = 53;
    errno = 0;
    epoll_ctl(inner, EPOLL_CTL_ADD, ep, &iev);
    printf("making a loop: %s\n", err());
    struct epoll_event inner_ev;
    printf("inner reports: %d (tag %llu)\n", epoll_wait(inner, &inner_ev, 1, 0), (unsigned long long)inner_ev.data.u64);
    epoll_ctl(ep, EPOLL_CTL_DEL, inner, NULL);
    close(inner);
    close(n[0]);
    close(n[1]);

    /* Timeouts and a wake-up from another thread. */
    double t0 = now_ms();
    struct epoll_event w;
    int r = epoll_wait(ep, &w, 1, 50);
    printf("timeout of 50 ms: %d after at least 45 ms: %d\n", r, now_ms() - t0 >= 45);
    int wp[2];
    pipe(wp);
    wake_fd = wp[1];
    add(wp[0], EPOLLIN, 61);
    pthread_t t;
    pthread_create(&t, NULL, waker, NULL);
    r = epoll_wait(ep, &w, 1, -1);
    printf("woken by another thread: %d tag %llu\n", r, (unsigned long long)w.data.u64);
    pthread_join(t, NULL);
    close(ep);
    return 0;
}
