/* AF_UNIX socketpairs: ping-pong between two threads, a large stream
 * transfer, datagram and seqpacket boundaries (MSG_TRUNC), shutdown in each
 * direction, poll bits, a descriptor passed with SCM_RIGHTS, SO_PEERCRED,
 * ECONNRESET when the peer closes with data unread, and EPIPE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *err(int e)
{
    switch (e) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case EINVAL: return "EINVAL";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EMSGSIZE: return "EMSGSIZE";
    default: return strerror(e);
    }
}

static int revents(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP};
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int sv[2];

static void *ponger(void *arg)
{
    (void)arg;
    int count = 0;
    uint32_t v;
    while (read(sv[1], &v, sizeof v) == sizeof v) {
        v = v * 3 + 1;
        write(sv[1], &v, sizeof v);
        count++;
    }
    return (void *)(long)count;
}

#define BIG (3 << 20)

static void *bulk_writer(void *arg)
{
    int fd = *(int *)arg;
    static unsigned char buf[65536];
    size_t sent = 0;
    while (sent < BIG) {
        size_t n = sizeof buf;
        if (n > BIG - sent)
            n = BIG - sent;
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)((sent + i) * 31 >> 3);
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fd, buf + off, n - off);
            if (w <= 0)
                return NULL;
            off += (size_t)w;
        }
        sent += n;
    }
    close(fd);
    return NULL;
}

/* Sends `fd` over `sock` with one byte of data. */
static ssize_t send_fd(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, 0);
}

/* Receives a descriptor sent by send_fd; -1 if none came. */
static int recv_fd(int sock, char *byte, int flags)
{
    struct iovec iov = {.iov_base = byte, .iov_len = 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    if (recvmsg(sock, &msg, flags) < 0)
        return -2;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int main(void)
{
    /* Ping-pong between threads. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pthread_t t;
    pthread_create(&t, NULL, ponger, NULL);
    uint32_t v = 1, check = 1;
    for (int i = 0; i < 2000; i++) {
        write(sv[0], &v, sizeof v);
        if (read(sv[0], &v, sizeof v) != sizeof v)
            return 1;
        check = check * 3 + 1;
    }
    shutdown(sv[0], SHUT_WR);
    void *count;
    pthread_join(t, &count);
    printf("ping-pong: %ld exchanges, value %s\n", (long)count, v == check ? "right" : "WRONG");
    close(sv[0]);
    close(sv[1]);

    /* A large transfer. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pthread_create(&t, NULL, bulk_writer, &sv[1]);
    static unsigned char buf[100000];
    size_t got = 0;
    int bad = 0;
    ssize_t n;
    while ((n = read(sv[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != (unsigned char)((got + (size_t)i) * 31 >> 3))
                bad++;
        got += (size_t)n;
    }
    pthread_join(t, NULL);
    printf("stream transfer: %zu bytes, %d wrong\n", got, bad);
    close(sv[0]);

    /* Shutdown states and poll bits. */
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
    printf("flags: O_NONBLOCK=%d FD_CLOEXEC=%d; fresh revents %#x\n", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0, revents(sv[0]));
    errno = 0;
    n = read(sv[0], buf, 1);
    printf("empty non-blocking read: %zd %s\n", n, err(errno));
    write(sv[1], "abc", 3);
    int avail = 0;
    ioctl(sv[0], FIONREAD, &avail);
    printf("with data: revents %#x, FIONREAD %d\n", revents(sv[0]), avail);
    shutdown(sv[1], SHUT_WR);
    printf("peer shut down writing: revents %#x, peer's revents %#x\n", revents(sv[0]), revents(sv[1]));
    n = read(sv[0], buf, sizeof buf);
    printf("read: %zd, then %zd\n", n, read(sv[0], buf, sizeof buf));
    errno = 0;
    printf("peer writes after SHUT_WR: %zd %s\n", send(sv[1], "x", 1, MSG_NOSIGNAL), err(errno));
    shutdown(sv[0], SHUT_RD);
    printf("both directions closed: revents %#x\n", revents(sv[0]));
    errno = 0;
    printf("write to a peer that shut down reading: %zd %s\n", send(sv[1], "x", 1, MSG_NOSIGNAL), err(errno));
    close(sv[0]);
    close(sv[1]);

    /* Closing with unread data resets the peer. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "unread", 6);
    close(sv[0]);
    printf("peer closed with data unread: revents %#x\n", revents(sv[1]));
    errno = 0;
    n = read(sv[1], buf, sizeof buf);
    printf("read: %zd %s, then %zd\n", n, err(errno), read(sv[1], buf, sizeof buf));
    errno = 0;
    printf("write: %zd %s\n", send(sv[1], "x", 1, MSG_NOSIGNAL), err(errno));
    close(sv[1]);

    /* Datagrams keep their boundaries; what does not fit is dropped. */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send(sv[0], "first datagram", 14, 0);
    send(sv[0], "second", 6, 0);
    send(sv[0], "", 0, 0);
    send(sv[0], "fourth!", 7, 0);
    ioctl(sv[1], FIONREAD, &avail);
    printf("datagram FIONREAD: %d\n", avail);
    n = recv(sv[1], buf, 5, 0);
    printf("5 bytes of the first: %zd \"%.*s\"\n", n, (int)n, buf);
    n = recv(sv[1], buf, 3, MSG_TRUNC);
    printf("MSG_TRUNC on the second: %zd \"%.3s\"\n", n, buf);
    n = recv(sv[1], buf, sizeof buf, 0);
    printf("the empty one: %zd\n", n);
    char part[4];
    struct iovec iov = {.iov_base = part, .iov_len = sizeof part};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    n = recvmsg(sv[1], &msg, 0);
    printf("recvmsg into 4 bytes: %zd \"%.4s\" MSG_TRUNC in msg_flags=%d\n", n, part, (msg.msg_flags & MSG_TRUNC) != 0);
    errno = 0;
    n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    printf("then: %zd %s\n", n, err(errno));
    static char huge[300000];
    errno = 0;
    printf("a datagram larger than the buffer: %zd %s\n", send(sv[0], huge, sizeof huge, 0), err(errno));
    close(sv[0]);
    errno = 0;
    printf("send to a closed datagram peer: %zd %s\n", send(sv[1], "x", 1, MSG_NOSIGNAL), err(errno));
    close(sv[1]);

    /* Seqpacket: boundaries, and end of file when the peer closes. */
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    send(sv[0], "packet one", 10, 0);
    send(sv[0], "two", 3, 0);
    n = recv(sv[1], buf, 6, 0);
    ssize_t n2 = recv(sv[1], buf + 10, sizeof buf - 10, 0);
    printf("seqpacket: %zd \"%.6s\" then %zd \"%.3s\"\n", n, buf, n2, buf + 10);
    close(sv[0]);
    printf("seqpacket after the peer closed: %zd\n", recv(sv[1], buf, sizeof buf, 0));
    close(sv[1]);

    /* A descriptor passed along. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int p[2];
    pipe(p);
    printf("sendmsg with SCM_RIGHTS: %zd\n", send_fd(sv[0], p[1]));
    close(p[1]);
    char byte = 0;
    int passed = recv_fd(sv[1], &byte, MSG_CMSG_CLOEXEC);
    printf("received a descriptor: %d with byte '%c', FD_CLOEXEC=%d\n", passed >= 0, byte,
           passed >= 0 && (fcntl(passed, F_GETFD) & FD_CLOEXEC) != 0);
    write(passed, "through the passed descriptor", 29);
    close(passed);
    n = read(p[0], buf, sizeof buf);
    printf("the pipe got: \"%.*s\", then end of file: %zd\n", (int)n, buf, read(p[0], buf, 1));
    close(p[0]);
    /* A descriptor in flight keeps its file open; an unread one is dropped with the socket. */
    pipe(p);
    send_fd(sv[0], p[1]);
    close(p[1]);
    close(sv[1]);
    printf("pipe's write end dropped with the unread message: read gives %zd\n", read(p[0], buf, 1));
    close(p[0]);
    close(sv[0]);

    /* Credentials. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct ucred cred;
    socklen_t clen = sizeof cred;
    getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &clen);
    printf("SO_PEERCRED: pid is ours %d, uid is ours %d, gid is ours %d, len %u\n", cred.pid == getpid(), cred.uid == getuid(),
           cred.gid == getgid(), clen);
    struct sockaddr_un_like {
        unsigned short family;
        char path[108];
    } name;
    socklen_t nlen = sizeof name;
    getsockname(sv[0], (struct sockaddr *)&name, &nlen);
    printf("getsockname: family %d, length %u\n", name.family, nlen);
    struct stat st;
    printf("fstat: socket %d\n", fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode));
    nlen = sizeof name;
    printf("getpeername: %d, length %u\n", getpeername(sv[0], (struct sockaddr *)&name, &nlen), nlen);
    errno = 0;
    printf("listen on a pair: %d %s\n", listen(sv[0], 1), err(errno));
    close(sv[0]);
    close(sv[1]);
    return 0;
}
