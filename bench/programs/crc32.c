/* CRC-32 (table driven) and FNV-1a over a pseudo-random buffer of N KiB
 * (argv[1]), hashed R times (argv[2]): byte loads, table lookups, shifts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t table[256];

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

int main(int argc, char **argv)
{
    size_t kib = argc > 1 ? (size_t)atol(argv[1]) : 1024;
    int rounds = argc > 2 ? atoi(argv[2]) : 10;
    size_t n = kib * 1024;
    unsigned char *buf = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
    make_table();
    uint32_t crc_all = 0, fnv_all = 0;
    for (int r = 0; r < rounds; r++) {
        buf[r % n] ^= (unsigned char)r;
        uint32_t crc = 0xffffffffu, fnv = 2166136261u;
        for (size_t i = 0; i < n; i++) {
            crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
            fnv = (fnv ^ buf[i]) * 16777619u;
        }
        crc_all ^= ~crc;
        fnv_all += fnv;
    }
    printf("crc32 %08x fnv1a %08x over %zu KiB x %d\n", crc_all, fnv_all, kib, rounds);
    free(buf);
    return 0;
}
