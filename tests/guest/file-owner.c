/* The umask on created files, directories and nodes (a guest umask of 002
 * against the host's usual 022), chown/fchown/lchown/fchownat and their
 * errors, and rewinding a directory: rewinddir, and listing through a dup of
 * a descriptor already read to its end (what Python's os.listdir(fd) does). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void report(const char *what, int r)
{
    printf("%s: %s\n", what, r == 0 ? "0" : strerrorname_np(errno));
}

static void mode_of(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        printf("%s: stat %s\n", path, strerrorname_np(errno));
        return;
    }
    printf("%s: mode %04o\n", path, st.st_mode & 07777);
}

static int count(DIR *d)
{
    int n = 0;
    while (readdir(d) != NULL) n++;
    return n;
}

int main(void)
{
    char dir[] = "/tmp/tv-owner-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;

    umask(002);
    report("mkdir 0775", mkdir("d", 0775));
    mode_of("d");
    int fd = open("f", O_CREAT | O_WRONLY, 0666);
    printf("open O_CREAT 0666: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
    mode_of("f");
    report("mknod regular 0664", mknod("n", S_IFREG | 0664, 0));
    mode_of("n");
    umask(077);
    report("mkdir 0777 under 077", mkdir("d2", 0777));
    mode_of("d2");

    uid_t uid = getuid();
    gid_t gid = getgid();
    report("chown to self", chown("f", uid, gid));
    report("chown of a missing file", chown("missing", uid, gid));
    report("fchown of a bad descriptor", fchown(987, uid, gid));
    report("fchown keeping both (-1, -1)", fchown(fd, (uid_t)-1, (gid_t)-1));
    report("symlink", symlink("f", "link"));
    report("lchown of the link", lchown("link", uid, gid));
    report("fchownat with AT_EMPTY_PATH", fchownat(fd, "", uid, gid, AT_EMPTY_PATH));
    report("fchownat with a bad flag", fchownat(AT_FDCWD, "f", uid, gid, 0x4));
    /* Giving the file away works for root only; both sides run as the same user. */
    int away = chown("f", 4321, 4321);
    struct stat st;
    stat("f", &st);
    printf("chown to 4321: %s, owner now %s\n", away == 0 ? "0" : strerrorname_np(errno),
           away == 0 ? (st.st_uid == 4321 && st.st_gid == 4321 ? "4321:4321" : "unchanged") : (st.st_uid == uid ? "unchanged" : "changed"));
    /* An owner id above 2^31 (as test_posix uses) is a uid_t, not a negative number. */
    int big = fchown(fd, 2147483648u, 2147483648u);
    fstat(fd, &st);
    printf("fchown to 2^31: %s, owner now %s\n", big == 0 ? "0" : strerrorname_np(errno),
           big == 0 ? (st.st_uid == 2147483648u ? "2^31" : "unchanged") : (st.st_uid == 2147483648u ? "changed" : "unchanged"));
    close(fd);

    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "e%d", i);
        close(open(name, O_CREAT | O_WRONLY, 0600));
    }
    DIR *d = opendir(".");
    int first = count(d);
    rewinddir(d);
    int again = count(d);
    printf("entries %d, after rewinddir %d\n", first, again);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    DIR *through = fdopendir(dfd);
    int n1 = count(through);
    DIR *dup_of = fdopendir(dup(dfd)); /* the same open directory, read to its end */
    rewinddir(dup_of);
    int n2 = count(dup_of);
    printf("through a descriptor %d, through its dup after rewinddir %d\n", n1, n2);
    closedir(through);
    closedir(dup_of);
    closedir(d);

    const char *names[] = {"f", "n", "link", "e0", "e1", "e2", "e3", "e4"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) unlink(names[i]);
    rmdir("d");
    rmdir("d2");
    chdir("/");
    rmdir(dir);
    return 0;
}
