/* Quicksort (hand-written, median of three, insertion sort for small runs)
 * of N pseudo-random 64-bit integers (argv[1]): branches, compares, swaps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void insertion(int64_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        int64_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(int64_t *a, long n)
{
    while (n > 16) {
        long mid = n / 2;
        if (a[mid] < a[0]) { int64_t t = a[mid]; a[mid] = a[0]; a[0] = t; }
        if (a[n - 1] < a[0]) { int64_t t = a[n - 1]; a[n - 1] = a[0]; a[0] = t; }
        if (a[n - 1] < a[mid]) { int64_t t = a[n - 1]; a[n - 1] = a[mid]; a[mid] = t; }
        int64_t pivot = a[mid];
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            int64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* recurse into the smaller half, loop on the larger */
        if (j + 1 < n - j - 1) {
            quicksort(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            quicksort(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    insertion(a, n);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int64_t *a = malloc(sizeof *a * (size_t)n);
    uint64_t s = 0x9e3779b97f4a7c15u;
    for (long i = 0; i < n; i++) {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        a[i] = (int64_t)(s * 2685821657736338717u) >> 8;
    }
    quicksort(a, n);
    uint64_t check = 0;
    long ordered = 1;
    for (long i = 0; i < n; i++) {
        check = check * 1099511628211u + (uint64_t)a[i];
        if (i > 0 && a[i - 1] > a[i])
            ordered = 0;
    }
    printf("sorted %ld values, ordered=%ld, checksum %016llx\n", n, ordered, (unsigned long long)check);
    free(a);
    return 0;
}
