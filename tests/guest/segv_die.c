/* Dies of an uncaught SIGSEGV: the emulator must exit with 128+11 = 139. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    printf("about to dereference a bad pointer\n");
    fflush(stdout);
    fprintf(stderr, "stderr before the crash\n");
    int *volatile bad = (int *)(uintptr_t)0x8;
    *bad = 1;
    printf("still alive?\n");
    return 0;
}
