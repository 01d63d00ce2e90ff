/* Allocation-heavy work: a chained hash table of strings, a growing realloc'd
 * array, frees in a scattered order, calloc, a large (mmap-sized) block and
 * posix_memalign. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *key;
    long value;
    struct entry *next;
};

struct table {
    struct entry **buckets;
    size_t nbuckets, count;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static void grow(struct table *t)
{
    size_t n = t->nbuckets ? t->nbuckets * 2 : 16;
    struct entry **b = calloc(n, sizeof *b);
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct entry *e = t->buckets[i];
        while (e) {
            struct entry *next = e->next;
            size_t j = hash(e->key) % n;
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

static void put(struct table *t, const char *key, long value)
{
    if (t->count >= t->nbuckets * 3 / 4)
        grow(t);
    size_t i = hash(key) % t->nbuckets;
    for (struct entry *e = t->buckets[i]; e; e = e->next)
        if (strcmp(e->key, key) == 0) {
            e->value = value;
            return;
        }
    struct entry *e = malloc(sizeof *e);
    e->key = strdup(key);
    e->value = value;
    e->next = t->buckets[i];
    t->buckets[i] = e;
    t->count++;
}

static struct entry *get(struct table *t, const char *key)
{
    for (struct entry *e = t->buckets[hash(key) % t->nbuckets]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static int del(struct table *t, const char *key)
{
    struct entry **p = &t->buckets[hash(key) % t->nbuckets];
    for (; *p; p = &(*p)->next)
        if (strcmp((*p)->key, key) == 0) {
            struct entry *e = *p;
            *p = e->next;
            free(e->key);
            free(e);
            t->count--;
            return 1;
        }
    return 0;
}

int main(void)
{
    struct table t = {0};
    char key[32];
    for (long i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "key-%ld", i * 7919 % 20000);
        put(&t, key, i);
    }
    printf("count=%zu buckets=%zu\n", t.count, t.nbuckets);
    int removed = 0;
    for (long i = 0; i < 20000; i += 3) {
        snprintf(key, sizeof key, "key-%ld", i);
        removed += del(&t, key);
    }
    printf("removed=%d count=%zu\n", removed, t.count);
    long sum = 0, found = 0;
    for (long i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "key-%ld", i);
        struct entry *e = get(&t, key);
        if (e) {
            found++;
            sum += e->value;
        }
    }
    printf("found=%ld sum=%ld\n", found, sum);
    for (size_t i = 0; i < t.nbuckets; i++)
        while (t.buckets[i])
            del(&t, t.buckets[i]->key);
    free(t.buckets);
    printf("emptied: count=%zu\n", t.count);

    /* realloc growth, keeping the contents */
    size_t cap = 1, len = 0;
    uint32_t *arr = malloc(cap * sizeof *arr);
    for (uint32_t i = 0; i < 100000; i++) {
        if (len == cap) {
            cap = cap * 3 / 2 + 1;
            arr = realloc(arr, cap * sizeof *arr);
        }
        arr[len++] = i * 2654435761u;
    }
    uint32_t x = 0;
    for (size_t i = 0; i < len; i++)
        x ^= arr[i] + (uint32_t)i;
    arr = realloc(arr, 10 * sizeof *arr);
    printf("realloc array xor=%08x first=%u last-kept=%u\n", x, arr[0], arr[9]);
    free(arr);

    /* many small blocks freed in a scattered order */
    void *blocks[4096];
    for (int i = 0; i < 4096; i++) {
        blocks[i] = malloc((size_t)(i % 97) * 8 + 1);
        memset(blocks[i], i & 0xff, (size_t)(i % 97) * 8 + 1);
    }
    int intact = 1;
    for (int i = 0; i < 4096; i++) {
        int j = (i * 1031) % 4096;
        if (((unsigned char *)blocks[j])[0] != (j & 0xff))
            intact = 0;
        free(blocks[j]);
    }
    printf("small blocks intact: %s\n", intact ? "yes" : "no");

    unsigned char *z = calloc(1 << 16, 1);
    int zero = 1;
    for (int i = 0; i < 1 << 16; i++)
        zero &= z[i] == 0;
    free(z);
    printf("calloc memory is zeroed: %s\n", zero ? "yes" : "no");

    size_t big = 8u << 20;
    unsigned char *p = malloc(big);
    for (size_t i = 0; i < big; i += 4096)
        p[i] = (unsigned char)(i >> 12);
    unsigned long s = 0;
    for (size_t i = 0; i < big; i += 4096)
        s += p[i];
    free(p);
    printf("8 MiB block page sum=%lu\n", s);

    void *aligned = NULL;
    int rc = posix_memalign(&aligned, 4096, 12345);
    printf("posix_memalign rc=%d aligned=%s\n", rc, ((uintptr_t)aligned & 4095) == 0 ? "yes" : "no");
    free(aligned);
    return 0;
}
