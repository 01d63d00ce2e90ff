/* inotify: inotify_init1, inotify_add_watch and inotify_rm_watch. A directory
 * and a file in it are watched while files are created, written, read,
 * closed, renamed, linked, truncated, chmod-ed and removed; every event read
 * is printed (watch, mask bits, name, whether a move's two cookies match).
 * Also IN_NONBLOCK, FIONREAD, poll readiness, a buffer too small, merged
 * identical events, IN_ONESHOT, IN_MASK_ADD/IN_MASK_CREATE, IN_ONLYDIR and
 * the errors of the three calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int dir_wd, file_wd;
static uint32_t last_cookie;

static void check(const char *what, long r)
{
    printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

static const char *who(int wd)
{
    return wd == dir_wd ? "dir" : wd == file_wd ? "file" : wd == -1 ? "queue" : "other";
}

static void print_mask(uint32_t mask)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        {IN_ACCESS, "ACCESS"}, {IN_MODIFY, "MODIFY"}, {IN_ATTRIB, "ATTRIB"}, {IN_CLOSE_WRITE, "CLOSE_WRITE"},
        {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"}, {IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"},
        {IN_CREATE, "CREATE"}, {IN_DELETE, "DELETE"}, {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
        {IN_Q_OVERFLOW, "Q_OVERFLOW"}, {IN_IGNORED, "IGNORED"}, {IN_ISDIR, "ISDIR"},
    };
    const char *sep = "";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (mask & names[i].bit) {
            printf("%s%s", sep, names[i].name);
            sep = "|";
            mask &= ~names[i].bit;
        }
    if (mask) printf("%s0x%x", sep, mask);
}

/* Reads and prints every queued event (the descriptor is non-blocking). */
static void drain(int fd, const char *step)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int avail = -1;
    ioctl(fd, FIONREAD, &avail);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int ready = poll(&pfd, 1, 0);
    printf("[%s] FIONREAD %d, poll %d revents 0x%x\n", step, avail, ready, pfd.revents);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            printf("  read: %s\n", strerrorname_np(errno));
            return;
        }
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            printf("  %s ", who(e->wd));
            print_mask(e->mask);
            if (e->len > 0) printf(" \"%s\" len %u", e->name, e->len);
            if (e->cookie != 0) {
                printf(" cookie %s", e->cookie == last_cookie ? "same as before" : "new");
                last_cookie = e->cookie;
            }
            printf("\n");
            p += sizeof *e + e->len;
        }
    }
}

static void write_file(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | flags, 0644);
    if (fd < 0) {
        printf("open %s: %s\n", path, strerrorname_np(errno));
        return;
    }
    if (write(fd, text, strlen(text)) < 0) printf("write: %s\n", strerrorname_np(errno));
    if (write(fd, text, strlen(text)) < 0) printf("write: %s\n", strerrorname_np(errno));
    close(fd);
}

int main(void)
{
    char dir[] = "/tmp/tv-inotify-XXXXXX";
    if (mkdtemp(dir) == NULL || chdir(dir) != 0) return 1;

    errno = 0;
    check("init1 with a bad flag", inotify_init1(0x1));
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    check("init1", fd);
    printf("FD_CLOEXEC %d, O_NONBLOCK %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);

    check("watch a missing path", inotify_add_watch(fd, "missing", IN_ALL_EVENTS));
    check("watch with a bad descriptor", inotify_add_watch(99, ".", IN_ALL_EVENTS));
    check("watch through a non-inotify descriptor", inotify_add_watch(0, ".", IN_ALL_EVENTS));
    check("watch for no event", inotify_add_watch(fd, ".", 0));
    check("MASK_ADD with MASK_CREATE", inotify_add_watch(fd, ".", IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE));
    check("remove a watch that is not there", inotify_rm_watch(fd, 12345));
    check("remove through a bad descriptor", inotify_rm_watch(99, 1));

    dir_wd = inotify_add_watch(fd, ".", IN_ALL_EVENTS);
    check("watch the directory", dir_wd);
    printf("same watch again gives the same wd: %d\n", inotify_add_watch(fd, ".", IN_ALL_EVENTS) == dir_wd);
    check("MASK_CREATE on a watched inode", inotify_add_watch(fd, ".", IN_CREATE | IN_MASK_CREATE));
    drain(fd, "nothing yet");

    write_file("a.txt", "hello\n", O_CREAT | O_EXCL);
    drain(fd, "create a.txt, write twice, close");

    file_wd = inotify_add_watch(fd, "a.txt", IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_CLOSE_WRITE);
    check("watch the file", file_wd);
    check("ONLYDIR on a file", inotify_add_watch(fd, "a.txt", IN_MODIFY | IN_ONLYDIR));
    printf("MASK_ADD keeps the wd: %d\n", inotify_add_watch(fd, "a.txt", IN_OPEN | IN_MASK_ADD) == file_wd);

    write_file("a.txt", "more\n", O_APPEND);
    drain(fd, "append to a.txt");

    int rd = open("a.txt", O_RDONLY);
    char tmp[64];
    check("read a.txt", read(rd, tmp, sizeof tmp));
    close(rd);
    drain(fd, "read a.txt");

    check("chmod a.txt", chmod("a.txt", 0600));
    check("truncate a.txt", truncate("a.txt", 3));
    drain(fd, "chmod and truncate");

    check("rename a.txt b.txt", rename("a.txt", "b.txt"));
    drain(fd, "rename");
    check("link b.txt c.txt", link("b.txt", "c.txt"));
    check("symlink", symlink("b.txt", "d.lnk"));
    drain(fd, "link and symlink");

    check("unlink c.txt", unlink("c.txt"));
    check("unlink b.txt", unlink("b.txt"));
    check("unlink d.lnk", unlink("d.lnk"));
    drain(fd, "unlinks");
    check("remove the file's watch after its deletion", inotify_rm_watch(fd, file_wd));

    check("mkdir sub", mkdir("sub", 0755));
    check("rename sub sub2", rename("sub", "sub2"));
    check("rmdir sub2", rmdir("sub2"));
    drain(fd, "directories");

    /* A buffer too small for the next event. */
    write_file("e.txt", "x", O_CREAT);
    char small[sizeof(struct inotify_event) + 4];
    errno = 0;
    check("read into a buffer too small", read(fd, small, sizeof small));
    drain(fd, "after the small read");

    /* IN_ONESHOT: one event, then the watch is gone. */
    int one = inotify_add_watch(fd, "e.txt", IN_MODIFY | IN_ONESHOT);
    file_wd = one;
    write_file("e.txt", "y", 0);
    drain(fd, "oneshot");
    check("rm_watch after the oneshot", inotify_rm_watch(fd, one));
    unlink("e.txt");

    check("rm_watch of the directory", inotify_rm_watch(fd, dir_wd));
    drain(fd, "rm_watch");

    /* A blocking instance: a second one, readable once an event is queued. */
    int blocking = inotify_init1(0);
    inotify_add_watch(blocking, ".", IN_CREATE);
    close(open("f.txt", O_CREAT | O_WRONLY, 0644));
    char buf[256];
    ssize_t n = read(blocking, buf, sizeof buf);
    struct inotify_event *e = (struct inotify_event *)buf;
    printf("blocking read %zd: mask 0x%x name %s\n", n, e->mask, e->name);
    unlink("f.txt");
    close(blocking);
    close(fd);
    chdir("/");
    check("rmdir the test directory", rmdir(dir));
    return 0;
}
