/* A JSON-like tokenizer and tiny evaluator over a generated document of N
 * records (argv[1]), parsed R times (argv[2]): character classification,
 * branches, string compares, integer parsing. Prints token counts and a sum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { LBRACE, RBRACE, LBRACKET, RBRACKET, COLON, COMMA, STRING, NUMBER, TRUE_, FALSE_, NULL_, END, ERROR };

struct lexer {
    const char *p;
};

static enum kind next(struct lexer *lx, const char **start, size_t *len, int64_t *number)
{
    const char *p = lx->p;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    *start = p;
    enum kind k;
    switch (*p) {
    case '\0': k = END; break;
    case '{': k = LBRACE; p++; break;
    case '}': k = RBRACE; p++; break;
    case '[': k = LBRACKET; p++; break;
    case ']': k = RBRACKET; p++; break;
    case ':': k = COLON; p++; break;
    case ',': k = COMMA; p++; break;
    case '"':
        p++;
        *start = p;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1])
                p++;
            p++;
        }
        *len = (size_t)(p - *start);
        if (*p == '"')
            p++;
        k = STRING;
        break;
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            int neg = *p == '-';
            if (neg)
                p++;
            int64_t v = 0;
            while (*p >= '0' && *p <= '9')
                v = v * 10 + (*p++ - '0');
            *number = neg ? -v : v;
            k = NUMBER;
        } else if (strncmp(p, "true", 4) == 0) {
            k = TRUE_;
            p += 4;
        } else if (strncmp(p, "false", 5) == 0) {
            k = FALSE_;
            p += 5;
        } else if (strncmp(p, "null", 4) == 0) {
            k = NULL_;
            p += 4;
        } else {
            k = ERROR;
            p++;
        }
    }
    lx->p = p;
    return k;
}

int main(int argc, char **argv)
{
    int records = argc > 1 ? atoi(argv[1]) : 20000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    size_t cap = (size_t)records * 160 + 16, len = 0;
    char *doc = malloc(cap);
    len += (size_t)sprintf(doc + len, "[");
    for (int i = 0; i < records; i++)
        len += (size_t)sprintf(doc + len, "%s{\"id\": %d, \"name\": \"item-%d\", \"price\": %d, \"tags\": [\"a\", \"b\\\"c\"], "
                                          "\"active\": %s, \"parent\": null}\n",
                               i ? "," : "", i, i * 7, (i * 37) % 1000 - 200, i % 3 ? "true" : "false");
    len += (size_t)sprintf(doc + len, "]");

    long counts[ERROR + 1] = {0};
    int64_t price_sum = 0;
    uint32_t name_hash = 0;
    for (int r = 0; r < rounds; r++) {
        memset(counts, 0, sizeof counts);
        price_sum = 0;
        name_hash = 0;
        struct lexer lx = {doc};
        const char *s = NULL;
        size_t slen = 0;
        int64_t num = 0;
        int want_price = 0, want_name = 0;
        for (;;) {
            enum kind k = next(&lx, &s, &slen, &num);
            counts[k]++;
            if (k == END || k == ERROR)
                break;
            if (k == STRING) {
                if (want_name)
                    for (size_t i = 0; i < slen; i++)
                        name_hash = name_hash * 33 + (unsigned char)s[i];
                want_price = slen == 5 && memcmp(s, "price", 5) == 0;
                want_name = slen == 4 && memcmp(s, "name", 4) == 0;
            } else if (k == NUMBER && want_price) {
                price_sum += num;
                want_price = 0;
            } else if (k != COLON) {
                want_price = want_name = 0;
            }
        }
    }
    printf("bytes=%zu strings=%ld numbers=%ld objects=%ld true=%ld false=%ld null=%ld errors=%ld\n", len, counts[STRING],
           counts[NUMBER], counts[LBRACE], counts[TRUE_], counts[FALSE_], counts[NULL_], counts[ERROR]);
    printf("price sum=%lld name hash=%08x\n", (long long)price_sum, name_hash);
    free(doc);
    return 0;
}
