/* qsort and bsearch, plus the string and conversion functions of libc. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    enum { N = 5000 };
    static int v[N];
    uint32_t seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (int)(seed >> 8) % 100000 - 50000;
    }
    qsort(v, N, sizeof v[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++)
        sorted &= v[i - 1] <= v[i];
    printf("sorted=%d min=%d median=%d max=%d\n", sorted, v[0], v[N / 2], v[N - 1]);
    int key = v[1234];
    int *hit = bsearch(&key, v, N, sizeof v[0], cmp_int);
    printf("bsearch found %d: %s\n", key, hit && *hit == key ? "yes" : "no");

    char *words[] = {"pear", "apple", "fig", "banana", "cherry", "apricot", "Zucchini", "date"};
    size_t nw = sizeof words / sizeof words[0];
    qsort(words, nw, sizeof words[0], cmp_str);
    for (size_t i = 0; i < nw; i++)
        printf("%s%s", words[i], i + 1 < nw ? " " : "\n");

    char line[] = "  the quick,brown fox;jumps  over,,the lazy dog ";
    printf("tokens:");
    for (char *save, *tok = strtok_r(line, " ,;", &save); tok; tok = strtok_r(NULL, " ,;", &save))
        printf(" [%s]", tok);
    printf("\n");

    const char *hay = "find the needle in the haystack";
    printf("strstr: \"%s\"\n", strstr(hay, "needle"));
    printf("strchr 'h' at %ld, strrchr 'h' at %ld\n", (long)(strchr(hay, 'h') - hay), (long)(strrchr(hay, 'h') - hay));
    printf("strspn=%zu strcspn=%zu strlen=%zu\n", strspn(hay, "fined "), strcspn(hay, "xyz"), strlen(hay));
    printf("strcasecmp(\"HeLLo\", \"hello\")=%d strncmp=%d\n", strcasecmp("HeLLo", "hello"), strncmp("abcd", "abce", 3) == 0);
    printf("memcmp sign=%d\n", memcmp("abc", "abd", 3) < 0 ? -1 : 1);

    char buf[32] = "0123456789";
    memmove(buf + 2, buf, 8);
    printf("memmove forward overlap: %s\n", buf);
    memmove(buf, buf + 3, 7);
    printf("memmove backward overlap: %s\n", buf);
    char small[8];
    int would = snprintf(small, sizeof small, "%s-%d", "truncated", 42);
    printf("snprintf truncates to \"%s\" and reports %d\n", small, would);

    char *end;
    printf("strtol(\"  -0x1fZ\", 16)=%ld rest=\"%s\"\n", strtol("  -0x1fZ", &end, 16), end);
    printf("strtol(\"0777\", 0)=%ld strtoul(\"11111111\", 2)=%lu\n", strtol("0777", NULL, 0), strtoul("11111111", NULL, 2));
    printf("strtoll overflow=%lld\n", strtoll("99999999999999999999", NULL, 10));
    printf("strtod(\"6.02214076e23xyz\")=%.10g rest=\"%s\"\n", strtod("6.02214076e23xyz", &end), end);
    printf("atof(\"-0.000125\")=%g atoi(\"  42abc\")=%d\n", atof("-0.000125"), atoi("  42abc"));

    char *dup = strndup("duplicate me please", 12);
    printf("strndup: \"%s\"\n", dup);
    free(dup);
    char cat[40] = "con";
    strncat(cat, "catenation-and-more", 7);
    printf("strncat: \"%s\"\n", cat);
    return 0;
}
