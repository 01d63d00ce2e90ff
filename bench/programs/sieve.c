/* Sieve of Eratosthenes up to N (argv[1]), repeated R times (argv[2]):
 * byte-array stores and strided loops. Prints the prime count and a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    unsigned char *composite = malloc((size_t)n + 1);
    long count = 0;
    uint64_t check = 0;
    for (int r = 0; r < rounds; r++) {
        memset(composite, 0, (size_t)n + 1);
        for (long i = 2; i * i <= n; i++)
            if (!composite[i])
                for (long j = i * i; j <= n; j += i)
                    composite[j] = 1;
        count = 0;
        check = 0;
        for (long i = 2; i <= n; i++)
            if (!composite[i]) {
                count++;
                check = check * 31 + (uint64_t)i;
            }
    }
    printf("primes<=%ld: %ld checksum %016llx\n", n, count, (unsigned long long)check);
    free(composite);
    return 0;
}
