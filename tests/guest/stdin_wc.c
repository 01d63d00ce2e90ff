/* Word count plus an upper-cased copy of stdin, read with getchar. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    long lines = 0, words = 0, bytes = 0, letters[26] = {0};
    int c, in_word = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n')
            lines++;
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
        if (isalpha(c))
            letters[tolower(c) - 'a']++;
        putchar(toupper(c));
    }
    printf("\nlines=%ld words=%ld bytes=%ld\n", lines, words, bytes);
    for (int i = 0; i < 26; i++)
        if (letters[i])
            printf("%c:%ld ", 'a' + i, letters[i]);
    printf("\n");
    return 0;
}
