/* Memory mapping: anonymous and file-backed mappings (shared and private),
 * msync, mremap, mprotect, madvise(DONTNEED), brk via sbrk, and misaligned
 * loads and stores. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAILED: %s (line %d, errno %d)\n", #cond, __LINE__, errno); exit(1); } } while (0)

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);

    unsigned char *anon = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED);
    int zero = 1;
    for (long i = 0; i < 16 * page; i++)
        zero &= anon[i] == 0;
    printf("anonymous mapping starts zeroed: %d, page aligned: %d\n", zero, ((uintptr_t)anon % (uintptr_t)page) == 0);
    memset(anon, 0xab, 16 * page);
    CHECK(munmap(anon + 4 * page, 4 * page) == 0); /* punch a hole in the middle */
    printf("outer parts survive the hole: %02x %02x\n", anon[0], anon[15 * page]);
    CHECK(madvise(anon, page, MADV_DONTNEED) == 0);
    printf("MADV_DONTNEED on private anon memory zeroes it: %02x\n", anon[10]);
    CHECK(munmap(anon, 16 * page) == 0);

    char path[] = "/tmp/tv-mmap-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(unlink(path) == 0); /* the open fd keeps the file alive */
    CHECK(ftruncate(fd, 2 * page) == 0);
    CHECK(pwrite(fd, "file contents", 13, 0) == 13);

    char *shared = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *priv = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(shared != MAP_FAILED && priv != MAP_FAILED);
    printf("shared map sees \"%.13s\", private map sees \"%.13s\"\n", shared, priv);
    memcpy(shared, "FILE", 4);
    CHECK(msync(shared, page, MS_SYNC) == 0);
    char buf[16] = {0};
    CHECK(pread(fd, buf, 13, 0) == 13);
    printf("after a shared write the file holds \"%s\"\n", buf);
    memcpy(priv + page, "private", 7);
    CHECK(pread(fd, buf, 7, page) == 7);
    printf("a private write stays private: file has zeros=%d\n", buf[0] == 0 && buf[6] == 0);
    CHECK(pwrite(fd, "late", 4, 20) == 4);
    printf("a later file write shows in the shared map: \"%.4s\"\n", shared + 20);
    munmap(shared, 2 * page);
    munmap(priv, 2 * page);

    char *offset_map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page);
    CHECK(offset_map != MAP_FAILED);
    printf("mapping at file offset one page starts with zero byte: %d\n", offset_map[0] == 0);
    munmap(offset_map, page);
    close(fd);

    char *grow = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(grow, "kept across mremap");
    grow = mremap(grow, page, 64 * page, MREMAP_MAYMOVE);
    CHECK(grow != MAP_FAILED);
    grow[63 * page] = 'z';
    printf("mremap grew the mapping: \"%s\" and last page writable: %c\n", grow, grow[63 * page]);
    munmap(grow, 64 * page);

    errno = 0;
    void *bad = mmap(NULL, page, PROT_READ, MAP_PRIVATE, 12345, 0);
    printf("mmap of a bad fd fails with EBADF: %d\n", bad == MAP_FAILED && errno == EBADF);
    errno = 0;
    printf("munmap of an unaligned address fails with EINVAL: %d\n", munmap(grow + 1, page) != 0 && errno == EINVAL);

    char *fixed_hint = mmap(NULL, 3 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *fixed = mmap(fixed_hint + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    fixed[0] = 1;
    printf("MAP_FIXED lands where asked: %d\n", fixed == fixed_hint + page);
    munmap(fixed_hint, 3 * page);

    char *before = sbrk(0);
    CHECK(sbrk(100000) == before);
    memset(before, 7, 100000);
    char *after = sbrk(0);
    printf("sbrk moved the break by %ld\n", (long)(after - before));
    CHECK(sbrk(-100000) == after);
    printf("and back: %d\n", sbrk(0) == before);

    /* misaligned accesses must work (Linux emulates them if the hardware does not) */
    unsigned char bytes[32];
    for (int i = 0; i < 32; i++)
        bytes[i] = (unsigned char)(i * 17 + 1);
    volatile uint64_t *p64 = (volatile uint64_t *)(bytes + 3);
    volatile uint32_t *p32 = (volatile uint32_t *)(bytes + 13);
    volatile uint16_t *p16 = (volatile uint16_t *)(bytes + 21);
    printf("misaligned loads: %016llx %08x %04x\n", (unsigned long long)*p64, *p32, *p16);
    *p64 = 0x1122334455667788u;
    *p32 = 0xdeadbeef;
    printf("misaligned stores:");
    for (int i = 0; i < 24; i++)
        printf(" %02x", bytes[i]);
    printf("\n");
    return 0;
}
