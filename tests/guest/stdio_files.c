/* Buffered stdio on files: fopen modes, fprintf/fscanf, fgets, fseek/ftell,
 * ungetc, binary fread/fwrite, tmpfile, setvbuf, and errors reported via
 * perror/strerror. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/tv-stdio-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[64];
    snprintf(path, sizeof path, "%s/numbers.txt", dir);

    FILE *f = fopen(path, "w");
    setvbuf(f, NULL, _IOFBF, 64); /* a tiny buffer forces many flushes */
    for (int i = 1; i <= 50; i++)
        fprintf(f, "%d %s %.2f\n", i, i % 2 ? "odd" : "even", i / 7.0);
    fclose(f);

    f = fopen(path, "r");
    int n, count = 0;
    char word[16];
    double x, total = 0;
    while (fscanf(f, "%d %15s %lf", &n, word, &x) == 3) {
        count++;
        total += x;
    }
    printf("fscanf read %d records, total %.2f, last word %s\n", count, total, word);
    rewind(f);
    char line[64];
    fgets(line, sizeof line, f);
    fgets(line, sizeof line, f);
    printf("second line: %s", line);
    printf("ftell after two lines: %ld\n", ftell(f));
    fseek(f, -12, SEEK_END);
    fgets(line, sizeof line, f);
    printf("12 bytes from the end: %s", line);
    int c = fgetc(f);
    printf("at EOF: fgetc=%d feof=%d\n", c, feof(f) != 0);
    clearerr(f);
    fseek(f, 0, SEEK_SET);
    c = fgetc(f);
    ungetc('X', f);
    printf("ungetc: first char %c, then %c", c, fgetc(f));
    printf("%c\n", fgetc(f));
    fclose(f);

    f = fopen(path, "a+");
    fputs("appended\n", f);
    fseek(f, 0, SEEK_END);
    printf("size after append: %ld\n", ftell(f));
    fclose(f);

    FILE *t = tmpfile();
    double values[5] = {1.5, -2.25, 1e100, 0.0, 3.0};
    fwrite(values, sizeof values[0], 5, t);
    rewind(t);
    double back[5] = {0};
    size_t got = fread(back, sizeof back[0], 5, t);
    printf("binary round trip: %zu items, equal=%d\n", got, memcmp(values, back, sizeof values) == 0);
    fclose(t);

    errno = 0;
    FILE *missing = fopen("/nonexistent-dir/file", "r");
    printf("fopen of a missing path: %s, errno: %s\n", missing ? "opened?" : "NULL", strerror(errno));
    errno = ENOENT;
    perror("perror says");

    remove(path);
    rmdir(dir);
    fprintf(stderr, "done; this line went to stderr\n");
    return 0;
}
