/* Sockets over loopback inside one process: a TCP echo server thread on an
 * ephemeral 127.0.0.1 port and a client, UDP datagrams, and AF_UNIX
 * socketpairs (stream and datagram). Port numbers are never printed. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener;

static void *echo_server(void *arg)
{
    (void)arg;
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int c = accept(listener, (struct sockaddr *)&peer, &len);
    if (c < 0)
        return NULL;
    char buf[256];
    ssize_t n;
    while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        send(c, buf, (size_t)n, 0);
    }
    close(c);
    return (void *)(long)(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
}

static ssize_t recv_all(int fd, char *buf, size_t want)
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
    listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 4) != 0) {
        perror("bind/listen");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(listener, (struct sockaddr *)&addr, &alen);
    printf("listening on 127.0.0.1 with an ephemeral port: %d\n", ntohs(addr.sin_port) != 0);

    pthread_t server;
    pthread_create(&server, NULL, echo_server, NULL);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 1;
    }
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int type = 0;
    socklen_t tlen = sizeof type;
    getsockopt(client, SOL_SOCKET, SO_TYPE, &type, &tlen);
    printf("client SO_TYPE is SOCK_STREAM: %d\n", type == SOCK_STREAM);
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    getpeername(client, (struct sockaddr *)&peer, &plen);
    printf("getpeername matches the listener: %d\n", peer.sin_port == addr.sin_port);

    const char *messages[] = {"hello over tcp", "second message", "x"};
    char reply[256];
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(messages[i]);
        send(client, messages[i], len, 0);
        ssize_t n = recv_all(client, reply, len);
        printf("echo %d: \"%.*s\"\n", i, (int)n, reply);
    }
    shutdown(client, SHUT_WR);
    printf("recv after server closed: %zd\n", recv(client, reply, sizeof reply, 0));
    close(client);
    void *peer_was_loopback;
    pthread_join(server, &peer_was_loopback);
    printf("server saw a loopback peer: %ld\n", (long)peer_was_loopback);
    close(listener);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(u2, (struct sockaddr *)&ua, sizeof ua);
    alen = sizeof ua;
    getsockname(u2, (struct sockaddr *)&ua, &alen);
    sendto(u1, "datagram one", 12, 0, (struct sockaddr *)&ua, sizeof ua);
    sendto(u1, "two", 3, 0, (struct sockaddr *)&ua, sizeof ua);
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(u2, reply, sizeof reply, 0, (struct sockaddr *)&from, &flen);
        printf("udp %d: %zd bytes \"%.*s\" from loopback=%d\n", i, n, (int)n, reply,
               from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    }
    close(u1);
    close(u2);

    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[0], "ping", 4);
    ssize_t n = read(sv[1], reply, sizeof reply);
    printf("socketpair stream: \"%.*s\"\n", (int)n, reply);
    write(sv[1], "pong", 4);
    n = read(sv[0], reply, sizeof reply);
    printf("socketpair stream back: \"%.*s\"\n", (int)n, reply);
    close(sv[0]);
    printf("read after peer closed: %zd\n", read(sv[1], reply, sizeof reply));
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send(sv[0], "abc", 3, 0);
    send(sv[0], "defgh", 5, 0);
    ssize_t a = recv(sv[1], reply, sizeof reply, 0);
    ssize_t b = recv(sv[1], reply + 10, sizeof reply - 10, 0);
    printf("socketpair datagrams keep boundaries: %zd then %zd\n", a, b);
    errno = 0;
    ssize_t none = recv(sv[1], reply, sizeof reply, MSG_DONTWAIT);
    printf("empty MSG_DONTWAIT recv: %zd EAGAIN=%d\n", none, errno == EAGAIN || errno == EWOULDBLOCK);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
