/* Event loops: epoll over a pipe, an eventfd and a timerfd; edge vs level
 * triggering; eventfd counter semantics; a thread waking the loop. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int efd;

static void *waker(void *arg)
{
    (void)arg;
    usleep(20000);
    uint64_t one = 1;
    write(efd, &one, sizeof one);
    return NULL;
}

static int wait_once(int ep, int timeout_ms, uint64_t *tag)
{
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, timeout_ms);
    if (n == 1 && tag)
        *tag = ev.data.u64;
    return n;
}

int main(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int p[2];
    pipe(p);
    efd = eventfd(0, EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 100};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    ev.data.u64 = 200;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);

    uint64_t tag = 0;
    printf("nothing ready: %d\n", wait_once(ep, 0, NULL));
    write(p[1], "ab", 2);
    int n = wait_once(ep, 0, &tag);
    printf("pipe ready: n=%d tag=%llu\n", n, (unsigned long long)tag);
    n = wait_once(ep, 0, &tag);
    printf("level-triggered reports it again: n=%d\n", n);
    char buf[8];
    read(p[0], buf, sizeof buf);

    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 101;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    write(p[1], "c", 1);
    int first = wait_once(ep, 0, &tag);
    int second = wait_once(ep, 0, NULL);
    printf("edge-triggered: first=%d (tag %llu) second=%d\n", first, (unsigned long long)tag, second);
    read(p[0], buf, sizeof buf);

    uint64_t add = 5, value = 0;
    write(efd, &add, sizeof add);
    write(efd, &add, sizeof add);
    n = wait_once(ep, 0, &tag);
    read(efd, &value, sizeof value);
    printf("eventfd: n=%d tag=%llu counter=%llu\n", n, (unsigned long long)tag, (unsigned long long)value);
    errno = 0;
    ssize_t drained = read(efd, &value, sizeof value);
    printf("eventfd drained: read=%zd EAGAIN=%d\n", drained, errno == EAGAIN);

    pthread_t t;
    pthread_create(&t, NULL, waker, NULL);
    n = wait_once(ep, 5000, &tag);
    printf("woken by another thread: n=%d tag=%llu\n", n, (unsigned long long)tag);
    pthread_join(t, NULL);
    read(efd, &value, sizeof value);

    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {.it_value = {0, 10 * 1000 * 1000}, .it_interval = {0, 10 * 1000 * 1000}};
    timerfd_settime(tfd, 0, &its, NULL);
    ev.events = EPOLLIN;
    ev.data.u64 = 300;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    n = wait_once(ep, 5000, &tag);
    uint64_t expirations = 0;
    read(tfd, &expirations, sizeof expirations);
    printf("timerfd fired: n=%d tag=%llu expirations>=1: %d\n", n, (unsigned long long)tag, expirations >= 1);
    its = (struct itimerspec){0};
    timerfd_settime(tfd, 0, &its, NULL);

    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    errno = 0;
    printf("deleting twice fails with ENOENT: %d\n", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) < 0 && errno == ENOENT);
    close(tfd);
    close(efd);
    close(p[0]);
    close(p[1]);
    close(ep);
    return 0;
}
