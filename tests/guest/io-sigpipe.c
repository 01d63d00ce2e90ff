/* Writing where nobody reads: send with MSG_NOSIGNAL fails with EPIPE and
 * no signal; a plain write to a pipe with no read end kills the process
 * with SIGPIPE (exit status 141 from a shell). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    errno = 0;
    ssize_t n = send(sv[0], "x", 1, MSG_NOSIGNAL);
    printf("send with MSG_NOSIGNAL to a closed peer: %zd EPIPE=%d\n", n, errno == EPIPE);
    int p[2];
    pipe(p);
    close(p[0]);
    printf("writing to a pipe with no reader...\n");
    fflush(stdout);
    n = write(p[1], "x", 1);
    printf("still alive after write returned %zd (errno %s)\n", n, strerror(errno));
    return 0;
}
