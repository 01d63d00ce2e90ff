/* readlink of /proc/self/fd/N names what each descriptor refers to: a
 * memfd as "/memfd:NAME (deleted)", a file by its path, pipes, sockets and
 * anonymous inodes by kind; a closed descriptor is ENOENT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static void link_of(const char *what, int fd, int show_whole)
{
    char path[64], target[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    target[n] = 0;
    if (show_whole)
        printf("%s: \"%s\"\n", what, target);
    else {
        char *bracket = strchr(target, '[');
        if (bracket)
            bracket[1] = 0; /* inode numbers differ from run to run */
        printf("%s: \"%s...\"\n", what, target);
    }
}

int main(void)
{
    int m = memfd_create("my name", 0);
    link_of("memfd", m, 1);
    char dir[] = "/tmp/tv-procfd-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[64];
    snprintf(path, sizeof path, "%s/file", dir);
    int f = open(path, O_CREAT | O_RDWR, 0600);
    char target[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", f);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("file: same path %d\n", n > 0 && strncmp(target, dir, strlen(dir)) == 0 && strcmp(target + strlen(dir), "/file") == 0);
    snprintf(path, sizeof path, "%s/file", dir);
    unlink(path);
    rmdir(dir);
    int p[2];
    pipe(p);
    link_of("pipe read end", p[0], 0);
    link_of("pipe write end", p[1], 0);
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    link_of("socket", s[0], 0);
    int e = eventfd(0, 0);
    link_of("eventfd", e, 1);
    close(p[1]);
    link_of("closed", p[1], 1);
    n = readlink("/proc/self/fd/0", target, 0);
    printf("bufsiz 0: %s\n", n < 0 ? strerrorname_np(errno) : "ok");
    return 0;
}
