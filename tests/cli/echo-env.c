/* Prints its arguments and the FOO and PATH variables, then calls an unknown system call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    const char *foo = getenv("FOO"), *path = getenv("PATH");
    printf("FOO=%s PATH=%s\n", foo ? foo : "(unset)", path ? path : "(unset)");
    long r = syscall(999, 1, 2, 3);
    printf("syscall 999 -> %ld errno=%s\n", r, errno == ENOSYS ? "ENOSYS" : "other");
    return 0;
}
