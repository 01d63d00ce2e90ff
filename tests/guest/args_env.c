/* Echo argv and the environment (sorted) so argument and env passing can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=\"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");

    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **sorted = malloc((n + 1) * sizeof *sorted);
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_string);
    printf("%zu environment entries\n", n);
    for (size_t i = 0; i < n; i++)
        printf("env: %s\n", sorted[i]);
    free(sorted);

    const char *tv = getenv("TV_TEST");
    printf("TV_TEST=%s\n", tv ? tv : "(unset)");
    printf("NO_SUCH_VARIABLE is %s\n", getenv("NO_SUCH_VARIABLE") ? "set" : "unset");
    setenv("TV_ADDED", "yes", 1);
    printf("after setenv TV_ADDED=%s\n", getenv("TV_ADDED"));
    return 0;
}
