/* UDP over 127.0.0.1: datagrams between sockets of one process (delivered
 * by the time sendto returns, as on the loopback device), the sender's
 * address, automatic binding, connected sockets, truncation, gathered
 * sendmsg, poll, and shutdown waking a blocked receiver. No port number is
 * printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *err(int e)
{
    switch (e) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case ENOTCONN: return "ENOTCONN";
    case EMSGSIZE: return "EMSGSIZE";
    case EINVAL: return "EINVAL";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return strerror(e);
    }
}

static struct sockaddr_in loopback(unsigned short port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int blocked;

static void *blocked_receiver(void *arg)
{
    (void)arg;
    char buf[16];
    return (void *)(long)recv(blocked, buf, sizeof buf, 0);
}

/* UDP-Lite (IPPROTO_UDPLITE): sockets, option refusals and a datagram over loopback. */
static void udplite(void)
{
    int x = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE), y = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
    printf("UDP-Lite sockets: %s\n", x >= 0 && y >= 0 ? "yes" : err(errno));
    if (x < 0 || y < 0)
        return;
    /* qemu-riscv64 7.2 does not pass SOL_UDPLITE options to the host (ENOPROTOOPT for all of them),
       so only the refusals are compared: the coverage values themselves are not. */
    int v = 20;
    errno = 0;
    printf("an unknown UDP-Lite option: %d %s\n", setsockopt(y, IPPROTO_UDPLITE, 99, &v, sizeof v), err(errno));
    errno = 0;
    printf("UDP-Lite options on a UDP socket: %d %s\n", setsockopt(socket(AF_INET, SOCK_DGRAM, 0), IPPROTO_UDPLITE, 10, &v, sizeof v), err(errno));
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof sa;
    bind(y, (struct sockaddr *)&sa, sizeof sa);
    getsockname(y, (struct sockaddr *)&sa, &sl);
    printf("sendto: %zd\n", sendto(x, "lite", 4, 0, (struct sockaddr *)&sa, sizeof sa));
    char buf[16] = { 0 };
    printf("recv: %zd %s\n", recv(y, buf, sizeof buf, 0), buf);
    close(x);
    close(y);
}

int main(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in aa = loopback(0), ba = loopback(0);
    bind(a, (struct sockaddr *)&aa, sizeof aa);
    bind(b, (struct sockaddr *)&ba, sizeof ba);
    socklen_t len = sizeof aa;
    getsockname(a, (struct sockaddr *)&aa, &len);
    len = sizeof ba;
    getsockname(b, (struct sockaddr *)&ba, &len);
    printf("bound: ports chosen %d, loopback %d\n", aa.sin_port != 0 && ba.sin_port != 0 && aa.sin_port != ba.sin_port,
           aa.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    /* Sent datagrams are there when sendto returns. */
    printf("sendto: %zd, %zd\n", sendto(a, "alpha", 5, 0, (struct sockaddr *)&ba, sizeof ba),
           sendto(a, "beta!!", 6, 0, (struct sockaddr *)&ba, sizeof ba));
    int avail = 0;
    ioctl(b, FIONREAD, &avail);
    struct pollfd p = {.fd = b, .events = POLLIN | POLLOUT};
    poll(&p, 1, 0);
    printf("receiver: FIONREAD %d (the first datagram), revents %#x\n", avail, p.revents);
    char buf[64];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(b, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
    printf("recvfrom: %zd \"%.*s\" from the sender %d, addrlen %u\n", n, (int)n, buf,
           from.sin_port == aa.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), flen);
    n = recv(b, buf, 3, MSG_PEEK);
    printf("peek 3: %zd \"%.3s\"; ", n, buf);
    n = recv(b, buf, 3, MSG_TRUNC);
    printf("then with MSG_TRUNC: %zd \"%.3s\"\n", n, buf);
    errno = 0;
    n = recv(b, buf, sizeof buf, MSG_DONTWAIT);
    printf("queue empty: %zd %s\n", n, err(errno));

    /* A socket that sends unbound gets an ephemeral port on the wildcard address. */
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ca;
    len = sizeof ca;
    getsockname(c, (struct sockaddr *)&ca, &len);
    printf("unbound: port %d\n", ntohs(ca.sin_port));
    errno = 0;
    printf("send without an address: %zd %s\n", send(c, "x", 1, 0), err(errno));
    sendto(c, "from c", 6, 0, (struct sockaddr *)&ba, sizeof ba);
    len = sizeof ca;
    getsockname(c, (struct sockaddr *)&ca, &len);
    flen = sizeof from;
    n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("autobound: port chosen %d, address INADDR_ANY %d; receiver saw %zd bytes from that port %d, from loopback %d\n",
           ca.sin_port != 0, ca.sin_addr.s_addr == htonl(INADDR_ANY), n, from.sin_port == ca.sin_port,
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    /* A connected socket: send without an address, receive only from the peer. */
    connect(c, (struct sockaddr *)&aa, sizeof aa);
    struct sockaddr_in peer;
    len = sizeof peer;
    getpeername(c, (struct sockaddr *)&peer, &len);
    printf("connected: getpeername matches %d\n", peer.sin_port == aa.sin_port);
    printf("send: %zd\n", send(c, "connected", 9, 0));
    n = recv(a, buf, sizeof buf, 0);
    printf("a got: \"%.*s\"\n", (int)n, buf);
    len = sizeof ca;
    getsockname(c, (struct sockaddr *)&ca, &len);
    sendto(b, "from b, ignored", 15, 0, (struct sockaddr *)&ca, sizeof ca);
    sendto(a, "from a, accepted", 16, 0, (struct sockaddr *)&ca, sizeof ca);
    n = recv(c, buf, sizeof buf, 0);
    printf("connected socket got: \"%.*s\"\n", (int)n, buf);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    connect(c, (struct sockaddr *)&unspec, sizeof unspec);
    errno = 0;
    printf("after disconnecting: getpeername %d %s\n", getpeername(c, (struct sockaddr *)&peer, &len), err(errno));
    close(c);

    /* sendmsg gathers, recvmsg scatters and reports truncation. */
    char p1[] = "gath", p2[] = "ered";
    struct iovec out[2] = {{p1, 4}, {p2, 4}};
    struct msghdr m = {.msg_name = &ba, .msg_namelen = sizeof ba, .msg_iov = out, .msg_iovlen = 2};
    printf("sendmsg: %zd\n", sendmsg(a, &m, 0));
    char r1[3], r2[3];
    struct iovec in[2] = {{r1, 3}, {r2, 3}};
    struct sockaddr_in mfrom;
    struct msghdr rm = {.msg_name = &mfrom, .msg_namelen = sizeof mfrom, .msg_iov = in, .msg_iovlen = 2};
    n = recvmsg(b, &rm, 0);
    printf("recvmsg: %zd \"%.3s|%.3s\" truncated %d, name from a %d, namelen %u\n", n, r1, r2, (rm.msg_flags & MSG_TRUNC) != 0,
           mfrom.sin_port == aa.sin_port, rm.msg_namelen);

    /* Errors. */
    static char huge[70000];
    errno = 0;
    printf("a 70000-byte datagram: %zd %s\n", sendto(a, huge, sizeof huge, 0, (struct sockaddr *)&ba, sizeof ba), err(errno));
    errno = 0;
    printf("listen on UDP: %d %s\n", listen(a, 1), err(errno));
    errno = 0;
    printf("shutdown of an unconnected socket: %d %s\n", shutdown(a, SHUT_WR), err(errno));

    /* shutdown wakes a thread blocked in recv. */
    blocked = b;
    pthread_t t;
    pthread_create(&t, NULL, blocked_receiver, NULL);
    usleep(30000);
    shutdown(b, SHUT_RDWR);
    void *r;
    pthread_join(t, &r);
    printf("blocked recv after shutdown: %ld\n", (long)r);
    close(a);
    close(b);
    udplite();
    return 0;
}
