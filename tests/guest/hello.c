/* The smallest guest: stdio to stdout and stderr, a raw write(2), exit 0. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    printf("hello from a RISC-V guest\n");
    puts("puts adds its own newline");
    const char raw[] = "raw write(2) to fd 1\n";
    if (write(STDOUT_FILENO, raw, strlen(raw)) != (ssize_t)strlen(raw))
        return 1;
    fprintf(stderr, "this line goes to stderr\n");
    return 0;
}
