/* Signals and blocking I/O: a handler without SA_RESTART cuts short reads
 * of pipes and sockets, accept, poll and epoll_wait with EINTR; with
 * SA_RESTART reads go on but poll and epoll_wait still fail; a blocking
 * write interrupted half way returns what it wrote; ppoll, pselect and
 * epoll_pwait unblock a signal only while they wait. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static pthread_t main_thread;

static void on_signal(int sig)
{
    (void)sig;
    handled++;
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
}

static int feed_fd = -1;

/* After a pause, signals the main thread; then, if asked, writes a byte to feed_fd. */
static void *poke(void *arg)
{
    (void)arg;
    usleep(30000);
    pthread_kill(main_thread, SIGUSR1);
    if (feed_fd >= 0) {
        usleep(30000);
        write(feed_fd, "k", 1);
    }
    return NULL;
}

static void run(const char *what, long (*call)(void), int feed)
{
    pthread_t t;
    handled = 0;
    feed_fd = feed;
    pthread_create(&t, NULL, poke, NULL);
    errno = 0;
    long r = call();
    int e = errno;
    pthread_join(t, NULL);
    printf("%s: %ld %s, handler ran %d\n", what, r, r < 0 ? (e == EINTR ? "EINTR" : strerror(e)) : "", (int)handled);
}

static int p[2], sv[2], listener, ep;
static char buf[16];

static long read_pipe(void) { return read(p[0], buf, sizeof buf); }
static long recv_socket(void) { return recv(sv[0], buf, sizeof buf, 0); }
static long accept_conn(void) { return accept(listener, NULL, NULL); }
static long poll_pipe(void)
{
    struct pollfd f = {.fd = p[0], .events = POLLIN};
    return poll(&f, 1, 5000);
}
static long epoll_pipe(void)
{
    struct epoll_event ev;
    return epoll_wait(ep, &ev, 1, 5000);
}
static long big_write(void)
{
    static char data[200000];
    return write(p[1], data, sizeof data);
}
static long ppoll_unblocking(void)
{
    struct pollfd f = {.fd = p[0], .events = POLLIN};
    sigset_t during;
    sigemptyset(&during);
    return ppoll(&f, 1, NULL, &during);
}
static long pselect_unblocking(void)
{
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    sigset_t during;
    sigemptyset(&during);
    return pselect(p[0] + 1, &rd, NULL, NULL, NULL, &during);
}
static long epoll_pwait_unblocking(void)
{
    struct epoll_event ev;
    sigset_t during;
    sigemptyset(&during);
    return epoll_pwait(ep, &ev, 1, 5000, &during);
}

static int usr1_blocked(void)
{
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, SIGUSR1);
}

int main(void)
{
    main_thread = pthread_self();
    pipe(p);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(listener, (struct sockaddr *)&a, sizeof a);
    listen(listener, 1);
    ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);

    install(0);
    run("pipe read, no SA_RESTART", read_pipe, -1);
    run("socket recv, no SA_RESTART", recv_socket, -1);
    run("accept, no SA_RESTART", accept_conn, -1);
    run("poll, no SA_RESTART", poll_pipe, -1);
    run("epoll_wait, no SA_RESTART", epoll_pipe, -1);

    install(SA_RESTART);
    run("pipe read, SA_RESTART", read_pipe, p[1]);
    run("socket recv, SA_RESTART", recv_socket, sv[1]);
    run("poll, SA_RESTART", poll_pipe, p[1]);
    read(p[0], buf, sizeof buf);
    run("epoll_wait, SA_RESTART", epoll_pipe, p[1]);
    read(p[0], buf, sizeof buf);
    run("a 200000-byte write into an empty pipe", big_write, -1);
    char drain[65536];
    struct pollfd any = {.fd = p[0], .events = POLLIN};
    while (poll(&any, 1, 0) == 1)
        read(p[0], drain, sizeof drain);

    /* SIGUSR1 blocked, except inside the wait. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    run("ppoll unblocking SIGUSR1", ppoll_unblocking, -1);
    printf("  SIGUSR1 blocked again afterwards: %d\n", usr1_blocked());
    run("pselect unblocking SIGUSR1", pselect_unblocking, -1);
    printf("  SIGUSR1 blocked again afterwards: %d\n", usr1_blocked());
    run("epoll_pwait unblocking SIGUSR1", epoll_pwait_unblocking, -1);
    printf("  SIGUSR1 blocked again afterwards: %d\n", usr1_blocked());
    handled = 0;
    pthread_kill(main_thread, SIGUSR1);
    printf("a blocked SIGUSR1 waits: handler ran %d; ", (int)handled);
    struct pollfd f = {.fd = p[0], .events = POLLIN};
    sigset_t none;
    sigemptyset(&none);
    errno = 0;
    int r = ppoll(&f, 1, NULL, &none);
    printf("ppoll with it pending: %d %s, handler ran %d\n", r, errno == EINTR ? "EINTR" : "", (int)handled);
    return 0;
}
