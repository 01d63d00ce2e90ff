/* Dies of SIGABRT (exit status 134), either from abort() or from a failed
 * assert() whose message glibc writes to stderr first. argv[1] picks which. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "abort";
    printf("mode %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "assert") == 0) {
        volatile int two = 2;
        assert(two + two == 5);
    }
    abort();
}
