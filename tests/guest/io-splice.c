/* Zero-copy calls between descriptors: sendfile (file to file, pipe and
 * socket, with and without an offset pointer), copy_file_range, splice
 * (file<->pipe, pipe->pipe, waiting for a writer thread), tee and vmsplice,
 * with Linux's errors for each. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static char dir[] = "/tmp/tv-splice-XXXXXX";

static void report(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, r);
}

static int make(const char *name, const char *content, int flags)
{
    char path[80];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (content)
        write(fd, content, strlen(content));
    close(fd);
    return open(path, flags);
}

static void show_file(const char *label, int fd)
{
    char buf[128] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    printf("%s (%zd): \"%s\"\n", label, n, buf);
}

static void drain(const char *label, int fd)
{
    char buf[128] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    printf("%s (%zd): \"%s\"\n", label, n, n > 0 ? buf : "");
}

static void sendfile_tests(void)
{
    int in = make("src", "0123456789abcdefghij", O_RDONLY);
    int out = make("dst", NULL, O_RDWR);
    report("sendfile 5, no offset", sendfile(out, in, NULL, 5));
    report("  in position", lseek(in, 0, SEEK_CUR));
    off_t off = 10;
    report("sendfile 4 at offset 10", sendfile(out, in, &off, 4));
    printf("  offset now %ld, in position %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
    report("sendfile 100 (to end)", sendfile(out, in, NULL, 100));
    report("sendfile at end", sendfile(out, in, NULL, 100));
    off = 30;
    report("sendfile offset past end", sendfile(out, in, &off, 10));
    show_file("dst", out);
    report("sendfile count 0", sendfile(out, in, NULL, 0));

    int p[2];
    pipe(p);
    off = 0;
    report("sendfile to a pipe", sendfile(p[1], in, &off, 12));
    drain("pipe got", p[0]);
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    off = 3;
    report("sendfile to a socket", sendfile(s[0], in, &off, 7));
    drain("socket got", s[1]);

    report("sendfile bad in fd", sendfile(out, 99, NULL, 1));
    report("sendfile bad out fd", sendfile(99, in, NULL, 1));
    int wo = make("wo", "x", O_WRONLY);
    report("sendfile from write-only", sendfile(out, wo, NULL, 1));
    report("sendfile to read-only", sendfile(in, in, NULL, 1));
    int ap = make("ap", "", O_WRONLY | O_APPEND);
    report("sendfile to O_APPEND", sendfile(ap, in, &off, 1));
    write(p[1], "zz", 2);
    off = 0;
    report("sendfile from a pipe with offset", sendfile(out, p[0], &off, 1));
    report("sendfile from a pipe", sendfile(out, p[0], NULL, 1));

    /* A large file through sendfile to another file moves it all. */
    int big = make("big", NULL, O_RDWR);
    static char chunk[200000];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)('a' + i % 26);
    write(big, chunk, sizeof chunk);
    int copy = make("copy", NULL, O_RDWR);
    off = 0;
    report("sendfile 200000 file to file", sendfile(copy, big, &off, sizeof chunk));
    struct stat st;
    fstat(copy, &st);
    printf("  copy size %ld\n", (long)st.st_size);
    int q[2];
    pipe(q);
    off = 0;
    report("sendfile 200000 to an empty pipe (fills it)", sendfile(q[1], big, &off, sizeof chunk));
    fcntl(q[1], F_SETFL, O_NONBLOCK);
    report("sendfile to a full non-blocking pipe", sendfile(q[1], big, &off, 10));
    close(q[0]);
    close(q[1]);
    close(big);
    close(copy);
    close(wo);
    close(ap);
    close(s[0]);
    close(s[1]);
    close(p[0]);
    close(p[1]);
    close(in);
    close(out);
}

static void copy_file_range_tests(void)
{
    int in = make("cfr-src", "The quick brown fox", O_RDONLY);
    int out = make("cfr-dst", "..........", O_RDWR);
    report("copy_file_range 9, positions", copy_file_range(in, NULL, out, NULL, 9, 0));
    printf("  positions %ld %ld\n", (long)lseek(in, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR));
    loff_t oi = 10, oo = 20;
    report("copy_file_range with offsets", copy_file_range(in, &oi, out, &oo, 100, 0));
    printf("  offsets %ld %ld, positions %ld %ld\n", (long)oi, (long)oo, (long)lseek(in, 0, SEEK_CUR),
           (long)lseek(out, 0, SEEK_CUR));
    show_file("cfr-dst", out);
    oi = 50;
    report("copy_file_range past end", copy_file_range(in, &oi, out, NULL, 5, 0));
    report("copy_file_range flags 1", copy_file_range(in, NULL, out, NULL, 5, 1));
    report("copy_file_range len 0", copy_file_range(in, NULL, out, NULL, 0, 0));
    int p[2];
    pipe(p);
    report("copy_file_range to a pipe", copy_file_range(in, NULL, p[1], NULL, 5, 0));
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    report("copy_file_range from a directory", copy_file_range(d, NULL, out, NULL, 5, 0));
    report("copy_file_range to read-only", copy_file_range(in, NULL, in, NULL, 5, 0));
    int ap = make("cfr-ap", "", O_WRONLY | O_APPEND);
    report("copy_file_range to O_APPEND", copy_file_range(in, NULL, ap, NULL, 5, 0));
    report("copy_file_range bad fd", copy_file_range(99, NULL, out, NULL, 5, 0));
    oi = 0;
    oo = 4;
    report("copy_file_range overlapping, same file", copy_file_range(out, &oi, out, &oo, 8, 0));
    oi = 0;
    oo = 30;
    report("copy_file_range within one file", copy_file_range(out, &oi, out, &oo, 4, 0));
    show_file("cfr-dst", out);
    oi = -1;
    report("copy_file_range negative offset", copy_file_range(in, &oi, out, NULL, 5, 0));
    close(ap);
    close(d);
    close(p[0]);
    close(p[1]);
    close(in);
    close(out);
}

static int slow_pipe[2];

static void *late_writer(void *arg)
{
    (void)arg;
    usleep(50000);
    write(slow_pipe[1], "late data", 9);
    close(slow_pipe[1]);
    return NULL;
}

static void splice_tests(void)
{
    int in = make("sp-src", "splice me, please", O_RDONLY);
    int out = make("sp-dst", NULL, O_RDWR);
    int p[2], q[2];
    pipe(p);
    pipe(q);
    loff_t off = 7;
    report("splice file->pipe at offset 7", splice(in, &off, p[1], NULL, 3, 0));
    printf("  offset %ld, position %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
    report("splice file->pipe from position", splice(in, NULL, p[1], NULL, 6, 0));
    printf("  position %ld\n", (long)lseek(in, 0, SEEK_CUR));
    report("splice pipe->pipe 4", splice(p[0], NULL, q[1], NULL, 4, 0));
    report("splice pipe->file", splice(p[0], NULL, out, NULL, 100, 0));
    report("splice pipe->file (rest)", splice(q[0], NULL, out, NULL, 100, 0));
    show_file("sp-dst", out);
    off = 100;
    write(p[1], "AT", 2);
    report("splice pipe->file at offset 100", splice(p[0], NULL, out, &off, 2, 0));
    printf("  offset %ld\n", (long)off);
    struct stat st;
    fstat(out, &st);
    printf("  size %ld\n", (long)st.st_size);

    report("splice empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK));
    report("splice len 0", splice(p[0], NULL, out, NULL, 0, 0));
    report("splice file->file", splice(in, NULL, out, NULL, 5, 0));
    off = 0;
    report("splice offset on a pipe", splice(p[0], &off, out, NULL, 5, 0));
    report("splice pipe to itself", splice(p[0], NULL, p[1], NULL, 5, 0));
    report("splice bad flags", splice(p[0], NULL, out, NULL, 5, 0x100));
    report("splice bad fd", splice(99, NULL, p[1], NULL, 5, 0));
    int ap = make("sp-ap", "", O_WRONLY | O_APPEND);
    write(p[1], "x", 1);
    report("splice to O_APPEND", splice(p[0], NULL, ap, NULL, 5, 0));
    report("splice from the write end", splice(p[1], NULL, out, NULL, 5, 0));
    close(ap);

    /* A pipe larger than it holds: a file splices into at most its room. */
    int big = make("sp-big", NULL, O_RDWR);
    static char chunk[100000];
    memset(chunk, 'b', sizeof chunk);
    write(big, chunk, sizeof chunk);
    off = 0;
    int r[2];
    pipe(r);
    report("splice 100000 file->empty pipe", splice(big, &off, r[1], NULL, sizeof chunk, 0));
    report("splice to the full pipe, SPLICE_F_NONBLOCK", splice(big, &off, r[1], NULL, 10, SPLICE_F_NONBLOCK));
    close(r[0]);
    signal(SIGPIPE, SIG_IGN);
    report("splice to a pipe with no reader", splice(big, &off, r[1], NULL, 10, 0));
    close(r[1]);
    close(big);

    /* Blocking: the pipe is empty until another thread writes. */
    pipe(slow_pipe);
    pthread_t th;
    pthread_create(&th, NULL, late_writer, NULL);
    int out2 = make("sp-late", NULL, O_RDWR);
    report("splice waits for a writer", splice(slow_pipe[0], NULL, out2, NULL, 100, 0));
    report("splice after the writer closed", splice(slow_pipe[0], NULL, out2, NULL, 100, 0));
    pthread_join(th, NULL);
    show_file("sp-late", out2);
    close(slow_pipe[0]);
    close(out2);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    close(in);
    close(out);
}

static void tee_vmsplice_tests(void)
{
    int p[2], q[2];
    pipe(p);
    pipe(q);
    write(p[1], "teed data", 9);
    report("tee 4", tee(p[0], q[1], 4, 0));
    drain("copy", q[0]);
    drain("original", p[0]);
    report("tee empty pipe, SPLICE_F_NONBLOCK", tee(p[0], q[1], 4, SPLICE_F_NONBLOCK));
    report("tee pipe to itself", tee(p[0], p[1], 4, 0));
    int f = make("tee-f", "file", O_RDWR);
    report("tee from a file", tee(f, q[1], 4, 0));
    report("tee to a file", tee(p[0], f, 4, 0));
    report("tee bad flags", tee(p[0], q[1], 4, 0x40));
    report("tee len 0", tee(p[0], q[1], 0, 0));
    report("tee bad fd", tee(99, q[1], 4, 0));

    char a[] = "vm", b[] = "splice";
    struct iovec iov[2] = {{a, 2}, {b, 6}};
    report("vmsplice to a pipe", vmsplice(p[1], iov, 2, 0));
    char x[3] = {0}, y[6] = {0};
    struct iovec in[2] = {{x, 2}, {y, 5}};
    report("vmsplice from a pipe", vmsplice(p[0], in, 2, 0));
    printf("  got \"%s\" \"%s\"\n", x, y);
    drain("left", p[0]);
    report("vmsplice empty pipe, SPLICE_F_NONBLOCK", vmsplice(p[0], in, 2, SPLICE_F_NONBLOCK));
    report("vmsplice to a file", vmsplice(f, iov, 2, 0));
    report("vmsplice bad flags", vmsplice(p[1], iov, 2, 0x20));
    close(p[1]);
    report("vmsplice, no writer left", vmsplice(p[0], in, 2, 0));
    close(f);
    close(p[0]);
    close(q[0]);
    close(q[1]);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    sendfile_tests();
    copy_file_range_tests();
    splice_tests();
    tee_vmsplice_tests();
    char cmd[80];
    snprintf(cmd, sizeof cmd, "%s", dir);
    const char *names[] = {"src", "dst", "wo", "ap", "big", "copy", "cfr-src", "cfr-dst", "cfr-ap",
                           "sp-src", "sp-dst", "sp-ap", "sp-big", "sp-late", "tee-f"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[80];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    if (rmdir(dir) != 0)
        printf("rmdir: %s\n", strerrorname_np(errno));
    return 0;
}
