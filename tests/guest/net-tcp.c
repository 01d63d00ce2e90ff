/* TCP over 127.0.0.1 inside one process: an ephemeral port known from
 * getsockname before listen(), an echo server thread, several round trips,
 * a 1 MiB transfer echoed back while it is still being sent, shutdown
 * (SHUT_WR) giving the peer end of file, MSG_PEEK/MSG_DONTWAIT/MSG_WAITALL,
 * FIONREAD, socket options, non-blocking connect and accept, ECONNREFUSED,
 * and EPIPE once the peer is gone. No port number is printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define BIG (1 << 20)

static const char *err(int e)
{
    switch (e) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EINPROGRESS: return "EINPROGRESS";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case EINVAL: return "EINVAL";
    case EISCONN: return "EISCONN";
    case EADDRINUSE: return "EADDRINUSE";
    default: return strerror(e);
    }
}

static int intopt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) != 0)
        return -1000 - errno;
    return v;
}

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static uint32_t mix(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static int listener;
static long server_echoed;

/* Accepts one connection and echoes everything until end of file. */
static void *echo_server(void *arg)
{
    (void)arg;
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int c = accept(listener, (struct sockaddr *)&peer, &len);
    if (c < 0) {
        perror("accept");
        return NULL;
    }
    static char buf[10000];
    ssize_t n;
    while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
        ssize_t off = 0;
        while (off < n) {
            ssize_t w = send(c, buf + off, (size_t)(n - off), 0);
            if (w <= 0)
                break;
            off += w;
        }
        server_echoed += n;
    }
    close(c);
    return NULL;
}

static int client;
static unsigned char big_out[BIG];

static void *big_sender(void *arg)
{
    (void)arg;
    size_t off = 0;
    while (off < BIG) {
        size_t chunk = 7000 + off % 5000;
        if (chunk > BIG - off)
            chunk = BIG - off;
        ssize_t w = send(client, big_out + off, chunk, 0);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    shutdown(client, SHUT_WR);
    return NULL;
}

static ssize_t recv_exact(int fd, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = recv(fd, buf + got, want - got, 0);
        if (n <= 0)
            return n;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int main(void)
{
    /* Bind to port 0: the port is known before listen(). */
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    printf("SO_REUSEADDR: set %d, reads %d\n", setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one),
           intopt(listener, SOL_SOCKET, SO_REUSEADDR) != 0);
    struct sockaddr_in addr = loopback(0);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("bind");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(listener, (struct sockaddr *)&addr, &alen);
    printf("bound: family AF_INET=%d, loopback=%d, port chosen before listen=%d, addrlen=%u\n", addr.sin_family == AF_INET,
           addr.sin_addr.s_addr == htonl(INADDR_LOOPBACK), addr.sin_port != 0, alen);
    printf("SO_ACCEPTCONN before listen: %d\n", intopt(listener, SOL_SOCKET, SO_ACCEPTCONN));
    errno = 0;
    struct sockaddr_in again = loopback(0);
    printf("binding twice: %d %s\n", bind(listener, (struct sockaddr *)&again, sizeof again), err(errno));
    if (listen(listener, 8) != 0) {
        perror("listen");
        return 1;
    }
    printf("SO_ACCEPTCONN after listen: %d; SO_TYPE stream: %d; SO_DOMAIN inet: %d; SO_PROTOCOL tcp: %d\n",
           intopt(listener, SOL_SOCKET, SO_ACCEPTCONN), intopt(listener, SOL_SOCKET, SO_TYPE) == SOCK_STREAM,
           intopt(listener, SOL_SOCKET, SO_DOMAIN) == AF_INET, intopt(listener, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP);

    /* Another socket cannot take the same port. */
    int thief = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    printf("binding the same port elsewhere: %d %s\n", bind(thief, (struct sockaddr *)&addr, sizeof addr), err(errno));
    close(thief);

    /* Non-blocking accept with nobody connecting. */
    fcntl(listener, F_SETFL, O_NONBLOCK);
    errno = 0;
    printf("non-blocking accept, nobody there: %d %s\n", accept(listener, NULL, NULL), err(errno));
    fcntl(listener, F_SETFL, 0);

    pthread_t server;
    pthread_create(&server, NULL, echo_server, NULL);

    client = socket(AF_INET, SOCK_STREAM, 0);
    struct pollfd cp = {.fd = client, .events = POLLIN | POLLOUT};
    poll(&cp, 1, 0);
    printf("fresh socket revents: %#x\n", cp.revents);
    errno = 0;
    printf("getpeername before connect: %s\n", getpeername(client, (struct sockaddr *)&again, &alen) == 0 ? "ok" : err(errno));
    errno = 0;
    printf("send before connect: %zd %s\n", send(client, "x", 1, MSG_NOSIGNAL), err(errno));
    if (connect(client, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 1;
    }
    errno = 0;
    printf("connecting again: %d %s\n", connect(client, (struct sockaddr *)&addr, sizeof addr), err(errno));
    printf("TCP_NODELAY: default %d, ", intopt(client, IPPROTO_TCP, TCP_NODELAY));
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    printf("set %d; SO_KEEPALIVE: ", intopt(client, IPPROTO_TCP, TCP_NODELAY) != 0);
    setsockopt(client, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    printf("%d; SO_ERROR: %d\n", intopt(client, SOL_SOCKET, SO_KEEPALIVE) != 0, intopt(client, SOL_SOCKET, SO_ERROR));
    struct sockaddr_in peer, local;
    socklen_t plen = sizeof peer, llen = sizeof local;
    getpeername(client, (struct sockaddr *)&peer, &plen);
    getsockname(client, (struct sockaddr *)&local, &llen);
    printf("peer is the listener: %d; local port differs: %d; local address loopback: %d\n",
           peer.sin_port == addr.sin_port && peer.sin_addr.s_addr == addr.sin_addr.s_addr, local.sin_port != addr.sin_port,
           local.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    /* Round trips. */
    const char *messages[] = {"hello", "a somewhat longer second message", "3"};
    char reply[256];
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(messages[i]);
        send(client, messages[i], len, 0);
        ssize_t n = recv_exact(client, reply, len);
        printf("round trip %d: %zd \"%.*s\"\n", i, n, (int)n, reply);
    }

    /* Peeking, waiting for all, and not waiting. */
    send(client, "peekaboo", 8, 0);
    struct pollfd in = {.fd = client, .events = POLLIN};
    poll(&in, 1, 5000);
    ssize_t n = recv(client, reply, 4, MSG_PEEK);
    printf("MSG_PEEK: %zd \"%.*s\"\n", n, (int)n, reply);
    while (1) {
        int avail = 0;
        ioctl(client, FIONREAD, &avail);
        if (avail >= 8) {
            printf("FIONREAD: %d\n", avail);
            break;
        }
        poll(&in, 1, 10);
    }
    n = recv(client, reply, 8, MSG_WAITALL);
    printf("MSG_WAITALL: %zd \"%.*s\"\n", n, (int)n, reply);
    errno = 0;
    n = recv(client, reply, sizeof reply, MSG_DONTWAIT);
    printf("MSG_DONTWAIT with nothing there: %zd %s\n", n, err(errno));
    send(client, "split", 5, 0);
    n = recv(client, reply, 2, MSG_WAITALL);
    ssize_t m = recv(client, reply + 2, 3, MSG_WAITALL);
    printf("split reads: %zd + %zd \"%.5s\"\n", n, m, reply);

    /* A megabyte echoed back while it is being sent (a sender thread, this thread receives). */
    for (size_t i = 0; i < BIG; i++)
        big_out[i] = (unsigned char)((i * 2654435761u) >> 11);
    uint32_t sent_sum = mix(2166136261u, big_out, BIG);
    pthread_t sender;
    pthread_create(&sender, NULL, big_sender, NULL);
    static unsigned char big_in[BIG];
    size_t got = 0;
    while (got < BIG) {
        n = recv(client, big_in + got, BIG - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    pthread_join(sender, NULL);
    printf("1 MiB echoed: %zu bytes, checksums %s\n", got, mix(2166136261u, big_in, got) == sent_sum ? "match" : "DIFFER");

    /* The sender shut down writing: the server saw end of file and closed; we see it too. */
    n = recv(client, reply, sizeof reply, 0);
    printf("recv after the server closed: %zd\n", n);
    pthread_join(server, NULL);
    printf("server echoed %ld bytes in all\n", server_echoed);
    in.events = POLLIN | POLLOUT | POLLRDHUP;
    poll(&in, 1, 0);
    printf("revents after both sides shut down: %#x\n", in.revents);

    /* Writing to a connection the peer has closed fails with EPIPE (MSG_NOSIGNAL: no SIGPIPE). */
    int e = 0;
    for (int i = 0; i < 50 && e == 0; i++) {
        errno = 0;
        if (send(client, "x", 1, MSG_NOSIGNAL) < 0)
            e = errno;
        else
            usleep(10000);
    }
    printf("sending after the peer closed: %s\n", err(e));
    close(client);

    /* A second client, non-blocking connect. */
    pthread_create(&server, NULL, echo_server, NULL);
    client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    int r = connect(client, (struct sockaddr *)&addr, sizeof addr);
    printf("non-blocking connect: %s\n", r == 0 ? "ok" : err(errno));
    struct pollfd out = {.fd = client, .events = POLLOUT};
    poll(&out, 1, 5000);
    printf("writable once connected: %d, SO_ERROR %d\n", (out.revents & POLLOUT) != 0, intopt(client, SOL_SOCKET, SO_ERROR));
    send(client, "nb", 2, 0);
    in.fd = client;
    in.events = POLLIN;
    poll(&in, 1, 5000);
    n = recv(client, reply, sizeof reply, 0);
    printf("non-blocking echo: %zd \"%.*s\"\n", n, (int)n, reply);
    shutdown(client, SHUT_WR);
    errno = 0;
    printf("send after SHUT_WR: %zd %s\n", send(client, "x", 1, MSG_NOSIGNAL), err(errno));
    poll(&in, 1, 5000);
    printf("recv after the echo server finished: %zd\n", recv(client, reply, sizeof reply, 0));
    close(client);
    pthread_join(server, NULL);

    /* accept4 with flags. */
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    connect(c2, (struct sockaddr *)&addr, sizeof addr);
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    int acc = accept4(listener, (struct sockaddr *)&from, &flen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    printf("accept4: O_NONBLOCK=%d FD_CLOEXEC=%d, peer loopback=%d, addrlen=%u\n", (fcntl(acc, F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(acc, F_GETFD) & FD_CLOEXEC) != 0, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), flen);
    struct sockaddr_in acc_local;
    socklen_t aln = sizeof acc_local;
    getsockname(acc, (struct sockaddr *)&acc_local, &aln);
    printf("accepted socket's local port is the listener's: %d\n", acc_local.sin_port == addr.sin_port);
    errno = 0;
    printf("recv on the accepted non-blocking socket: %zd %s\n", recv(acc, reply, 1, 0), err(errno));
    close(c2);
    poll(&(struct pollfd){.fd = acc, .events = POLLIN}, 1, 5000);
    printf("recv after the client closed: %zd\n", recv(acc, reply, 1, 0));
    close(acc);

    /* A client bound before it connects keeps the port it was given. */
    int bound_client = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in bca = loopback(0);
    bind(bound_client, (struct sockaddr *)&bca, sizeof bca);
    socklen_t bcl = sizeof bca;
    getsockname(bound_client, (struct sockaddr *)&bca, &bcl);
    r = connect(bound_client, (struct sockaddr *)&addr, sizeof addr);
    flen = sizeof from;
    acc = accept(listener, (struct sockaddr *)&from, &flen);
    struct sockaddr_in after;
    socklen_t afl = sizeof after;
    getsockname(bound_client, (struct sockaddr *)&after, &afl);
    printf("bound client: connect %d, same port after connecting %d, server sees that port %d\n", r, after.sin_port == bca.sin_port,
           from.sin_port == bca.sin_port);
    close(acc);
    close(bound_client);

    /* Nothing listens on a port once its listener is closed. */
    close(listener);
    int refused = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    r = connect(refused, (struct sockaddr *)&addr, sizeof addr);
    printf("connect to a closed port: %d %s\n", r, err(errno));
    errno = 0;
    printf("recv on the refused socket: %zd %s\n", recv(refused, reply, 1, 0), err(errno));
    close(refused);
    refused = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    r = connect(refused, (struct sockaddr *)&addr, sizeof addr);
    int first = errno;
    out.fd = refused;
    poll(&out, 1, 5000);
    printf("non-blocking connect to a closed port: %s, then revents %#x, SO_ERROR %s, then SO_ERROR %d\n", err(first),
           out.revents, err(intopt(refused, SOL_SOCKET, SO_ERROR)), intopt(refused, SOL_SOCKET, SO_ERROR));
    close(refused);
    return 0;
}
