/* Readiness of standard input (the test harness gives an empty pipe):
 * poll with a zero timeout sees the hang-up at once, select counts it as
 * readable, reads give end of file, and O_NONBLOCK does not change that. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    struct stat st;
    if (fstat(0, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        /* Run by hand on a terminal or a file: nothing meaningful to compare. */
        printf("stdin is not a pipe\n");
        return 0;
    }
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int n = poll(&p, 1, 0);
    printf("poll(stdin, 0 ms): %d revents %#x\n", n, p.revents);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(0, &rd);
    struct timeval tv = {0, 0};
    printf("select: %d\n", select(1, &rd, NULL, NULL, &tv));
    char buf[16];
    printf("read: %zd\n", read(0, buf, sizeof buf));
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    printf("non-blocking read: %zd\n", read(0, buf, sizeof buf));
    n = poll(&p, 1, 1000);
    printf("poll(stdin, 1 s): %d revents %#x\n", n, p.revents);
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) & ~O_NONBLOCK);
    return 0;
}
