/* Read a large stdin with read(2) in odd-sized chunks and print a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    unsigned char buf[3001];
    uint32_t fnv = 2166136261u;
    uint64_t total = 0;
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            fnv ^= buf[i];
            fnv *= 16777619u;
        }
        total += (uint64_t)n;
    }
    if (n < 0) {
        perror("read");
        return 1;
    }
    printf("bytes=%llu fnv1a=%08x\n", (unsigned long long)total, fnv);
    return 0;
}
