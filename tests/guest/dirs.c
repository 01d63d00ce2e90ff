/* Directories: mkdir, readdir (sorted), d_type, ENOTEMPTY, chdir/getcwd, rmdir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAILED: %s (line %d, errno %d)\n", #cond, __LINE__, errno); exit(1); } } while (0)

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
    DIR *d = opendir(path);
    CHECK(d != NULL);
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *kind = e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : "other";
        char *s = malloc(strlen(e->d_name) + 8);
        sprintf(s, "%s (%s)", e->d_name, kind);
        names[n++] = s;
    }
    CHECK(closedir(d) == 0);
    qsort(names, n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        printf("  %s\n", names[i]);
        free(names[i]);
    }
}

int main(void)
{
    char dir[] = "/tmp/tv-dirs-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chdir(dir) == 0);

    const char *subdirs[] = {"zeta", "alpha", "mid", "alpha/inner"};
    for (int i = 0; i < 4; i++)
        CHECK(mkdir(subdirs[i], 0755) == 0);
    CHECK(mkdir("mid", 0755) < 0 && errno == EEXIST);
    const char *files[] = {"b.txt", "a.txt", "alpha/inner/deep.txt", "Capital"};
    for (int i = 0; i < 4; i++) {
        int fd = open(files[i], O_CREAT | O_WRONLY, 0644);
        CHECK(fd >= 0);
        CHECK(close(fd) == 0);
    }

    printf("top level:\n");
    list(".");
    printf("alpha/inner:\n");
    list("alpha/inner");

    CHECK(rmdir("alpha") < 0 && errno == ENOTEMPTY);
    printf("rmdir of a non-empty directory fails with ENOTEMPTY\n");
    CHECK(rmdir("b.txt") < 0 && errno == ENOTDIR);
    printf("rmdir of a file fails with ENOTDIR\n");

    CHECK(chdir("alpha/inner") == 0);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    size_t len = strlen(cwd);
    printf("getcwd ends with /alpha/inner: %s\n",
           len > 12 && strcmp(cwd + len - 12, "/alpha/inner") == 0 ? "yes" : "no");
    printf("getcwd starts with the temp dir: %s\n", strncmp(cwd, dir, strlen(dir)) == 0 ? "yes" : "no");
    CHECK(chdir("../..") == 0);

    struct stat st;
    CHECK(stat("alpha/inner", &st) == 0 && S_ISDIR(st.st_mode));
    printf("stat says alpha/inner is a directory\n");

    CHECK(unlink("alpha/inner/deep.txt") == 0);
    for (int i = 3; i >= 0; i--)
        CHECK(rmdir(subdirs[i]) == 0);
    CHECK(unlink("a.txt") == 0 && unlink("b.txt") == 0 && unlink("Capital") == 0);
    printf("after cleanup:\n");
    list(".");
    CHECK(chdir("/") == 0);
    CHECK(rmdir(dir) == 0);
    printf("removed the temp dir\n");
    return 0;
}
