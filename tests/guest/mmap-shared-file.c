/* MAP_SHARED mappings of one file in two processes use the same pages, as
 * Linux's page cache makes them: a store through the child's mapping is seen
 * at once through the parent's (no msync), a write(2) to the file is seen
 * through both mappings, a store through a mapping is seen by read(2), and a
 * futex wake on the shared page reaches a waiter in the other process. The
 * process exits with a read-only shared mapping still in place. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE 8192

static void wait_byte(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1) _exit(3);
}

static void send_byte(int fd)
{
    if (write(fd, "x", 1) != 1) _exit(4);
}

static char *map_file(const char *path, int prot, int flags)
{
    int fd = open(path, flags);
    if (fd < 0) return NULL;
    char *p = mmap(NULL, SIZE, prot, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

int main(void)
{
    char path[] = "/tmp/tv-shared-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, SIZE) != 0) return 1;
    if (pwrite(fd, "initial", 7, 4096) != 7) return 1;
    int to_child[2], to_parent[2];
    if (pipe(to_child) != 0 || pipe(to_parent) != 0) return 1;
    char *mine = map_file(path, PROT_READ | PROT_WRITE, O_RDWR);
    if (mine == NULL) return 1;
    fflush(stdout);

    pid_t pid = fork();
    if (pid == 0) {
        /* The child maps the file anew (a mapping of its own, not the inherited one). */
        char *its = map_file(path, PROT_READ | PROT_WRITE, O_RDWR);
        if (its == NULL) _exit(2);
        strcpy(its + 100, "stored by the child");
        send_byte(to_parent[1]);
        wait_byte(to_child[0]);
        printf("child sees the parent's write(2): %s\n", its + 200);
        printf("child sees the parent's store: %s\n", its + 300);
        fflush(stdout);
        /* Wake the parent waiting on a futex in the shared page. */
        uint32_t *word = (uint32_t *)(its + 512);
        __atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
        char *ro = map_file(path, PROT_READ, O_RDONLY);
        printf("child's read-only mapping: %s\n", ro ? ro + 4096 : "failed");
        fflush(stdout);
        _exit(0); /* with its mappings, the read-only one too, still in place */
    }
    wait_byte(to_parent[0]);
    printf("parent sees the child's store: %s\n", mine + 100);
    char buf[32] = {0};
    if (pread(fd, buf, 19, 100) != 19) return 1;
    printf("read(2) sees the child's store: %s\n", buf);
    if (pwrite(fd, "written with pwrite", 20, 200) != 20) return 1;
    strcpy(mine + 300, "stored by the parent");
    printf("parent's mapping sees its own pwrite: %s\n", mine + 200);
    printf("initial bytes through the mapping: %s\n", mine + 4096);
    send_byte(to_child[1]);
    uint32_t *word = (uint32_t *)(mine + 512);
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0);
    printf("futex word: %u\n", *word);
    int status;
    waitpid(pid, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    munmap(mine, SIZE);
    memset(buf, 0, sizeof buf);
    if (pread(fd, buf, 20, 300) != 20) return 1;
    printf("file after munmap: %s\n", buf);
    unlink(path);
    return 0;
}
