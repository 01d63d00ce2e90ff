/* AF_UNIX sockets with names: a stream server on a path in the working
 * directory with a client thread, getsockname/getpeername with paths, the
 * abstract namespace, EADDRINUSE and ECONNREFUSED/ENOENT, and datagram
 * sockets bound to paths talking with sendto/recvfrom. Also TCP over IPv6
 * loopback (::1) when the host has it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *err(int e)
{
    switch (e) {
    case 0: return "ok";
    case EADDRINUSE: return "EADDRINUSE";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOENT: return "ENOENT";
    case EINVAL: return "EINVAL";
    default: return strerror(e);
    }
}

static struct sockaddr_un named(const char *path, socklen_t *len)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, path);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
    return a;
}

static struct sockaddr_un abstract(const char *name, socklen_t *len)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    memcpy(a.sun_path + 1, name, strlen(name));
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
    return a;
}

static struct sockaddr_un server_addr;
static socklen_t server_len;

static void *client(void *arg)
{
    (void)arg;
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&server_addr, server_len) != 0) {
        perror("connect");
        return NULL;
    }
    struct sockaddr_un peer;
    socklen_t plen = sizeof peer;
    getpeername(c, (struct sockaddr *)&peer, &plen);
    struct sockaddr_un self;
    socklen_t slen = sizeof self;
    getsockname(c, (struct sockaddr *)&self, &slen);
    printf("client: peer is \"%s\" (len %u), own name length %u\n", peer.sun_path, plen, slen);
    fflush(stdout);
    char buf[64];
    for (int i = 0; i < 3; i++) {
        char msg[32];
        int len = snprintf(msg, sizeof msg, "request %d", i);
        write(c, msg, (size_t)len);
        ssize_t n = read(c, buf, sizeof buf);
        printf("client got: \"%.*s\"\n", (int)n, buf);
        fflush(stdout);
    }
    close(c);
    return NULL;
}

static void serve_one(int listener)
{
    struct sockaddr_un from;
    socklen_t flen = sizeof from;
    int c = accept(listener, (struct sockaddr *)&from, &flen);
    char buf[64];
    ssize_t n;
    int first = 1;
    while ((n = read(c, buf, sizeof buf)) > 0) {
        if (first) {
            /* Printed while the client waits for the reply, so the output order is fixed. */
            printf("server: accepted, client address length %u\n", flen);
            fflush(stdout);
            first = 0;
        }
        char reply[80];
        int len = snprintf(reply, sizeof reply, "reply to %.*s", (int)n, buf);
        write(c, reply, (size_t)len);
    }
    close(c);
}

static int tcp6_listener;

static void *tcp6_client(void *arg)
{
    struct sockaddr_in6 *to = arg;
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)to, sizeof *to) == 0)
        write(c, "over ipv6", 9);
    close(c);
    return NULL;
}

int main(void)
{
    /* A stream server on a path. */
    unlink("server.sock");
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    server_addr = named("server.sock", &server_len);
    printf("bind: %d; ", bind(listener, (struct sockaddr *)&server_addr, server_len));
    struct sockaddr_un got;
    socklen_t glen = sizeof got;
    getsockname(listener, (struct sockaddr *)&got, &glen);
    printf("getsockname: \"%s\" len %u\n", got.sun_path, glen);
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    errno = 0;
    printf("binding the same path again: %d %s\n", bind(other, (struct sockaddr *)&server_addr, server_len), err(errno));
    close(other);
    listen(listener, 4);
    pthread_t t;
    pthread_create(&t, NULL, client, NULL);
    serve_one(listener);
    pthread_join(t, NULL);
    close(listener);
    /* The socket file outlives the socket: connecting is refused, binding fails until it is unlinked. */
    printf("socket file left behind: %d\n", access("server.sock", F_OK) == 0);
    int stale = socket(AF_UNIX, SOCK_STREAM, 0);
    errno = 0;
    printf("connect to it: %d %s\n", connect(stale, (struct sockaddr *)&server_addr, server_len), err(errno));
    close(stale);
    stale = socket(AF_UNIX, SOCK_STREAM, 0);
    errno = 0;
    printf("bind to it: %d %s\n", bind(stale, (struct sockaddr *)&server_addr, server_len), err(errno));
    close(stale);
    printf("unlink: %d\n", unlink("server.sock"));

    /* Nobody there. */
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    socklen_t len;
    struct sockaddr_un missing = named("missing.sock", &len);
    errno = 0;
    printf("connect to a missing path: %d %s\n", connect(c, (struct sockaddr *)&missing, len), err(errno));
    struct sockaddr_un nobody = abstract("typevisor-test-nobody", &len);
    errno = 0;
    printf("connect to an unused abstract name: %d %s\n", connect(c, (struct sockaddr *)&nobody, len), err(errno));
    close(c);

    /* The abstract namespace. */
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    char name[64];
    snprintf(name, sizeof name, "typevisor-test-%d", getpid());
    server_addr = abstract(name, &server_len);
    bind(listener, (struct sockaddr *)&server_addr, server_len);
    glen = sizeof got;
    getsockname(listener, (struct sockaddr *)&got, &glen);
    printf("abstract name: leading NUL %d, same name %d, len matches %d\n", got.sun_path[0] == 0,
           memcmp(got.sun_path + 1, name, strlen(name)) == 0, glen == server_len);
    listen(listener, 4);
    pthread_create(&t, NULL, client, NULL);
    serve_one(listener);
    pthread_join(t, NULL);
    close(listener);

    /* Datagram sockets with paths. */
    unlink("a.sock");
    unlink("b.sock");
    int da = socket(AF_UNIX, SOCK_DGRAM, 0), db = socket(AF_UNIX, SOCK_DGRAM, 0);
    socklen_t alen, blen;
    struct sockaddr_un aaddr = named("a.sock", &alen), baddr = named("b.sock", &blen);
    printf("datagram binds: %d %d\n", bind(da, (struct sockaddr *)&aaddr, alen), bind(db, (struct sockaddr *)&baddr, blen));
    printf("sendto b: %zd\n", sendto(da, "to b", 4, 0, (struct sockaddr *)&baddr, blen));
    char buf[64];
    struct sockaddr_un from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(db, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("b got: \"%.*s\" from \"%s\"\n", (int)n, buf, from.sun_path);
    connect(db, (struct sockaddr *)&aaddr, alen);
    send(db, "reply", 5, 0);
    n = recv(da, buf, sizeof buf, 0);
    printf("a got: \"%.*s\"\n", (int)n, buf);
    int dc = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un nowhere = named("nowhere.sock", &len);
    errno = 0;
    printf("sendto a missing path: %zd %s\n", sendto(dc, "x", 1, 0, (struct sockaddr *)&nowhere, len), err(errno));
    close(dc);
    close(da);
    close(db);
    unlink("a.sock");
    unlink("b.sock");

    /* TCP over ::1. */
    tcp6_listener = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 six = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (tcp6_listener < 0 || bind(tcp6_listener, (struct sockaddr *)&six, sizeof six) != 0) {
        printf("no IPv6 loopback here\n");
        return 0;
    }
    socklen_t sixlen = sizeof six;
    getsockname(tcp6_listener, (struct sockaddr *)&six, &sixlen);
    printf("ipv6: bound to ::1 %d, port chosen %d, addrlen %u\n", IN6_IS_ADDR_LOOPBACK(&six.sin6_addr), six.sin6_port != 0, sixlen);
    listen(tcp6_listener, 1);
    pthread_create(&t, NULL, tcp6_client, &six);
    struct sockaddr_in6 peer6;
    socklen_t p6len = sizeof peer6;
    int a6 = accept(tcp6_listener, (struct sockaddr *)&peer6, &p6len);
    n = read(a6, buf, sizeof buf);
    printf("ipv6: got \"%.*s\" from ::1 %d, family %d\n", (int)n, buf, IN6_IS_ADDR_LOOPBACK(&peer6.sin6_addr), peer6.sin6_family == AF_INET6);
    pthread_join(t, NULL);
    close(a6);
    close(tcp6_listener);
    return 0;
}
