/* Exit with the status given as argv[1]; an atexit handler must still run. */
#include <stdio.h>
#include <stdlib.h>

static void goodbye(void)
{
    printf("atexit handler ran\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: exit_code STATUS\n");
        return 2;
    }
    atexit(goodbye);
    int status = atoi(argv[1]);
    printf("exiting with %d\n", status);
    exit(status);
}
