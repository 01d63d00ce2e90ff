/* File I/O in a private temp dir: open, write, lseek, read, pread, pwrite, fstat,
 * ftruncate, O_APPEND, dup, rename, unlink. Paths are never printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAILED: %s (line %d, errno %d)\n", #cond, __LINE__, errno); exit(1); } } while (0)

int main(void)
{
    char dir[] = "/tmp/tv-fileio-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char a[64], b[64];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);

    int fd = open(a, O_CREAT | O_EXCL | O_RDWR, 0640);
    CHECK(fd >= 0);
    CHECK(open(a, O_CREAT | O_EXCL | O_RDWR, 0640) < 0 && errno == EEXIST);
    printf("O_EXCL on an existing file fails with EEXIST\n");

    const char *text = "0123456789abcdefghij";
    CHECK(write(fd, text, 20) == 20);
    printf("lseek(0, SEEK_CUR) = %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek(-5, SEEK_END) = %ld\n", (long)lseek(fd, -5, SEEK_END));
    char buf[64] = {0};
    CHECK(read(fd, buf, sizeof buf) == 5);
    printf("read after SEEK_END-5: \"%s\"\n", buf);
    printf("read at EOF returns %ld\n", (long)read(fd, buf, 1));

    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 4, 10) == 4);
    printf("pread(4 @ 10): \"%s\", offset still %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
    CHECK(pwrite(fd, "XY", 2, 3) == 2);
    CHECK(lseek(fd, 30, SEEK_SET) == 30);
    CHECK(write(fd, "!", 1) == 1); /* leaves a hole of zeros */

    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size=%ld regular=%d mode=%o\n", (long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 0777);

    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, sizeof buf, 0) == 31);
    printf("contents:");
    for (int i = 0; i < 31; i++)
        printf(" %02x", (unsigned char)buf[i]);
    printf("\n");

    CHECK(ftruncate(fd, 8) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("after ftruncate size=%ld\n", (long)st.st_size);

    int fd2 = dup(fd);
    CHECK(fd2 > fd);
    CHECK(lseek(fd2, 0, SEEK_SET) == 0);
    printf("dup shares the offset: %s\n", lseek(fd, 0, SEEK_CUR) == 0 ? "yes" : "no");
    CHECK(close(fd2) == 0 && close(fd) == 0);

    fd = open(a, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "-tail", 5) == 5);
    CHECK(close(fd) == 0);

    CHECK(rename(a, b) == 0);
    CHECK(stat(a, &st) < 0 && errno == ENOENT);
    printf("old name is gone after rename (ENOENT)\n");
    fd = open(b, O_RDONLY);
    CHECK(fd >= 0);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == 13);
    printf("renamed file holds \"%s\"\n", buf);
    CHECK(close(fd) == 0);
    CHECK(close(fd) < 0 && errno == EBADF);
    printf("closing twice fails with EBADF\n");

    CHECK(access(b, R_OK | W_OK) == 0);
    CHECK(unlink(b) == 0);
    CHECK(unlink(b) < 0 && errno == ENOENT);
    CHECK(rmdir(dir) == 0);
    printf("cleaned up\n");
    return 0;
}
