/* Pseudo-terminals: posix_openpt/grantpt/unlockpt/ptsname and openpty, the
 * slave locked until unlockpt (EIO), TIOCGPTPEER, stat of both ends (the
 * slave a character device of major 136), isatty, the default modes, the
 * line discipline both ways (ONLCR on output; ICRNL, echo, canonical lines,
 * VERASE/VKILL/VWERASE, VEOF, ECHOCTL's ^X on input), raw mode with VMIN and
 * VTIME, window sizes, FIONREAD, non-blocking reads and poll on both ends,
 * EIO on the master once the slave is closed, a hung-up slave once the
 * master is closed, and forkpty with a child that becomes a session leader
 * with the pty as its controlling terminal (/dev/tty), prints and exits.
 * Only outcomes and data are printed: pts numbers differ between hosts. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void report(const char *what, int r)
{
    printf("%s: %s\n", what, r >= 0 ? "ok" : strerrorname_np(errno));
}

/* Prints bytes with control characters escaped, so echoes can be compared. */
static void show(const char *what, const char *buf, int n)
{
    printf("%s: %d \"", what, n);
    for (int i = 0; i < n; i++) {
        unsigned char c = buf[i];
        if (c == '\r') printf("\\r");
        else if (c == '\n') printf("\\n");
        else if (c == '\b') printf("\\b");
        else if (c == '\t') printf("\\t");
        else if (c < 32 || c >= 127) printf("\\x%02x", c);
        else putchar(c);
    }
    printf("\"\n");
}

/* Reads what is there now from a non-blocking `fd` (after giving the other side a moment). */
static void drain(const char *what, int fd)
{
    char buf[512];
    usleep(20000);
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    int n = read(fd, buf, sizeof buf);
    fcntl(fd, F_SETFL, fl);
    if (n < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else show(what, buf, n);
}

static void readfrom(const char *what, int fd, int size)
{
    char buf[512];
    int n = read(fd, buf, size);
    if (n < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else show(what, buf, n);
}

/* The host's ptys pass data on asynchronously: lets it arrive before polls and FIONREAD. */
static void settle(void)
{
    usleep(20000);
}

static int pollfd1(int fd, short events)
{
    struct pollfd p = { fd, events, 0 };
    int r = poll(&p, 1, 0);
    return r < 0 ? -1 : p.revents;
}

static void devices(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    report("posix_openpt", m);
    report("grantpt", grantpt(m));
    const char *name = ptsname(m);
    printf("ptsname under /dev/pts: %s\n", name && strncmp(name, "/dev/pts/", 9) == 0 ? "yes" : "no");
    int locked = open(name, O_RDWR | O_NOCTTY);
    report("open slave while locked", locked);
    report("unlockpt", unlockpt(m));
    int s = open(name, O_RDWR | O_NOCTTY);
    report("open slave", s);
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    report("TIOCGPTPEER", peer);
    struct stat ms, ss, ps, ns;
    fstat(m, &ms);
    fstat(s, &ss);
    fstat(peer, &ps);
    report("stat slave path", stat(name, &ns));
    printf("master chr %d major %u minor %u\n", S_ISCHR(ms.st_mode), major(ms.st_rdev), minor(ms.st_rdev));
    printf("slave chr %d major %u\n", S_ISCHR(ss.st_mode), major(ss.st_rdev));
    printf("peer is the slave: %d, path is the slave: %d\n", ps.st_rdev == ss.st_rdev, ns.st_rdev == ss.st_rdev && ns.st_ino == ss.st_ino);
    printf("isatty master %d slave %d\n", isatty(m), isatty(s));
    char tn[64] = "";
    report("ttyname_r slave", ttyname_r(s, tn, sizeof tn));
    printf("ttyname is ptsname: %d\n", strcmp(tn, name) == 0);
    int ptn = -1;
    report("TIOCGPTN on the slave", ioctl(s, TIOCGPTN, &ptn));
    struct termios t;
    tcgetattr(s, &t);
    printf("iflag %o oflag %o lflag %o cc intr %d erase %d kill %d eof %d min %d time %d\n", t.c_iflag, t.c_oflag,
           t.c_lflag, t.c_cc[VINTR], t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VMIN], t.c_cc[VTIME]);
    close(peer);
    close(s);
    close(m);
    report("open slave after the master closed", open(name, O_RDWR | O_NOCTTY));
}

static void cooked(void)
{
    int m, s;
    report("openpty", openpty(&m, &s, NULL, NULL, NULL));
    printf("master poll before any output: %#x\n", pollfd1(m, POLLIN | POLLOUT));
    fcntl(m, F_SETFL, O_NONBLOCK);
    readfrom("empty master, non-blocking", m, 100);
    fcntl(m, F_SETFL, 0);
    write(s, "one\ntwo\n", 8);
    settle();
    int avail = -1;
    ioctl(m, FIONREAD, &avail);
    printf("FIONREAD master: %d\n", avail);
    readfrom("slave output (ONLCR)", m, 100);

    write(m, "hello\r", 6);
    settle();
    printf("slave poll with a line: %#x\n", pollfd1(s, POLLIN));
    ioctl(s, FIONREAD, &avail);
    printf("FIONREAD slave: %d\n", avail);
    readfrom("slave reads a line (ICRNL)", s, 100);
    drain("echo", m);

    write(m, "abc", 3);
    settle();
    printf("slave poll with a partial line: %#x\n", pollfd1(s, POLLIN));
    fcntl(s, F_SETFL, O_NONBLOCK);
    readfrom("partial line, non-blocking", s, 100);
    fcntl(s, F_SETFL, 0);
    write(m, "\x7f" "d\n", 3);
    readfrom("after erase", s, 100);
    drain("erase echo", m);

    /* Line editing: what the slave reads, then the echo the master gets. */
    static const struct { const char *what, *typed; } edits[] = {
        { "kill (VKILL)", "junk\x15" "good\n" },
        { "word erase (VWERASE)", "one two\x17" "three\n" },
        { "tab erase and ^A", "tab\tx\x7f\x7f" "y\x01\n" },
    };
    for (unsigned i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        printf("%s\n", edits[i].what);
        write(m, edits[i].typed, strlen(edits[i].typed));
        readfrom("  read", s, 100);
        drain("  echo", m);
    }

    write(m, "two\nlines\n", 10);
    readfrom("first of two lines", s, 100);
    readfrom("second of two lines", s, 3);
    readfrom("rest of the second", s, 100);

    write(m, "eof\x04", 4);
    readfrom("line ended by VEOF", s, 100);
    write(m, "\x04", 1);
    readfrom("VEOF alone", s, 100);
    drain("VEOF echo", m);

    /* ECHO off: nothing comes back. */
    struct termios t;
    tcgetattr(s, &t);
    t.c_lflag &= ~ECHO;
    tcsetattr(s, TCSANOW, &t);
    write(m, "secret\n", 7);
    readfrom("with echo off", s, 100);
    drain("no echo", m);
    t.c_lflag |= ECHO;
    tcsetattr(s, TCSANOW, &t);

    /* OPOST off: newlines come out as they are. */
    t.c_oflag &= ~OPOST;
    tcsetattr(s, TCSANOW, &t);
    write(s, "raw\n", 4);
    readfrom("output without OPOST", m, 100);
    t.c_oflag |= OPOST;
    tcsetattr(s, TCSANOW, &t);

    /* Window size. */
    struct winsize w = { 0 };
    report("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &w));
    printf("initial size %dx%d\n", w.ws_row, w.ws_col);
    struct winsize set = { 40, 132, 0, 0 };
    report("TIOCSWINSZ on master", ioctl(m, TIOCSWINSZ, &set));
    ioctl(s, TIOCGWINSZ, &w);
    printf("slave sees %dx%d\n", w.ws_row, w.ws_col);

    /* TCFLSH drops pending input. */
    write(m, "dropped\n", 8);
    settle();
    report("tcflush", tcflush(s, TCIFLUSH));
    ioctl(s, FIONREAD, &avail);
    printf("after tcflush: %d\n", avail);
    drain("echo of flushed input", m);

    close(s);
    settle();
    printf("master poll after the slave closed: %#x\n", pollfd1(m, POLLIN | POLLOUT));
    readfrom("master after the slave closed", m, 100);
    close(m);
}

static void raw(void)
{
    int m, s;
    openpty(&m, &s, NULL, NULL, NULL);
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    report("tcsetattr raw", tcsetattr(s, TCSANOW, &t));
    write(m, "a\rb\x03\n", 5);
    readfrom("raw read", s, 100);
    drain("raw echo", m);
    write(s, "x\ny", 3);
    readfrom("raw output", m, 100);

    t.c_cc[VMIN] = 4;
    tcsetattr(s, TCSANOW, &t);
    write(m, "12", 2);
    settle();
    printf("poll below VMIN: %#x\n", pollfd1(s, POLLIN));
    write(m, "34", 2);
    settle();
    printf("poll at VMIN: %#x\n", pollfd1(s, POLLIN));
    readfrom("VMIN 4", s, 100);

    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    tcsetattr(s, TCSANOW, &t);
    readfrom("VMIN 0 VTIME 0, nothing there", s, 100);
    t.c_cc[VTIME] = 1;
    tcsetattr(s, TCSANOW, &t);
    readfrom("VMIN 0 VTIME 1, nothing comes", s, 100);

    /* Back to canonical mode: what is buffered becomes a line. */
    write(m, "left", 4);
    settle();
    t.c_lflag |= ICANON;
    tcsetattr(s, TCSANOW, &t);
    readfrom("buffered raw input, canonical again", s, 100);
    close(s);
    close(m);
}

static void hangup(void)
{
    int m, s;
    openpty(&m, &s, NULL, NULL, NULL);
    write(m, "pending\n", 8);
    settle();
    close(m);
    readfrom("slave read after hangup", s, 100);
    report("slave write after hangup", write(s, "x", 1));
    struct termios t;
    report("tcgetattr after hangup", tcgetattr(s, &t));
    printf("slave poll after hangup: %#x\n", pollfd1(s, POLLIN | POLLOUT));
    close(s);
}

static void isig(void)
{
    int m, s;
    openpty(&m, &s, NULL, NULL, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* A session of its own with the pty as controlling terminal: ^C interrupts it. */
        setsid();
        ioctl(s, TIOCSCTTY, 0);
        signal(SIGINT, SIG_DFL);
        write(s, "ready\n", 6);
        pause();
        _exit(0);
    }
    char buf[64];
    read(m, buf, sizeof buf); /* "ready" */
    pid_t fg = -1;
    report("TIOCGPGRP on the master", ioctl(m, TIOCGPGRP, &fg));
    printf("foreground group is the child: %d\n", fg == pid);
    write(m, "partial\x03", 8);
    int st;
    waitpid(pid, &st, 0);
    printf("child killed by SIGINT: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
    drain("^C echo", m);
    close(s);
    close(m);
}

static void forked(void)
{
    int m;
    pid_t pid = forkpty(&m, NULL, NULL, NULL);
    if (pid < 0) {
        report("forkpty", -1);
        return;
    }
    if (pid == 0) {
        printf("child: stdin tty %d stdout tty %d\n", isatty(0), isatty(1));
        printf("child: session leader %d\n", getsid(0) == getpid());
        printf("child: setsid again: %s\n", setsid() < 0 ? strerrorname_np(errno) : "ok");
        printf("child: foreground %d\n", tcgetpgrp(1) == getpgrp());
        int t = open("/dev/tty", O_RDWR);
        printf("child: /dev/tty %s\n", t < 0 ? strerrorname_np(errno) : "ok");
        if (t >= 0) write(t, "via /dev/tty\n", 13);
        char line[64];
        if (fgets(line, sizeof line, stdin))
            printf("child: read %s", line);
        fflush(stdout);
        _exit(7);
    }
    /* The input goes in once the child has said all it says first: its echo then follows those
       lines, whichever process runs first (Linux echoes input as it arrives, not as it is read). */
    char all[2048];
    int total = 0, sent = 0;
    for (;;) {
        if (!sent && memmem(all, total, "via /dev/tty\r\n", 14) != NULL) {
            write(m, "input for the child\n", 20);
            sent = 1;
        }
        int n = read(m, all + total, sizeof all - 1 - total);
        if (n <= 0) {
            printf("parent: master read ends with %s\n", n < 0 ? strerrorname_np(errno) : "0");
            break;
        }
        total += n;
    }
    show("parent: child output", all, total);
    int st;
    waitpid(pid, &st, 0);
    printf("parent: child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    close(m);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    devices();
    cooked();
    raw();
    hangup();
    isig();
    forked();
    return 0;
}
