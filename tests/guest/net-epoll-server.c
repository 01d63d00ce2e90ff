/* An event-loop server as real ones are written: one thread, non-blocking
 * sockets, epoll in edge-triggered mode (accept and read until EAGAIN), an
 * eventfd to be told to stop. Four client threads each make a TCP
 * connection to 127.0.0.1, send numbered lines and check every reply. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define CLIENTS 4
#define LINES 200

static struct sockaddr_in server_addr;
static int client_ok[CLIENTS];

static void *client(void *arg)
{
    long id = (long)arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0)
        return NULL;
    char line[64], reply[64];
    int ok = 0;
    for (int i = 0; i < LINES; i++) {
        int len = snprintf(line, sizeof line, "client %ld line %d\n", id, i);
        if (write(fd, line, (size_t)len) != len)
            break;
        int got = 0;
        while (got < len) {
            ssize_t n = read(fd, reply + got, (size_t)(len - got));
            if (n <= 0)
                break;
            got += (int)n;
        }
        /* The server answers each byte with its upper-case form. */
        int same = got == len;
        for (int k = 0; k < len && same; k++)
            same = reply[k] == (line[k] >= 'a' && line[k] <= 'z' ? line[k] - 32 : line[k]);
        ok += same;
    }
    close(fd);
    client_ok[id] = ok;
    return NULL;
}

struct conn {
    int fd;
    long bytes;
};

int main(void)
{
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    server_addr.sin_family = AF_INET;
    server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener, (struct sockaddr *)&server_addr, sizeof server_addr);
    socklen_t len = sizeof server_addr;
    getsockname(listener, (struct sockaddr *)&server_addr, &len);
    listen(listener, 16);

    int ep = epoll_create1(0);
    int stop = eventfd(0, EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    ev.events = EPOLLIN;
    ev.data.ptr = &stop;
    epoll_ctl(ep, EPOLL_CTL_ADD, stop, &ev);

    pthread_t t[CLIENTS];
    for (long i = 0; i < CLIENTS; i++)
        pthread_create(&t[i], NULL, client, (void *)i);

    static struct conn conns[CLIENTS];
    int accepted = 0, closed = 0, running = 1;
    long total = 0;
    while (running) {
        struct epoll_event events[8];
        int n = epoll_wait(ep, events, 8, 10000);
        if (n <= 0) {
            printf("epoll_wait: %d\n", n);
            break;
        }
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == NULL) {
                /* Edge-triggered listener: accept until EAGAIN. */
                for (;;) {
                    int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
                    if (c < 0)
                        break;
                    conns[accepted].fd = c;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = &conns[accepted]};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                    accepted++;
                }
            } else if (tag == &stop) {
                running = 0;
            } else {
                struct conn *c = tag;
                char buf[512];
                for (;;) {
                    ssize_t r = read(c->fd, buf, sizeof buf);
                    if (r > 0) {
                        for (ssize_t k = 0; k < r; k++)
                            if (buf[k] >= 'a' && buf[k] <= 'z')
                                buf[k] -= 32;
                        write(c->fd, buf, (size_t)r);
                        c->bytes += r;
                        continue;
                    }
                    if (r == 0) {
                        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                        close(c->fd);
                        total += c->bytes;
                        if (++closed == CLIENTS) {
                            uint64_t v = 1;
                            write(stop, &v, sizeof v);
                        }
                    } else if (errno != EAGAIN) {
                        perror("read");
                    }
                    break;
                }
            }
        }
    }
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(t[i], NULL);
    printf("accepted %d, closed %d, echoed %ld bytes\n", accepted, closed, total);
    for (int i = 0; i < CLIENTS; i++)
        printf("client %d: %d of %d replies right\n", i, client_ok[i], LINES);
    close(listener);
    close(ep);
    return 0;
}
